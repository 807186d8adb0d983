"""What Insert puts in the document, and where: the server's ``render.insertion`` and ``render.placement``
are the only home of these rules (VS Code and Neovim both ask ``recall.insert``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from recall_ls.core import sources
from recall_ls.lsp import render
from tests.conftest import EXAMPLES, INSERTED_QUOTE
from tests.helpers import fragment

URL = "https://x.com/ada/status/1"
TWEET = replace(fragment("tweet:1", "Reading old notebooks is humbling.", created_at="2024-06-25T10:00:00+00:00"), url=URL)
NOTE = replace(fragment("note:1", "Error messages [should] say what went wrong", kind="note",
                        path="/notes/writing habits.md", line=12), title="Good errors")


def test_text_is_the_fragment_as_written():
    assert render.insertion(TWEET, "text") == "Reading old notebooks is humbling."


def test_a_quote_quotes_every_line_then_its_date_and_source():
    assert render.insertion(TWEET, "quote") == (
        "> Reading old notebooks is humbling.\n>\n> — 2024-06-25 · [source](https://x.com/ada/status/1)")
    # A note's source is its file at its line; a blank line inside the text stays a quoted blank line.
    note = fragment("note:2", "One.\n\nTwo.", kind="note", path="/notes/a b.md", line=3, created_at=None)
    assert render.insertion(note, "quote") == "> One.\n>\n> Two.\n>\n> — [source](file:///notes/a%20b.md#L3)"


def test_a_link_is_the_title_or_the_first_words_escaped():
    assert render.insertion(TWEET, "link") == f"[Reading old notebooks is humbling.]({URL})"
    assert render.insertion(NOTE, "link") == "[Good errors](file:///notes/writing%20habits.md#L12)"
    untitled = fragment("note:3", "Errors [should] say " + "what went wrong " * 5, kind="note", path="/n.md", line=1)
    assert render.insertion(untitled, "link").startswith("[Errors \\[should\\] say what went wrong")
    assert len(render.insertion(untitled, "link").split("](")[0]) < 70  # the title is cut to 60 characters
    # Nothing to link to (a member of a zip, no URL): the text itself.
    zipped = fragment("tweet:2", "From a zip.", path="/a.zip!/data/tweets.js")
    assert render.insertion(zipped, "link") == "From a zip."


def test_multi_line_text_keeps_its_lines_without_trailing_spaces():
    text = "\n  First line  \nsecond\t\n\n  indented third \n\n"
    multi = replace(fragment("tweet:3", text, created_at=None), url=URL)
    assert render.insertion(multi, "text") == "  First line\nsecond\n\n  indented third"
    assert render.insertion(multi, "quote") == f">   First line\n> second\n>\n>   indented third\n>\n> — [source]({URL})"
    for style in ("text", "quote", "link"):
        assert not any(line != line.rstrip() for line in render.insertion(multi, style).splitlines()), style


def test_the_editor_suites_quote_is_the_servers():
    tweet = next(f for f in sources.read(EXAMPLES / "twitter-archive").fragments if f.text.startswith("A good error"))
    assert render.insertion(tweet, "quote") + "\n" == INSERTED_QUOTE.read_text(encoding="utf-8")


@pytest.mark.parametrize(("line", "character", "start", "text"), [
    ("I wrote", 7, 7, " X"),  # a space from the word before
    ("I wrote ", 8, 8, "X"),
    ("ab", 1, 1, " X "),  # ... and from the word after
    ("a.", 1, 1, " X"),  # punctuation after needs no space
    ("a (b)", 4, 4, " X"),
    ("", 0, 0, "X"),
])
def test_text_and_links_go_at_the_cursor_a_space_from_words(line, character, start, text):
    assert render.placement("X", "text", [line], 0, character) == render.Placement(start, start, text)
    assert render.placement("X", "link", [line + "\n"], 0, character).text == text


@pytest.mark.parametrize(("lines", "row", "expected"), [
    # After the cursor's line, not at the cursor: a quote never splits a line.
    (["Some text\n", "more\n"], 0, render.Placement(9, 9, "\n\n> q\n")),
    (["Some text\n", "\n", "more\n"], 0, render.Placement(9, 9, "\n\n> q")),  # the blank line below is kept, not doubled
    (["Some text\n"], 0, render.Placement(9, 9, "\n\n> q")),  # the final line break is there
    (["Some text"], 0, render.Placement(9, 9, "\n\n> q\n")),  # the file ends with a line break
    # On a blank line: in place of its spaces, a blank line from text above and below.
    (["    "], 0, render.Placement(0, 4, "> q")),
    (["Above\n", "  \n", "below\n"], 1, render.Placement(0, 2, "\n> q\n")),
    (["Above\n"], 1, render.Placement(0, 0, "\n> q")),  # the empty line after a final line break
    (["\r\n", "below\r\n"], 0, render.Placement(0, 0, "> q\n")),
])
def test_a_quote_is_a_paragraph_of_its_own(lines, row, expected):
    assert render.placement("> q", "quote", lines, row, 4) == expected


def test_a_thread_is_its_posts_as_paragraphs_then_its_first_posts_link():
    thread = replace(fragment("thread:tweet:1", "First post.  \n\nSecond post,\nin two lines.\n\nThird.", kind="thread"),
                     url=URL)
    assert render.thread_insertion(thread, quoted=False) == (
        "First post.\n\nSecond post,\nin two lines.\n\nThird.\n\n— 2024-01-01 · [source](https://x.com/ada/status/1)")
    assert render.thread_insertion(thread, quoted=True) == (
        "> First post.\n>\n> Second post,\n> in two lines.\n>\n> Third.\n>\n> — 2024-01-01 · [source](https://x.com/ada/status/1)")
