/**
 * The words that made an item match (`matched`), found in its text and marked. No `vscode` and no
 * global DOM (the document is passed in), so the unit tests cover it all.
 */

/** A run of an item's text, and whether it is one of the matched words. */
export interface Piece {
  text: string;
  matched: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
// Scripts written without spaces between words: a matched word inside a run of them is a word.
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;

/** Whether a match may begin or end between two characters (`undefined` is the text's edge). */
function boundary(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined || !WORD.test(before) || !WORD.test(after)) {
    return true;
  }
  return UNSPACED.test(before) || UNSPACED.test(after);
}

/** The character (code point) that ends just before `index`, and the one that starts at it. */
function charBefore(text: string, index: number): string | undefined {
  if (index <= 0) {
    return undefined;
  }
  const low = text.charCodeAt(index - 1);
  const surrogate = index >= 2 && low >= 0xdc00 && low <= 0xdfff;
  return text.slice(surrogate ? index - 2 : index - 1, index);
}

function charAt(text: string, index: number): string | undefined {
  const code = text.codePointAt(index);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/**
 * Where the matched words are in `text`, as sorted, disjoint `[start, end)` UTF-16 ranges.
 *
 * The server lists each word as it appears in the fragment; a word is found in any letter case
 * (every keyword tokenizer folds case, so a capitalised repeat matched too) but with its own accents,
 * and only as a whole word, never inside a longer one, except in scripts written without spaces.
 * Words that overlap or touch ("New York", "York City") make one range.
 */
export function matchRanges(text: string, matched: readonly string[] | null | undefined): [number, number][] {
  const found: [number, number][] = [];
  for (const word of new Set(matched ?? [])) {
    if (typeof word !== 'string' || word.trim() === '') {
      continue;
    }
    const pattern = new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (boundary(charBefore(text, start), charAt(text, start)) && boundary(charBefore(text, end), charAt(text, end))) {
        found.push([start, end]);
      }
      pattern.lastIndex = start + (text.codePointAt(start)! > 0xffff ? 2 : 1); // overlapping occurrences too
    }
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const range of found) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) {
      last[1] = Math.max(last[1], range[1]);
    } else {
      merged.push([range[0], range[1]]);
    }
  }
  return merged;
}

/** `text` cut into plain and matched pieces, in order; joined, they are `text` again. */
export function highlightPieces(text: string, matched: readonly string[] | null | undefined): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const [start, end] of matchRanges(text, matched)) {
    if (start > at) {
      pieces.push({ text: text.slice(at, start), matched: false });
    }
    pieces.push({ text: text.slice(start, end), matched: true });
    at = end;
  }
  if (at < text.length || pieces.length === 0) {
    pieces.push({ text: text.slice(at), matched: false });
  }
  return pieces;
}

/** What `highlightNodes` needs of a DOM `Document` (the tests pass a stand-in). */
export interface NodeFactory<N> {
  createElement(tag: 'mark'): N & { textContent: string | null };
  createTextNode(text: string): N;
}

/**
 * `text` as DOM nodes: text nodes, and `<mark>` elements around the matched words. The text is only
 * ever set as text, never parsed as HTML: past writing may contain markup.
 */
export function highlightNodes<N>(doc: NodeFactory<N>, text: string, matched: readonly string[] | null | undefined): N[] {
  return highlightPieces(text, matched).map((piece) => {
    if (!piece.matched) {
      return doc.createTextNode(piece.text);
    }
    const mark = doc.createElement('mark');
    mark.textContent = piece.text;
    return mark;
  });
}
