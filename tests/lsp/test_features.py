"""Every surface of the server on the example archive, under VS Code's and Neovim's capabilities."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable

import pytest
from lsprotocol import converters, types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from recall_ls.core.batch_precision import cpu_bf16_flags
from recall_ls.core.defaults import RELEVANCE_CLOSE
from tests.conftest import INSERTED_QUOTE
from tests.lsp.conftest import status

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

# Each test paraphrases a different example tweet, without its distinctive words, so that drafts
# left open by one test (open documents are corpus) do not answer for another.
PARAPHRASE = "Looking through my old journals I keep finding the same thought, written again and again, forgotten each time."
TWEET_MARK = "same idea three times"
_names = itertools.count()


@pytest.fixture(autouse=True)
async def close_opened(client: LanguageClient):
    client.opened = []
    yield
    for uri in client.opened:
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))


async def open_doc(client: LanguageClient, text: str, name: str | None = None) -> str:
    path = client.workspace_path / "drafts" / (name or f"draft-{next(_names)}.md")
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )
    client.opened.append(uri)
    return uri


async def settled(client: LanguageClient) -> None:
    """Wait until every document edit sent so far is in the index (``recall/status`` says so)."""
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
    if status["pending"]:
        recorder = client.recorder
        await recorder.wait_for(recorder.status, lambda s: s["pending"] == 0 and s["revision"] > status["revision"])


def at(uri: str, line: int, character: int = 0):
    return dict(text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character))


async def test_capabilities_announce_every_surface(client: LanguageClient):
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
    assert status["state"] == "ready" and status["fragments"] >= 30
    assert {s["kind"] for s in status["sources"]} >= {"twitter", "notes"}


async def test_status_says_how_batches_were_embedded(client: LanguageClient):
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
    batches = status["model"]["batches"]  # the example archive was embedded: the choice is made
    if cpu_bf16_flags():
        assert batches.startswith(("bf16 (", "fp32: bf16 differs", "fp32: bf16 check failed")), batches
    else:
        assert batches == "fp32: no native bf16 on this CPU"


async def test_indexing_reported_progress_that_ended(client: LanguageClient):
    if client.client_name == "neovim" and not client.capabilities.window.work_done_progress:
        pytest.skip("client does not take $/progress")
    ends = [r for reports in client.progress_reports.values() for r in reports if isinstance(r, types.WorkDoneProgressEnd)]
    assert ends, client.progress_reports


async def test_hover_shows_the_related_tweet(client: LanguageClient):
    uri = await open_doc(client, f"# Draft\n\n{PARAPHRASE}\n")
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 2, 10)))
    assert hover is not None and TWEET_MARK in hover.contents.value.replace("**", "")
    assert "https://x.com/sample_writer/status/" in hover.contents.value
    assert hover.range.start.line == 2


async def change_min_score(client: LanguageClient, value: float) -> None:
    """Change a setting the way VS Code does (the server pulls it) and wait until it applies."""
    client.set_configuration({"recall": {"minScore": value}})  # this client's live layer
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(200):  # each turn is a request round trip, not a sleep
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
        if status["options"]["minScore"] == value:
            return
    raise AssertionError(f"minScore {value} never applied")


async def test_no_hover_on_a_blank_line_or_an_unrelated_paragraph(client: LanguageClient):
    uri = await open_doc(client, "# Draft\n\n\nSourdough loaves, slow cold fermentation and an open crumb.\n")
    assert await client.text_document_hover_async(types.HoverParams(**at(uri, 2))) is None
    assert await client.text_document_hover_async(types.HoverParams(**at(uri, 3))) is not None
    await change_min_score(client, 0.95)  # configuration changes apply without a restart
    try:
        assert await client.text_document_hover_async(types.HoverParams(**at(uri, 3))) is None
    finally:
        await change_min_score(client, 0.30)


async def test_completion_inserts_the_tweet_text(client: LanguageClient):
    text = "When something breaks, the message should tell me what went wrong and how I can fix it. expla"
    uri = await open_doc(client, text)
    result = await client.text_document_completion_async(types.CompletionParams(**at(uri, 0, len(text))))
    assert result.is_incomplete
    item = next(i for i in result.items if "good error message" in i.text_edit.new_text)
    # The edit replaces the typed word and the filter text starts with it, so editors keep the item.
    assert item.text_edit.range.start.character == len(text) - len("expla")
    assert item.filter_text.startswith("expla")
    # Eglot 1.9 matches the typed word against insertText (never inserted: the textEdit is).
    assert item.insert_text.startswith("expla ")
    resolved = await client.completion_item_resolve_async(item)
    assert "good error message" in resolved.documentation.value


def columns(client: LanguageClient, text: str) -> int:
    """How many columns ``text`` spans in the encoding the server agreed with this client."""
    units = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2)}.get(client.position_encoding)
    return len(text.encode(units[0])) // units[1] if units else len(text)


async def test_columns_count_the_clients_units_past_accents_and_emoji(client: LanguageClient):
    typed = "Quand ça casse 🙂, the message should tell me what went wrong and how I can fix it. expla"
    uri = await open_doc(client, typed + " — written in a hurry")
    cursor = columns(client, typed)
    result = await client.text_document_completion_async(types.CompletionParams(**at(uri, 0, cursor)))
    item = next(i for i in result.items if "good error message" in i.text_edit.new_text)
    assert item.filter_text.startswith("expla")
    assert (item.text_edit.range.start.character, item.text_edit.range.end.character) == (cursor - len("expla"), cursor)
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 0, 3)))
    assert hover.range.end == types.Position(0, columns(client, typed + " — written in a hurry"))


async def test_inline_completion_offers_the_best_fragment(client: LanguageClient):
    text = "Write log lines for the version of you who reads them half asleep during an outage at night."
    uri = await open_doc(client, text)
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
            **at(uri, 0, len(text)),
        )
    )
    assert result is not None and "Logs are letters" in result.items[0].insert_text


async def test_code_lens_counts_related_writing(client: LanguageClient):
    bread = "My loaves came out much airier once I let the dough rise slowly overnight in the fridge."
    uri = await open_doc(client, f"# Notes\n\nshort one\n\n{bread}\n")
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert [lens.range.start.line for lens in lenses] == [4]  # "short one" is under the word minimum
    resolved = await client.code_lens_resolve_async(lenses[0])
    count = int(resolved.command.title.split(" related")[0])
    assert count >= 1 and resolved.command.command == "recall.showRelated"
    items = resolved.command.arguments[0]["items"]
    assert len(items) == count and any("Sourdough" in i["text"] for i in items)


async def applied(client: LanguageClient, event: Awaitable):
    """Send a document event (awaited here), wait until the server pushed the status that says it is
    indexed, and return the event's result and how many code lens refreshes came meanwhile. A refresh
    comes before the status pushed for the same change; a request round trip at the end brings any
    other the server had queued by then."""
    recorder = client.recorder
    await settled(client)
    revision = (await status(client))["revision"]
    # What earlier tests changed is in, its refreshes too: they came before its pushed status.
    await recorder.wait_for(recorder.status, lambda s: s["revision"] >= revision)
    seen, before = len(recorder.status), len(recorder.lens_refreshes)
    result = await event
    await recorder.wait_for(recorder.status, lambda s: s["pending"] == 0 and s["revision"] > revision, start=seen)
    await status(client)
    return result, len(recorder.lens_refreshes) - before


async def test_an_open_and_a_settled_edit_each_ask_for_one_code_lens_refresh(client: LanguageClient):
    lens_capability = client.capabilities.workspace.code_lens
    expected = 1 if lens_capability and lens_capability.refresh_support else 0  # none unless the client asked
    uri, refreshes = await applied(client, open_doc(client, "# Walks\n\nA slow walk along the canal at dusk.\n"))
    assert refreshes == expected

    async def edit():
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(2, 0), types.Position(2, 0)), text="Herons fished by the lock. ")],
        ))

    _, refreshes = await applied(client, edit())
    assert refreshes == expected  # once the writer applied it, not also when it settled


async def test_workspace_symbol_finds_a_paraphrase(client: LanguageClient):
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="my tomato plants cracked after a storm"))
    top = symbols[0]
    assert "tomatoes split" in top.name
    assert top.location.uri.endswith("notes/garden/balcony.md") and top.location.range.start.line == 7


async def test_workspace_symbol_locates_tweets_in_the_archive(client: LanguageClient):
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="error messages that explain what to do"))
    tweet = next(s for s in symbols if "good error message" in s.name)
    assert tweet.location.uri.endswith("archive/data/tweets.js") and tweet.location.range.start.line > 0
    assert "https://x.com/sample_writer/status/" in tweet.container_name


async def test_related_request_returns_range_and_items(client: LanguageClient):
    review = "Tiny code changes get a careful review from colleagues, while huge ones just get a rubber stamp."
    uri = await open_doc(client, f"intro line\n\n{review}\n")
    result = await client.protocol.send_request_async("recall/related", {"textDocument": {"uri": uri},
                                                                          "position": {"line": 2, "character": 3}})
    assert result.range.start.line == 2
    first = result.items[0]
    assert "Small pull requests" in first.text
    for key in ("id", "score", "text", "kind", "source", "location", "url", "createdAt", "title"):
        assert hasattr(first, key)
    # How close, in words the panels show (docs/protocol.md Items), agreeing with the score.
    assert (first.relevance.level, first.relevance.label) in ((3, "close"), (2, "related"), (1, "loose"))
    assert (first.relevance.level == 3) == (first.score >= RELEVANCE_CLOSE)


async def test_an_edit_pushes_the_related_list(client: LanguageClient):
    running = "I do my best thinking while jogging for an hour, far away from any screen."
    uri = await open_doc(client, "# Today\n\n")
    recorder = client.recorder
    seen = len(recorder.related)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(2, 0), types.Position(2, 0)), text=running)],
    ))
    pushed = await recorder.wait_for(recorder.related, lambda n: n["uri"] == uri, start=seen)
    assert pushed["range"]["start"]["line"] == 2
    assert any("Long runs" in item["text"] for item in pushed["items"])


async def test_open_documents_are_searchable_from_other_documents(client: LanguageClient):
    idea = "Migrating zebras cross the Mara river each August while crocodiles wait in the shallows."
    source = await open_doc(client, f"# Safari\n\n{idea}\n")
    await settled(client)
    other = await open_doc(client, "Wildebeest and zebra herds swim across a river full of crocodiles.\n")
    hover = await client.text_document_hover_async(types.HoverParams(**at(other, 0)))
    assert hover is not None and "Mara **river**" in hover.contents.value  # matched words are bold
    # ... and a paragraph never matches itself.
    own = await client.text_document_hover_async(types.HoverParams(**at(source, 2)))
    assert own is None or "Mara" not in own.contents.value


async def test_search_and_insert_commands(client: LanguageClient):
    items = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="recall.search", arguments=["baking bread with a long fermentation"]))
    assert "Sourdough" in items[0]["text"]
    uri = await open_doc(client, "start\n")
    result = await insert(client, uri, {"line": 1, "character": 0}, items[0]["id"], "quote")
    assert result["applied"]
    edit = client.recorder.applied_edits[-1].edit.changes[uri][0]
    # On the empty line after "start": a blank line between them, the quote in place.
    assert edit.new_text.startswith("\n> Sourdough") and edit.range.start == types.Position(1, 0)


async def insert(client: LanguageClient, uri: str, position: dict, fragment_id: str, style: str, **more) -> dict:
    spec = {"uri": uri, "position": position, "id": fragment_id, "format": style} | more
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="recall.insert", arguments=[spec]))


async def test_insert_places_the_servers_text_in_the_clients_columns(client: LanguageClient):
    quote = INSERTED_QUOTE.read_text(encoding="utf-8").rstrip("\n")  # what both editor suites insert
    items = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="recall.search", arguments=["an error message should say what happened and what to do next"]))
    tweet = next(i for i in items if i["text"].startswith("A good error message"))
    line = "Café ☕ déjà vu, mid-line."
    uri = await open_doc(client, f"{line}\nNext line\n")
    end = types.Position(0, columns(client, line))

    # A quote goes after the cursor's line (never into it), a blank line on each side.
    result = await insert(client, uri, {"line": 0, "character": columns(client, "Café")}, tweet["id"], "quote")
    edit = client.recorder.applied_edits[-1].edit.changes[uri][0]
    assert (edit.range, edit.new_text) == (types.Range(end, end), f"\n\n{quote}\n")
    assert result == {"applied": True, "edit": converters.get_converter().unstructure(edit)}

    # Text at the cursor, in the client's units past an accent and an emoji, a space from the word after.
    cursor = types.Position(0, columns(client, "Café ☕ "))
    await insert(client, uri, {"line": 0, "character": cursor.character}, tweet["id"], "text")
    edit = client.recorder.applied_edits[-1].edit.changes[uri][0]
    assert (edit.range, edit.new_text) == (types.Range(cursor, cursor), f"{tweet['text']} ")

    # A selection is replaced by the text as it is.
    selection = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": columns(client, "Café")}}
    await insert(client, uri, {"line": 0, "character": 0}, tweet["id"], "link", range=selection)
    edit = client.recorder.applied_edits[-1].edit.changes[uri][0]
    assert edit.range == types.Range(types.Position(0, 0), types.Position(0, columns(client, "Café")))
    assert edit.new_text == f"[A good error message says what happened, why, and what to d…]({tweet['url']})"
    # A range that is not one is refused, by name.
    with pytest.raises(JsonRpcException, match="recall.insert: range must be"):
        await insert(client, uri, {"line": 0, "character": 0}, tweet["id"], "link", range={"start": 3})


async def test_bad_requests_get_answers_not_crashes(client: LanguageClient):
    ghost = "file:///nowhere/never-opened.md"
    assert await client.text_document_hover_async(types.HoverParams(**at(ghost, 0))) is None
    uri = await open_doc(client, "one line\n")
    assert await client.text_document_hover_async(types.HoverParams(**at(uri, 500, 9000))) is None
    completion = await client.text_document_completion_async(types.CompletionParams(**at(uri, 0, 9000)))
    assert completion.items == [] or completion.is_incomplete
    with pytest.raises(JsonRpcException):
        await client.protocol.send_request_async("recall/related", {"textDocument": "not an object"})
    with pytest.raises(JsonRpcException):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.hide", arguments=[]))
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="recall.status"))
    assert status["state"] == "ready"


async def test_a_did_change_storm_settles_to_one_answer(client: LanguageClient):
    rewrite = "Starting the whole system over from zero seems quick for a season, then drags on for years."
    uri = await open_doc(client, "")
    recorder = client.recorder
    seen = len(recorder.related)
    text = ""
    for version, character in enumerate(rewrite, start=2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(0, len(text)), types.Position(0, len(text))), text=character)],
        ))
        text += character
    pushed = await recorder.wait_for(recorder.related, lambda n: n["uri"] == uri, start=seen)
    assert any("Rewriting a system" in item["text"] for item in pushed["items"])
    # Debounced and cancelled: far fewer pushes than the ~90 changes.
    assert len([n for n in recorder.related[seen:] if n["uri"] == uri]) <= 3
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 0, 5)))
    assert hover is not None and "Rewriting a system" in hover.contents.value.replace("**", "")  # matched words are bold


async def test_the_empty_last_line_after_a_paragraph_belongs_to_it(client: LanguageClient):
    text = "# Draft\n\nWrite log lines for the version of you who reads them half asleep during an outage.\n"
    uri = await open_doc(client, text)
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 3, 0)))  # after the final newline
    assert hover is not None and "Logs are letters" in hover.contents.value.replace("**", "")  # matched words are bold
