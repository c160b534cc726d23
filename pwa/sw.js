// The service worker: precaches the app shell so the PWA opens with no connection.
// Caches are versioned by a hash of the shell's files (tests/js/sw.test.js checks it;
// `npm run sw-version` updates it); activation removes older ones. A new version waits
// until the user accepts the "update available" prompt. API calls never touch the cache.

const VERSION = 'd02b03495d';
const CACHE = `bdc-shell-${VERSION}`;
const SHELL = [
  '/',
  '/css/app.css',
  '/css/bcba.css',
  '/icons/apple-touch-icon.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/js/api.js',
  '/js/app.js',
  '/js/clock.js',
  '/js/controls/abc.js',
  '/js/controls/chips.js',
  '/js/controls/dtt.js',
  '/js/controls/duration.js',
  '/js/controls/frequency.js',
  '/js/controls/index.js',
  '/js/controls/interval.js',
  '/js/controls/latency.js',
  '/js/controls/prompts.js',
  '/js/controls/rating.js',
  '/js/controls/task-analysis.js',
  '/js/cue.js',
  '/js/db.js',
  '/js/documents.js',
  '/js/group.js',
  '/js/i18n.js',
  '/js/ids.js',
  '/js/live.js',
  '/js/outbox.js',
  '/js/paper.js',
  '/js/recorder.js',
  '/js/store.js',
  '/js/sync.js',
  '/js/tally.js',
  '/js/timers.js',
  '/js/ui.js',
  '/js/views/bcba-common.js',
  '/js/views/caregiver-check.js',
  '/js/views/caregiver-links.js',
  '/js/views/caseload.js',
  '/js/views/chart-audits.js',
  '/js/views/child.js',
  '/js/views/client.js',
  '/js/views/dashboard.js',
  '/js/views/describe.js',
  '/js/views/fidelity.js',
  '/js/views/frame.js',
  '/js/views/group.js',
  '/js/views/incident.js',
  '/js/views/language.js',
  '/js/views/nav.js',
  '/js/views/notes.js',
  '/js/views/paper.js',
  '/js/views/phase.js',
  '/js/views/protocols.js',
  '/js/views/session.js',
  '/js/views/settings-list.js',
  '/js/views/signin.js',
  '/js/views/staff.js',
  '/js/views/summary.js',
  '/js/views/supervision.js',
  '/js/views/sync-panel.js',
  '/js/views/tour.js',
  '/js/views/training.js',
  '/locales/en.json',
  '/locales/es.json',
  '/locales/languages.json',
  '/manifest.webmanifest',
];

self.addEventListener('install', (event) => {
  // cache: 'reload' skips the HTTP cache, so a new version never precaches stale files.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('bdc-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Not ours to answer: other origins, writes, and the API (always the network, never cached).
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(caches.match('/', { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
