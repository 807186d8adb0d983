"""Mastodon importer: outbox.json to fragments, visibility, HTML to text, and bad input."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from recall_ls.core import sources
from recall_ls.core.fragments import Kind
from recall_ls.core.sources import mastodon
from recall_ls.core.sources.base import ImportOptions

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "mastodon" / "export"
OWNER = "https://example.social/users/ada"


def by_id(report) -> dict:
    return {f.id.removeprefix(f"mastodon:{OWNER}/statuses/"): f for f in report.fragments}


@pytest.fixture(scope="module")
def report():
    return mastodon.read(EXPORT)


def test_counts_and_skip_reasons(report):
    # The fixture repeats orderedItems: 4 items in the first list, 7 in the second, all read.
    assert sorted(by_id(report)) == ["1001", "1002", "1003", "1005", "1006", "1011"]
    assert report.skipped == {"boost": 2, "private": 2, "empty": 1}
    assert report.errors == []
    assert report.kind == "mastodon"


def test_fragment_fields(report):
    post = by_id(report)["1001"]
    assert post.kind == Kind.MASTODON
    assert post.id == f"mastodon:{OWNER}/statuses/1001"
    assert post.url == "https://example.social/@ada/1001"
    assert post.path == str(EXPORT / "outbox.json")
    assert post.line_start is None and post.line_end is None
    assert post.created_at == "2023-01-05T10:00:00+00:00"
    assert post.meta["visibility"] == "public"
    assert post.meta["tags"] == ["baking"]
    assert post.meta["lang"] == "en"
    assert post.meta["is_reply"] is False
    assert "reply_to" not in post.meta and "thread_parent" not in post.meta


def test_content_wins_over_a_shorter_content_map(report):
    assert "Read this" in by_id(report)["1001"].text


def test_html_becomes_readable_text(report):
    posts = by_id(report)
    assert posts["1001"].text == (
        'Sourdough starters are tiny gardens & they need "weeding".\n\n'
        "Read this: https://bread.example.org/2023/01/the-long-story-of-starters/ #baking"
    )
    assert posts["1002"].text == "Second part of the thread:\nfeed it daily\nkeep it warm"
    assert posts["1003"].text == "@bob rye is underrated, 5 < 7 > 3"


def test_reply_to_self_is_a_thread_and_reply_to_others_is_not(report):
    posts = by_id(report)
    assert posts["1002"].meta["thread_parent"] == f"mastodon:{OWNER}/statuses/1001"
    assert posts["1002"].meta["reply_to"] == f"{OWNER}/statuses/1001"
    assert posts["1002"].meta["is_reply"] is True
    assert posts["1003"].meta["is_reply"] is True
    assert posts["1003"].meta["reply_to"] == "https://other.example/users/bob/statuses/77"
    assert "thread_parent" not in posts["1003"].meta


def test_content_warning_language_and_sensitive(report):
    post = by_id(report)["1003"]
    assert post.meta["summary"] == "bread opinions"
    assert post.meta["lang"] == "sv"
    assert post.meta["sensitive"] is True


def test_published_offsets_are_normalized_to_utc(report):
    assert by_id(report)["1002"].created_at == "2023-01-05T10:05:00+00:00"


def test_visibility_forms(report):
    posts = by_id(report)
    assert posts["1005"].meta["visibility"] == "public"  # as:Public
    assert posts["1011"].meta["visibility"] == "public"  # bare Public
    assert posts["1006"].meta["visibility"] == "unlisted"


def test_url_falls_back_to_the_object_id(report):
    post = by_id(report)["1011"]
    assert post.url == f"{OWNER}/statuses/1011"


def test_private_posts_only_when_asked():
    report = mastodon.read(EXPORT, ImportOptions(include_private=True))
    posts = by_id(report)
    assert posts["1007"].meta["visibility"] == "followers"
    assert posts["1008"].meta["visibility"] == "direct"
    assert report.skipped == {"boost": 2, "empty": 1}


def test_replies_to_others_can_be_left_out():
    report = mastodon.read(EXPORT, ImportOptions(include_replies=False))
    posts = by_id(report)
    assert "1003" not in posts
    assert "1002" in posts  # continuing one's own thread is not a reply to someone else
    assert report.skipped["reply"] == 1


def test_outbox_file_folder_zip_and_dispatch_agree(tmp_path):
    expected = [f.id for f in mastodon.read(EXPORT).fragments]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("outbox.json", "actor.json"):
            zf.write(EXPORT / name, f"mastodon-export/{name}")
    assert [f.id for f in mastodon.read(EXPORT / "outbox.json").fragments] == expected
    assert [f.id for f in mastodon.read(archive).fragments] == expected
    assert sources.detect(EXPORT) == sources.MASTODON
    assert [f.id for f in sources.read(EXPORT).fragments] == expected


def test_file_state_is_recorded(report):
    assert [state.path for state in report.files] == [str(EXPORT / "outbox.json")]
    assert report.files[0].size == (EXPORT / "outbox.json").stat().st_size


def test_owner_from_activities_without_actor_json(tmp_path):
    shutil.copy(EXPORT / "outbox.json", tmp_path / "outbox.json")
    posts = by_id(mastodon.read(tmp_path))
    assert posts["1002"].meta["thread_parent"] == f"mastodon:{OWNER}/statuses/1001"


def test_truncated_json_is_one_error_naming_the_file(tmp_path):
    raw = (EXPORT / "outbox.json").read_bytes()
    (tmp_path / "outbox.json").write_bytes(raw[: len(raw) // 2])
    report = mastodon.read(tmp_path)
    assert report.fragments == []
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.path == str(tmp_path / "outbox.json")
    assert "invalid JSON at line" in error.message and "truncated" in error.message


def test_invalid_utf8_is_an_error_with_the_byte_offset(tmp_path):
    (tmp_path / "outbox.json").write_bytes(b'{"orderedItems": ["caf\xe9"]}')
    report = mastodon.read(tmp_path)
    assert [e.message for e in report.errors] == ["not valid UTF-8 at byte 22"]


def test_json_that_is_not_an_outbox(tmp_path):
    (tmp_path / "outbox.json").write_text(json.dumps([1, 2, 3]))
    report = mastodon.read(tmp_path)
    assert len(report.errors) == 1 and "orderedItems" in report.errors[0].message


def test_missing_outbox_is_an_error(tmp_path):
    report = mastodon.read(tmp_path)
    assert len(report.errors) == 1 and "no outbox.json" in report.errors[0].message


def test_strange_items_never_raise(tmp_path):
    items = [
        None,
        "a string",
        {"type": "Create", "object": "https://elsewhere/1"},
        {"type": "Create", "object": {"type": "Note", "to": "as:Public", "content": None}},
        {"type": "Like", "object": "https://elsewhere/2"},
        {"type": "Create", "object": {"type": "Note", "id": "x:1", "to": "as:Public", "content": "<p>ok",
                                      "published": "not a date", "tag": "nope", "url": [{"href": "https://h/1"}]}},
    ]
    (tmp_path / "outbox.json").write_text(json.dumps({"orderedItems": items}))
    report = mastodon.read(tmp_path)
    assert report.errors == []
    assert [(f.id, f.text, f.url, f.created_at) for f in report.fragments] == [("mastodon:x:1", "ok", "https://h/1", None)]
    assert report.skipped == {"unsupported activity": 4, "empty": 1}


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>a<br>b<br/>c</p>", "a\nb\nc"),
        ("<p>&amp; &lt;tag&gt; &#39;q&#39; &quot;d&quot;</p>", "& <tag> 'q' \"d\""),
        (
            '<p><a href="https://x.org/a/very/long/path"><span class="invisible">https://</span>'
            '<span class="ellipsis">x.org/a/very</span><span class="invisible">/long/path</span></a></p>',
            "https://x.org/a/very/long/path",
        ),
        ('<p><a href="https://x.org/page">the page</a></p>', "the page"),
        (
            '<p><span class="h-card"><a href="https://m.example/@zoe" class="u-url mention">@<span>zoe</span></a></span> hi</p>',
            "@zoe hi",
        ),
        ("<p>spaces   and\nnewlines</p>", "spaces and newlines"),
        ("<pre>keep   this\n  indent</pre>", "keep   this\nindent"),
        ("", ""),
        ("<p></p>", ""),
    ],
)
def test_html_to_text(html, text):
    assert mastodon.html_to_text(html) == text


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2022-11-08T03:07:14Z", "2022-11-08T03:07:14+00:00"),
        ("2022-11-08T05:07:14+02:00", "2022-11-08T03:07:14+00:00"),
        ("2022-11-08T03:07:14.123Z", "2022-11-08T03:07:14+00:00"),
        ("garbage", None),
        (None, None),
    ],
)
def test_iso_utc(value, iso):
    assert mastodon.iso_utc(value) == iso
