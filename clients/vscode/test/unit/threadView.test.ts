import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PanelState, renderPanel } from '../../src/panelView';
import type { Item, ThreadPosts } from '../../src/protocol';
import { keptThreads, postById } from '../../src/threadView';
import { note, tweet } from './fixtures';

const first = { id: 'tweet:1', snippet: 'Why small bridges fail', url: 'https://x.com/me/status/1' };

function post(n: number, text: string): Item {
  return { ...tweet, id: `tweet:${n}`, text, sourceLabel: `thread · ${n} of 3`, thread: { id: 'thread:tweet:1', position: n, length: 3, first } };
}

const posts = [post(1, 'Why small bridges fail: a thread.'), post(2, 'First, water <gets> into the joints.'), post(3, 'Second, paper inspections.')];
const whole: ThreadPosts = { id: 'thread:tweet:1', length: 3, posts, gaps: 0, hidden: 0 };

function state(extra: Partial<PanelState>): PanelState {
  const ready = { state: 'ready' as const, message: '', percent: null, revision: 1, pending: 0 };
  return { server: 'running', status: ready, context: { kind: 'paragraph', document: 'draft.md', line: 3 }, items: [posts[1], note], insertFormat: 'quote', ...extra };
}

test('an item of a thread has a collapsed toggle; a lone item has none', () => {
  const html = renderPanel(state({}));
  assert.match(html, /data-action="thread" data-id="tweet:2" aria-expanded="false"[^>]*>▸ Show thread \(3\)</);
  assert.doesNotMatch(html, /data-action="thread" data-id="note:abc"/);
  assert.doesNotMatch(html, /<ol class="thread"/);
});

test('an expanded thread lists every post in order under its item, the hit marked, each with open and insert', () => {
  const html = renderPanel(state({ threads: { 'thread:tweet:1': whole } }));
  assert.match(html, /aria-expanded="true"[^>]*>▾ Hide thread</);
  const thread = html.slice(html.indexOf('<ol class="thread"'), html.indexOf('</ol>'));
  assert.deepEqual([...thread.matchAll(/<li class="post[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]), ['tweet:1', 'tweet:2', 'tweet:3']);
  assert.match(thread, /<li class="post current" data-id="tweet:2" aria-current="true">/);
  assert.equal((thread.match(/aria-current/g) ?? []).length, 1);
  assert.match(thread, /First, water &lt;gets&gt; into the joints\./); // escaped, never parsed
  assert.match(thread, /<span class="place">3 of 3<\/span>/);
  for (const n of [1, 2, 3]) {
    assert.match(thread, new RegExp(`data-action="open" data-id="tweet:${n}"`));
    assert.match(thread, new RegExp(`data-action="insert" data-format="quote" data-id="tweet:${n}"`));
  }
  // The thread sits inside its item's row, before the next item.
  assert.ok(html.indexOf('<ol class="thread"') < html.indexOf('data-id="note:abc"'));
});

test('missing and hidden posts are said under the thread', () => {
  const html = renderPanel(state({ threads: { 'thread:tweet:1': { ...whole, posts: [posts[1]], gaps: 1, hidden: 1 } } }));
  assert.match(html, /<p class="thread-note">1 missing \(deleted or not in the archive\) · 1 hidden<\/p>/);
});

test('an expansion outlives a refresh while its thread is listed, and its posts can be acted on', () => {
  const expanded = { 'thread:tweet:1': whole, 'thread:tweet:9': { ...whole, id: 'thread:tweet:9' } };
  assert.deepEqual(Object.keys(keptThreads(expanded, [note, posts[2]])), ['thread:tweet:1']);
  assert.deepEqual(keptThreads(expanded, [note]), {});
  assert.equal(postById(expanded, 'tweet:3')?.text, 'Second, paper inspections.');
  assert.equal(postById(expanded, 'tweet:404'), undefined);
});
