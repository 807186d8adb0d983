"""A note parsed stretch by stretch gives exactly the blocks of the note parsed whole.

The oracle is the same parser run over the whole note in one piece (``cut_points`` finding no
cut). Compared: every block's text, lines, heading path and kind, the first H1 and body tags, on
hand-written tricky notes, on thousands of notes shuffled together from Markdown pieces that span
blank lines, on the test fixtures and on a real vault.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from recall_ls.core.markdown import splitter
from recall_ls.core.markdown.cleanup import may_vanish
from recall_ls.core.markdown.front_matter import note_lines
from recall_ls.core.markdown.stretches import cut_points
from tests.conftest import CORPORA, ROOT

PIECES = [
    "# Title",
    "## Section two",
    "Setext heading\n==============",
    "A plain paragraph\nthat runs over two lines.",
    "- item one\n- item two\n  continued",
    "- loose item\n\n- another loose item",
    "1. first\n\n2. second\n\n   indented paragraph of the second",
    "> a quote\n> that goes on",
    "> [!note] A callout\n> with a body",
    "```\ncode\n\nnot a paragraph\n\n```",
    "~~~~ python\n# not a heading\n\ntext in code\n~~~~",
    "```js\nunclosed code till the end",
    "<!-- a comment\n\nspanning blank lines\n\n-->",
    "<pre>\npreformatted\n\nstill pre\n</pre>",
    "<div>\nhtml block\n</div>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "    indented code\n\n    more code",
    "$$\nx = 1\n\ny = 2\n$$",
    "%% an Obsidian comment\n\nstill comment %%",
    "Text with $inline$ math and `code` and [[a link|alias]].",
    "tags: #alpha #beta",
    "---",
    "Term paragraph\n---",
    "* star item\n\n  nested paragraph\n\n  * nested item",
    "A paragraph with a [reference][ref].",
    "[ref]: https://example.com",
    "Footnote use[^1].",
    "[^1]: the footnote",
    "  - an indented item\n\n    ```\n    fenced in the item\n\nnot code any more\n    ```",
    "\u00a0",
    "\t tabbed line",
    "    ```\n    indented fence look-alike\n\ntags: #after",
    "> ```\n> quoted fence\n\nparent: [[x]]",
    "```\n```python\n\nstill code?\n```",
    "````\ncode\n\n```\n````",
    "```info`tick\nnot a fence\n\nkey:: value",
    "%% comment opened\n\n# Heading inside a comment\n\n%% closed",
    "%% never closed",
    "Text $$ math\nstill math $$ after",
    "#hashtag #only",
]


def whole_and_stretched(text: str, monkeypatch) -> tuple[splitter.Parsed, splitter.Parsed]:
    stretched = splitter.parse_blocks(text)
    with monkeypatch.context() as patch:
        patch.setattr(splitter, "cut_points", lambda *_args: None)  # never cut: the note parsed whole
        whole = splitter.parse_blocks(text)
    return whole, stretched


def assert_same(text: str, monkeypatch) -> None:
    whole, stretched = whole_and_stretched(text, monkeypatch)
    assert stretched == whole, text


def test_fenced_code_and_html_comments_are_never_cut(monkeypatch):
    text = "Intro\n\n```\ncode\n\nNot a paragraph\n```\n\n<!--\n\nHidden\n\n-->\n\nOutro\n"
    lines = text.split("\n")
    cuts, _ = cut_points(lines, may_vanish)
    assert lines.index("Not a paragraph") not in cuts and lines.index("Hidden") not in cuts
    assert lines.index("Outro") in cuts
    assert [b.text for b in splitter.split_blocks(text) if b.indexed] == ["Intro", "Outro"]
    assert_same(text, monkeypatch)


def test_reference_definitions_keep_the_note_whole(monkeypatch):
    text = "See [the page][p].\n\nMore text.\n\n[p]: https://example.com\n"
    assert cut_points(text.split("\n"), may_vanish) is None
    assert splitter.split_blocks(text)[0].text == "See the page."
    assert_same(text, monkeypatch)


def test_headings_carry_over_stretches(monkeypatch):
    text = "# Top\n\n## Sub\n\nUnder sub.\n\n# Next\n\nUnder next.\n"
    paths = {b.text: b.heading_path for b in splitter.split_blocks(text)}
    assert paths["Under sub."] == ("Top", "Sub") and paths["Under next."] == ("Next",)
    assert_same(text, monkeypatch)


def test_an_edit_reparses_only_its_stretch():
    paragraphs = [f"Paragraph number {i} about something." for i in range(50)]
    splitter._parse_stretch.cache_clear()
    splitter.split_blocks("\n\n".join(paragraphs))
    paragraphs[20] = "Paragraph number 20, edited."
    before = splitter._parse_stretch.cache_info()
    blocks = splitter.split_blocks("\n\n".join(paragraphs))
    after = splitter._parse_stretch.cache_info()
    assert after.misses - before.misses == 1
    assert blocks[20].text == "Paragraph number 20, edited." and blocks[20].line_start == 41


def test_an_edit_reads_only_the_stretches_around_it():
    paragraphs = [f"Paragraph number {i} about something." for i in range(50)]
    before = splitter.resplit("\n\n".join(paragraphs))
    paragraphs[20] = "Paragraph number 20, edited as one types"
    after = splitter.resplit("\n\n".join(paragraphs), before)
    assert after.placed[:19] == before.placed[:19] and all(
        new is old for new, old in zip(after.placed[21:], before.placed[21:], strict=True)
    )  # the stretches after the edit are taken as they were, not parsed or rebuilt
    assert after.blocks[20].text == "Paragraph number 20, edited as one types"
    paragraphs.insert(30, "A new paragraph\n\nand another")  # lines added: the rest moves down
    moved = splitter.resplit("\n\n".join(paragraphs), after)
    assert moved.blocks == splitter.split_blocks("\n\n".join(paragraphs))
    assert moved.blocks[-1].line_start == after.blocks[-1].line_start + 4


def random_edit(lines: list[str], rng: random.Random) -> list[str]:
    """One edit as an editor makes them: type into a line, replace, insert or delete lines."""
    pool = [line for piece in PIECES for line in piece.split("\n")] + ["", "", "```", "%%", "<!--", "-->"]
    lines = list(lines)
    where = rng.randrange(len(lines) + 1)
    action = rng.choice(["type", "replace", "insert", "delete", "heading"])
    if action == "type" and where < len(lines):
        lines[where] += rng.choice([" more words", "x", " #tag", " `", "|", " [[link]]"])
    elif action == "replace" and where < len(lines):
        lines[where] = rng.choice(pool)
    elif action == "insert":
        lines[where:where] = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
    elif action == "delete" and lines:
        del lines[where : where + rng.randint(1, 3)]
    else:
        lines.insert(where, rng.choice(["# New top", "## New section", "", "Setext", "====="]))
    return lines


def test_edited_notes_resplit_as_split_whole():
    rng = random.Random(11)
    for _ in range(400):
        chosen = [rng.choice(PIECES) for _ in range(rng.randint(2, 9))]
        text = "\n\n".join(chosen)
        if rng.random() < 0.2:
            text = "---\ntitle: x\n---\n" + text
        split = splitter.resplit(text)
        lines = text.split("\n")
        for _ in range(12):
            lines = random_edit(lines, rng)
            text = "\n".join(lines)
            split = splitter.resplit(text, split)  # each split built on the last: errors would pile up
            fresh = splitter.resplit(text)
            assert (split.blocks, split.cuts, split.stretches) == (fresh.blocks, fresh.cuts, fresh.stretches), text


def test_shuffled_pieces_parse_the_same(monkeypatch):
    rng = random.Random(7)
    for _ in range(1500):
        chosen = [rng.choice(PIECES) for _ in range(rng.randint(1, 9))]
        separators = [rng.choice(["\n\n", "\n", "\n\n\n"]) for _ in chosen]
        text = "".join(piece + sep for piece, sep in zip(chosen, separators, strict=True))
        if rng.random() < 0.2:
            text = "---\ntitle: x\n---\n" + text
        assert_same(text, monkeypatch)


def note_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())


def test_fixture_notes_parse_the_same(monkeypatch):
    files = note_files(ROOT / "tests" / "fixtures") + note_files(ROOT / "examples")
    assert files
    for path in files:
        assert_same(path.read_text("utf-8"), monkeypatch)


@pytest.mark.corpora
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}")
def test_real_vault_parses_the_same(monkeypatch):
    files = note_files(CORPORA)
    assert len(files) > 500
    cut = 0
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        found = cut_points(note_lines(text), may_vanish)
        cut += found is not None and len(found[0]) > 1
        assert_same(text, monkeypatch)
    assert cut > len(files) // 2  # most real notes are cut: the fast path is the common one
