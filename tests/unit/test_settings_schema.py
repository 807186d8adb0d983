"""The settings schema is the one home of every setting: VS Code's contributions, the table of
docs/configuration.md and Neovim's help agree with it, each default passes its own check, and a bad
value is told once, naming the setting."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from recall_ls.core.sources.base import ImportOptions
from recall_ls.lsp import settings_doc
from recall_ls.lsp.config import CLIENT_ONLY, DEFAULTS, SCHEMA, Layered, Options, _snake, build_options
from tests.conftest import ROOT

NEOVIM_HELP = ROOT / "clients" / "neovim" / "doc" / "recall.txt"
BY_WIRE = {spec.wire: spec for spec in SCHEMA}


def test_package_json_and_the_docs_table_are_written_from_the_schema():
    stale = [str(path) for path, text in settings_doc.expected_files().items() if path.read_text("utf-8") != text]
    assert stale == [], "run: python -m recall_ls.lsp.settings_doc"
    assert settings_doc.main(["--check"]) == 0


def test_a_drifted_default_or_description_is_caught():
    package = json.loads(settings_doc.PACKAGE_JSON.read_text("utf-8"))
    package["contributes"]["configuration"]["properties"]["recall.topK"]["default"] = 9
    assert settings_doc.package_json(package) != package
    docs = settings_doc.CONFIGURATION_MD.read_text("utf-8")
    drifted = docs.replace("| `topK` | `8` |", "| `topK` | `9` |")
    assert drifted != docs and settings_doc.configuration_md(drifted) == docs
    with pytest.raises(ValueError, match="markers are missing"):
        settings_doc.configuration_md(docs.replace(settings_doc.TABLE_END, ""))


def test_package_json_holds_the_server_settings_and_the_client_keys_only():
    properties = json.loads(settings_doc.PACKAGE_JSON.read_text("utf-8"))["contributes"]["configuration"]["properties"]
    server = {key for key in properties if key.removeprefix("recall.") in BY_WIRE}
    assert server == {f"recall.{wire}" for wire in BY_WIRE}
    for key in set(properties) - server:  # the client's own: the server ignores them, never warns
        assert _snake(key.removeprefix("recall.").split(".")[0]) in CLIENT_ONLY, key
    assert properties["recall.topK"] == {"type": "integer", "default": 8, "minimum": 1, "maximum": 100,
                                         "markdownDescription": "How many related fragments to show."}
    assert properties["recall.indexDir"]["default"] == "" and properties["recall.exclude"]["items"] == {"type": "string"}


def test_every_default_as_a_client_sends_it_is_accepted_as_the_default():
    raw = {spec.name: settings_doc.wire_default(spec) for spec in SCHEMA}
    assert build_options(raw) == (DEFAULTS, [])
    assert build_options({}) == (DEFAULTS, [])
    assert DEFAULTS.import_options() == ImportOptions()
    assert {f.name for f in dataclasses.fields(Options)} == {spec.name for spec in SCHEMA}


def _neovim_entries() -> dict[str, str]:
    """The settings Neovim's help lists (``*recall-settings*``), each with its text on one line."""
    text = NEOVIM_HELP.read_text("utf-8")
    block = text.split("*recall-settings*", 1)[1].split("A `recall.toml`", 1)[0]
    entries: dict[str, str] = {}
    name = None
    for line in block.splitlines():
        start = re.match(r"  `(\w+)`\s+(.*)", line)
        if start:
            name = start.group(1)
            entries[name] = start.group(2)
        elif name and line.startswith("    "):
            entries[name] += " " + line.strip()
    return entries


def test_neovim_help_names_settings_with_the_schema_defaults():
    entries = _neovim_entries()
    assert {"sources", "topK", "minScore", "ranking", "insertFormat"} <= set(entries)
    checked = 0
    for wire, text in entries.items():
        assert wire in BY_WIRE, f"{NEOVIM_HELP}: {wire} is not a setting"
        spec = BY_WIRE[wire]
        literal = re.search(r"\((true|false|-?[\d.]+)\)$", text)  # "how many ... to show (8)"
        if literal:
            assert json.loads(literal.group(1)) == settings_doc.wire_default(spec), f"{NEOVIM_HELP}: {wire}"
        named = re.search(r"`(\w+)` \([^)]*the default\)", text)  # "`hybrid` (words and meaning, the default)"
        if named:
            assert named.group(1) == spec.default, f"{NEOVIM_HELP}: {wire}"
        checked += bool(literal) + bool(named)
    assert checked >= 5  # topK, minScore, ranking, debounceMs, codeLens, codeLensMinWords


@pytest.mark.parametrize(("key", "value", "words"), [
    ("minScore", "high", "recall.minScore: expected a number between -1 and 1, got 'high'; using the default 0.3"),
    ("topK", 0, "recall.topK: expected a positive whole number, got 0; using the default 8"),
    ("topK", 2.5, "recall.topK: expected a positive whole number, got 2.5"),
    ("debounceMs", "fast", "recall.debounceMs: expected a non-negative whole number, got 'fast'"),
    ("codeLens", "yes", "recall.codeLens: expected true or false, got 'yes'; using the default True"),
    ("sources", [1], "recall.sources: expected a list of strings, got [1]; using the default []"),
    ("device", "gpu", "recall.device: expected auto, cpu, cuda, cuda:N or mps, got 'gpu'"),
    ("indexDir", 7, "recall.indexDir: expected a folder path, got 7"),
    ("model", False, "recall.model: expected a model name or folder, got False"),
    ("insertFormat", "bold", "recall.insertFormat: expected one of text, quote, link, got 'bold'"),
    ("maxFileBytes", -1, "recall.maxFileBytes: expected a non-negative whole number, got -1"),
    ("kinds", ["tweet", "retweet"], "recall.kinds: unknown 'retweet': expected any of tweet, reply, thread, mastodon, note, like"),
    ("since", "2019-13", "recall.since: expected a date (YYYY, YYYY-MM or YYYY-MM-DD) or nothing, got '2019-13'"),
    ("until", "last year", "recall.until: expected a date (YYYY, YYYY-MM or YYYY-MM-DD) or nothing, got 'last year'"),
    ("recencyHalfLifeDays", 0, "recall.recencyHalfLifeDays: expected a positive number of days, or nothing (off), got 0; using the default off"),
    ("recencyHalfLifeDays", -30, "recall.recencyHalfLifeDays: expected a positive number of days, or nothing (off), got -30"),
    ("recencyHalfLifeDays", "30", "recall.recencyHalfLifeDays: expected a positive number of days, or nothing (off), got '30'"),
    ("preferEngaged", 1, "recall.preferEngaged: expected true or false, got 1; using the default False"),
])
def test_a_bad_value_is_named_and_its_default_used(key, value, words):
    options, problems = build_options({_snake(key): value})
    assert options == DEFAULTS
    assert len(problems) == 1 and problems[0].startswith(words)


def test_values_are_taken_as_their_type_says(tmp_path):
    options, problems = build_options({"top_k": 500, "min_score": 1, "device": "cuda:1", "exclude": "drafts/**",
                                       "sources": ["notes", " ", "${workspaceFolder}/a"], "index_dir": " ",
                                       "model": " mini ", "include_likes": True}, tmp_path)
    assert problems == []
    assert options.top_k == 100 and options.min_score == 1.0 and isinstance(options.min_score, float)
    assert options.device == "cuda:1" and options.exclude == ("drafts/**",)
    assert options.sources == (str(tmp_path / "notes"), str(tmp_path / "a"))
    assert options.index_dir is None and options.model == "mini"
    assert options.import_options().include_likes is True


def test_a_bad_value_is_told_once_while_it_stays_and_again_when_it_changes():
    layers = Layered(client={"minScore": "high", "topK": 3})
    assert [p.split(":")[0] for p in layers.build(None)[1]] == ["recall.minScore"]
    layers.client = {"minScore": "high", "topK": 4}  # another setting changed: not told again
    options, told = layers.build(None)
    assert told == [] and options.top_k == 4 and options.min_score == 0.3
    layers.client = {"minScore": "higher", "topK": 4}
    higher = "recall.minScore: expected a number between -1 and 1, got 'higher'; using the default 0.3"
    assert layers.build(None)[1] == [higher]
    layers.client = {"topK": 4}
    assert layers.build(None)[1] == []
    layers.client = {"minScore": "higher"}  # fixed, then wrong again: told again
    assert len(layers.build(None)[1]) == 1


def test_filters_come_from_kinds_since_and_until():
    from recall_ls.core.engine import Filters

    assert DEFAULTS.filters() == Filters(kinds=frozenset({"tweet", "reply", "thread", "mastodon", "note"}))
    assert not DEFAULTS.filters().active  # leaving out likes alone asks for no deeper search
    options, problems = build_options({"kinds": ["note"], "since": "2019", "until": "2021-06"})
    assert problems == [] and options.filters() == Filters(kinds=frozenset({"note"}), since="2019", until="2021-06")
    assert options.filters().active
    everything, _ = build_options({"kinds": ["tweet", "reply", "thread", "mastodon", "note", "like"]})
    assert everything.filters() == Filters()


def test_a_date_range_that_ends_before_it_starts_is_told_and_left_out():
    options, problems = build_options({"since": "2022", "until": "2021-06", "kinds": ["note"]})
    assert problems == ["recall.since (2022) is after recall.until (2021-06): nothing would show; using no date limit"]
    assert (options.since, options.until, options.kinds) == ("", "", ("note",))  # the rest applies
    same_year, problems = build_options({"since": "2021-06", "until": "2021"})  # compared by their common prefix
    assert problems == [] and (same_year.since, same_year.until) == ("2021-06", "2021")


def test_a_half_life_is_a_positive_number_or_null_for_off():
    options, problems = build_options({"recency_half_life_days": 30, "prefer_engaged": True})
    assert problems == [] and options.recency_half_life_days == 30.0
    assert options.boosts().half_life_days == 30.0 and options.boosts().engaged and options.boosts().active
    assert build_options({"recency_half_life_days": None}) == (DEFAULTS, [])
    assert not DEFAULTS.boosts().active
    properties = json.loads(settings_doc.PACKAGE_JSON.read_text("utf-8"))["contributes"]["configuration"]["properties"]
    half_life = properties["recall.recencyHalfLifeDays"]
    assert half_life["type"] == ["number", "null"] and half_life["default"] is None and half_life["exclusiveMinimum"] == 0
