"""The paragraph under the cursor: open documents split into blocks, cached per document version.

Every keystroke-path feature (live list, hover, completion, inline completion, code lens) starts
here, so the split happens once per version however many features ask. A new version of a Markdown
document is split from the last one: only the stretches around the edit are read again. The live
index reuses that split (``split``) when a settled edit makes the document's fragments: one split
per version serves both.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from lsprotocol import types

if TYPE_CHECKING:  # the Markdown parser loads on the first paragraph, after the initialize reply
    from recall_ls.core.markdown.blocks import Block
    from recall_ls.core.markdown.splitter import NoteSplit

_CACHE_SIZE = 32

# How many columns a text spans in the client's units (``FastPositionCodec.client_num_units``).
ColumnCounter = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of an open document, with its LSP range (0-based lines, the client's columns)."""

    uri: str
    path: str
    text: str
    line_start: int  # 1-based, inclusive, as the core counts
    line_end: int
    range: types.Range

    @property
    def words(self) -> int:
        return len(self.text.split())


class _Split(NamedTuple):
    blocks: list[Block]  # the indexed ones: what features show
    note: NoteSplit | None  # the whole split of a Markdown document, for the next version's and the index's


class Paragraphs:
    """Splits documents on demand and remembers the last few splits by (uri, version)."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, int | None], _Split] = OrderedDict()
        self._latest: dict[str, NoteSplit] = {}  # per Markdown document, its last split

    def blocks(self, uri: str, path: str, version: int | None, text: str) -> list[Block]:
        return self._split(uri, path, version, text).blocks

    def split(self, uri: str, path: str, version: int | None, text: str) -> NoteSplit | None:
        """The Markdown split of this version (made now if no feature asked for it yet), for the
        live index to build the document's fragments from; None for a plain-text document."""
        return self._split(uri, path, version, text).note

    def _split(self, uri: str, path: str, version: int | None, text: str) -> _Split:
        from recall_ls.core.markdown.splitter import resplit, split_blocks
        from recall_ls.core.sources.files import is_markdown

        key = (uri, version)
        found = self._cache.get(key) if version is not None else None
        if found is None:
            if is_markdown(path):
                note = self._latest[uri] = resplit(text, self._latest.get(uri))
                found = _Split([b for b in note.blocks if b.indexed], note)
            else:
                found = _Split([b for b in split_blocks(text, markdown=False) if b.indexed], None)
            self._cache[key] = found
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def at(
        self, uri: str, path: str, version: int | None, lines: list[str], line: int, columns: ColumnCounter
    ) -> Paragraph | None:
        """The paragraph at 0-based ``line``; on the blank line right after one, that one (the empty
        last line after a final newline included: the editor shows it, ``lines`` does not hold it)."""
        from recall_ls.core.markdown.blocks import block_at_line

        if line < 0 or line > len(lines):
            return None
        block = block_at_line(self.blocks(uri, path, version, "".join(lines)), line + 1, lookback=1)
        return to_paragraph(uri, path, block, lines, columns) if block else None

    def all(
        self, uri: str, path: str, version: int | None, lines: list[str], columns: ColumnCounter
    ) -> list[Paragraph]:
        return [to_paragraph(uri, path, b, lines, columns) for b in self.blocks(uri, path, version, "".join(lines))]

    def forget(self, uri: str) -> None:
        for key in [k for k in self._cache if k[0] == uri]:
            del self._cache[key]
        self._latest.pop(uri, None)


def to_paragraph(uri: str, path: str, block: Block, lines: list[str], columns: ColumnCounter) -> Paragraph:
    last = min(block.line_end, len(lines)) - 1
    end_character = columns(lines[last].rstrip("\r\n")) if 0 <= last < len(lines) else 0
    span = types.Range(types.Position(block.line_start - 1, 0), types.Position(max(last, 0), end_character))
    return Paragraph(uri, path, block.text, block.line_start, block.line_end, span)
