"""The server's stdio transport: pygls's message loop over an asyncio-native stdin.

pygls 2's ``start_io`` reads stdin through ``StdinAsyncReader``, one executor hop per ``readline()``
and ``read()``: three or four thread hops per message, on the path of every keystroke. Here stdin is
an ``asyncio.StreamReader`` fed by the event loop itself (``connect_read_pipe``), which has the
``readline()`` and ``readexactly()`` that ``pygls.io_.run_async`` needs. Where the loop cannot watch
stdin (a regular file, a terminal, one file shared with stdout), a reader thread feeds the same
StreamReader instead.

The stream starts with what the bootstrap already read (``recall_ls.lsp.bootstrap``). If the bootstrap
answered ``initialize``, that request is handled here first, its reply dropped and compared with the
one sent. Otherwise the semantics are pygls's: stop at EOF, ``exit`` ends the loop (pygls raises
SystemExit), a lost client (BrokenPipeError) is logged and ends it too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import threading
from typing import TYPE_CHECKING

from pygls.io_ import StdoutWriter, run_async

if TYPE_CHECKING:
    from collections.abc import Callable

    from recall_ls.lsp.bootstrap import Opening
    from recall_ls.lsp.server import RecallServer

log = logging.getLogger("recall_ls")

STDIN = 0
_LINE_LIMIT = 1 << 20  # header lines are short; this only bounds what one readline() may buffer
_READ_SIZE = 1 << 16


def run_stdio(server: RecallServer, opening: Opening) -> None:
    """Serve over stdin/stdout until EOF or ``exit``, as pygls's ``start_io`` does."""
    # pygls's shutdown() sets this event to stop the loop: the same contract as its start_io.
    server._stop_event = threading.Event()
    writer = StdoutWriter(opening.protocol_out)
    server.protocol.set_writer(writer)
    try:
        asyncio.run(_serve(server, opening, writer))
    except BrokenPipeError:
        log.error("the connection to the client is lost; stopping")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


async def _serve(server: RecallServer, opening: Opening, writer: StdoutWriter) -> None:
    stream, close = await open_stdin(opening.rest)
    try:
        if opening.reply is not None:
            _handle_answered_initialize(server, opening, writer)
        await run_async(
            stop_event=server._stop_event,
            reader=_Framing(stream),
            protocol=server.protocol,
            logger=logging.getLogger("pygls.server"),
            error_handler=server.report_server_error,
        )
    finally:
        close()


async def open_stdin(already_read: bytes) -> tuple[asyncio.StreamReader, Callable[[], None]]:
    """A StreamReader over stdin that first yields ``already_read``, and how to stop reading."""
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=_LINE_LIMIT)
    if already_read:
        stream.feed_data(already_read)
    if _loop_can_watch_stdin():
        pipe = os.fdopen(STDIN, "rb", buffering=0, closefd=False)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), pipe)

        def close() -> None:
            transport.close()
            os.set_blocking(STDIN, True)  # the pipe transport made it non-blocking; leave it as found

        return stream, close
    threading.Thread(target=_pump, args=(loop, stream), name="recall-stdin", daemon=True).start()
    return stream, lambda: None


def _loop_can_watch_stdin() -> bool:
    """A pipe or socket of its own. Not a regular file (the loop cannot watch one), nor a terminal or
    a file open as stdout too: the pipe transport makes stdin non-blocking, and that flag belongs to
    the open file, so it would make stdout writes fail with BlockingIOError."""
    try:
        stdin, stdout = os.fstat(STDIN), os.fstat(1)
    except OSError:
        return False
    if not (stat.S_ISFIFO(stdin.st_mode) or stat.S_ISSOCK(stdin.st_mode)):
        return False
    return (stdin.st_dev, stdin.st_ino) != (stdout.st_dev, stdout.st_ino)


def _pump(loop: asyncio.AbstractEventLoop, stream: asyncio.StreamReader) -> None:
    """The fallback: blocking reads on a daemon thread (it may sit in read() while the process exits)."""
    try:
        while chunk := os.read(STDIN, _READ_SIZE):
            loop.call_soon_threadsafe(stream.feed_data, chunk)
        loop.call_soon_threadsafe(stream.feed_eof)
    except OSError:
        loop.call_soon_threadsafe(stream.feed_eof)
    except RuntimeError:
        pass  # the loop closed first: the server is done


class _Framing:
    """The reader ``run_async`` expects: at EOF in the middle of a body, what there is (as pygls's
    stdin reader gives), so the loop stops on the next read rather than raising."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.readline = stream.readline
        self._stream = stream

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError as exc:
            return exc.partial


def _handle_answered_initialize(server: RecallServer, opening: Opening, writer: StdoutWriter) -> None:
    """Let pygls and Recall's ``initialize`` handler see the request the bootstrap answered; keep their
    reply off the wire (the client has one already) and warn if it says something else."""
    server.protocol.set_writer(ReplyCatcher(server, writer, opening.reply))
    try:
        message = json.loads(opening.request, object_hook=server.protocol.structure_message)
        server.protocol.handle_message(message)
    except Exception as exc:
        server.protocol.set_writer(writer)
        log.warning("the server could not read the initialize request it answered at start-up: %s", exc)


class ReplyCatcher:
    """Stands in for the writer until pygls's reply to the answered ``initialize`` passes: that one is
    dropped, compared with the reply sent, and the real writer put back. Anything else goes through."""

    def __init__(self, server: RecallServer, writer: StdoutWriter, sent: dict) -> None:
        self.server = server
        self.writer = writer
        self.sent = sent

    def write(self, data: bytes) -> None:
        message = json.loads(data.partition(b"\r\n\r\n")[2])
        if "method" in message or message.get("id") != self.sent["id"]:
            self.writer.write(data)
            return
        self.server.protocol.set_writer(self.writer)
        if message != self.sent:
            log.warning(
                "the initialize reply sent at start-up differs from the server's own: sent %s, the server says %s",
                json.dumps(self.sent, sort_keys=True), json.dumps(message, sort_keys=True),
            )

    def close(self) -> None:
        self.writer.close()
