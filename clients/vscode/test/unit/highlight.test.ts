import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlightNodes, highlightPieces, matchRanges } from '../../src/highlight';

/** The text with the matched pieces in brackets, for readable assertions. */
function marked(text: string, matched: string[] | undefined): string {
  return highlightPieces(text, matched)
    .map((p) => (p.matched ? `[${p.text}]` : p.text))
    .join('');
}

test('a matched word is marked wherever it stands as a word, in any letter case', () => {
  assert.equal(marked('Notebooks fill up; old notebooks teach.', ['notebooks']), '[Notebooks] fill up; old [notebooks] teach.');
  assert.equal(marked('RUST and Rust and rust', ['Rust']), '[RUST] and [Rust] and [rust]');
});

test('accents are the fragment’s own: a listed word is marked with them, another spelling is not', () => {
  assert.equal(marked('Café au lait, CAFÉ noir, cafe crème', ['café']), '[Café] au lait, [CAFÉ] noir, cafe crème');
  assert.equal(marked('Über die Straße, über alles', ['über', 'Straße']), '[Über] die [Straße], [über] alles');
  // A decomposed é (e + combining accent): "cafe" is not the whole word there.
  assert.equal(marked('cafe\u0301 and cafe', ['cafe']), 'cafe\u0301 and [cafe]');
});

test('a word inside a longer word is not marked, unless that longer word is listed too', () => {
  assert.equal(marked('notebook notebooks bookish book', ['book']), 'notebook notebooks bookish [book]');
  assert.equal(marked('note notebook', ['note', 'notebook']), '[note] [notebook]');
  assert.equal(marked('under_score score', ['score']), 'under_score [score]');
  assert.equal(marked('rust2024 rust', ['rust']), 'rust2024 [rust]');
});

test('punctuation around a word does not stop it being marked', () => {
  assert.equal(marked('"Habits," she said (habits!) — habits… #habits @habits', ['habits']), '"[Habits]," she said ([habits]!) — [habits]… #[habits] @[habits]');
  assert.equal(marked("don't stop: don't", ["don't"]), "[don't] stop: [don't]");
  assert.equal(marked('see #rust and rust', ['#rust']), 'see [#rust] and rust');
});

test('regular expression characters in a word are matched literally', () => {
  assert.equal(marked('C++ and C and c.. and (a|b) a b', ['C++', '(a|b)']), '[C++] and C and c.. and [(a|b)] a b');
  assert.equal(marked('$5 or 5', ['$5']), '[$5] or 5');
  assert.equal(marked('a.b axb', ['a.b']), '[a.b] axb');
  assert.equal(marked('path\\to [x] x', ['path\\to', '[x]']), '[path\\to] [[x]] x');
  assert.equal(marked('e-mail email', ['e-mail']), '[e-mail] email');
});

test('overlapping and touching words make one mark', () => {
  assert.equal(marked('New York City at night', ['New York', 'York City']), '[New York City] at night');
  assert.equal(marked('ababab', ['abab']), 'ababab'); // inside a word, only whole words
  assert.equal(marked('abab abab', ['abab', 'ab']), '[abab] [abab]');
  assert.deepEqual(matchRanges('x long long-term x', ['long', 'long-term']), [
    [2, 6],
    [7, 16],
  ]);
});

test('scripts written without spaces: a listed word is marked inside a run of them', () => {
  assert.equal(marked('今日は東京都に行った', ['東京']), '今日は[東京]都に行った');
  assert.equal(marked('カタカナとひらがな', ['ひらがな']), 'カタカナと[ひらがな]');
});

test('emoji and other characters outside the BMP keep their places', () => {
  assert.equal(marked('🦀 crab 🦀crab🦀 𝒳crab', ['crab']), '🦀 [crab] 🦀[crab]🦀 𝒳crab'); // 𝒳 is a letter
  assert.deepEqual(matchRanges('🦀 crab', ['crab']), [[3, 7]]);
});

test('nothing matched, nothing listed, or blank words: the text as one plain piece', () => {
  for (const matched of [[], undefined, ['', '  '], ['absent']]) {
    assert.deepEqual(highlightPieces('Reading old notebooks', matched), [{ text: 'Reading old notebooks', matched: false }]);
  }
  assert.deepEqual(highlightPieces('', ['x']), [{ text: '', matched: false }]);
  assert.equal(marked('word', ['word']), '[word]');
});

test('the pieces joined are the text again', () => {
  const text = 'Ünïcode, C++ & (a|b): 東京都 🦀 notes notebook';
  const pieces = highlightPieces(text, ['c++', '(A|B)', '東京', 'notes', 'ünïcode']);
  assert.equal(pieces.map((p) => p.text).join(''), text);
  assert.equal(pieces.filter((p) => p.matched).length, 5);
});

/** A stand-in for `document`: records what the nodes hold, and fails if anything is parsed as HTML. */
interface FakeNode {
  kind: string;
  textContent: string | null;
}
const fakeDocument = {
  createTextNode: (text: string): FakeNode => ({ kind: 'text', textContent: text }),
  createElement: (tag: 'mark'): FakeNode => {
    const element: FakeNode = { kind: tag, textContent: null };
    Object.defineProperty(element, 'innerHTML', {
      set() {
        throw new Error('innerHTML set');
      },
    });
    return element;
  },
};

test('nodes: text nodes and <mark> elements, past writing set only as text', () => {
  const nodes = highlightNodes(fakeDocument, '<img src=x onerror=alert(1)> notebooks & <b>notebooks</b>', ['notebooks', '<img']);
  assert.deepEqual(
    nodes.map((n) => [n.kind, n.textContent]),
    [
      ['mark', '<img'],
      ['text', ' src=x onerror=alert(1)> '],
      ['mark', 'notebooks'],
      ['text', ' & <b>'],
      ['mark', 'notebooks'],
      ['text', '</b>'],
    ],
  );
});
