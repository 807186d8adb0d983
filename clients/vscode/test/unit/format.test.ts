import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  facts,
  exitedReason,
  marks,
  meaningPercent,
  missingServerReason,
  notRunningReport,
  similarity,
  snippet,
  startFailureMessage,
  statusBarText,
  statusBarTooltip,
  statusReport,
  target,
  tierRows,
} from '../../src/format';
import { note, tweet } from './fixtures';

test('facts: date · source · relevance marks and label (the number only without relevance)', () => {
  assert.equal(facts(tweet), '2024-06-25 · tweet · ●●● close');
  assert.equal(facts({ date: '', sourceLabel: 'note.md', score: 0.5, relevance: { level: 2, label: 'related' } }), 'note.md · ●●○ related');
  assert.equal(facts({ date: '', sourceLabel: 'note.md', score: 0.5 }), 'note.md · 0.50');
});

test('marks: three, filled per level', () => {
  assert.deepEqual([1, 2, 3].map(marks), ['●○○', '●●○', '●●●']);
  assert.equal(similarity(0.4312), 'similarity 0.43');
});

test('snippet flattens whitespace and cuts with an ellipsis', () => {
  assert.equal(snippet('a\n\n b   c'), 'a b c');
  assert.equal(snippet('one two three four', 10), 'one two t…'); // as the server cuts it
  assert.equal(snippet('x'.repeat(10), 10), 'x'.repeat(10));
});

test('target: the URL of a tweet, a note at its line, nothing for a zip member', () => {
  assert.deepEqual(target(tweet), { kind: 'url', url: tweet.url });
  assert.deepEqual(target(note), { kind: 'file', file: note.file, line: 12 });
  assert.deepEqual(target({ ...note, line: null }), { kind: 'file', file: note.file, line: 1 });
  assert.deepEqual(target({ ...note, file: '/a/archive.zip!/notes/a.md' }), { kind: 'none' });
});

test('status bar: count when ready, percent while indexing, model loading, stopped', () => {
  const status = { state: 'ready' as const, message: '', percent: null, revision: 3, pending: 0 };
  assert.equal(statusBarText(status, 1234, true), '$(history) Recall 1,234');
  assert.equal(statusBarText(status, undefined, true), '$(history) Recall');
  assert.equal(statusBarText({ ...status, state: 'indexing', percent: 42 }, 10, true), '$(sync~spin) Recall 42%');
  assert.equal(statusBarText({ ...status, state: 'indexing', percent: null }, 10, true), '$(sync~spin) Recall: indexing');
  assert.equal(statusBarText({ ...status, state: 'loading-model' }, undefined, true), '$(loading~spin) Recall: loading model');
  assert.equal(statusBarText(undefined, undefined, true), '$(loading~spin) Recall');
  assert.equal(statusBarText(status, 5, false), '$(circle-slash) Recall');
  assert.equal(statusBarText({ ...status, state: 'error' }, 5, true), '$(error) Recall');
  assert.match(statusBarTooltip({ ...status, pending: 2 }, 1, true), /1 fragment of past writing\n2 edits waiting/);
});

test('status bar: which search tier is ready', () => {
  const status = { state: 'indexing' as const, message: 'keywords ready, meaning 12%', percent: 12, revision: 3, pending: 0 };
  const keywordsOnly = { keywords: { ready: true, fragments: 1234 }, meaning: { ready: false, embedded: 129, total: 1000 } };
  const both = { keywords: { ready: true, fragments: 1234 }, meaning: { ready: true, embedded: 1000, total: 1000 } };
  const neither = { keywords: { ready: false, fragments: 0 }, meaning: { ready: false, embedded: 0, total: 0 } };
  assert.equal(statusBarText({ ...status, tiers: keywordsOnly }, 10, true), '$(sync~spin) Recall: keywords ready, meaning 12%');
  assert.equal(statusBarText({ ...status, state: 'loading-model', tiers: keywordsOnly }, 10, true), '$(sync~spin) Recall: keywords ready, meaning 12%');
  assert.equal(statusBarText({ ...status, state: 'ready', tiers: both }, 10, true), '$(history) Recall 10');
  assert.equal(statusBarText({ ...status, tiers: neither }, 10, true), '$(sync~spin) Recall 12%');
  assert.equal(statusBarText({ ...status, state: 'error', tiers: keywordsOnly }, 10, true), '$(error) Recall');
  assert.equal(statusBarText({ ...status, tiers: keywordsOnly }, 10, false), '$(circle-slash) Recall');
  assert.equal(meaningPercent(neither), 0);
  assert.equal(meaningPercent({ ...both, meaning: { ready: false, embedded: 999, total: 1000 } }), 99); // not 100 before it is
  const tooltip = statusBarTooltip({ ...status, tiers: keywordsOnly }, 10, true);
  assert.match(tooltip, /indexing: keywords ready, meaning 12%\nKeywords: ready \(1,234 fragments\)\nMeaning: 12% \(129 of 1,000 embedded\)/);
  assert.doesNotMatch(statusBarTooltip(status, 10, true), /Keywords/); // a server without tiers
  assert.deepEqual(tierRows(both)[1], ['Meaning', 'ready (1,000 of 1,000 embedded)']);
});

test('status report: facts, sources and options as Markdown tables', () => {
  const markdown = statusReport(
    {
      state: 'ready',
      fragments: 34,
      searchable: 34,
      hidden: 1,
      model: { name: 'all-MiniLM-L6-v2', location: '/m', loaded: true },
      indexDir: '/tmp/idx',
      sources: [
        {
          path: '/a|b/twitter-archive',
          kind: 'twitter',
          fragments: 24,
          indexedAt: '2026-11-26T23:12:55+00:00',
          lastRead: { skipped: { retweet: 1 }, errors: [] },
        },
      ],
      options: { topK: 8 },
      version: '0.1.0',
    },
    '/venv/bin/recall-ls serve',
  );
  assert.match(markdown, /^# Recall status/);
  assert.match(markdown, /\| State \| ready \|/);
  assert.match(markdown, /\| Fragments \| 34 \|/);
  assert.match(markdown, /\| `\/a\\\|b\/twitter-archive` \| twitter \| 24 \| 2026-11-26 23:12 \| 1 retweet \|/);
  assert.match(markdown, /\| topK \| `8` \|/);
  assert.match(markdown, /\| Server \| `\/venv\/bin\/recall-ls serve` \|/);
  assert.match(statusReport({ state: 'ready', sources: [] }, 'x'), /None\. Add archives/);
  const tiers = { keywords: { ready: true, fragments: 34 }, meaning: { ready: false, embedded: 17, total: 34 } };
  const withTiers = statusReport({ state: 'indexing', message: 'keywords ready, meaning 50%', tiers }, 'x');
  assert.match(withTiers, /\| State \| indexing \(keywords ready, meaning 50%\) \|/);
  assert.match(withTiers, /\| Keywords \| ready \(34 fragments\) \|\n\| Meaning \| 50% \(17 of 34 embedded\) \|/);
  assert.doesNotMatch(markdown, /Keywords/);
});

test('a failed start: the status bar, its tooltip and the status view say what the error message says', () => {
  const reason = missingServerReason({ command: '/opt/nope/recall-ls', origin: 'setting' });
  const message = startFailureMessage(reason);
  assert.equal(
    message,
    'Recall could not start its server. /opt/nope/recall-ls does not exist or is not executable: check the recall.server.path setting.',
  );
  assert.equal(statusBarText(undefined, undefined, false, reason), '$(error) Recall: server failed');
  assert.equal(statusBarTooltip(undefined, undefined, false, reason), `${message}\nClick for status`);
  const report = notRunningReport('/opt/nope/recall-ls serve', reason);
  assert.ok(report.includes(`\n${message}\n`), report);
  assert.match(report, /Recall: server failed/);
  assert.match(report, /\| Server \| `\/opt\/nope\/recall-ls serve` \|/);
  // Stopped without a failure (Restart on the way, or stopped on purpose): no alarm.
  assert.equal(statusBarText(undefined, undefined, false), '$(circle-slash) Recall');
  assert.match(notRunningReport('recall-ls serve', undefined), /The Recall server is not running\./);
  assert.doesNotMatch(notRunningReport('recall-ls serve', undefined), /server failed/);
});

test('a failed start: a missing program on PATH, and a server that exits at once', () => {
  assert.match(missingServerReason({ command: 'recall-ls', origin: 'PATH' }), /^recall-ls is not on PATH: install it/);
  assert.equal(
    exitedReason('/venv/bin/recall-ls', new Error('Connection to server got closed.')),
    '/venv/bin/recall-ls stopped before it was ready (Connection to server got closed). The Recall log says why.',
  );
  assert.equal(exitedReason('recall-ls', undefined), 'recall-ls stopped before it was ready. The Recall log says why.');
});
