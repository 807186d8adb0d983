import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FilterControls, filterSettings, kindChoices, planFilterChange } from '../../src/filters';

// The extension's own package.json: its settings are generated from the server's schema.
const PACKAGE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const DEFAULT_KINDS = ['tweet', 'reply', 'thread', 'mastodon', 'note'];

function controls(settings: Partial<FilterControls['settings']> = {}): FilterControls {
  return { choices: kindChoices(PACKAGE), settings: { kinds: DEFAULT_KINDS, since: '', until: '', ...settings } };
}

test("the kinds to toggle are the setting's own, in its order, with their descriptions", () => {
  const choices = kindChoices(PACKAGE);
  assert.deepEqual(choices.map((c) => c.kind), [...DEFAULT_KINDS, 'like']);
  assert.match(choices.find((c) => c.kind === 'reply')!.description, /replies to other people/);
  assert.deepEqual(kindChoices({}), []); // no schema: no toggles rather than a list of guesses
});

test('toggling a kind writes the whole list in the settings order', () => {
  assert.deepEqual(planFilterChange({ kind: 'tweet', on: false }, controls(), PACKAGE), { write: { kinds: ['reply', 'thread', 'mastodon', 'note'] } });
  assert.deepEqual(planFilterChange({ kind: 'tweet', on: true }, controls({ kinds: ['note'] }), PACKAGE), { write: { kinds: ['tweet', 'note'] } });
  assert.deepEqual(planFilterChange({ kind: 'like', on: true }, controls(), PACKAGE), { write: { kinds: [...DEFAULT_KINDS, 'like'] } });
});

test('the last kind cannot be turned off: nothing is written and the message says why', () => {
  const plan = planFilterChange({ kind: 'note', on: false }, controls({ kinds: ['note'] }), PACKAGE);
  assert.deepEqual(plan, { error: 'recall.kinds: keep at least one kind of writing to show.' });
});

test("a date is written when the setting's pattern accepts it; an invalid one is refused, named", () => {
  assert.deepEqual(planFilterChange({ key: 'since', value: ' 2020-06 ' }, controls(), PACKAGE), { write: { since: '2020-06' } });
  assert.deepEqual(planFilterChange({ key: 'until', value: '' }, controls(), PACKAGE), { write: { until: '' } });
  const plan = planFilterChange({ key: 'since', value: '2019-13' }, controls(), PACKAGE);
  assert.ok('error' in plan);
  assert.equal(plan.error, 'recall.since: "2019-13" is not a date (YYYY, YYYY-MM or YYYY-MM-DD) or nothing; the setting was left as it was.');
  assert.ok('error' in planFilterChange({ key: 'until', value: 'last year' }, controls(), PACKAGE));
});

test('clearing removes all three values', () => {
  assert.deepEqual(planFilterChange({ clear: true }, controls({ kinds: ['note'], since: '2020' }), PACKAGE), {
    write: { kinds: undefined, since: undefined, until: undefined },
  });
});

test('wrongly typed settings read as their defaults (the server names them)', () => {
  const values: Record<string, unknown> = { kinds: 'note', since: 2020, until: '2021' };
  assert.deepEqual(filterSettings((key) => values[key], { kinds: DEFAULT_KINDS, since: '', until: '' }), {
    kinds: DEFAULT_KINDS,
    since: '',
    until: '2021',
  });
});
