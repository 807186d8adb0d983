"""Notes importer: Markdown blocks, front matter, stable ids, and walking a folder of notes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.fragments import Kind
from recall_ls.core.markdown import front_matter
from recall_ls.core.markdown.blocks import Block, block_at_line
from recall_ls.core.markdown.front_matter import parse_front_matter
from recall_ls.core.markdown.splitter import split_blocks
from recall_ls.core.sources import files, notes
from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.sources.notes import fragments_from_text
from tests.helpers import refuse

VAULT = Path(__file__).resolve().parents[1] / "fixtures" / "notes" / "vault"
TRIP = "Journal/2024 trip ✈️ notes.md"


def indexed(text: str) -> list[Block]:
    return [block for block in split_blocks(text) if block.indexed]


def texts(text: str) -> list[str]:
    return [block.text for block in indexed(text)]


# --------------------------------------------------------------------------------------------
# split_blocks


def test_front_matter_is_not_text_and_lines_count_it():
    text = "---\ntitle: T\ntags: [a]\n---\nFirst paragraph.\n\nSecond\nparagraph.\n"
    blocks = indexed(text)
    assert [(b.text, b.line_start, b.line_end) for b in blocks] == [
        ("First paragraph.", 5, 5),
        ("Second\nparagraph.", 7, 8),
    ]


def test_headings_form_the_path_and_are_not_fragments():
    text = "# Top\n\nintro\n\n## A\n\nunder a\n\n### A1\n\ndeep\n\n## B\n\nunder b\n\nSetext\n======\n\nlast\n"
    blocks = split_blocks(text)
    assert [(b.kind, b.text, b.heading_path) for b in blocks] == [
        ("heading", "Top", ()),
        ("paragraph", "intro", ("Top",)),
        ("heading", "A", ("Top",)),
        ("paragraph", "under a", ("Top", "A")),
        ("heading", "A1", ("Top", "A")),
        ("paragraph", "deep", ("Top", "A", "A1")),
        ("heading", "B", ("Top",)),
        ("paragraph", "under b", ("Top", "B")),
        ("heading", "Setext", ()),
        ("paragraph", "last", ("Setext",)),
    ]
    assert not any(b.indexed for b in blocks if b.kind == "heading")


def test_inline_cleanup():
    text = (
        "See [[Target Note|the alias]] and [[Plain Note]] ![[embedded.png]] ![alt](img.png) "
        "[a link](https://example.org) *em* **strong** ~~gone~~ `code_here` <span>x</span>.\n"
    )
    assert texts(text) == ["See the alias and Plain Note a link em strong gone code_here x."]


def test_inline_math_is_kept_verbatim():
    text = "Ratio $a_1 * b_2 \\{x\\}$ and $c_1*d$ stays; prices $5 and $10 are text.\n"
    assert texts(text) == ["Ratio $a_1 * b_2 \\{x\\}$ and $c_1*d$ stays; prices $5 and $10 are text."]


def test_display_math_blocks_are_dropped_and_split_prose():
    text = (
        "Before the formula\n$$\nx = \\frac{1}{2}\n- not a list\n$$\nafter the formula.\n\n"
        "$$ y = 2 $$\n\n"
        "Inline opener$$\nz_{n}\n$$then prose.\n\n"
        "Literal `$$` in code stays.\n"
    )
    assert texts(text) == ["Before the formula", "after the formula.", "Inline opener", "then prose.", "Literal $$ in code stays."]


def test_unclosed_display_math_does_not_swallow_the_note():
    text = "A typo $$ here.\n\nNext paragraph with $$closing$$ later.\n"
    assert texts(text) == ["A typo $$ here.", "Next paragraph with later."]


def test_code_html_tables_and_rules_are_not_indexed():
    text = (
        "Intro.\n\n```python\n$$\nprint('code')\n```\n\n    indented code\n\n<div>\nhtml block\n</div>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\nOutro.\n"
    )
    blocks = split_blocks(text)
    assert [b.text for b in blocks if b.indexed] == ["Intro.", "Outro."]
    assert [(b.kind, b.text, b.line_start, b.line_end) for b in blocks if not b.indexed] == [("table", "a | b\n1 | 2", 14, 16)]


def test_list_items_hold_their_nested_items_once():
    text = "- top one\n  continued\n  - nested a\n    - deeper\n  - nested b\n- top two\n\n1. first\n2. [x] done task\n"
    blocks = indexed(text)
    assert [(b.kind, b.text, b.line_start, b.line_end) for b in blocks] == [
        ("list_item", "top one\ncontinued\nnested a\ndeeper\nnested b", 1, 5),
        ("list_item", "top two", 6, 6),
        ("list_item", "first", 8, 8),
        ("list_item", "done task", 9, 9),
    ]


def test_loose_list_items_end_before_the_blank_lines():
    text = "- a\n\n  more a\n\n\n- b\n\n\nafter\n"
    assert [(b.text, b.line_start, b.line_end) for b in indexed(text)] == [("a\nmore a", 1, 3), ("b", 6, 6), ("after", 9, 9)]


def test_callouts_and_quotes():
    text = (
        "> [!note]- Folded title\n> body line\n\n"
        "> [!tip]\n> only body\n> $$\n> a^2\n> $$\n> after math\n\n"
        "> plain quote\n>\n> second quote paragraph\n"
    )
    assert [(b.kind, b.text, b.line_start) for b in indexed(text)] == [
        ("quote", "Folded title\nbody line", 1),
        ("quote", "only body", 4),
        ("quote", "after math", 9),
        ("quote", "plain quote", 11),
        ("quote", "second quote paragraph", 13),
    ]


def test_comments_footnotes_and_block_ids():
    text = "Visible %%hidden%% text.[^1] ^anchor-1\n\n%%\nmulti-line\ncomment\n%%\n\n[^1]: The note.\n"
    assert texts(text) == ["Visible text.", "The note."]


def test_embed_only_paragraph_is_dropped():
    assert split_blocks("![[diagram.png]]\n\n![](x.png)\n") == []


def test_crlf_and_bom():
    text = "\ufeff---\r\ntitle: X\r\n---\r\nLine one\r\nline two\r\n\r\nThird\r\n"
    assert [(b.text, b.line_start, b.line_end) for b in indexed(text)] == [("Line one\nline two", 4, 5), ("Third", 7, 7)]
    assert parse_front_matter(text) == ({"title": "X"}, 4)
    assert texts("\ufeffNo front matter.\n") == ["No front matter."]


def test_unclosed_front_matter_is_not_front_matter():
    # Without its closing line the block is just a rule and text, as editors show it.
    assert texts("---\ntitle: x\n\nBody.\n") == ["title: x", "Body."]


def test_plain_text_mode():
    text = "# not a heading\n    not code\n\n<b>not html</b>\n"
    assert [(b.text, b.line_start, b.line_end) for b in split_blocks(text, markdown=False)] == [
        ("# not a heading\nnot code", 1, 2),
        ("<b>not html</b>", 4, 4),
    ]


# --------------------------------------------------------------------------------------------
# block_at_line


BLOCK_TEXT = "# Title\n\nFirst para\nstill first\n\n```\ncode\n```\n\n- item\n  - nested\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [(1, "Title"), (2, None), (3, "First para\nstill first"), (4, "First para\nstill first"), (5, None),
     (7, None), (10, "item\nnested"), (11, "item\nnested"), (12, None), (0, None), (99, None)],
)
def test_block_at_line(line, expected):
    block = block_at_line(split_blocks(BLOCK_TEXT), line)
    assert (block.text if block else None) == expected


def test_block_at_line_lookback():
    blocks = split_blocks(BLOCK_TEXT)
    assert block_at_line(blocks, 5, lookback=1).text == "First para\nstill first"
    assert block_at_line(blocks, 6, lookback=1) is None
    assert block_at_line([], 1) is None


# --------------------------------------------------------------------------------------------
# Front matter


def test_front_matter_variants():
    front, body = parse_front_matter("---\nTitle: \"[[Note|Shown]]\"\nTags: a, b c\nDate: 2024-05-06\n---\nbody\n")
    assert body == 6
    assert front["Title"] == "[[Note|Shown]]"
    assert front_matter.front_matter_tags(front) == ["a", "b", "c"]
    assert front_matter.front_matter_tags({"tags": ["#x", ["y"], None, "[[z]]"]}) == ["x", "y", "z"]
    assert parse_front_matter("no front matter\n") == ({}, 1)
    assert parse_front_matter("---\n---\nbody") == ({}, 3)


def test_front_matter_errors_are_problems_not_failures():
    problems: list[str] = []
    assert parse_front_matter("---\ntitle: [unclosed\n---\nbody\n", problems) == ({"title": "[unclosed"}, 4)
    assert problems == ["front matter read line by line: invalid YAML at line 3: did not find expected ',' or ']'"]
    problems.clear()
    assert parse_front_matter("---\n[unclosed\n---\nbody\n", problems) == ({}, 4)
    assert problems[0].startswith("front matter ignored: invalid YAML")
    problems.clear()
    assert parse_front_matter("---\n- just\n- a list\n---\n", problems) == ({}, 5)
    assert problems == ["front matter ignored: not a mapping of keys to values"]
    problems.clear()
    assert parse_front_matter("+++\ntitle = \n+++\n", problems)[0] == {}
    assert len(problems) == 1


# Shapes from a real Obsidian vault that strict YAML rejects but every note app reads.
LENIENT_FRONT_MATTER = """---
title: 10 Year Vision: Write of Passage
alias: {{title}}
type: [[Reference Note]] for later
created: 2021-03-04
tags:
  - vision
  - "writing"
---
Where I want to be in ten years.
"""


def test_front_matter_that_strict_yaml_rejects_is_read_as_note_apps_read_it():
    problems: list[str] = []
    front, body = parse_front_matter(LENIENT_FRONT_MATTER, problems)
    assert front == {
        "title": "10 Year Vision: Write of Passage",
        "alias": "{{title}}",
        "type": "[[Reference Note]] for later",
        "created": "2021-03-04",
        "tags": ["vision", "writing"],
    }
    assert body == 10
    assert len(problems) == 1 and problems[0].startswith("front matter read line by line: invalid YAML at line 2")
    (fragment,), warnings = fragments_from_text(LENIENT_FRONT_MATTER, "/v/vision.md", "/v", "vision.md")
    assert fragment.title == "10 Year Vision: Write of Passage"
    assert fragment.created_at == "2021-03-04T00:00:00+00:00"
    assert fragment.meta["tags"] == ["vision", "writing"]
    assert warnings == problems


def test_a_note_with_lenient_front_matter_is_a_warning_not_an_error(tmp_path):
    (tmp_path / "vision.md").write_text(LENIENT_FRONT_MATTER, encoding="utf-8")
    report = notes.read(tmp_path)
    assert report.errors == []
    assert [Path(w.path).name for w in report.warnings] == ["vision.md"]
    assert len(report.fragments) == 1


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023-05-30", "2023-05-30T00:00:00+00:00"),
        ("2023-05-30 10:20", "2023-05-30T10:20:00+00:00"),
        ("2023-05-30T10:20:00+02:00", "2023-05-30T08:20:00+00:00"),
        ("2023/05/30", "2023-05-30T00:00:00+00:00"),
        ("last tuesday", None),
        (12, None),
    ],
)
def test_iso_date(value, iso):
    assert front_matter.iso_date(value) == iso


def test_yaml_dates_are_midnight_utc():
    fragments, _ = fragments_from_text("---\ncreated: 2023-05-30\n---\nx\n", "/v/a.md", "/v", "a.md")
    assert fragments[0].created_at == "2023-05-30T00:00:00+00:00"


# --------------------------------------------------------------------------------------------
# Fragments and ids


def test_fragment_fields():
    text = "---\ntitle: My [[Page|Title]]\ndate: 2024-01-02\ntags: [one, two]\n---\n## Part\n\nSome words here.\n"
    (fragment,), problems = fragments_from_text(text, "/v/dir/page.md", "/v", "dir/page.md", mtime="2024-02-02T00:00:00+00:00")
    assert problems == []
    assert fragment.kind == Kind.NOTE
    assert fragment.id.startswith("note:dir/page.md#")
    assert fragment.path == "/v/dir/page.md" and fragment.source == "/v"
    assert (fragment.line_start, fragment.line_end) == (8, 8)
    assert fragment.title == "My Title"
    assert fragment.created_at == "2024-01-02T00:00:00+00:00"
    assert fragment.meta == {
        "heading_path": ["Part"],
        "tags": ["one", "two"],
        "block_kind": "paragraph",
        "words": 3,
        "mtime": "2024-02-02T00:00:00+00:00",
    }


def test_title_falls_back_to_first_h1_then_file_stem():
    assert fragments_from_text("## Sub\n\n# Main\n\nx\n", "/v/a.md", "/v", "d/a b.md")[0][0].title == "Main"
    assert fragments_from_text("## Sub\n\nx\n", "/v/a.md", "/v", "d/a b.md")[0][0].title == "a b"
    fragment = fragments_from_text("x\n", "/v/a.md", "/v", "a.md")[0][0]
    assert fragment.created_at is None and "mtime" not in fragment.meta


def test_ids_survive_a_paragraph_inserted_above():
    before = "# H\n\nAlpha paragraph.\n\nBeta paragraph.\n"
    after = "# H\n\nA brand new paragraph.\n\nAlpha paragraph.\n\nBeta paragraph.\n"
    ids_before = {f.text: f.id for f in fragments_from_text(before, "/v/n.md", "/v", "n.md")[0]}
    ids_after = {f.text: f.id for f in fragments_from_text(after, "/v/n.md", "/v", "n.md")[0]}
    assert ids_after["Alpha paragraph."] == ids_before["Alpha paragraph."]
    assert ids_after["Beta paragraph."] == ids_before["Beta paragraph."]
    assert len(set(ids_after.values())) == 3


def test_duplicates_get_an_occurrence_counter_and_headings_change_ids():
    text = "Same words.\n\nSame words.\n\n# Other\n\nSame words.\n"
    ids = [f.id for f in fragments_from_text(text, "/v/n.md", "/v", "n.md")[0]]
    assert ids[1] == ids[0] + "-2"
    assert ids[2] != ids[0] and not ids[2].endswith("-2")
    assert len(set(ids)) == 3


def test_txt_notes_are_plain_text():
    fragments, _ = fragments_from_text("    indented words\n", "/v/a.txt", "/v", "a.txt")
    assert [f.text for f in fragments] == ["indented words"]


# --------------------------------------------------------------------------------------------
# Reading folders and files


def test_read_fixture_vault():
    report = notes.read(VAULT, ImportOptions(exclude=("drafts/**",)))
    assert report.kind == "notes"
    read = sorted(Path(state.path).relative_to(VAULT).as_posix() for state in report.files)
    assert read == sorted(["index.md", "image-only.md", TRIP, "Journal/plain.txt", "Reference/broken yaml.md",
                           "Reference/toml note.markdown"])
    assert report.skipped == {"excluded": 1}
    assert [Path(p.path).name for p in report.skipped_files] == ["secret.md"]
    assert report.errors == []
    assert [(Path(w.path).name, w.message) for w in report.warnings] == [
        ("broken yaml.md", "front matter read line by line: invalid YAML at line 3: did not find expected ',' or ']'")
    ]
    by_file: dict[str, list] = {}
    for fragment in report.fragments:
        by_file.setdefault(Path(fragment.path).relative_to(VAULT).as_posix(), []).append(fragment)
    assert {name: len(items) for name, items in by_file.items()} == {
        "index.md": 13, TRIP: 3, "Journal/plain.txt": 2, "Reference/broken yaml.md": 1, "Reference/toml note.markdown": 1,
    }
    assert len({f.id for f in report.fragments}) == len(report.fragments)


def test_fixture_index_note_content():
    report = notes.read(VAULT / "index.md")
    joined = "\n".join(f.text for f in report.fragments)
    for absent in ("$$", "\\frac", "code fences", "indented code", "html blocks", "grain", "private comment",
                   "garden/meta", "[[", "![", "](", "**", "^closing", "[!note]"):
        assert absent not in joined, absent
    first = report.fragments[0]
    assert first.title == "Garden Index"
    assert first.meta["tags"] == ["garden/meta", "writing"]
    assert first.text.startswith("This garden collects notes about baking and Compost.")
    assert first.line_start == 12  # front matter lines count


def test_file_names_with_spaces_and_emoji():
    fragments = notes.read(VAULT / TRIP).fragments
    assert [f.id.split("#")[0] for f in fragments] == [f"note:{Path(TRIP).name}"] * 3
    assert fragments[0].title == "Trip to the Coast"
    assert fragments[0].created_at == "2024-06-01T09:30:00+00:00"
    assert fragments[0].meta["tags"] == ["travel", "food", "coast"]
    # The same paragraph twice under no heading, then under a heading: three distinct ids.
    assert fragments[1].id == fragments[0].id + "-2" and fragments[2].id != fragments[0].id


def test_relative_ids_from_the_folder_root():
    report = notes.read(VAULT)
    assert any(f.id.startswith(f"note:{TRIP}#") for f in report.fragments)


@pytest.fixture
def messy_vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(VAULT, root)
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "README.md").write_text("a dependency's readme\n")
    (root / ".git").mkdir()
    (root / ".git" / "notes.md").write_text("not a note\n")
    (root / "binary.md").write_bytes(b"looks like text\0but has a NUL\n")
    (root / "latin1.md").write_bytes(b"ok start\ncaf\xe9 au lait\n")
    (root / "huge.md").write_bytes(b"word " * 1000)
    (root / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (root / "loop").mkdir()
    (root / "loop" / "inside.md").write_text("Inside the loop folder.\n")
    os.symlink(root, root / "loop" / "back-to-root")
    os.symlink(root / "Journal", root / "journal-link")
    return root


def test_read_messy_vault(messy_vault: Path):
    options = ImportOptions(exclude=("drafts/**",), max_file_bytes=4000)
    report = notes.read(messy_vault, options)
    assert report.skipped == {
        "excluded": 1, "binary": 1, "not utf-8": 1, "larger than 4 KB": 1, "symlink loop": 1, "already read": 1,
    }
    skipped = {Path(p.path).relative_to(messy_vault).as_posix(): p.message for p in report.skipped_files}
    assert skipped == {
        "binary.md": "binary", "latin1.md": "not utf-8", "huge.md": "larger than 4 KB", "drafts/secret.md": "excluded",
        "loop/back-to-root": "symlink loop", "journal-link": "already read",
    }
    assert any(e.path.endswith("latin1.md") and e.message == "not valid UTF-8 at byte 12" for e in report.errors)
    read = {Path(s.path).relative_to(messy_vault).as_posix() for s in report.files}
    assert "loop/inside.md" in read
    assert not any(part in name for name in read for part in ("node_modules", ".git", ".trash", ".hidden"))
    assert len(report.files) == 7


def test_too_large_reason_groups_by_limit():
    assert notes.too_large_reason(2_000_000) == "larger than 2.0 MB"
    assert notes.too_large_reason(4_000) == "larger than 4 KB"
    assert notes.too_large_reason(10) == "larger than 10 bytes"


def test_unlistable_folder_is_an_error_and_the_walk_goes_on(messy_vault: Path, monkeypatch):
    locked = str(messy_vault / "Journal")
    refuse(monkeypatch, notes.os, "scandir", locked)
    report = notes.read(messy_vault)
    assert [(e.path, e.message) for e in report.errors if "folder" in e.message] == [
        (locked, "cannot list folder: Permission denied")
    ]
    assert any(f.path.endswith("index.md") for f in report.fragments)


def test_read_file_for_a_changed_note(tmp_path: Path):
    note = tmp_path / "sub" / "n.md"
    note.parent.mkdir()
    note.write_text("First version.\n")
    first = notes.read_file(note, tmp_path)
    note.write_text("New paragraph on top.\n\nFirst version.\n")
    second = notes.read_file(note, tmp_path)
    assert first.skipped is None and second.skipped is None
    assert first.state is not None and first.state.path == str(note)
    assert first.fragments[0].id in {f.id for f in second.fragments}
    assert first.fragments[0].meta["mtime"].endswith("+00:00")
    assert notes.read_file(tmp_path / ".obsidian" / "x.md", tmp_path).skipped == "ignored"
    assert notes.read_file(note, tmp_path, ImportOptions(exclude=("sub",))).skipped == "excluded"
    missing = notes.read_file(tmp_path / "gone.md", tmp_path)
    assert missing.skipped == "unreadable" and "cannot read" in missing.problems[0].message


@pytest.mark.parametrize(
    ("relative", "expected"),
    [("a.md", True), ("d/b.markdown", True), ("c.TXT", True), ("x.png", False), (".trash/a.md", False),
     ("node_modules/p/a.md", False), ("d/.hidden.md", False)],
)
def test_is_note_path(relative, expected):
    assert files.is_note_path(relative) is expected


def test_single_file_missing_path_and_dispatch(tmp_path: Path):
    assert [f.text for f in notes.read(VAULT / "Journal" / "plain.txt").fragments] == [
        "A plain text note without any front matter.\nIt spans two lines.",
        "Another paragraph in the text file.",
    ]
    assert [e.message for e in notes.read(tmp_path / "nope").errors] == ["does not exist"]
    assert sources.detect(VAULT) == sources.NOTES
    assert len(sources.read(VAULT).fragments) == len(notes.read(VAULT).fragments)


def test_body_metadata_lines_are_tags_not_text():
    text = (
        "---\ntags: [front]\n---\n#stub #math/algebra\nProse stays.\ntags: #body/tag\nparent: [[Up|up]]\n"
        "status:: draft\n\nSee: [[Other]]\n\n```\ntags: #in-code\n```\n"
    )
    fragments, _ = fragments_from_text(text, "/v/n.md", "/v", "n.md")
    assert [f.text for f in fragments] == ["Prose stays.", "See: Other"]
    assert fragments[0].meta["tags"] == ["front", "stub", "math/algebra", "body/tag"]


def test_callout_edge_cases():
    text = (
        "> [!example]+\n> Most men had beards.\n> ---\n> So did he.\n\n"
        "> [!example]\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    )
    assert [(b.text, b.line_start) for b in indexed(text)] == [("Most men had beards.", 1), ("So did he.", 4)]


def test_every_skip_reason_an_importer_gives_is_explained():
    from recall_ls.core.sources import skips

    reasons = {value for name, value in vars(skips).items() if name.isupper() and isinstance(value, str)}
    assert reasons == set(skips.EXPLANATIONS)
    assert all(skips.explain(reason) for reason in reasons)
