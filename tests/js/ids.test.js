// newId: UUID version 7 (RFC 9562, section 5.7). The expected layout is read off the RFC's
// figure: 48 bits of Unix milliseconds, version 0111, 12 random bits, variant 10, 62 random.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { newId } from '../../pwa/js/ids.js';
import { PWA, shellUrls } from './shell.js';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('an id is a canonical version 7 UUID carrying the time in milliseconds', () => {
  // RFC 9562 appendix A.6's example time, 2022-02-22 19:22:22 UTC = 0x017F22E279B0 ms
  const id = newId(Date.UTC(2022, 1, 22, 19, 22, 22));
  assert.match(id, CANONICAL);
  assert.equal(id.slice(0, 13), '017f22e2-79b0');
});

test('ids made later sort after those made earlier, whatever their random bits', () => {
  const start = Date.UTC(2026, 10, 26, 9);
  const ids = Array.from({ length: 2000 }, (_, i) => newId(start + i));
  assert.deepEqual([...ids].sort(), ids);
});

test('ids of the same millisecond differ', () => {
  const now = Date.now();
  const ids = new Set(Array.from({ length: 10000 }, () => newId(now)));
  assert.equal(ids.size, 10000);
});

test('the default time is the device clock', () => {
  const before = Date.now();
  const id = newId();
  const after = Date.now();
  const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(before <= ms && ms <= after, `${ms} not in [${before}, ${after}]`);
});

test('the app makes its ids with newId only', () => {
  const makers = shellUrls()
    .filter((url) => url.endsWith('.js'))
    .filter((url) => readFileSync(join(PWA, url.slice(1)), 'utf8').includes('randomUUID'));
  assert.deepEqual(makers, []);
});
