"""The related list's ``filters`` field: present only when the filters in effect narrow what the list
holds, with the label both editors show in their panel's header (built once, server-side)."""

import re

import pytest
from lsprotocol import types

from recall_ls.core.defaults import KIND_MEANINGS
from recall_ls.core.engine import Filters, Hit
from recall_ls.lsp import render, wire
from recall_ls.lsp.config import DEFAULTS, build_options
from tests.conftest import ROOT
from tests.helpers import fragment

SPAN = types.Range(types.Position(2, 0), types.Position(2, 9))


def reply(**settings) -> dict:
    options, problems = build_options(settings)
    assert problems == []
    return wire.related(SPAN, [Hit(fragment("note:a", "a note"), 0.5)], filters=options.filters())


@pytest.mark.parametrize("settings", [
    {},  # the default leaves out likes only: not a narrowing
    {"kinds": list(KIND_MEANINGS)},
    {"kinds": []},  # no kinds keeps everything (Filters.accept)
    {"since": "", "until": ""},
])
def test_no_field_when_nothing_is_narrowed(settings):
    assert "filters" not in reply(**settings)
    assert not build_options(settings)[0].filters().active


def test_kinds_and_a_date_range_are_sent_with_their_label():
    sent = reply(kinds=["note", "tweet"], since="2020", until="2021-06")
    assert sent["filters"] == {"kinds": ["tweet", "note"], "since": "2020", "until": "2021-06",
                               "label": "tweets, notes · 2020 to 2021-06"}
    assert [i["id"] for i in sent["items"]] == ["note:a"]


@pytest.mark.parametrize(("settings", "label"), [
    ({"since": "2019-06"}, "since 2019-06"),
    ({"until": "2021"}, "until 2021"),
    ({"kinds": ["thread"], "until": "2021"}, "threads · until 2021"),
    ({"kinds": ["note", "like"]}, "notes, likes"),
    ({"kinds": ["mastodon", "reply"]}, "replies, Mastodon posts"),
])
def test_the_label_says_what_is_kept(settings, label):
    assert reply(**settings)["filters"]["label"] == label


def test_dates_alone_leave_the_kinds_null():
    assert reply(since="2019")["filters"] == {"kinds": None, "since": "2019", "until": None, "label": "since 2019"}


def test_the_pushed_list_carries_the_field_too():
    pushed = wire.related(SPAN, [], uri="file:///d.md", filters=Filters(kinds=frozenset({"note"})))
    assert pushed["uri"] == "file:///d.md" and pushed["filters"]["label"] == "notes"
    assert "filters" not in wire.related(SPAN, [], uri="file:///d.md", filters=DEFAULTS.filters())
    assert "filters" not in wire.related(SPAN, [])  # a caller that passes none


def test_every_kind_has_a_label():
    assert list(render.KIND_LABELS) == list(KIND_MEANINGS)


def test_the_neovim_client_names_the_kinds_as_the_server_does():
    # `:Recall filter` completes them from lsp.lua; VS Code reads them from its generated package.json.
    source = (ROOT / "clients" / "neovim" / "lua" / "recall" / "lsp.lua").read_text(encoding="utf-8")
    listed = re.search(r"^M\.kinds = \{(.*)\}$", source, re.MULTILINE)
    assert listed and re.findall(r"'(\w+)'", listed.group(1)) == list(KIND_MEANINGS)
