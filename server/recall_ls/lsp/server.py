"""The Recall language server: state shared by the features, and ``serve()``.

Threads: the asyncio loop runs pygls and every handler; queries (a query embed plus an index search)
run on one worker thread so the loop keeps reading messages, and on a machine of two cores or more a
query's keyword search runs on one more while its vector is made (``Engine.words_beside``); every
write goes through the live index's writer thread. Anything those threads need to tell the client is
handed to the loop first.

Nothing heavy is imported before the ``initialize`` reply: the model loads on the writer thread after.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lsprotocol import converters, types
from pygls.lsp.server import LanguageServer

from recall_ls import __version__
from recall_ls.core.paths import default_index_dir
from recall_ls.lsp import wire
from recall_ls.lsp.config import DEFAULTS, Layered, Options
from recall_ls.lsp.paragraphs import Paragraph, Paragraphs
from recall_ls.lsp.protocol import RecallProtocol
from recall_ls.lsp.throttle import Throttle

if TYPE_CHECKING:  # the core (numpy, the index) loads after the initialize reply
    from recall_ls.core.engine import Engine, Hit
    from recall_ls.core.fragments import Fragment
    from recall_ls.core.gems import Gems
    from recall_ls.core.live import LiveEvent, LiveIndex, LiveSettings
    from recall_ls.core.threads import Expanded
    from recall_ls.lsp.bootstrap import Opening

log = logging.getLogger("recall_ls")

_tokens = itertools.count(1)
# While indexing, code lenses are refreshed at most this often, and once when it ends: every backlog
# chunk changes the corpus (about once a second). ``$RECALL_LENS_REFRESH_S`` sets it for tests.
LENS_REFRESH_S = float(os.environ.get("RECALL_LENS_REFRESH_S", "5"))


def today() -> date:
    """The day that "on this day" is about: the machine's, or ``$RECALL_TODAY`` (``2025-12-03``), which
    tests set so that what a day shows does not depend on when they run."""
    fixed = os.environ.get("RECALL_TODAY")
    try:
        return date.fromisoformat(fixed) if fixed else date.today()
    except ValueError:
        log.warning("RECALL_TODAY=%r is not an ISO date (YYYY-MM-DD): using today", fixed)
        return date.today()


def plain_custom_params_converter():
    """pygls's converter, except that messages of methods LSP does not define (``recall/related``)
    keep their params as parsed JSON: pygls would make a namedtuple class of every object in them
    (~0.3 ms a request). Their handlers check the params themselves."""
    from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, default_converter

    converter = default_converter()
    for message in (JsonRPCRequestMessage, JsonRPCNotification):
        converter.register_structure_hook(message, lambda obj, cls: cls(**obj))
    return converter


class RecallServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "recall-ls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            converter_factory=plain_custom_params_converter,
            protocol_cls=RecallProtocol,  # ill-typed messages are answered, not dropped
        )
        self.options: Options = DEFAULTS
        self.layers = Layered()
        self.root: Path | None = None
        self.paragraphs = Paragraphs()
        self._live: LiveIndex | None = None
        self.query_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recall-query")
        self.loop: asyncio.AbstractEventLoop | None = None
        # For custom messages, which pygls leaves untyped: structure and unstructure like pygls does.
        self.converter = converters.get_converter()
        self.debounced: dict[str, asyncio.Task] = {}
        self._progress_token: str | None = None
        self._progress_begun: asyncio.Future | None = None
        self._refresh_pending = False
        self.lens_refresh = Throttle(
            lambda: self.workspace_code_lens_refresh(None),
            busy=lambda: self._live is not None and self._live.progress is not None,
            interval=LENS_REFRESH_S,
            call_later=lambda delay, then: self.loop.call_later(delay, then),
        )
        self._heap_settled_for: object | None = None
        self.draws = random.Random()  # the ``random`` forgotten gems: a new draw each time

    @property
    def live(self) -> LiveIndex:
        """The live index, created (and the core imported) on first use, after ``initialize``."""
        if self._live is None:
            from recall_ls.core.live import LiveIndex

            self._live = LiveIndex(self._on_live_event)
        return self._live

    # -- client capabilities ----------------------------------------------------------------------

    def client_supports(self, *path: str) -> bool:
        """Walk the client capabilities (snake_case attribute names); missing means no."""
        node: Any = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return False
        return bool(node)

    # -- configuration ----------------------------------------------------------------------------

    def settings(self) -> LiveSettings:
        from recall_ls.core.live import LiveSettings

        index_dir = Path(self.options.index_dir) if self.options.index_dir else default_index_dir()
        return LiveSettings(
            index_dir=index_dir,
            model=self.options.model,
            device=self.options.device,
            sources=tuple(Path(s) for s in self.options.sources),
            import_options=self.options.import_options(),
        )

    def apply_layers(self) -> None:
        """Re-merge the settings layers; report bad values (once: not again while they stay)."""
        options, problems = self.layers.build(self.root)
        for problem in problems:
            self.show(problem, types.MessageType.Warning)
        self.options = options

    async def pull_client_settings(self) -> None:
        """The client's ``recall`` section. A reply of ``null`` (which fails the request: see
        ``recall_ls.lsp.protocol``), ``[null]`` or a non-object is no settings: start-up goes on."""
        if not self.client_supports("workspace", "configuration"):
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="recall")])
            )
        except Exception as exc:  # an old or odd client: the other layers still hold
            log.warning("workspace/configuration failed: %s", exc)
            return
        value = result[0] if result else None
        if isinstance(value, dict):
            self.layers.client = value

    # -- documents and paragraphs -----------------------------------------------------------------

    def document(self, uri: str):
        """The open document, or None for a URI the client never opened (no error: nothing to say)."""
        return self.workspace.text_documents.get(uri)

    def paragraph_at(self, uri: str, position: types.Position) -> Paragraph | None:
        document = self.document(uri)
        if document is None:
            return None
        columns = document.position_codec.client_num_units
        return self.paragraphs.at(uri, uri_to_path(uri), document.version, document.lines, position.line, columns)

    def paragraphs_of(self, uri: str) -> list[Paragraph]:
        document = self.document(uri)
        if document is None:
            return []
        columns = document.position_codec.client_num_units
        return self.paragraphs.all(uri, uri_to_path(uri), document.version, document.lines, columns)

    def text_before(self, uri: str, position: types.Position) -> str:
        """The text of the position's line up to it ("" past the end): the position counts the
        client's units (UTF-8 bytes for Neovim), the text is a Python string."""
        document = self.document(uri)
        if document is None:
            return ""
        lines = document.lines
        if not 0 <= position.line < len(lines):
            return ""
        cursor = document.position_codec.position_from_client_units(lines, position)
        return lines[position.line][: cursor.character]

    # -- queries ----------------------------------------------------------------------------------

    async def related(self, paragraph: Paragraph, k: int | None = None) -> list[Hit]:
        """Past writing related to a paragraph of an open document: never the paragraph itself, nor
        the rest of the document being written (it is on screen already); other documents, yes."""
        from recall_ls.core.engine import Exclusions

        exclude = Exclusions(path=paragraph.path)

        def ask(engine: Engine, k: int, options: Options) -> list[Hit]:
            return engine.related(paragraph.text, k, options.min_score, options.filters(), exclude, options.ranking,
                                  boosts=options.boosts())

        return await self._query(ask, k)

    def blank_at(self, uri: str, line: int) -> bool:
        """Whether the 0-based ``line`` of an open document is blank (spaces only, or the empty last
        line after a final newline, or an empty document's)."""
        document = self.document(uri)
        if document is None or not 0 <= line <= len(document.lines):
            return False
        return line == len(document.lines) or not document.lines[line].strip()

    async def gems(self, uri: str) -> Gems | None:
        """Forgotten gems for a blank paragraph of ``uri`` (``idle``), never from that document: None
        when ``idle`` is off or the store is not open yet."""
        from recall_ls.core.engine import Exclusions
        from recall_ls.core.gems import Keep, gems

        def ask(engine: Engine, k: int, options: Options) -> Gems | None:
            keep = Keep(options.filters(), engine.hidden(), Exclusions(path=uri_to_path(uri)))
            return gems(engine.store, options.idle, today(), self.draws, k, keep)

        return await self._query(ask, None) or None  # ``_query`` says [] when the store is not open

    async def search(self, query: str, k: int | None = None) -> list[Hit]:
        def ask(engine: Engine, k: int, options: Options) -> list[Hit]:
            return engine.search(query, k, options.min_score, options.filters(), ranking=options.ranking,
                                 boosts=options.boosts())

        return await self._query(ask, k)

    async def _query(self, ask: Callable[[Engine, int, Options], list[Hit]], k: int | None) -> list[Hit]:
        """Run a question to the engine on the query thread, with the settings of the moment. The
        engine ranks by words alone while the model loads (it never waits for it: ``LiveIndex``)."""
        engine, options = self.live.engine, self.options
        if engine is None:
            return []  # the store is not open yet: nothing, rather than waiting
        return await asyncio.get_running_loop().run_in_executor(
            self.query_pool, ask, engine, k or options.top_k, options)

    async def thread(self, fragment_id: str) -> Expanded | None:
        """The whole self-thread of a stored fragment (``core/threads.expand``), read on the query
        thread: a long thread is a few hundred reads."""
        from recall_ls.core import threads

        engine = self.live.engine
        if engine is None:
            return None
        return await asyncio.get_running_loop().run_in_executor(
            self.query_pool, threads.expand, fragment_id, engine.fragment, engine.hidden())

    def fragment(self, fragment_id: str) -> Fragment | None:
        """A stored fragment by id; None when it is gone or the store is not open yet."""
        engine = self.live.engine
        return engine.fragment(fragment_id) if engine is not None else None

    # -- talking to the client from any thread ----------------------------------------------------

    def send_notification(self, method: str, params: Any) -> None:
        if self.loop is None:
            return
        self.loop.call_soon_threadsafe(self.protocol.notify, method, params)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        log.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, "%s", message)
        self.send_notification(types.WINDOW_SHOW_MESSAGE, types.ShowMessageParams(type=kind, message=f"Recall: {message}"))

    def request_code_lens_refresh(self) -> None:
        """Ask the client to re-request code lenses: once per loop turn however many changes came,
        and while indexing at most once per ``LENS_REFRESH_S`` (see ``Throttle``)."""
        if self.loop is None or self._refresh_pending or not self.client_supports(
            "workspace", "code_lens", "refresh_support"
        ):
            return
        self._refresh_pending = True

        def send() -> None:
            self._refresh_pending = False
            self.lens_refresh.request()

        self.loop.call_soon_threadsafe(send)

    # -- events from the live index (writer thread) -----------------------------------------------

    def _on_live_event(self, event: LiveEvent) -> None:
        if event.kind == "problem":
            self.show(event.text, types.MessageType.Warning)
        elif event.kind == "progress":
            if self.loop is not None:
                self.loop.call_soon_threadsafe(self._progress, event)
                if event.progress is None:  # indexing ended: the refresh it held back goes now
                    self.loop.call_soon_threadsafe(self.lens_refresh.flush)
        elif event.kind == "changed":
            self._settle_heap()
            self.request_code_lens_refresh()
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.push_status)

    def _settle_heap(self) -> None:
        """Once a model is loaded, its objects (hundreds of thousands) live as long as the session:
        out of the garbage collector's sight, a full collection no longer stalls a keystroke's
        query (it took ~300 ms in the middle of typing, bench/RESULTS.md)."""
        session = self.live.session
        if session is None or session is self._heap_settled_for or not session.embedder.loaded:
            return
        import gc

        self._heap_settled_for = session
        gc.unfreeze()  # a previous model's objects, after a change of model, become garbage now
        gc.collect()
        gc.freeze()

    def push_status(self) -> None:
        """``recall/status``, computed on the loop so ``pending`` counts the debounced edits too.
        Also pushed after new settings apply, so clients know when to ask again."""
        self.protocol.notify(wire.STATUS, wire.status(self.live.status(), len(self.debounced)))

    def _progress(self, event: LiveEvent) -> None:
        """``$/progress``: begin once the client accepted the token, report after, end when done.

        Reports that come while the token is still being created are dropped: the next one says more.
        """
        if not self.client_supports("window", "work_done_progress"):
            return
        progress = event.progress
        if progress is None:
            if self._progress_token is not None:
                asyncio.ensure_future(self._end_progress(self._progress_token, self._progress_begun))
                self._progress_token = None
            return
        if self._progress_token is None:
            self._progress_token = f"recall-indexing-{next(_tokens)}"
            self._progress_begun = asyncio.ensure_future(self._begin_progress(self._progress_token, progress))
        elif self._progress_begun is not None and self._progress_begun.done():
            self.work_done_progress.report(
                self._progress_token,
                types.WorkDoneProgressReport(message=self._progress_message(progress), percentage=progress.percent),
            )

    async def _begin_progress(self, token: str, progress) -> None:
        await self.work_done_progress.create_async(token)
        self.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="Recall: indexing", message=self._progress_message(progress), percentage=progress.percent,
                cancellable=True,
            ),
        )

    def _progress_message(self, progress) -> str:
        """Which tier is complete, then the step under way: ``keywords ready, meaning 12% · 120/1000 texts``."""
        return f"{self.live.tiers_message()} · {progress.message}" if progress.message else self.live.tiers_message()

    async def _end_progress(self, token: str, begun: asyncio.Future | None) -> None:
        if begun is not None:
            await begun
        self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="Recall is ready"))

    def progress_cancelled(self, token: str) -> None:
        if token == self._progress_token:
            self.live.cancel_indexing()
            self.show("indexing paused; run Recall: Reindex to resume")


class ClientLogHandler(logging.Handler):
    """Logs become ``window/logMessage`` (stdout is the protocol channel: nothing else goes there)."""

    LEVELS = {
        logging.ERROR: types.MessageType.Error,
        logging.WARNING: types.MessageType.Warning,
        logging.INFO: types.MessageType.Info,
    }

    def __init__(self, server: RecallServer) -> None:
        super().__init__(logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        kind = next((t for level, t in self.LEVELS.items() if record.levelno >= level), types.MessageType.Log)
        self.server.send_notification(
            types.WINDOW_LOG_MESSAGE, types.LogMessageParams(type=kind, message=self.format(record))
        )


def uri_to_path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def create_server() -> RecallServer:
    from recall_ls.lsp.features import register_all

    server = RecallServer()
    register_all(server)
    return server


def serve(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, opening: Opening | None = None) -> int:
    """Run until the client says exit. Over stdio, stdout is reserved for the protocol, and
    ``opening`` is what ``recall_ls.lsp.bootstrap`` already read (and perhaps answered) from stdin."""
    from recall_ls.lsp.bootstrap import Opening, reserve_stdout

    opening = opening or Opening(reserve_stdout())
    server = create_server()
    handler = ClientLogHandler(server)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        if tcp:
            server.start_tcp(host, port)
        else:
            from recall_ls.lsp.stdio import run_stdio

            run_stdio(server, opening)
    finally:
        if server._live is not None:
            server._live.stop()
        server.query_pool.shutdown(wait=False, cancel_futures=True)
    return 0
