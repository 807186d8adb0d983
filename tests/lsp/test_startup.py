"""Start-up: the bootstrap's early ``initialize`` reply, and the stdio transport that takes over.

The bootstrap answers ``initialize`` before pygls is imported, from its own description of Recall's
capabilities: the first tests hold that description to what pygls computes for ``create_server()``,
for real clients' capabilities. The rest drive a real ``recall-ls serve`` and check that nothing the
client sent around that reply is lost. No model is needed: the servers are given a model folder that
does not exist, so their live index stops at once with an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import converters, types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from recall_ls.lsp import bootstrap
from recall_ls.lsp.positions import FastPositionCodec
from recall_ls.lsp.server import RecallServer, create_server
from recall_ls.lsp.stdio import ReplyCatcher
from tests.lsp.conftest import CLIENTS, WAIT

_converter = converters.get_converter()


def initialize_body(capabilities: types.ClientCapabilities, request_id: int | str = 1, **params) -> bytes:
    """An ``initialize`` request as a client puts it on the wire."""
    unstructured = _converter.unstructure(types.InitializeParams(capabilities=capabilities, **params))
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "initialize", "params": unstructured}).encode()


def framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def pygls_reply(body: bytes) -> dict:
    """What pygls itself answers to this ``initialize``, for the server ``serve()`` runs."""
    return initialized_server(body)[1]


def initialized_server(body: bytes) -> tuple[RecallServer, dict]:
    """The server ``serve()`` runs, after handling this ``initialize``, and its reply."""
    server = create_server()
    sent: list[bytes] = []
    server.protocol.set_writer(type("Capture", (), {"write": lambda self, data: sent.append(data)})())

    async def handle() -> None:
        server.protocol.handle_message(json.loads(body, object_hook=server.protocol.structure_message))

    asyncio.run(handle())
    (data,) = sent
    return server, json.loads(data.partition(b"\r\n\r\n")[2])


def with_encodings(*encodings: str) -> types.ClientCapabilities:
    return types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=list(encodings)))


CAPABILITIES = {
    **{name: client_capabilities(name) for name in CLIENTS},
    "empty": types.ClientCapabilities(),
    "utf-32 only": with_encodings("utf-32"),
    "unknown encodings first": with_encodings("utf-7", "ebcdic", "utf-8"),
    "no known encoding": with_encodings("utf-7"),
    "no encoding listed": with_encodings(),
    "will save, nothing else": types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        synchronization=types.TextDocumentSyncClientCapabilities(will_save=False))),
}


@pytest.mark.parametrize("name", CAPABILITIES)
def test_the_early_reply_is_what_pygls_answers(name):
    body = initialize_body(CAPABILITIES[name], request_id=f"init-{name}", root_uri="file:///notes")
    assert bootstrap.initialize_reply(body) == pygls_reply(body)


@pytest.mark.parametrize("name", CLIENTS)
def test_documents_convert_columns_with_the_fast_codec_in_the_agreed_encoding(name):
    server, reply = initialized_server(initialize_body(client_capabilities(name)))
    codec = server.workspace.position_codec
    assert isinstance(codec, FastPositionCodec)
    assert codec.encoding == reply["result"]["capabilities"]["positionEncoding"]


class ChunkedReads:
    """Stands in for ``os.read`` on a pipe that delivers a few bytes at a time."""

    def __init__(self, data: bytes, size: int = 7) -> None:
        self.data, self.size = data, size

    def __call__(self, fd: int, n: int) -> bytes:
        chunk, self.data = self.data[: min(n, self.size)], self.data[min(n, self.size):]
        return chunk


def test_the_bootstrap_answers_initialize_and_keeps_what_follows(monkeypatch):
    body = initialize_body(client_capabilities("neovim"))
    following = framed(b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}') + b"Content-Len"
    reads = ChunkedReads(framed(body) + following)
    monkeypatch.setattr(bootstrap.os, "read", reads)
    out = io.BytesIO()
    opening = bootstrap.answer_initialize(protocol_out=out)
    assert opening.request == body
    assert opening.rest + reads.data == following  # what it read past the request, and no more is lost
    headers, _, reply = out.getvalue().partition(b"\r\n\r\n")
    assert headers.startswith(b"Content-Length: %d\r\n" % len(reply))
    assert json.loads(reply) == opening.reply
    assert opening.reply["result"]["capabilities"]["positionEncoding"] == "utf-8"


@pytest.mark.parametrize("stream", [
    framed(b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}') + b"more",
    framed(b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {"general": []}}}'),
    framed(b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}'),
    framed(b'{"jsonrpc": "2.0", "id": 1, "method": "initia'),
    b"Content-Length: 12\r\n\r\nnot json at all",
    b"content-length: 2\r\n\r\n{}",
    b"",
], ids=["other request", "odd capabilities", "no capabilities", "cut short", "not json", "odd header", "eof"])
def test_the_bootstrap_hands_anything_else_over_untouched(monkeypatch, stream):
    reads = ChunkedReads(stream)
    monkeypatch.setattr(bootstrap.os, "read", reads)
    out = io.BytesIO()
    opening = bootstrap.answer_initialize(protocol_out=out)
    assert opening.reply is None and opening.request is None
    assert opening.rest + reads.data == stream
    assert out.getvalue() == b""


class Recorded:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.writer = None

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def set_writer(self, writer) -> None:
        self.writer = writer


def test_the_servers_own_reply_is_dropped_and_a_difference_logged(caplog):
    sent = {"jsonrpc": "2.0", "id": 7, "result": {"capabilities": {"hoverProvider": True}}}
    real, protocol = Recorded(), Recorded()
    catcher = ReplyCatcher(type("Server", (), {"protocol": protocol})(), real, sent)
    notification = bootstrap.frame({"jsonrpc": "2.0", "method": "window/logMessage", "params": {}})
    catcher.write(notification)
    catcher.write(bootstrap.frame(sent | {"result": {"capabilities": {"hoverProvider": False}}}))
    assert real.written == [notification]  # the reply never reaches the client a second time
    assert protocol.writer is real  # and from then on, nothing is in the way
    assert "differs" in caplog.text and "hoverProvider" in caplog.text


# -- a real server --------------------------------------------------------------------------------

CONSOLE_SCRIPT = Path(sys.executable).with_name("recall-ls")
COMMANDS = {
    "python -m recall_ls serve": [sys.executable, "-m", "recall_ls", "serve"],
    "recall-ls serve": [str(CONSOLE_SCRIPT), "serve"],
}


async def start_server(command: str = "python -m recall_ls serve") -> LanguageClient:
    if not os.access(COMMANDS[command][0], os.X_OK):
        pytest.skip(f"{COMMANDS[command][0]} is not installed")
    return await ClientServerConfig(server_command=COMMANDS[command]).start()


async def stop(client: LanguageClient) -> None:
    """Stop the client; the server too, if a failed test left it running."""
    if client._server is not None and client._server.returncode is None:
        client._server.kill()
    await client.stop()


@contextlib.contextmanager
def in_one_write(client: LanguageClient):
    """Messages sent inside reach the server in a single write, so the bootstrap reads them all at once
    (each would otherwise be written as soon as the client had serialized it, maybe too late)."""
    stdin, held = client._server.stdin, []
    client.protocol.set_writer(type("Held", (), {"write": lambda self, data: held.append(data)})())
    try:
        yield
    finally:
        client.protocol.set_writer(stdin)
        stdin.write(b"".join(held))


def no_model_options(tmp_path: Path, **options) -> dict:
    return {"indexDir": str(tmp_path / "index"), "model": str(tmp_path / "no-model"), "sources": []} | options


async def status(client: LanguageClient) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))


async def wait_for_message(client: LanguageClient, text: str) -> types.ShowMessageParams:
    async def found():
        while not any(text in m.message for m in client.messages):
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
        return next(m for m in client.messages if text in m.message)

    return await asyncio.wait_for(found(), WAIT)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("spec", CLIENTS)
async def test_messages_sent_with_initialize_are_not_lost(spec, command, tmp_path, caplog):
    """``initialized`` and ``didOpen`` written right behind ``initialize``, before its reply: they
    reach the bootstrap in the same read, and the server must still see them."""
    caplog.set_level(logging.WARNING, logger="pygls")
    client = await start_server(command)
    try:
        note = tmp_path / "draft.md"
        client.capabilities = client_capabilities(spec)
        with in_one_write(client):
            reply = asyncio.wrap_future(client.protocol.send_request(types.INITIALIZE, types.InitializeParams(
                capabilities=client.capabilities, process_id=os.getpid(), root_uri=tmp_path.as_uri(),
                initialization_options=no_model_options(tmp_path, topK=3, insertFormat="bold"))))
            client.initialized(types.InitializedParams())
            client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
                uri=note.as_uri(), language_id="markdown", version=1, text="A paragraph about bread.\n")))
        result = await asyncio.wait_for(reply, WAIT)
        assert result.server_info.name == "recall-ls" and result.capabilities.hover_provider
        # The initialization options reached the server: the bad one is reported, the good one applied.
        warning = await wait_for_message(client, "recall.insertFormat")
        assert warning.type == types.MessageType.Warning
        current = await status(client)
        assert current["options"]["topK"] == 3 and current["openDocuments"] == 1
        # Only one reply to initialize (the client warns of a second): pygls's own was dropped, and
        # it agreed with the early one.
        assert "unknown message id" not in caplog.text
        assert not [m for m in client.log_messages if "differs" in m.message]
        await client.shutdown_session()
        assert client._server.returncode == 0
    finally:
        await stop(client)


async def test_the_server_stops_at_the_end_of_its_input(tmp_path):
    client = await start_server()
    try:
        await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("neovim"), initialization_options=no_model_options(tmp_path)))
        assert (await status(client))["openDocuments"] == 0
        client._server.stdin.close()
        assert await asyncio.wait_for(client._server.wait(), WAIT) == 0
    finally:
        await stop(client)


async def test_a_first_message_other_than_initialize_is_the_servers_to_answer(tmp_path):
    """An odd client that says ``shutdown`` first: the bootstrap leaves it alone, pygls answers it."""
    client = await start_server()
    try:
        # The plain protocol: pytest-lsp's client refuses to send anything before initialize.
        assert await asyncio.wait_for(asyncio.wrap_future(client.protocol.send_request(types.SHUTDOWN)), WAIT) is None
        client.exit(None)
        assert await asyncio.wait_for(client._server.wait(), WAIT) == 0
    finally:
        await stop(client)


def test_a_regular_file_as_input_is_served_too(tmp_path):
    """The event loop cannot watch a regular file: a reader thread takes over, with the same result."""
    script = tmp_path / "session.lsp"
    script.write_bytes(b"".join(framed(json.dumps(message).encode()) for message in (
        json.loads(initialize_body(client_capabilities("neovim"), initialization_options=no_model_options(tmp_path))),
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    )))
    with script.open("rb") as stdin:
        done = subprocess.run(COMMANDS["python -m recall_ls serve"], stdin=stdin, capture_output=True, timeout=WAIT)
    replies = [json.loads(part.partition(b"\r\n\r\n")[2]) for part in done.stdout.split(b"Content-Length: ")[1:]]
    assert [r["id"] for r in replies if "id" in r and "method" not in r] == [1, 2]  # one reply each
    assert done.returncode == 0
