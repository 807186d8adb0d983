import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debounce, Latest, Timers } from '../../src/debounce';

/** Timers that only move when the test says so. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clear: (id) => pending.delete(id as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= now) {
        pending.delete(id);
        timer.fn();
      }
    }
  };
  return { timers, advance, count: () => pending.size };
}

test('debounce runs once, with the last arguments, after the quiet period', () => {
  const { timers, advance } = fakeTimers();
  const calls: string[] = [];
  const run = debounce((s: string) => calls.push(s), 200, timers);
  run('a');
  advance(150);
  run('ab');
  advance(150);
  run('abc');
  assert.deepEqual(calls, []);
  assert.equal(run.pending, true);
  advance(199);
  assert.deepEqual(calls, []);
  advance(1);
  assert.deepEqual(calls, ['abc']);
  assert.equal(run.pending, false);
});

test('flush runs the pending call now; cancel drops it', () => {
  const { timers, advance, count } = fakeTimers();
  const calls: number[] = [];
  const run = debounce((n: number) => calls.push(n), 200, timers);
  run(1);
  run.flush();
  assert.deepEqual(calls, [1]);
  assert.equal(count(), 0);
  run.flush();
  assert.deepEqual(calls, [1]);
  run(2);
  run.cancel();
  advance(1000);
  assert.deepEqual(calls, [1]);
});

test('debounce works with real timers', async () => {
  const calls: number[] = [];
  const run = debounce((n: number) => calls.push(n), 20);
  run(1);
  run(2);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(calls, [2]);
});

test('Latest keeps only the newest ticket', () => {
  const latest = new Latest();
  const first = latest.next();
  const second = latest.next();
  assert.equal(latest.isLatest(first), false);
  assert.equal(latest.isLatest(second), true);
});
