"""Defaults shared by the core, the CLI and the server's settings (no heavy imports here)."""

DEFAULT_TOP_K = 8
# Calibrated on STS Benchmark dev (bench/calibrate_min_score.py): keeps 99.7% of related pairs.
DEFAULT_MIN_SCORE = 0.30

# How related past writing is ranked (the ``ranking`` setting, ``--ranking``): words and meaning
# fused, meaning alone (the model's cosine), or words alone (BM25; never needs the model).
RANKING_MEANINGS = {
    "hybrid": "Words and meaning together (meaning lifted by the rare words shared): a rare name, a "
    "hashtag or a word in another language matches, and so does a paraphrase.",
    "semantic": "Meaning only (the model's vectors): related writing that shares no words; nothing "
    "until the model is loaded.",
    "keyword": "Words only (BM25): what shares the words you write, searchable as soon as a source is "
    "read; never needs the model.",
}
RANKINGS = tuple(RANKING_MEANINGS)

# What the ``kinds`` filter keeps (the setting, ``recall-ls search --kind``): a fragment's own kind, but a
# reply to someone else is ``reply`` (a post that continues the author's own thread is not) and a whole
# self-thread is ``thread``. Likes are other people's writing: shown only when asked for.
KIND_MEANINGS = {
    "tweet": "Your tweets (the posts of your own threads too).",
    "reply": "Your replies to other people.",
    "thread": "Your self-threads, each as a whole.",
    "mastodon": "Your Mastodon posts.",
    "note": "Your notes.",
    "like": "Tweets you liked (other people's writing; indexed only with `includeLikes`).",
}
DEFAULT_KINDS = tuple(kind for kind in KIND_MEANINGS if kind != "like")
# A date filter (``since``, ``until``): a year, a month or a day, compared with a fragment's date by prefix.
DATE_FILTER = r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
DEFAULT_RANKING = "hybrid"
# A fragment that matches this share of a query's rare-word weight (IDF mass) is related by its
# words even when its meaning scores under minScore, or when it has no vector yet. Calibrated
# beside minScore on STS Benchmark dev (bench/calibrate_min_score.py, bench/RESULTS.md).
KEYWORD_MIN_SHARE = 0.5

# How close an item reads to a person (``relevance`` on every wire item), from its score on the
# cosine scale (keyword matches included): at least CLOSE is level 3 "close", at least RELATED is
# level 2 "related", anything lower (it passed minScore or the keyword share) level 1 "loose".
RELEVANCE_CLOSE = 0.6
RELEVANCE_RELATED = 0.45

# What the live list shows when the cursor's paragraph is blank (the ``idle`` setting, core/gems.py);
# the mode names also go on the wire (``idle.mode`` of ``recall/related``).
IDLE_ON_THIS_DAY, IDLE_RANDOM, IDLE_OFF = "onThisDay", "random", "off"
IDLE_MEANINGS = {
    IDLE_ON_THIS_DAY: "What you wrote on this month and day in earlier years, newest year first (tweets, posts, "
    "threads and notes with a date in their front matter); on a day with none, a random handful, saying so.",
    IDLE_RANDOM: "A random handful of your writing older than 30 days, drawn anew each time the list is asked.",
    IDLE_OFF: "Nothing.",
}
DEFAULT_IDLE = IDLE_ON_THIS_DAY
# ``random`` draws from writing at least this old: the last weeks are not forgotten yet.
RANDOM_MIN_AGE_DAYS = 30
