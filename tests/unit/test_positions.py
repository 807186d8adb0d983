"""The fast position codec answers as pygls's does, in UTF-8, UTF-16 and UTF-32, on text with
accents, CJK and astral emoji; documents edited through it end up with the same text."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from recall_ls.lsp.positions import FastPositionCodec

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
ALPHABET = "abc xyz.,é东京🙂😋"


def random_lines(rng: random.Random, count: int = 12) -> list[str]:
    ends = ["\n", "\r\n"]
    lines = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 30))) + rng.choice(ends) for _ in range(count)]
    lines[-1] = lines[-1].rstrip("\r\n")  # the last line has no break
    return lines


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_column_between_characters_converts_as_pygls_does(encoding):
    rng = random.Random(encoding)
    fast, slow = FastPositionCodec(encoding), PositionCodec(encoding)
    for _ in range(40):
        lines = random_lines(rng)
        for number, line in enumerate(lines):
            content = line.rstrip("\r\n")
            assert fast.client_num_units(content) == slow.client_num_units(content)
            for index in range(len(content) + 1):
                column = slow.client_num_units(content[:index])
                position = types.Position(number, column)
                assert fast.position_from_client_units(lines, position).character == index
                assert slow.position_from_client_units(lines, types.Position(number, column)).character == index
                back = fast.position_to_client_units(lines, types.Position(number, index))
                assert back == slow.position_to_client_units(lines, types.Position(number, index)) == position


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_column_past_the_end_of_a_line_is_its_end(encoding):
    lines = ["naïve café 🙂\n", "東京"]
    fast = FastPositionCodec(encoding)
    assert fast.position_from_client_units(lines, types.Position(0, 500)).character == len("naïve café 🙂")
    assert fast.position_from_client_units(lines, types.Position(1, 500)).character == 2  # no break to keep


def test_a_column_inside_a_character_lands_before_it():
    lines = ["a🙂b"]
    assert FastPositionCodec("utf-16").position_from_client_units(lines, types.Position(0, 2)).character == 1
    assert FastPositionCodec("utf-8").position_from_client_units(lines, types.Position(0, 3)).character == 1


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_documents_edited_through_either_codec_read_the_same(encoding):
    rng = random.Random(f"edits-{encoding}")
    slow_codec = PositionCodec(encoding)
    for _ in range(30):
        text = "".join(random_lines(rng, 6))
        fast = TextDocument("file:///a.md", text, position_codec=FastPositionCodec(encoding))
        slow = TextDocument("file:///a.md", text, position_codec=slow_codec)
        for _ in range(8):
            lines = slow.lines

            def boundary() -> types.Position:
                number = rng.randrange(len(lines))
                content = lines[number].rstrip("\r\n")
                return types.Position(number, slow_codec.client_num_units(content[: rng.randrange(len(content) + 1)]))

            start, end = sorted([boundary(), boundary()], key=lambda p: (p.line, p.character))
            inserted = "".join(rng.choice(ALPHABET + "\n") for _ in range(rng.randrange(0, 8)))
            change = types.TextDocumentContentChangePartial(range=types.Range(start, end), text=inserted)
            fast.apply_change(change)
            # A change of its own: pygls's codec may clamp the positions it is given in place.
            slow.apply_change(types.TextDocumentContentChangePartial(range=types.Range(start, end), text=inserted))
            assert fast.source == slow.source


def test_lines_with_lone_surrogates_still_convert():
    lines = ["a\ud83db"]  # half an emoji, as a broken client might send
    fast, slow = FastPositionCodec("utf-16"), PositionCodec("utf-16")
    position = types.Position(0, 2)
    assert fast.position_from_client_units(lines, position) == slow.position_from_client_units(lines, position)
