"""The server's stdio transport: LSP messages read off an asyncio-native stdin.

pygls 2's ``start_io`` reads stdin through ``StdinAsyncReader``, one executor hop per ``readline()``
and ``read()``: three or four thread hops per message, on the path of every keystroke. Here stdin is
an ``asyncio.StreamReader`` fed by the event loop itself (``connect_read_pipe``), read in chunks as
they come. Where the loop cannot watch stdin (a regular file, a terminal, one file shared with stdout),
a reader thread feeds the same StreamReader instead.

The stream starts with what the bootstrap already read (``recall_ls.lsp.bootstrap``). If the bootstrap
answered ``initialize``, that request is handled here first, its reply dropped and compared with the
one sent. Otherwise the semantics are pygls's: stop at EOF, ``exit`` ends the loop (pygls raises
SystemExit), a lost client (BrokenPipeError) is logged and ends it too.

The framing is Recall's (``Framing``), not pygls's ``run_async``: that one, after a header it could not
read, skipped lines until a blank one, so a message framed wrong took the next ones with it, and it
waited for a body of any length it was told. Here bad headers are logged and reading starts again at
the next ``Content-Length`` header; a length past 64 MiB is refused the same way, its body skipped as it
arrives; a body that runs into the next header is cut there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import threading
from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter

from recall_ls.lsp.bootstrap import HEADER_START, HEADER_START_MAX, MAX_HEADER_BYTES, BadFraming, content_length

if TYPE_CHECKING:
    from collections.abc import Callable

    from recall_ls.lsp.bootstrap import Opening
    from recall_ls.lsp.server import RecallServer

log = logging.getLogger("recall_ls")

STDIN = 0
_STREAM_LIMIT = 1 << 20  # the StreamReader stops reading the pipe past twice this, until it is read
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
        await _read_messages(server, Framing(stream))
    finally:
        close()


async def _read_messages(server: RecallServer, framing: Framing) -> None:
    """pygls's ``run_async`` over Recall's framing: each body parsed and handed to the protocol."""
    protocol = server.protocol
    while not server._stop_event.is_set():
        body = await framing.next_body()
        if body is None:
            return
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except Exception as exc:  # not JSON, or nested past the recursion limit: no id to answer
            log.error("skipped a message whose body is not JSON (%s): %.120r", exc, body)
            continue
        try:
            protocol.handle_message(message)
        except Exception as exc:
            logging.getLogger("pygls.server").exception("Unable to handle message")
            server.report_server_error(exc, JsonRpcException)


async def open_stdin(already_read: bytes) -> tuple[asyncio.StreamReader, Callable[[], None]]:
    """A StreamReader over stdin that first yields ``already_read``, and how to stop reading."""
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=_STREAM_LIMIT)
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


class Framing:
    """LSP messages off a StreamReader: header lines, a blank line, a body of ``Content-Length`` bytes.

    Headers that do not frame a message (a garbage line, no length, a length that is not a number or
    past the bound) are logged, and bytes dropped up to the next ``Content-Length`` header: the
    messages after a broken one are read as usual. No more than a header's worth is held meanwhile.
    """

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream
        self._buffer = bytearray()

    async def next_body(self) -> bytes | None:
        """The next message's body; None at the end of the input."""
        while await self._read_until_headers_end():
            end = self._buffer.find(b"\r\n\r\n", 0, MAX_HEADER_BYTES)
            try:
                if end < 0:
                    raise BadFraming(f"no blank line ends the headers within {MAX_HEADER_BYTES} bytes")
                length = content_length(bytes(self._buffer[:end]))
            except BadFraming as exc:
                log.error("unreadable message headers (%s): skipping to the next Content-Length header", exc)
                if not await self._skip_to_next_header():
                    return None
                continue
            del self._buffer[:end + 4]
            return await self._body(length)
        return None

    async def _read_until_headers_end(self) -> bool:
        while b"\r\n\r\n" not in self._buffer and len(self._buffer) <= MAX_HEADER_BYTES:
            if not await self._read_more():
                return False
        return True

    async def _skip_to_next_header(self) -> bool:
        """Drop bytes until a Content-Length header (not the one at the start) begins the buffer;
        keep the tail of each read, which may hold the start of one. False at EOF."""
        del self._buffer[:1]
        while (found := HEADER_START.search(self._buffer)) is None:
            del self._buffer[:-HEADER_START_MAX]
            if not await self._read_more():
                return False
        del self._buffer[:found.start()]
        return True

    async def _body(self, length: int) -> bytes | None:
        """``length`` bytes, or fewer if a header shows up inside them (the length was wrong: the
        message is cut there and tried as it is). None at EOF before the body is whole."""
        searched = 0
        while True:
            # A little past the end too: a header cut by the wrong length starts inside the body.
            found = HEADER_START.search(self._buffer, max(0, searched - HEADER_START_MAX), length + HEADER_START_MAX)
            if found is not None and found.start() < length:
                log.error("a message ran into the next header before its Content-Length %d: cut there", length)
                return self._take(found.start())
            if len(self._buffer) >= length:
                return self._take(length)
            searched = len(self._buffer)
            if not await self._read_more(length - len(self._buffer)):
                return None

    async def _read_more(self, wanted: int = _READ_SIZE) -> bool:
        chunk = await self._stream.read(max(wanted, _READ_SIZE))
        self._buffer += chunk
        return bool(chunk)

    def _take(self, n: int) -> bytes:
        taken = bytes(self._buffer[:n])
        del self._buffer[:n]
        return taken


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
