import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeness, esc, PanelState, renderPanel, rowText } from '../../src/panelView';
import { note, tweet } from './fixtures';

const ready = { state: 'ready' as const, message: '', percent: null, revision: 1, pending: 0 };

function state(extra: Partial<PanelState>): PanelState {
  return { server: 'running', status: ready, context: { kind: 'paragraph', document: 'draft.md', line: 3 }, items: [], insertFormat: 'text', ...extra };
}

test('rows show the snippet, date, source and relevance, with open, insert and hide actions', () => {
  const html = renderPanel(state({ items: [tweet, note] }));
  assert.match(html, /2 related to the paragraph at <span class="where">draft\.md:3<\/span>/);
  assert.equal((html.match(/<span class="text"><\/span>/g) ?? []).length, 2); // filled by highlightNodes
  assert.equal(rowText(tweet), tweet.text);
  assert.match(rowText({ ...tweet, text: 'word '.repeat(100) }), /^(word ){55}word…$/);
  assert.match(html, /<span class="date">2024-06-25<\/span><span class="source">tweet<\/span><span class="relevance level-3" title="similarity 0\.61">/);
  assert.match(html, /<span class="relevance level-1" title="similarity 0\.43">.*?<span class="label">loose<\/span>/);
  assert.doesNotMatch(html, />0\.\d\d</); // the number only in the tooltip
  assert.match(html, /data-action="open" data-id="tweet:1850000000000004000" title="Open the tweet in the browser"/);
  assert.match(html, /title="Open writing habits\.md at line 12"/);
  assert.match(html, /<span class="title">Good errors<\/span>/);
  for (const format of ['text', 'quote', 'link']) {
    assert.match(html, new RegExp(`data-action="insert" data-format="${format}" data-id="note:abc"`));
  }
  assert.match(html, /data-action="hide" data-id="note:abc"/);
});

test('a post of a thread reads "thread · 3 of 7" and offers its whole thread; a lone item does not', () => {
  const first = { id: 'tweet:1', snippet: 'The first post', url: 'https://x.com/me/status/1' };
  const post = { ...tweet, id: 'tweet:3', sourceLabel: 'thread · 3 of 7', thread: { id: 'thread:tweet:1', position: 3, length: 7, first } };
  const html = renderPanel(state({ items: [post, note] }));
  assert.match(html, /<span class="source">thread · 3 of 7<\/span>/);
  assert.match(html, /data-action="insert" data-format="thread" data-id="tweet:3" title="Insert the whole thread/);
  assert.doesNotMatch(html, /data-format="thread" data-id="note:abc"/);
});

test('an item with near-identical fragments folded into it says "+N similar"', () => {
  const html = renderPanel(state({ items: [{ ...tweet, duplicates: 2 }, note] }));
  assert.match(html, /<span class="similar" title="near-identical fragments folded into this one">\+2 similar<\/span>/);
  assert.equal((html.match(/class="similar"/g) ?? []).length, 1);
});

test('forgotten gems on a blank line: the header says which, in the server\'s words; the rows act as any', () => {
  const gem = { ...tweet, score: 0, relevance: { level: 0 as const, label: '6 years ago' } };
  const blank = { kind: 'blank' as const, document: 'draft.md' };
  const html = renderPanel(state({ context: blank, items: [gem], idle: { mode: 'onThisDay', label: 'On this day, 2019-2023' } }));
  assert.match(html, /<div class="context idle">On this day, 2019-2023<\/div>/);
  assert.doesNotMatch(html, /related to the paragraph/);
  assert.match(html, /aria-label="0 of 3"[\s\S]*<span class="label">6 years ago<\/span>/);
  for (const action of ['open', 'insert', 'hide']) {
    assert.match(html, new RegExp(`data-action="${action}"[^>]*data-id="${gem.id}"|data-action="${action}" data-id="${gem.id}"`));
  }
  // A label is the server's text: escaped. No gems (idle off, or an old server): no header, as before.
  const odd = renderPanel(state({ context: blank, items: [], idle: { mode: 'random', label: '<i>x</i>' } }));
  assert.match(odd, /<div class="context idle">&lt;i&gt;x&lt;\/i&gt;<\/div>[\s\S]*Write a few words/);
  assert.doesNotMatch(renderPanel(state({ context: blank, items: [] })), /class="context/);
  // Gems belong to a blank line: a paragraph's list keeps its own header.
  assert.match(renderPanel(state({ items: [tweet], idle: { mode: 'random', label: 'Random' } })), /1 related to the paragraph/);
});

test('relevance: a 3-step bar filled per level, the label beside it, the number in the tooltip', () => {
  const pips = (html: string) => (html.match(/<i class="pip[^"]*">/g) ?? []).map((p) => (p.includes(' on') ? '●' : '○')).join('');
  const related = closeness({ score: 0.5249, relevance: { level: 2, label: 'related' } });
  assert.equal(pips(related), '●●○');
  assert.match(related, /^<span class="relevance level-2" title="similarity 0\.52">/);
  assert.match(related, /aria-label="2 of 3"/);
  assert.match(related, /<span class="label">related<\/span><\/span>$/);
  assert.equal(pips(closeness({ score: 0.9, relevance: { level: 3, label: 'close' } })), '●●●');
  assert.equal(pips(closeness({ score: 0.3, relevance: { level: 1, label: 'loose' } })), '●○○');
  // A label is the server's text: escaped like any other.
  assert.match(closeness({ score: 0.5, relevance: { level: 2, label: '<b>x</b>' } }), /&lt;b&gt;x&lt;\/b&gt;/);
  // What made the score, from the server, in the tooltip.
  const why = closeness({ score: 0.6449, relevance: { level: 3, label: 'close' }, why: '0.57 meaning · +0.04 words · +0.03 recent' });
  assert.match(why, /title="score 0\.64: 0\.57 meaning · \+0\.04 words · \+0\.03 recent"/);
  // A server without relevance: the number, as before.
  assert.equal(closeness({ score: 0.61 }), '<span class="score" title="similarity 0.61">0.61</span>');
});

test('the configured insert format is the first, primary button', () => {
  const html = renderPanel(state({ items: [tweet], insertFormat: 'quote' }));
  assert.match(html, /<div class="actions"><button class="action primary" data-action="insert" data-format="quote"/);
});

test('past writing is never in the HTML: escaped in attributes and labels, its text left to DOM nodes', () => {
  const html = renderPanel(state({ items: [{ ...note, id: 'x"y', title: '<b>t</b>', text: '<img src=x onerror=alert(1)> & "q"' }] }));
  assert.doesNotMatch(html, /<img|<b>|onerror/);
  assert.match(html, /<span class="title">&lt;b&gt;t&lt;\/b&gt;<\/span><span class="text"><\/span>/);
  assert.match(html, /data-id="x&quot;y"/);
  assert.equal(esc(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});

test('empty states: nothing related, blank line, no editor, stopped server', () => {
  assert.match(renderPanel(state({})), /Nothing related yet[\s\S]*None of your past writing is close/);
  assert.match(renderPanel(state({ context: { kind: 'blank', document: 'a.md' } })), /Nothing related yet[\s\S]*Write a few words/);
  assert.match(renderPanel(state({ context: { kind: 'no-editor' } })), /Open a Markdown file[\s\S]*data-action="search"/);
  const stopped = renderPanel(state({ server: 'stopped', status: undefined }));
  assert.match(stopped, /Recall is not running[\s\S]*data-action="restart"[\s\S]*data-action="log"/);
  assert.match(renderPanel(state({ server: 'starting', status: undefined })), /Recall is starting/);
});

test('progress shows while the model loads and while indexing', () => {
  const indexing = renderPanel(state({ status: { ...ready, state: 'indexing', message: 'reading notes', percent: 50 }, items: [tweet] }));
  assert.match(indexing, /Indexing: reading notes <span class="percent">50%<\/span>/);
  assert.match(indexing, /aria-valuenow="50"><div style="width:50%">/);
  assert.match(indexing, /class="items"/); // the list stays usable meanwhile
  const loading = renderPanel(state({ status: { ...ready, state: 'loading-model' } }));
  assert.match(loading, /Loading the model…[\s\S]*indeterminate/);
  assert.doesNotMatch(renderPanel(state({})), /class="progress"/);
  const tiers = { keywords: { ready: true, fragments: 40 }, meaning: { ready: false, embedded: 0, total: 40 } };
  assert.match(renderPanel(state({ status: { ...ready, state: 'loading-model', tiers } })), /Loading the model… Keyword search is ready\./);
});

test('a stopped server shows why, not a list that can no longer be acted on', () => {
  const html = renderPanel(state({ server: 'stopped', items: [tweet] }));
  assert.doesNotMatch(html, /class="items"/);
  assert.match(html, /Recall is not running/);
});

test('an index that cannot be opened says so before anything else', () => {
  const html = renderPanel(state({ status: { ...ready, state: 'error', message: 'the index folder is read-only.' }, context: { kind: 'no-editor' } }));
  assert.match(html, /Recall cannot search[\s\S]*the index folder is read-only\. The log says more/);
});

test('a server that failed to start: the panel gives the same reason as the error message', () => {
  const reason = '/opt/nope/recall-ls does not exist or is not executable: check the recall.server.path setting.';
  const html = renderPanel(state({ server: 'stopped', failure: reason }));
  assert.match(html, /Recall is not running/);
  assert.ok(html.includes(esc('Recall could not start its server. ' + reason)));
  assert.match(renderPanel(state({ server: 'stopped' })), /stopped or could not start/);
});

test('the header says which filters narrow the list, in the server\'s words, with a Clear', () => {
  const filters = { kinds: ['tweet', 'note'], since: '2020', until: null, label: 'tweets, notes · since 2020' };
  const html = renderPanel(state({ items: [tweet], filters }));
  assert.match(html, /<div class="context filtered">Filtered: <span class="filters-label">tweets, notes · since 2020<\/span><button class="link" data-action="clear-filters"/);
  assert.doesNotMatch(renderPanel(state({ items: [tweet] })), /Filtered:/);
  // Nothing found under filters: the empty state says they leave the rest out.
  assert.match(renderPanel(state({ filters })), /The filters leave out the rest \(tweets, notes · since 2020\)/);
  assert.match(renderPanel(state({ filters: { ...filters, label: '<i>' } })), /&lt;i&gt;/);
});

test('the filter controls: a toggle per kind as the settings hold them, the dates, and Clear', () => {
  const choices = ['tweet', 'note', 'like'].map((kind) => ({ kind, description: `Your ${kind}s "quoted"` }));
  const html = renderPanel(state({ filterControls: { choices, settings: { kinds: ['tweet', 'note'], since: '2020', until: '' } } }));
  assert.match(html, /<details class="filter-bar"><summary>Filters<\/summary>/);
  assert.match(html, /title="Your tweets &quot;quoted&quot;"><input type="checkbox" data-action="kind" data-id="tweet" checked>tweet<\/label>/);
  assert.match(html, /data-action="kind" data-id="note" checked>/);
  assert.match(html, /data-action="kind" data-id="like">like/);
  assert.match(html, /data-action="date" data-id="since" value="2020"/);
  assert.match(html, /data-action="date" data-id="until" value=""/);
  assert.match(html, /data-action="clear-filters">Clear filters</);
  assert.doesNotMatch(renderPanel(state({ server: 'stopped', filterControls: { choices, settings: { kinds: [], since: '', until: '' } } })), /filter-bar/);
});
