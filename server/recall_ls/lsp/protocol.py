"""The server's protocol class: every message that does not fit its LSP type still gets an answer.

pygls structures each incoming message into its lsprotocol type while the JSON is parsed; when that
fails (a hover at line -1, params ``"oops"``, no params at all) it raises out of the parse, and its
read loop logs the error and drops the message: the client waits forever for a reply. Here such a
message becomes an ``Unfit`` one instead, and ``handle_message`` answers it:

- a request gets an ``InvalidParams`` (-32602) error naming the method and what was wrong;
- a notification gets no reply (there is none to give), only a logged warning;
- a response to one of the server's own requests (``workspace/configuration`` answered with a bare
  ``null``) fails that request with the same error, so whatever awaits it goes on rather than hanging.

Going out, Recall's own messages (plain JSON already) skip pygls's converter. And the future of a
handled message is let go once done, where pygls kept those of notifications for the whole session.
"""

from __future__ import annotations

import logging
from typing import Any

from cattrs import BaseValidationError
from cattrs.v import format_exception, transform_error
from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import JsonRPCNotification, JsonRPCResponseMessage, LanguageServerProtocol

log = logging.getLogger("recall_ls")


class Unfit:
    """A message that pygls could not structure: its id and method (when it had them), and why."""

    __slots__ = ("id", "method", "problem", "is_response")

    def __init__(self, data: dict[str, Any], problem: str) -> None:
        self.id = data.get("id")
        self.method = data.get("method")
        self.problem = problem
        self.is_response = "method" not in data and "id" in data


class RecallProtocol(LanguageServerProtocol):
    def _serialize_message(self, data: Any) -> Any:
        # Messages of a method LSP does not define (``recall/related``, asked or pushed) are plain
        # JSON already (``recall_ls.lsp.wire``): cattrs would walk every item first (~0.1 ms a keystroke).
        if type(data) is JsonRPCResponseMessage and isinstance(data.result, dict):
            return {"jsonrpc": data.jsonrpc, "id": data.id, "result": data.result}
        if type(data) is JsonRPCNotification and isinstance(data.params, dict):
            return {"jsonrpc": data.jsonrpc, "method": data.method, "params": data.params}
        return super()._serialize_message(data)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None) -> None:
        # pygls keeps each handler's future under its message id until a reply takes it out; a
        # notification (every keystroke's didChange) and a step of pygls's own handlers get no reply,
        # so theirs stayed for the whole session with their params (the text of every edit): memory,
        # and more for every full garbage collection to walk. The finished ones go before the next
        # message is handled. Not from a done callback: pygls's shutdown cancels what is in flight
        # while it walks this dict, and a callback would change it under that walk.
        finished = [key for key, future in self._request_futures.items() if future.done()]
        for key in finished:
            del self._request_futures[key]
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:  # pygls logged the traceback; the client hears it below
            params = data.get("params")
            if params is not None and not isinstance(params, dict | list):  # say so, not where it broke
                return Unfit(data, f"params must be an object, got {params!r:.80}")
            return Unfit(data, describe(exc.__cause__ or exc))

    def handle_message(self, message) -> None:
        if isinstance(message, Unfit):
            self.refuse(message)
        elif not hasattr(message, "jsonrpc"):  # JSON, but no JSON-RPC message: a list, a number, ...
            log.warning("ignored a message that is not JSON-RPC 2.0: %.120r", message)
        else:
            super().handle_message(message)

    def refuse(self, message: Unfit) -> None:
        if message.is_response:
            # Whatever awaits the reply gets the error, and says what it was waiting for.
            text = f"the client's reply to request {message.id!r} does not fit its type: {message.problem}"
            self._handle_response(message.id, None, ResponseError(code=JsonRpcInvalidParams.CODE, message=text))
            return
        text = f"{message.method}: invalid params: {message.problem}"
        if message.id is None:
            log.warning("ignored the notification %s", text)
            return
        log.warning("refused the request %s", text)
        self._send_response(message.id, None, JsonRpcInvalidParams(text).to_response_error())


def describe(error: BaseException) -> str:
    """What was wrong, where: ``Position.line should be in range [0:2147483647], but was -1 @ $.params.position``."""
    if isinstance(error, BaseValidationError):
        return "; ".join(transform_error(error, format_exception=_with_detail))
    return str(error) or type(error).__name__


def _with_detail(error: BaseException, kind: type | None) -> str:
    # lsprotocol's validators say exactly what was wrong (the range of a uinteger); cattrs's default
    # words for a ValueError ("invalid value") would hide it.
    if type(error) is ValueError and str(error):
        return str(error).rstrip(".")
    return format_exception(error, kind)
