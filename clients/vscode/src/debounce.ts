/**
 * A debouncer: calls run only after `delayMs` without a newer call; `flush` runs the pending call
 * now, `cancel` drops it. Pure: timers are injectable for the tests.
 */

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  flush(): void;
  cancel(): void;
  readonly pending: boolean;
}

export function debounce<A extends unknown[]>(
  run: (...args: A) => void,
  delayMs: number,
  timers: Timers = realTimers,
): Debounced<A> {
  let handle: unknown;
  let args: A | undefined;
  const fire = () => {
    const pendingArgs = args;
    handle = undefined;
    args = undefined;
    if (pendingArgs) {
      run(...pendingArgs);
    }
  };
  const debounced = ((...callArgs: A) => {
    if (handle !== undefined) {
      timers.clear(handle);
    }
    args = callArgs;
    handle = timers.set(fire, delayMs);
  }) as Debounced<A>;
  debounced.flush = () => {
    if (handle !== undefined) {
      timers.clear(handle);
      fire();
    }
  };
  debounced.cancel = () => {
    if (handle !== undefined) {
      timers.clear(handle);
    }
    handle = undefined;
    args = undefined;
  };
  Object.defineProperty(debounced, 'pending', { get: () => handle !== undefined });
  return debounced;
}

/** Hands out tickets so that only the answer to the latest of several overlapping requests is used. */
export class Latest {
  private issued = 0;
  next(): number {
    return ++this.issued;
  }
  isLatest(ticket: number): boolean {
    return ticket === this.issued;
  }
}
