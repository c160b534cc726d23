// Shared test helpers: a fresh fake IndexedDB per test and a manual clock.
import './english.js';
import 'fake-indexeddb/auto';
import { Db } from '../../pwa/js/db.js';
import { Outbox } from '../../pwa/js/outbox.js';

let n = 0;

export async function freshDb() {
  n += 1;
  return Db.open(`bdc-test-${process.pid}-${n}`);
}

export async function freshOutbox(owner = 'user-1') {
  const db = await freshDb();
  return { db, outbox: new Outbox(db, owner) };
}

let ids = 0;
export const uuid = () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`;

/** A clock the test moves by hand, with timers that fire when it passes them. */
export function manualClock(start = Date.parse('2026-11-22T14:00:00Z')) {
  let now = start;
  let timers = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.push({ id, at: now + ms, fn });
      return id;
    },
    clearTimer(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    pendingTimers: () => timers.map((t) => t.at - now),
    /** Move the clock on, firing due timers in order. */
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > until) break;
        timers.shift();
        now = due.at;
        due.fn();
        await settle();
      }
      now = until;
    },
  };
}

/** Let promise chains and IndexedDB callbacks run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i += 1) await new Promise((r) => setImmediate(r));
}
