// The service worker's app shell, computed from the files under pwa/: what sw.js must list
// and the version hash it must carry. `npm run sw-version` rewrites sw.js to match.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PWA = fileURLToPath(new URL('../../pwa/', import.meta.url));
const SHELL_EXT = /\.(js|css|png|webmanifest|html|json)$/;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Shell URLs: every page asset under pwa/ except the worker itself; index.html is "/". */
export function shellUrls() {
  return walk(PWA)
    .filter((p) => SHELL_EXT.test(p) && !p.endsWith(`${sep}sw.js`))
    .map((p) => `/${relative(PWA, p).split(sep).join('/')}`)
    .map((u) => (u === '/index.html' ? '/' : u))
    .sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a < b ? -1 : 1));
}

export function shellVersion(urls = shellUrls()) {
  const hash = createHash('sha256');
  for (const url of urls) {
    hash.update(url);
    hash.update(readFileSync(join(PWA, url === '/' ? 'index.html' : url.slice(1))));
  }
  return hash.digest('hex').slice(0, 10);
}

export function swSource() {
  return readFileSync(join(PWA, 'sw.js'), 'utf8');
}

export function declared(source = swSource()) {
  const version = source.match(/const VERSION = '([0-9a-f]+)';/)[1];
  const list = source.match(/const SHELL = \[([\s\S]*?)\];/)[1];
  const urls = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  return { version, urls };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const urls = shellUrls();
  const source = swSource()
    .replace(/const VERSION = '[0-9a-f]+';/, `const VERSION = '${shellVersion(urls)}';`)
    .replace(/const SHELL = \[[\s\S]*?\];/, `const SHELL = [\n${urls.map((u) => `  '${u}',`).join('\n')}\n];`);
  writeFileSync(join(PWA, 'sw.js'), source);
  console.log(`sw.js: ${urls.length} files, version ${shellVersion(urls)}`);
}
