"""Benchmark of the language server as an editor sees it.

    .venv/bin/python bench/server_bench.py [--sizes 10000,100000] [--requests 160] [--rounds 2] [--narrowed]

For each corpus size, an index is prepared (real embeddings of real tweets, reused with small noise past
the real ones, so nothing has to be embedded), ``recall-ls serve`` is started over stdio and driven as a
client would: a Markdown document of real-tweet paragraphs is opened, and hover, completion, code lens
resolve and ``recall/related`` are asked about every paragraph, twice: as opened (settled text, which
the server has indexed) and right after editing it into a text the server never saw (typing, which
must embed). The floor, measured in this process on the same index and on texts of the same length,
each right before the server's typing request it is compared with: one query embed plus both tiers'
search (the vector index and the keyword table). Also: the ``initialize`` reply time, from spawn and from the
request, and how soon a saved note is found.

``--narrowed`` runs the typing and settled phases with the user's filters and boosts on (``NARROWED``:
kinds narrowed, ``since``, ``recencyHalfLifeDays``, ``preferEngaged``) over fragments dated across
fifteen years with likes and reposts, so the filters drop most candidates and every candidate is
lifted; the floor stays what it is, so the bar is the same.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from lsprotocol import types  # noqa: E402
from pygls.protocol.json_rpc import JsonRPCResponseMessage  # noqa: E402
from pytest_lsp import client_capabilities  # noqa: E402
from pytest_lsp.client import make_test_lsp_client  # noqa: E402

from core_bench import real_texts, synthetic  # noqa: E402
from recall_ls.core.embed import Embedder, limit_blas_threads, resolve_model  # noqa: E402
from recall_ls.core.fragments import Fragment  # noqa: E402
from recall_ls.core.indexing import Indexer  # noqa: E402
from recall_ls.core.store import Store  # noqa: E402


# The settings of ``--narrowed``: ``since`` keeps 6 of the 15 years ``prepare_index`` spreads fragments over.
NARROWED = {"kinds": ["tweet", "note"], "since": "2019", "recencyHalfLifeDays": 365, "preferEngaged": True}


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50": round(statistics.median(ordered), 2), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def prepare_index(folder: Path, size: int, embedder: Embedder, texts: list[str], base: np.ndarray,
                  varied: bool = False) -> None:
    """A store of ``size`` fragments with their embeddings under the bundled model's key, and the
    annoy tier built when the size calls for one: what a finished ``recall-ls index`` leaves. With
    ``varied``, dated across 2010-2024 with likes and reposts; else all of 2020-01-01 with neither."""
    rng = np.random.default_rng(size)
    vectors = synthetic(base, size, rng)
    store = Store(folder)

    def when(i: int) -> str:
        return f"{2010 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00+00:00" if varied else "2020-01-01T00:00:00+00:00"

    fragments = [
        Fragment(f"tweet:{i}", "tweet", f"{texts[i % len(texts)]} #{i}", "/bench/archive", "/bench/archive/data/tweets.js",
                 i + 1, i + 1, f"https://x.com/bench/status/{i}", when(i), None,
                 {"likes": i % 97, "reposts": i % 13} if varied else {})
        for i in range(size)
    ]
    store.sync_fragments("/bench/archive", fragments)
    store.record_source("/bench/archive", "twitter", {"fragments": size})
    store.put_embeddings(embedder.key, [f.text_hash for f in fragments], vectors)
    indexer = Indexer(store, embedder, build_jobs=-1)
    indexer.open()
    indexer.build_if_needed()
    store.close()


class Floor:
    """One query embed plus both tiers' search (the vectors and the keyword table), in this
    process: what no server can beat.

    Measured interleaved with the server's requests, text for text, so both see the machine in
    the same state (on a shared 2-core machine its speed drifts by tens of percent over minutes):
    each feature is compared with the floor measured beside it. Each text is embedded for the
    first time: its suffix differs from the server's, so neither embedder's memory answers."""

    def __init__(self, folder: Path, embedder: Embedder) -> None:
        self.embedder = embedder
        self.store = Store(folder)
        self.index = Indexer(self.store, embedder).open()
        self.samples: dict[str, list[float]] = {}

    def measure(self, text: str, beside: str) -> None:
        started = time.perf_counter()
        asked = 8 * 4 + 16
        self.index.search(self.embedder.encode_query(text), asked)
        self.store.keyword_search(self.store.keyword_query(text), asked)
        self.samples.setdefault(beside, []).append((time.perf_counter() - started) * 1000)

    def close(self) -> None:
        self.store.close()


# Every cold request is about a paragraph just typed: its text is new to the server. The floor
# embeds texts of the same length (its suffix, `` (floor N.R)``, is as long as `` (typed N.R)``).
FEATURES = ("hover", "completion", "code_lens_resolve", "recall_related")


async def drive_server(folder: Path, paragraphs: list[str], workspace: Path, floor: Floor, rounds: int,
                       settings: dict | None = None) -> dict:
    """Two phases, each feature asked about every paragraph of an open document.

    - ``settled``: the paragraphs as opened, which the server indexed (open documents are corpus):
      their vectors are made, as when the cursor rests in text written a while ago;
    - ``typing``: before each request the paragraph is edited into a text the server never saw
      (``debounceMs`` is long, so the edit is not indexed meanwhile): the request embeds it, as
      while writing. This is the phase compared with the floor, measured by ``floor`` right before
      each request on a text of the same length. ``rounds`` passes over the paragraphs, every
      feature asking about each paragraph in turn, so all of them see the same moments of the run.
    """
    client = make_test_lsp_client()
    # An editor parses a custom response (``recall/related``) as plain JSON; pygls's test client
    # builds a namedtuple class per object, ~2 ms for 8 items: the client's time, not the server's.
    client.protocol._converter.register_structure_hook(JsonRPCResponseMessage, lambda obj, cls: cls(**obj))
    ready = asyncio.Event()
    statuses: list = []

    @client.feature("recall/status")
    def on_status(params):
        statuses.append(params)
        if getattr(params, "state", None) == "ready":
            ready.set()

    client.feature("workspace/codeLens/refresh")(lambda params: None)
    client.feature("client/registerCapability")(lambda params: None)
    await client.start_io(sys.executable, "-m", "recall_ls", "serve")
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        initialization_options={"indexDir": str(folder), "debounceMs": 600_000} | (settings or {}),
    ))
    await asyncio.wait_for(ready.wait(), 300)
    document = workspace / "draft.md"
    lines = [text for paragraph in paragraphs for text in (paragraph, "")]
    text = "\n".join(lines)
    document.write_text(text, encoding="utf-8")
    uri = document.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    paragraph_lines = [2 * i for i in range(len(paragraphs))]
    # Steady state, as while writing: wait until the writer has indexed the opened document.
    while True:
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
        if status["pending"] == 0 and status["searchable"] == status["fragments"] and status["state"] == "ready":
            break
        seen = len(statuses)
        while len(statuses) == seen:
            await asyncio.sleep(0.05)
    for line in paragraph_lines[:5]:  # warm up the request paths (first replies build their serializers)
        await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                 types.Position(line, 1)))
    identifier = types.TextDocumentIdentifier(uri)
    version = 1

    def position(line: int) -> dict:
        return dict(text_document=identifier, position=types.Position(line, 3))

    async def lens_at(line: int):
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(identifier))
        return next(lens for lens in lenses if lens.range.start.line == line)

    requests = {
        "hover": lambda line: client.text_document_hover_async(types.HoverParams(**position(line))),
        "completion": lambda line: client.text_document_completion_async(types.CompletionParams(**position(line))),
        "code_lens_resolve": None,  # needs the lens first: see below
        "recall_related": lambda line: client.protocol.send_request_async(
            "recall/related", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 3}}),
    }

    async def measure(feature: str, line: int) -> float:
        if feature == "code_lens_resolve":
            lens = await lens_at(line)  # listing lenses is not what is timed: resolving one is
            started = time.perf_counter()
            await client.code_lens_resolve_async(lens)
        else:
            started = time.perf_counter()
            await requests[feature](line)
        return (time.perf_counter() - started) * 1000

    results: dict = {"settled": {}, "typing": {}}
    for feature in FEATURES:
        results["settled"][feature] = percentiles([await measure(feature, line) for line in paragraph_lines])
    for warm in paragraphs[:10]:  # the floor's first calls allocate, as the server's did in warm-up
        floor.measure(warm + " (warm)", "warm-up")
    floor.samples.clear()
    samples: dict[str, list[float]] = {feature: [] for feature in FEATURES}
    for round_ in range(rounds):
        for index, line in enumerate(paragraph_lines):
            # Every feature about each paragraph, in an order that turns from one paragraph to the next:
            # run one feature after another, the last one ran 0.1x worse than the first, whichever it was.
            turn = (index + round_) % len(FEATURES)
            for feature in FEATURES[turn:] + FEATURES[:turn]:
                number = FEATURES.index(feature)
                floor.measure(paragraphs[index] + f" (floor {number}.{round_})", feature)
                version += 1
                typed = paragraphs[index] + f" (typed {number}.{round_})"
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    [types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(line, 0), types.Position(line, len(lines[line]))),
                        text=typed)],
                ))
                lines[line] = typed
                samples[feature].append(await measure(feature, line))
    results["typing"] = {feature: percentiles(taken) for feature, taken in samples.items()}
    await client.shutdown_session()
    return results


async def save_to_findable(root: Path, repeats: int = 12) -> dict:
    """Seconds from writing a new note into a watched folder until ``recall.search`` finds it.

    The server tells about every applied change with ``recall/status``: the search is repeated after
    each one, so the time measured is the server's, not a polling interval's."""
    notes = root / "notes"
    notes.mkdir()
    (notes / "seed.md").write_text("A first note so the folder is a source.\n")
    client = make_test_lsp_client()
    changed = asyncio.Condition()
    statuses: list = []

    @client.feature("recall/status")
    async def on_status(params):
        async with changed:
            statuses.append(getattr(params, "state", None))
            changed.notify_all()

    await client.start_io(sys.executable, "-m", "recall_ls", "serve")
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim"),
        initialization_options={"indexDir": str(root / "index"), "sources": [str(notes)]},
    ))
    async with changed:
        await asyncio.wait_for(changed.wait_for(lambda: "ready" in statuses), 300)
    samples = []
    for n in range(repeats):
        marker = f"zebra{n}quokka"
        started = time.perf_counter()
        (notes / f"saved-{n}.md").write_text(f"Field notes {marker}: a heron fishing at the river mouth.\n")
        while True:
            async with changed:
                seen = len(statuses)
            hits = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="recall.search", arguments=[f"Field notes {marker}"]))
            if any(marker in h["text"] for h in hits):
                break
            async with changed:
                await asyncio.wait_for(changed.wait_for(lambda: len(statuses) > seen), 30)
        samples.append((time.perf_counter() - started) * 1000)
    await client.shutdown_session()
    return percentiles(samples) | {"max": round(max(samples), 1)}


async def initialize_times(repeats: int = 7) -> dict:
    """``initialize`` reply, and the first answer the server itself computes (a hover on a document it
    does not know: no model involved), each timed from spawning ``recall-ls serve`` and from sending
    the request to one started a while before.

    The reply comes from the bootstrap, before the server is imported (``recall_ls.lsp.bootstrap``):
    the first answer shows when the server proper is ready. A process "started a while before" sits
    in the bootstrap, waiting for its first message, while a thread imports the server.
    """
    samples: dict[str, list[float]] = {
        "from_spawn": [], "from_request": [], "first_answer_from_spawn": [], "first_answer_from_request": []}
    unknown = types.HoverParams(types.TextDocumentIdentifier("file:///nowhere/unknown.md"), types.Position(0, 0))
    from pygls.protocol import default_converter

    # One converter for every client, warmed by a first round that is not counted: cattrs builds its
    # (un)structure functions on first use, tens of ms here, and that is the client's time.
    converter = default_converter()
    for round_ in range(repeats + 1):
        for idle, suffix in ((0.0, "from_spawn"), (2.0, "from_request")):
            client = make_test_lsp_client()
            client.protocol._converter = converter
            started = time.perf_counter()
            await client.start_io(sys.executable, "-m", "recall_ls", "serve")
            if idle:
                await asyncio.sleep(idle)  # the process starts and waits; the measurement starts after
                started = time.perf_counter()
            await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
            replied = time.perf_counter()
            await client.text_document_hover_async(unknown)
            answered = time.perf_counter()
            if round_:
                samples[suffix].append((replied - started) * 1000)
                samples[f"first_answer_{suffix}"].append((answered - started) * 1000)
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()
    return {name: percentiles(values) for name, values in samples.items()}


def compared(size: int, floor: Floor, served: dict) -> dict:
    """One size's entry: the floor, the server's times and each feature's typing p95 over the floor's."""
    floors = {feature: percentiles(samples) for feature, samples in floor.samples.items()}
    everything = [sample for samples in floor.samples.values() for sample in samples]
    return {
        "size": size,
        "floor_embed_plus_search_ms": percentiles(everything),
        "floor_beside_each_feature_ms": floors,
        "server_ms": served,
        "typing_p95_ratio_to_floor": {
            feature: round(measured["p95"] / floors[feature]["p95"], 2) for feature, measured in served["typing"].items()
        },
    }


def start_up_times() -> dict:
    """The ``initialize`` reply times and how soon a saved note is found, printed as they come."""
    times = {"initialize_ms": asyncio.run(initialize_times())}
    print(json.dumps(times["initialize_ms"]), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        times["save_to_findable_ms"] = asyncio.run(save_to_findable(Path(scratch)))
    print(json.dumps({"save_to_findable_ms": times["save_to_findable_ms"]}), flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=160, help="paragraphs of the document")
    parser.add_argument("--rounds", type=int, default=3, help="typing passes over the paragraphs (every feature asks about each)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "server.json"))
    parser.add_argument("--narrowed", action="store_true", help="filters and boosts on (NARROWED); skips start-up timings")
    args = parser.parse_args()
    limit_blas_threads()
    # Queries as the server embeds them (onnxruntime when it can be used): the floor is the best here.
    embedder = Embedder(resolve_model(None), fast_queries=True)
    embedder.load()
    fragments = real_texts(2000)
    texts = [f.text for f in fragments]
    base = embedder.encode(texts)
    # Paragraphs a writer might type: real texts, shuffled, so they relate to the corpus.
    rng = np.random.default_rng(1)
    # Of a few words at least, so each has a code lens.
    worded = [i for i, text in enumerate(texts) if len(text.split()) >= 6]
    paragraphs = [" ".join(texts[i].split()) + " (draft)" for i in rng.choice(worded, args.requests, replace=False)]
    # This process is the editor's side too, and it holds a model: out of the garbage collector's
    # sight, as the server's is (a full collection of it took 50-300 ms in the middle of a timing).
    gc.collect()
    gc.freeze()
    import torch

    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "query_runtime": embedder.query_runtime,
        "date": time.strftime("%Y-%m-%d"),
        "settings": NARROWED if args.narrowed else {},
        "sizes": [],
    }
    if not args.narrowed:
        report |= start_up_times()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            folder, workspace = Path(scratch) / "index", Path(scratch) / "workspace"
            workspace.mkdir()
            prepare_index(folder, size, embedder, texts, base, varied=args.narrowed)
            floor = Floor(folder, embedder)
            served = asyncio.run(drive_server(folder, paragraphs, workspace, floor, args.rounds,
                                              NARROWED if args.narrowed else None))
            floor.close()
        entry = compared(size, floor, served)
        print(json.dumps(entry), flush=True)
        report["sizes"].append(entry)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
