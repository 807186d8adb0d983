"""The live index's writer steps, run one by one on the test's thread: indexing progress on one
scale (reading, then embedding, never backwards), and an open document's fragments made from the
split the keystroke path already made, not from a second one.

The session is real (store, indexer) with the hashing embedder: no model, no writer thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from recall_ls.core.indexing import Indexer, Progress
from recall_ls.core.live import LiveIndex, LiveSettings
from recall_ls.core.markdown import splitter
from recall_ls.core.sources import notes
from recall_ls.core.store import Store
from tests.helpers import HashingEmbedder


class HashingSession:
    """What ``LiveIndex`` reads of a ``Session``, with a model that is loaded at once."""

    def __init__(self, index_dir: Path) -> None:
        self.store = Store(index_dir)
        self.embedder = HashingEmbedder()
        self.indexer = Indexer(self.store, self.embedder, ann_min_items=10_000)
        self.indexer.open()

    def ready(self) -> None:
        """The model loaded (it always is here) and the vector index is open already."""

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def live(tmp_path):
    events = []
    index = LiveIndex(listener=events.append)
    index.events = events
    index._session = HashingSession(tmp_path / "index")
    yield index
    index.stop()


def write_notes(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    paragraphs = [f"Entry {folder.name} {n}: the heron waited at the river mouth, tide {n}." for n in range(count)]
    (folder / "journal.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def test_reading_then_embedding_is_one_bar_that_never_runs_backwards(live, tmp_path):
    sources = tuple(tmp_path / name for name in ("a", "b", "c"))
    for source in sources:
        write_notes(source, 70)  # 210 texts: several backlog chunks
    live._settings = LiveSettings(tmp_path / "index", sources=sources)
    live._read_sources()  # the model is loaded already: embedding follows reading at once
    while live._backlog:
        live._embed_backlog_chunk()
    shown = [e.progress for e in live.events if e.kind == "progress"]
    assert shown[-1] is None  # it ended
    steps = [(p.stage, p.percent) for p in shown if p is not None]
    stages = [stage for stage, _ in steps]
    assert stages.count("reading") == 3 and stages.count("embedding") > 3, steps
    percents = [percent for _, percent in steps]
    assert percents == sorted(percents), steps  # reading took 0..20, embedding goes on from there
    assert max(p for s, p in steps if s == "reading") < min(p for s, p in steps if s == "embedding")
    assert percents[0] == 0 and percents[-1] < 95  # building the search index would take the rest


def test_a_step_whose_total_grows_does_not_move_the_bar_back(live):
    live._set_progress(Progress("embedding", 500, 1000))
    half = live.progress.percent
    live._set_progress(Progress("embedding", 500, 4000))  # texts arrived while embedding
    assert live.progress.percent == half
    live._set_progress(None)
    live._set_progress(Progress("reading", 0, 2))  # a new indexing starts from the bottom again
    assert live.progress.percent == 0


def test_an_open_document_is_indexed_from_the_split_it_came_with(live, tmp_path, monkeypatch):
    live._settings = LiveSettings(tmp_path / "index")
    earlier = "# Draft\n\n#birds\n\nA first paragraph about herons.\n"
    text = earlier + "\n## Tide\n\nA second one, about the tide.\n"
    split = splitter.resplit(text, splitter.resplit(earlier))  # as the keystroke path makes it, edit by edit
    path = str(tmp_path / "draft.md")
    expected = notes.fragments_from_text(text, path, live._open_source, Path(path).as_posix())[0]
    splits = []
    real = splitter.resplit
    monkeypatch.setattr(splitter, "resplit", lambda *args: splits.append(args) or real(*args))

    live.update_document("file:///draft.md", path, text, split)
    live._apply_documents(list(live._documents.items()))
    assert not splits  # the writer made the fragments from the split it was given
    stored = [s.fragment for s in live._session.store.iter_fragments()]

    def shape(fragments):
        return sorted((f.id, f.text, f.line_start, f.line_end, f.title, f.meta["heading_path"], f.meta["tags"])
                      for f in fragments)

    assert shape(stored) == shape(expected)  # the same fragments as from a split of its own
    assert [f.meta["heading_path"] for f in stored] == [["Draft"], ["Draft", "Tide"]]
    assert stored[0].title == "Draft" and stored[0].meta["tags"] == ["birds"]

    live.update_document("file:///draft.md", path, text)  # no split given (a caller without one)
    live._apply_documents(list(live._documents.items()))
    assert len(splits) == 1


def test_a_model_that_loads_after_reading_shows_indexing_while_the_backlog_embeds(live, tmp_path):
    write_notes(tmp_path / "a", 70)
    live._settings = LiveSettings(tmp_path / "index", sources=(tmp_path / "a",))
    session = live._session
    session.embedder.loaded = False  # still loading: the words are searchable, the meaning waits
    live._model_requested = True  # the load is under way (this test finishes it below)
    live._read_sources()
    assert live.state == "loading-model"
    session.embedder.loaded = True
    live._model_loaded(session)
    assert live.state == "indexing" and live._backlog  # was left at loading-model until the end
    while live._backlog:
        live._embed_backlog_chunk()
    assert live.state == "ready"
