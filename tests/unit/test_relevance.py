"""Scores a person reads: every wire item carries ``relevance`` (level and label) from its score, and
hover Markdown shows the label with the number beside it."""

import pytest

from recall_ls.core.defaults import RELEVANCE_CLOSE, RELEVANCE_RELATED
from recall_ls.core.engine import Hit
from recall_ls.lsp import render, wire
from tests.helpers import fragment


@pytest.mark.parametrize(("score", "level", "label"), [
    (0.95, 3, "close"),
    (RELEVANCE_CLOSE, 3, "close"),
    (RELEVANCE_CLOSE - 0.001, 2, "related"),
    (RELEVANCE_RELATED, 2, "related"),
    (RELEVANCE_RELATED - 0.001, 1, "loose"),
    (0.31, 1, "loose"),
])
def test_score_maps_to_a_level_and_label(score, level, label):
    assert render.relevance(score) == {"level": level, "label": label}


def test_every_item_carries_its_relevance():
    assert wire.item(Hit(fragment("t:1", "the Zeppelin over the lake"), 0.52))["relevance"] == {"level": 2, "label": "related"}
    assert wire.item(Hit(fragment("t:2", "a lake", kind="note"), 0.7))["relevance"] == {"level": 3, "label": "close"}


def test_hover_shows_the_label_with_the_number_beside_it():
    markdown = render.hit_markdown(Hit(fragment("t:1", "the Zeppelin over the lake"), 0.52))
    assert "related (0.52)" in markdown
    assert "· 0.52" not in markdown
