import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declared, shellUrls, shellVersion } from './shell.js';

test('the service worker precaches every file of the app shell', () => {
  assert.deepEqual(declared().urls, shellUrls(), 'run `npm run sw-version` to update pwa/sw.js');
});

test("the cache version is the hash of the shell's files, so every change reaches devices", () => {
  assert.equal(declared().version, shellVersion(), 'run `npm run sw-version` to update pwa/sw.js');
});

test('the service worker script compiles (a merge once left two `const VERSION` lines)', async () => {
  const { readFile } = await import('node:fs/promises');
  const { Script } = await import('node:vm');
  const source = await readFile(new URL('../../pwa/sw.js', import.meta.url), 'utf8');
  assert.doesNotThrow(() => new Script(source, { filename: 'pwa/sw.js' }));
});
