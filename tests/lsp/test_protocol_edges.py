"""Protocol edges: whatever a client sends, every request is answered and the server goes on.

Ill-typed params, bad command arguments, broken framing (a garbage header, no or a non-numeric
Content-Length, a length that is wrong or absurd) and a ``workspace/configuration`` answered with
``null``. A real ``recall-ls serve`` is driven over raw bytes (``RawServer``): a well-behaved client
library cannot send most of these. No model: the servers get a model folder that does not exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from recall_ls.lsp import bootstrap
from tests.lsp.conftest import WAIT
from tests.lsp.test_startup import ChunkedReads, framed, no_model_options

INVALID_PARAMS = -32602
HOVER = {"textDocument": {"uri": "file:///nowhere/draft.md"}, "position": {"line": 0, "character": 0}}


def request(request_id, method: str, params=None) -> bytes:
    message = {"jsonrpc": "2.0", "id": request_id, "method": method}
    return json.dumps(message if params is None else message | {"params": params}).encode()


def notification(method: str, params) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()


class RawServer:
    """``recall-ls serve`` behind pipes: bytes in as given, framed messages out, read with a timeout
    and kept. The server's own requests are answered from ``answers`` (by method; ``null`` otherwise)."""

    def __init__(self, process: asyncio.subprocess.Process, answers: dict) -> None:
        self.process = process
        self.answers = answers
        self.received: list[dict] = []

    @classmethod
    async def start(cls, tmp_path: Path, capabilities: dict | None = None, answers: dict | None = None,
                    first: bytes = b"", **options) -> RawServer:
        """Started and initialized (``first``: bytes sent before the ``initialize`` request)."""
        stderr = (tmp_path / "server.stderr").open("wb")  # read by nobody: a pipe could fill and stall it
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "recall_ls", "serve",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr)
        stderr.close()
        server = cls(process, answers or {})
        params = {"capabilities": capabilities or {}, "initializationOptions": no_model_options(tmp_path, **options)}
        await server.send(first + framed(request("init", "initialize", params)))
        assert "result" in await server.reply("init")
        await server.send(framed(notification("initialized", {})))
        return server

    async def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def call(self, request_id, method: str, params=None) -> dict:
        await self.send(framed(request(request_id, method, params)))
        return await self.reply(request_id)

    async def reply(self, request_id) -> dict:
        return await self.wait_for(lambda m: m.get("id") == request_id and "method" not in m)

    async def notified(self, method: str, accept=lambda params: True) -> dict:
        return await self.wait_for(lambda m: m.get("method") == method and "id" not in m and accept(m["params"]))

    async def wait_for(self, accept) -> dict:
        """The first message received that ``accept`` takes, reading on until one comes."""
        async def read() -> dict:
            while not accept(message := await self._read()):
                pass
            return message

        seen = next((m for m in self.received if accept(m)), None)
        return seen if seen is not None else await asyncio.wait_for(read(), WAIT)

    async def _read(self) -> dict:
        length = None
        while (line := await self.process.stdout.readline()) != b"\r\n":
            assert line, "the server closed its output"
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        message = json.loads(await self.process.stdout.readexactly(length))
        if "method" in message and "id" in message:  # the server asks: answer it
            result = self.answers.get(message["method"])
            await self.send(framed(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}).encode()))
        self.received.append(message)
        return message

    async def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        await self.process.wait()


@contextlib.asynccontextmanager
async def raw_server(tmp_path: Path, **kwargs):
    server = await RawServer.start(tmp_path, **kwargs)
    try:
        yield server
    finally:
        await server.close()


async def answers_hover(server: RawServer, request_id: str = "good") -> None:
    """The server still answers a well-formed request."""
    reply = await server.call(request_id, "textDocument/hover", HOVER)
    assert "error" not in reply and reply["result"] is None  # a document never opened: nothing to show


async def logs(server: RawServer, text: str) -> None:
    """The server logs ``text`` to the client (soon, if not yet)."""
    await server.notified("window/logMessage", lambda params: text in params["message"])


# -- ill-typed params -----------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "named"), [
    (HOVER | {"position": {"line": -1, "character": 0}}, "but was -1 @ $.params.position"),
    (HOVER | {"position": {"line": 2**31, "character": 0}}, "but was 2147483648 @ $.params.position"),
    ("oops", "params must be an object, got 'oops'"),
    (None, "required field missing @ $.params"),
], ids=["line -1", "line 2**31", "params 'oops'", "no params"])
async def test_ill_typed_params_get_invalid_params_naming_the_problem(tmp_path, params, named):
    async with raw_server(tmp_path) as server:
        reply = await server.call("bad", "textDocument/hover", params)
        assert reply["error"]["code"] == INVALID_PARAMS
        assert reply["error"]["message"].startswith("textDocument/hover: invalid params: ")
        assert named in reply["error"]["message"]
        await answers_hover(server)


async def test_a_notification_with_ill_typed_params_is_logged_and_nothing_breaks(tmp_path):
    async with raw_server(tmp_path) as server:
        await server.send(framed(notification("textDocument/didOpen", "oops")))
        await answers_hover(server)
        await logs(server, "ignored the notification textDocument/didOpen: invalid params: params must be an object")


# -- framing --------------------------------------------------------------------------------------

BROKEN_FRAMING = {
    "non-numeric length": b"Content-Length: abc\r\n\r\n" + request("lost", "shutdown"),
    "garbage before a header": b"some garbage",  # no line end: it runs into the header after it
    "no length": b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + request("lost", "shutdown"),
    "length too short": b"Content-Length: 12\r\n\r\n" + request("lost", "shutdown"),
    "huge length": b"Content-Length: 99999999999\r\n\r\n" + b'{"jsonrpc": "2.0", "id": "lost", "meth',
}


@pytest.mark.parametrize("broken", BROKEN_FRAMING.values(), ids=BROKEN_FRAMING)
async def test_after_broken_framing_the_next_message_is_answered(tmp_path, broken):
    async with raw_server(tmp_path) as server:
        await server.send(broken)
        await answers_hover(server)
        await logs(server, "skipping to the next Content-Length header")


async def test_a_huge_length_is_refused_with_a_logged_error(tmp_path):
    async with raw_server(tmp_path) as server:
        await server.send(BROKEN_FRAMING["huge length"])
        await answers_hover(server)
        await logs(server, "Content-Length 99999999999 is past the 64 MiB bound")


async def test_a_length_too_long_cuts_the_message_at_the_next_header(tmp_path):
    """Both are answered: the first one is whole, only its length was wrong."""
    async with raw_server(tmp_path) as server:
        await server.send(b"Content-Length: 500\r\n\r\n" + request("long", "textDocument/hover", HOVER))
        await answers_hover(server)
        assert (await server.reply("long"))["result"] is None
        await logs(server, "ran into the next header")


@pytest.mark.parametrize("broken", [BROKEN_FRAMING["huge length"], BROKEN_FRAMING["non-numeric length"]],
                         ids=["huge length", "non-numeric length"])
async def test_broken_framing_before_initialize_is_skipped_too(tmp_path, broken):
    """The bootstrap reads the first message: it hands these over rather than wait on them."""
    async with raw_server(tmp_path, first=broken) as server:  # start() checked the initialize reply
        await answers_hover(server)


class ReadsThenBlocks(ChunkedReads):
    """``os.read`` on a pipe whose client sent ``data`` and waits: a further read would block for good."""

    def __call__(self, fd: int, n: int) -> bytes:
        assert self.data, "the bootstrap read on, past what the client sent"
        return super().__call__(fd, n)


@pytest.mark.parametrize("stream", [
    b"Content-Length: 99999999999\r\n\r\n" + framed(request(1, "initialize", {"capabilities": {}})),
    b"Content-Length: 900\r\n\r\n" + request(1, "initialize", {"capabilities": {}}) + framed(b"{}"),
], ids=["huge length", "length too long"])
def test_the_bootstrap_does_not_wait_on_a_body_it_will_not_get(monkeypatch, stream):
    reads = ReadsThenBlocks(stream, size=1 << 16)
    monkeypatch.setattr(bootstrap.os, "read", reads)
    out = io.BytesIO()
    opening = bootstrap.answer_initialize(protocol_out=out)
    assert opening.reply is None and opening.rest + reads.data == stream  # the server's to read
    assert out.getvalue() == b""


# -- commands -------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", ["x", -1, 0, True, 10**9, 2.5])
async def test_recall_search_refuses_a_bad_k(tmp_path, k):
    async with raw_server(tmp_path) as server:
        reply = await server.call("search", "workspace/executeCommand",
                                  {"command": "recall.search", "arguments": ["bread", k]})
        assert reply["error"]["code"] == INVALID_PARAMS
        assert "recall.search: k must be a whole number" in reply["error"]["message"]


RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
PAYLOAD = {"uri": "file:///nowhere/draft.md", "range": RANGE, "items": [{"id": "note:1", "text": "bread"}]}


@pytest.mark.parametrize(("payload", "named"), [
    (PAYLOAD | {"uri": 5}, "uri must be"),
    (PAYLOAD | {"range": "x"}, "range must be"),
    (PAYLOAD | {"range": RANGE | {"start": {"line": -1, "character": 0}}}, "but was -1"),
    (PAYLOAD | {"items": "x"}, "items must be"),
    (PAYLOAD | {"items": [1]}, "items must be"),
    ({"anything": True}, "uri must be"),
], ids=["uri", "range", "negative line", "items", "an item", "another payload"])
async def test_recall_show_related_refuses_a_malformed_payload(tmp_path, payload, named):
    async with raw_server(tmp_path) as server:
        reply = await server.call("show", "workspace/executeCommand",
                                  {"command": "recall.showRelated", "arguments": [payload]})
        assert reply["error"]["code"] == INVALID_PARAMS
        assert reply["error"]["message"].startswith("recall.showRelated: ") and named in reply["error"]["message"]
        assert not [m for m in server.received if m.get("method") == "recall/related"]  # nothing pushed


async def test_recall_show_related_pushes_a_good_payload(tmp_path):
    async with raw_server(tmp_path) as server:
        reply = await server.call("show", "workspace/executeCommand",
                                  {"command": "recall.showRelated", "arguments": [PAYLOAD]})
        assert reply["result"] == PAYLOAD
        assert (await server.notified("recall/related"))["params"] == PAYLOAD


# -- settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [None, 5], ids=["null", "a number"])
async def test_a_configuration_reply_that_is_no_settings_does_not_stop_start_up(tmp_path, answer):
    """The index starts, from the other layers' settings: here it opens the index folder and finds
    that the model folder the initialization options name is missing."""
    capabilities = {"workspace": {"configuration": True}}
    async with raw_server(tmp_path, capabilities=capabilities, answers={"workspace/configuration": answer}) as server:
        await server.notified("recall/status", lambda s: s["state"] == "error" and "no-model" in s["message"])
        await logs(server, "workspace/configuration failed")


async def test_handled_notifications_leave_nothing_behind_and_requests_are_still_answered(tmp_path):
    """pygls kept the future of every notification (each keystroke's didChange, with its text) for the
    whole session; the server lets each go once handled. A request in flight stays cancellable."""
    from recall_ls.lsp.server import create_server

    server = create_server()
    sent: list[dict] = []
    server.protocol.set_writer(type("Collect", (), {"write": lambda _, data: sent.append(data), "close": lambda _: None})())
    protocol = server.protocol

    def receive(message: dict) -> None:
        protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

    uri = "file:///nowhere/kept/draft.md"
    try:
        receive({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"capabilities": {}, "initializationOptions": no_model_options(tmp_path)}})
        receive({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        for _ in range(20):
            await asyncio.sleep(0.01)
        receive({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "Hello\n"}}})
        for version in range(2, 202):
            receive({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 5}},
                                    "text": "!"}]}})
        receive({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": HOVER})
        assert list(protocol._request_futures) == [7]  # in flight: a $/cancelRequest would find it
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert protocol._request_futures == {}
        assert server.document(uri).source == "Hello" + "!" * 200 + "\n"
        bodies = [json.loads(data.split(b"\r\n\r\n", 1)[1]) for data in sent]
        replies = {body["id"]: body for body in bodies if "id" in body and "method" not in body}
        assert set(replies) == {1, 7} and replies[7]["result"] is None  # the hover was answered: nothing to say
    finally:
        for task in server.debounced.values():
            task.cancel()
        if server._live is not None:
            server._live.stop()
