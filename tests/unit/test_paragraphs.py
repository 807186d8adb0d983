"""The keystroke path's split of open documents: once per version, shared by every feature and by the
live index (which builds the document's fragments from it)."""

from __future__ import annotations

from recall_ls.core.markdown import splitter
from recall_ls.lsp.paragraphs import Paragraphs

URI = "file:///drafts/draft.md"


def counting_resplit(monkeypatch) -> list:
    calls = []
    real = splitter.resplit
    monkeypatch.setattr(splitter, "resplit", lambda text, previous=None: calls.append(previous) or real(text, previous))
    return calls


def test_one_split_per_version_serves_the_features_and_the_index(monkeypatch):
    calls = counting_resplit(monkeypatch)
    paragraphs = Paragraphs()
    first = "# Draft\n\nHerons at the river mouth.\n"
    assert [b.text for b in paragraphs.blocks(URI, "/drafts/draft.md", 1, first)] == ["Herons at the river mouth."]
    split = paragraphs.split(URI, "/drafts/draft.md", 1, first)  # what the live index gets
    assert len(calls) == 1 and split.blocks[-1].text == "Herons at the river mouth."
    second = first + "\nThe tide came in.\n"
    split2 = paragraphs.split(URI, "/drafts/draft.md", 2, second)  # a settled edit no feature split yet
    assert paragraphs.blocks(URI, "/drafts/draft.md", 2, second)[-1].text == "The tide came in."
    assert len(calls) == 2 and calls[1] is split  # split from the last version: only the edit is read
    assert split2 is not split


def test_plain_text_documents_have_no_markdown_split_to_hand_over(monkeypatch):
    calls = counting_resplit(monkeypatch)
    paragraphs = Paragraphs()
    assert paragraphs.split("file:///n.txt", "/n.txt", 1, "# not a heading\n\nplain words\n") is None
    assert [b.text for b in paragraphs.blocks("file:///n.txt", "/n.txt", 1, "# not a heading\n\nplain words\n")] == [
        "# not a heading", "plain words"]
    assert not calls
