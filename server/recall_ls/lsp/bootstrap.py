"""The ``initialize`` reply, sent before the language server is even imported.

Importing lsprotocol, cattrs and pygls takes most of a second on a slow machine, and an editor waits
for the ``initialize`` reply before it shows anything from the server. So ``recall-ls serve`` (stdio)
first runs this module, which needs only ``os``, ``sys`` and ``json``: it reads the first message from
stdin, and if it is ``initialize`` it answers at once with the capabilities that pygls would compute
for Recall's features and this client. Then the real server starts and reads the same bytes again: it
handles that ``initialize`` itself (so it records the root, the settings and the client capabilities)
with its reply dropped, and compared with the one sent (see ``recall_ls.lsp.stdio``). While the
bootstrap waits for that first message, a thread already imports the server.

Anything unexpected (another first message, a body that is not JSON, capabilities of an odd shape,
headers that do not frame a message, a length past ``MAX_CONTENT_LENGTH``) is left unanswered here
and handed over untouched: the server then answers (or skips) it as it always does.
``tests/lsp/test_startup.py`` checks the capabilities against pygls's own answer.
"""

from __future__ import annotations

import _thread
import json
import os
import re  # json imports it anyway: free here
import sys

from recall_ls import __version__
from recall_ls.lsp.wire import Commands

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing alone costs 10 ms here
if TYPE_CHECKING:
    from typing import BinaryIO

SERVER_NAME = "recall-ls"

_TEXT_DOCUMENT_SYNC_INCREMENTAL = 2
_SUPPORTED_ENCODINGS = ("utf-8", "utf-16", "utf-32")
_READ_SIZE = 1 << 16
MAX_HEADER_BYTES = 1 << 16  # no real header comes near: past this, the stream is not framed as LSP
MAX_CONTENT_LENGTH = 64 << 20  # far past any real message (a 10 MB note is ~11 MB of JSON); refused above
# A Content-Length header line. A well-formed body never holds one: a JSON string cannot hold a raw CR,
# and outside strings these words are not JSON. So one inside a body says its length was wrong, and
# after bad framing the reader starts again at the next one (``recall_ls.lsp.stdio``).
HEADER_START = re.compile(rb"Content-Length:[ \t]{0,8}\d{1,20}\r\n", re.IGNORECASE)
HEADER_START_MAX = 64  # bytes: longer than any match of HEADER_START
_HEADER_LINE = re.compile(rb"([!-9;-~]+):[ \t]*(.*?)[ \t]*")


class Opening:
    """What the bootstrap did before the server existed.

    ``request`` is the body of the ``initialize`` request that was answered with ``reply`` (both
    None when nothing was answered); ``rest`` is every byte read from stdin after it (all of them
    when nothing was answered), for the server to read first; ``protocol_out`` is the real stdout.
    """

    __slots__ = ("request", "reply", "rest", "protocol_out")

    def __init__(self, protocol_out: BinaryIO, rest: bytes = b"", request: bytes | None = None,
                 reply: dict | None = None) -> None:
        self.protocol_out = protocol_out
        self.rest = rest
        self.request = request
        self.reply = reply


def reserve_stdout() -> BinaryIO:
    """The protocol channel (the process's real stdout); from now on ``print()`` goes to stderr, so a
    stray print from any library cannot corrupt the protocol."""
    sys.stdout = sys.stderr
    return sys.__stdout__.buffer


def answer_initialize(fd: int = 0, protocol_out: BinaryIO | None = None) -> Opening:
    """Read the first message from ``fd`` and answer it on ``protocol_out`` (the real stdout unless
    given) if it is ``initialize``. Meanwhile a thread imports the server."""
    if protocol_out is None:
        protocol_out = reserve_stdout()
    _thread.start_new_thread(_import_the_server, ())
    received = _read_first_message(fd)
    framed = _split_first_message(received)
    if framed is None:
        return Opening(protocol_out, rest=received)
    body, rest = framed
    reply = initialize_reply(body)
    if reply is None:
        return Opening(protocol_out, rest=received)
    try:
        protocol_out.write(frame(reply))
        protocol_out.flush()
    except BrokenPipeError:
        # The client is gone; the server will find stdin closed and stop.
        pass
    return Opening(protocol_out, rest=rest, request=body, reply=reply)


def initialize_reply(body: bytes) -> dict | None:
    """The reply to an ``initialize`` request body, or None if this is not one or looks odd."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0" or message.get("method") != "initialize":
        return None
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    params = message.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return None
    try:
        capabilities = server_capabilities(params["capabilities"])
    except _OddShape:
        return None
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "result": {"capabilities": capabilities, "serverInfo": {"name": SERVER_NAME, "version": __version__}},
    }


def server_capabilities(client: dict) -> dict:
    """What pygls 2's ``ServerCapabilitiesBuilder`` answers for the features ``create_server()``
    registers, given the client's capabilities (camelCase JSON, as received).

    Only two parts depend on the client, and only these builder steps read it for Recall's features:
    the position encoding, and ``willSave``/``willSaveWaitUntil``. The other client-dependent steps
    (rename, file operations, notebook sync) give nothing for a server without those features.
    """
    return {
        "positionEncoding": position_encoding(client),
        "textDocumentSync": text_document_sync(client),
        "completionProvider": {"resolveProvider": True},
        "hoverProvider": True,
        "codeLensProvider": {"resolveProvider": True},
        "executeCommandProvider": {"commands": list(Commands.ALL)},
        "workspaceSymbolProvider": {"resolveProvider": False},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}, "fileOperations": {}},
        "inlineCompletionProvider": {},
    }


def position_encoding(client: dict) -> str:
    """The client's first listed encoding that pygls supports; UTF-16 when none is (the LSP default)."""
    encodings = _field(client, "general", "positionEncodings")
    if encodings is None:
        return "utf-16"
    if not isinstance(encodings, list) or not all(isinstance(e, str) for e in encodings):
        raise _OddShape
    return next((e for e in encodings if e in _SUPPORTED_ENCODINGS), "utf-16")


def text_document_sync(client: dict) -> dict:
    """pygls answers ``willSave`` with "the client supports it and the server handles it": Recall
    handles neither will-save message, so the answer is false where the client said anything and
    left out where it said nothing."""
    sync = {"openClose": True, "change": _TEXT_DOCUMENT_SYNC_INCREMENTAL, "save": False}
    for name in ("willSave", "willSaveWaitUntil"):
        said = _field(client, "textDocument", "synchronization", name)
        if said is not None:
            if not isinstance(said, bool):
                raise _OddShape
            sync[name] = False
    return sync


def frame(message: dict) -> bytes:
    """A message with the headers pygls writes."""
    body = json.dumps(message).encode("utf-8")
    header = f"Content-Length: {len(body)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    return header.encode("ascii") + body


class BadFraming(Exception):
    """Headers that do not frame a message: what is wrong with them."""


def content_length(headers: bytes) -> int:
    """The body length that header lines (without the blank line after them) announce.

    Every line must be ``Name: value``; names are case-insensitive; the length a whole number up to
    ``MAX_CONTENT_LENGTH``. Anything else raises BadFraming, saying what.
    """
    length = None
    for line in headers.split(b"\r\n"):
        header = _HEADER_LINE.fullmatch(line)
        if header is None:
            raise BadFraming(f"a header line is not 'Name: value': {line[:80]!r}")
        if header[1].lower() == b"content-length":
            if not header[2].isdigit():
                raise BadFraming(f"Content-Length is not a whole number: {header[2][:80]!r}")
            length = int(header[2])
    if length is None:
        raise BadFraming(f"no Content-Length header in {headers[:80]!r}")
    if length > MAX_CONTENT_LENGTH:
        raise BadFraming(f"Content-Length {length} is past the {MAX_CONTENT_LENGTH >> 20} MiB bound")
    return length


class _OddShape(Exception):
    """Client capabilities that pygls's converter might read differently: leave the answer to pygls."""


def _field(node: dict, *path: str):
    """The value at ``path``; None if any step is missing or null (as pygls reads it)."""
    for name in path:
        if node is None:
            return None
        if not isinstance(node, dict):
            raise _OddShape
        node = node.get(name)
    return node


def _import_the_server() -> None:
    """Import the server while the bootstrap waits for the client: a client that starts the server
    well before it sends ``initialize`` finds it ready. (One that sends it at once gets its reply a few
    milliseconds later: this thread holds the interpreter lock some of the time.)

    ``recall_ls.lsp.server`` first, the module the main thread imports next: that import then waits
    for this one rather than walking the same packages at the same time (where a circular import
    inside a library could hand one thread a half-initialised module).
    """
    try:
        import importlib
        import pkgutil

        importlib.import_module("recall_ls.lsp.server")
        importlib.import_module("recall_ls.lsp.stdio")
        from recall_ls.lsp import features

        for module in pkgutil.iter_modules(features.__path__):
            importlib.import_module(f"{features.__name__}.{module.name}")
    except Exception:
        pass  # the server's own import, on the main thread, reports the error


def _read_first_message(fd: int) -> bytes:
    """Bytes from ``fd`` until they hold one whole message (or EOF, or no sign of LSP framing).

    ``os.read`` rather than ``sys.stdin.buffer``: whatever arrives past the first message must stay
    in hand, for the server to read next, not in a buffered reader that nothing else reads.
    """
    received = b""
    while True:
        end_of_headers = received.find(b"\r\n\r\n")
        if end_of_headers >= 0:
            start = end_of_headers + 4
            length = _length_or_none(received[:end_of_headers])
            # A header inside the body: its length was wrong, and the rest may be waiting for a reply.
            if length is None or len(received) >= start + length or HEADER_START.search(received, start):
                return received
        elif len(received) > MAX_HEADER_BYTES:
            return received
        chunk = os.read(fd, _READ_SIZE)
        if not chunk:
            return received
        received += chunk


def _split_first_message(received: bytes) -> tuple[bytes, bytes] | None:
    """(first body, bytes after it), or None if ``received`` does not start with one whole message."""
    end_of_headers = received.find(b"\r\n\r\n")
    if end_of_headers < 0:
        return None
    length = _length_or_none(received[:end_of_headers])
    start = end_of_headers + 4
    if length is None or len(received) < start + length or HEADER_START.search(received, start, start + length):
        return None
    return received[start:start + length], received[start + length:]


def _length_or_none(headers: bytes) -> int | None:
    """The length, if the headers frame a message; otherwise the server's reader deals with them."""
    try:
        return content_length(headers)
    except BadFraming:
        return None
