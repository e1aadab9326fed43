import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { DelayedFetches } from '../../src/broker/delayed-fetch.js';

const p0 = [{ topic: 't', partition: 0 }];

describe('DelayedFetches', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('expires every parked fetch at its deadline with one timer, whatever the order of timeouts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }), (timeouts) => {
        const fetches = new DelayedFetches();
        const start = Date.now();
        const completedAt: number[] = [];
        timeouts.forEach((t, i) => fetches.wait(p0, t, 1, () => (completedAt[i] = Date.now() - start)));
        expect(vi.getTimerCount()).toBe(1);
        vi.advanceTimersByTime(2001);
        // The model: each completes exactly at its own timeout.
        expect(completedAt).toEqual(timeouts);
        expect(fetches.size).toBe(0);
        expect(vi.getTimerCount()).toBe(0);
      }),
    );
  });

  it('completes a fetch when appends cover its bytes, and only the fetches on that partition', () => {
    const fetches = new DelayedFetches();
    const done: string[] = [];
    fetches.wait(p0, 500, 100, () => done.push('a'));
    fetches.wait([{ topic: 't', partition: 1 }], 500, 1, () => done.push('b'));
    fetches.wait([...p0, { topic: 'u', partition: 0 }], 500, 150, () => done.push('c'));
    fetches.appended('t', 0, 60);
    expect(done).toEqual([]);
    fetches.appended('t', 0, 60);
    expect(done).toEqual(['a']);
    fetches.appended('u', 0, 30);
    expect(done).toEqual(['a', 'c']);
    vi.advanceTimersByTime(500);
    expect(done).toEqual(['a', 'c', 'b']);
  });

  it('answers each fetch once, and keeps the heap within twice the parked fetches', () => {
    const fetches = new DelayedFetches();
    const calls = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      fetches.wait(p0, 30_000, 1, () => calls.set(i, (calls.get(i) ?? 0) + 1));
      fetches.wait([{ topic: 't', partition: 1 }], 30_000 + i, 1, () => calls.set(-1 - i, (calls.get(-1 - i) ?? 0) + 1));
      fetches.appended('t', 0, 1);
    }
    expect(fetches.size).toBe(1000);
    expect((fetches as unknown as { heap: unknown[] }).heap.length).toBeLessThanOrEqual(2000);
    fetches.partitionGone('t', 1);
    vi.advanceTimersByTime(60_000);
    expect(calls.size).toBe(2000);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
  });

  it('closeAll answers everything and leaves no timer', () => {
    const fetches = new DelayedFetches();
    let n = 0;
    for (let i = 0; i < 10; i++) fetches.wait(p0, 1000 + i, 1, () => n++);
    fetches.closeAll();
    expect(n).toBe(10);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(n).toBe(10);
  });
});
