"""The words that matched, as the editor shows them: bold in hover Markdown, and the best-matching
sentence leading a long paragraph's snippet; the ``ranking`` setting checked like the others."""

from recall_ls.core.engine import Hit
from recall_ls.lsp import render, wire
from recall_ls.lsp.config import build_options
from tests.helpers import fragment

LONG = ("I spent the morning sorting old photos from the summer. Most were blurry and I deleted them. "
        "Then I found the one of the Zeppelin over the lake, which I had forgotten entirely. "
        "It is now the background of my laptop.")


def test_hover_bolds_whole_matched_words_only():
    hit = Hit(fragment("t:1", "Lake days: the Zeppelin over the lake, not a lakeside café"), 0.8,
              matched=("Lake", "Zeppelin", "lake", "café"))
    markdown = render.hit_markdown(hit)
    assert "**Lake** days: the **Zeppelin** over the **lake**, not a lakeside **café**" in markdown


def test_hover_bolds_japanese_runs_inside_a_sentence():
    hit = Hit(fragment("t:1", "昨日は東京タワーに行った"), 0.5, matched=("東京タワー",))
    assert "昨日は**東京タワー**に行った" in render.hit_markdown(hit)


def test_the_best_matching_sentence_leads_a_long_snippet():
    hit = Hit(fragment("n:1", LONG, kind="note"), 0.6, matched=("Zeppelin", "lake"))
    snippet = wire.item(hit)["snippet"]
    assert snippet.startswith("… Then I found the one of the Zeppelin over the lake")
    assert len(snippet) <= render.SNIPPET
    assert wire.item(Hit(fragment("n:1", LONG, kind="note"), 0.6))["snippet"].startswith("I spent the morning")
    assert wire.item(hit)["matched"] == ["Zeppelin", "lake"]


def test_ranking_is_a_setting_with_a_clear_message_for_a_bad_value():
    options, problems = build_options({"ranking": "keyword"})
    assert options.ranking == "keyword" and problems == []
    options, problems = build_options({"ranking": "bm25"})
    assert options.ranking == "hybrid"
    assert problems == ["recall.ranking: expected one of hybrid, semantic, keyword, got 'bm25'; using the default 'hybrid'"]
