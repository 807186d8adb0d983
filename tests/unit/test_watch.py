"""The watcher's filter (which events matter, to which source) and its coalescing into batches."""

import threading

from recall_ls.core.sources.base import ImportOptions
from recall_ls.core.watch import Change, Coalescer, SourceMap


def test_events_map_to_their_source_and_ignored_paths_cost_nothing(tmp_path):
    notes = tmp_path / "notes"
    archive = notes / "twitter-2024"
    (archive / "data").mkdir(parents=True)
    outbox = tmp_path / "mastodon" / "outbox.json"
    outbox.parent.mkdir()
    outbox.write_text("{}")
    sources = SourceMap([(notes, "notes"), (archive, "twitter"), (outbox, "mastodon")],
                        ImportOptions(exclude=("drafts/**", "*.tmp.md")))
    assert sources.classify(str(notes / "a.md")) == Change(str(notes), "notes", str(notes / "a.md"))
    assert sources.classify(str(notes / "sub" / "b.txt"), gone=True).gone
    # An archive inside the notes folder claims its own files, and is re-read whole.
    assert sources.classify(str(archive / "data" / "tweets.js")) == Change(str(archive), "twitter", str(archive))
    assert sources.classify(str(outbox)).kind == "mastodon"
    for ignored in ("picture.png", ".obsidian/workspace.md", "node_modules/x/readme.md", ".git/HEAD",
                    "drafts/idea.md", "scratch.tmp.md"):
        assert sources.classify(str(notes / ignored)) is None, ignored
    assert sources.classify(str(tmp_path / "elsewhere" / "c.md")) is None
    assert sources.classify(str(notes / "moved-in"), folder=True).folder
    assert sources.classify(str(notes / ".trash"), folder=True) is None


def test_watch_roots_cover_nested_sources_once(tmp_path):
    notes = tmp_path / "notes"
    (notes / "archive").mkdir(parents=True)
    outbox = tmp_path / "outbox.json"
    outbox.write_text("{}")
    roots = SourceMap([(notes, "notes"), (notes / "archive", "twitter"), (outbox, "mastodon")], ImportOptions()).watch_roots
    assert sorted(roots) == sorted([(notes.resolve(), True), (tmp_path.resolve(), False)])


def test_a_burst_of_events_becomes_one_batch_with_the_latest_change_per_file():
    batches = []
    last = threading.Event()

    def flush(batch):
        batches.append(batch)
        if any(c.path == "/notes/final.md" for c in batch):
            last.set()

    coalescer = Coalescer(flush)
    try:
        for n in range(1000):
            coalescer.add(Change("/notes", "notes", f"/notes/{n % 10}.md", gone=n % 2 == 1))
        coalescer.add(Change("/notes", "notes", "/notes/final.md"))
        assert last.wait(5)
    finally:
        coalescer.stop()
    flushed = [change for batch in batches for change in batch]
    assert len(flushed) < 100  # 1001 events, a handful of batches of at most 11 files
    latest = {change.path: change for change in flushed}
    assert latest["/notes/1.md"].gone and not latest["/notes/2.md"].gone
