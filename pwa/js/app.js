// Start-up and wiring: the database, the signed-in user, the sync engine, the header badge,
// the service worker, and a small hash router over the screens.

import * as api from './api.js';
import { Db } from './db.js';
import { sendDocument } from './documents.js';
import { chooseLanguage, currentLanguage, loadLanguage, t, translatePage } from './i18n.js';
import { Outbox } from './outbox.js';
import { Recorder } from './recorder.js';
import { Store } from './store.js';
import { SyncEngine } from './sync.js';
import { announce, confirmDialog, h, toast } from './ui.js';
import { renderCaseload } from './views/caseload.js';
import { renderFidelity } from './views/fidelity.js';
import { liveChannel } from './live.js';
import { renderSignIn, renderSignInStrip } from './views/signin.js';
import { renderSession } from './views/session.js';
import { renderGroup } from './views/group.js';
import { renderChild } from './views/child.js';
import { GroupRecorder } from './group.js';
import { renderSummary } from './views/summary.js';
import { openSyncPanel, renderBadge } from './views/sync-panel.js';
import { renderClient, renderClients } from './views/client.js';
import { renderDashboard, renderFidelityResults } from './views/dashboard.js';
import { renderIncidentForm, renderIncidents } from './views/incident.js';
import { renderNav } from './views/nav.js';
import { renderPaper } from './views/paper.js';
import { renderNote, renderPendingNotes, renderSharedNotes } from './views/notes.js';
import { renderSupervision } from './views/supervision.js';
import { renderTraining } from './views/training.js';
import { renderStaff } from './views/staff.js';
import { renderChartAudit, renderChartAudits } from './views/chart-audits.js';

const ROUTES = [
  [/^#\/signin$/, renderSignIn],
  [/^#\/session\/([\w-]+)$/, (app, m) => renderSession(app, m[1])],
  [/^#\/fidelity\/([\w-]+)$/, (app, m) => renderFidelity(app, m[1])],
  [/^#\/group\/([\w-]+)$/, (app, m) => renderGroup(app, m[1])],
  [/^#\/child\/([\w-]+)$/, (app, m) => renderChild(app, m[1])],
  [/^#\/summary\/([\w-]+)$/, (app, m) => renderSummary(app, m[1])],
  [/^#\/paper\/([\w-]+)$/, (app, m) => renderPaper(app, m[1])],
  // BCBA, director and incident screens (views/client.js, dashboard.js, incident.js)
  [/^#\/clients$/, renderClients],
  [/^#\/client\/([\w-]+)\/incidents(?:\?.*)?$/, (app, m) => renderIncidents(app, m[1])],
  [/^#\/client\/([\w-]+)(?:\?.*)?$/, (app, m) => renderClient(app, m[1])],
  [/^#\/incident\/new\/([\w-]+)$/, (app, m) => renderIncidentForm(app, m[1])],
  [/^#\/dashboard$/, renderDashboard],
  // Session notes, supervision and training (views/notes.js, supervision.js, training.js)
  [/^#\/note\/([\w-]+)$/, (app, m) => renderNote(app, m[1])],
  [/^#\/notes$/, renderPendingNotes],
  [/^#\/shared-notes\/([\w-]+)$/, (app, m) => renderSharedNotes(app, m[1])],
  [/^#\/supervision$/, renderSupervision],
  [/^#\/training(?:\/([\w-]+))?$/, (app, m) => renderTraining(app, m[1])],
  [/^#\/staff(?:\/([\w-]+))?$/, (app, m) => renderStaff(app, m[1])],
  [/^#\/chart-audits$/, renderChartAudits],
  [/^#\/chart-audits\/([\w-]+)$/, (app, m) => renderChartAudit(app, m[1])],
  [/^#\/fidelity-results(?:\?.*)?$/, renderFidelityResults],
  [/^#?\/?$/, renderCaseload],
];

// A caregiver's screens: their children, recording at home, its summary, the child's graphs
// and the notes shared with the family. Every staff screen (the client view, dashboards,
// incidents, paper sheets, notes) sends them home.
const CAREGIVER_SCREENS = /^(#?\/?|#\/signin|#\/(session|summary|child|shared-notes)\/[\w-]+)$/;

class App {
  constructor(db) {
    this.db = db;
    this.store = new Store(db);
    this.api = api;
    this.user = null;
    this.outbox = null;
    this.sync = null;
    this.cleanup = null;
    this.syncStatus = null;
    this.signedOut = false; // a 401 was seen: the strip asks to sign in again
    this.reauthLater = false; // the user tapped Later: the strip stays closed until signed in
    this.live = liveChannel(); // entries and ends written by other tabs of this app
    this.pickedLanguage = null; // chosen on the sign-in screen, before anyone signed in
  }

  go(hash) {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  }

  async route() {
    const hash = location.hash || '#/';
    if (!this.user && hash !== '#/signin') return this.go('#/signin');
    if (this.user?.role === 'caregiver' && !CAREGIVER_SCREENS.test(hash)) return this.go('#/');
    this.cleanup?.();
    this.cleanup = null;
    renderNav(this);
    for (const [pattern, render] of ROUTES) {
      const m = hash.match(pattern);
      if (m) {
        this.cleanup = (await render(this, m)) ?? null;
        return;
      }
    }
    this.go('#/');
  }

  /** After a sign-in: remember the user, own the outbox, start syncing. */
  async signedIn(user) {
    const previous = await this.store.user();
    if (previous && previous.id !== user.id) await this.store.clearCache();
    await this.store.setUser(user);
    this.user = user;
    this.signedOut = false;
    this.reauthLater = false;
    // The user's own language setting wins over the device's and the browser's; one picked on
    // the sign-in screen becomes the user's setting.
    if (this.pickedLanguage && this.pickedLanguage !== user.language) {
      await this.keepLanguage(this.pickedLanguage);
      this.pickedLanguage = null;
    } else if (user.language && user.language !== currentLanguage()) {
      await loadLanguage(chooseLanguage(user.language));
      translatePage();
    }
    renderUser(this);
    renderSignInStrip(this);
    if (this.outbox?.owner === user.id && this.sync) {
      this.sync.resumeAfterSignIn();
      return;
    }
    this.sync?.stop();
    this.outbox = new Outbox(this.db, user.id);
    this.sync = new SyncEngine({
      outbox: this.outbox,
      send: (batch) => api.sync(batch),
      sendDirect: (record) => sendDocument(api, record),
      isOnline: () => navigator.onLine,
      // One tab at a time drains the outbox they share: no two tabs send the same entries.
      exclusive: (fn) => (navigator.locks ? navigator.locks.request('bdc-sync', fn) : fn()),
      onStatus: (status) => {
        this.syncStatus = status;
        if (status.state === 'auth') this.signedOut = true;
        renderBadge(this);
        renderSignInStrip(this);
        document.dispatchEvent(new CustomEvent('bdc:sync', { detail: status }));
      },
    });
    this.sync.start();
  }

  /**
   * The login expired (a 401 from any call): keep recording and ask, without a dialog, to sign
   * in again. Repeated 401s (every tap pokes the sync) change nothing once asked.
   */
  loginExpired() {
    if (!this.user || this.signedOut) return;
    this.signedOut = true;
    this.sync?.signedOut();
    renderSignInStrip(this);
  }

  /** Keep the signed-in user's language, on the device and (when online) on the server. */
  async keepLanguage(language) {
    this.user = { ...this.user, language };
    await this.store.setUser(this.user);
    api.setLanguage(language).catch(() => {}); // offline: the device keeps the choice
  }

  /** Another language was chosen: redraw what is on screen in it. */
  async languageChanged() {
    // A username typed before choosing the language survives the screen drawn in the new words.
    const typed = document.getElementById('username')?.value;
    translatePage();
    renderUser(this);
    renderBadge(this);
    await this.route();
    const field = document.getElementById('username');
    if (typed && field && !field.value) field.value = typed;
  }

  /** Signed in again from the strip: the outbox drains. */
  async reauthenticated(user) {
    await this.signedIn(user);
    toast(t('signin.again_done'));
  }

  async signOut() {
    const pending = (await this.outbox?.pendingOfAnyone()) ?? 0;
    const active = await this.store.local('active');
    if (pending > 0 || active) {
      const parts = [];
      if (active) parts.push(t('signout.in_session'));
      if (pending > 0) parts.push(t('signout.pending', { n: pending }));
      const ok = await confirmDialog(t('signout.title'), parts.join(' '), {
        ok: t('signout.ok'),
        cancel: t('signout.cancel'),
        danger: true,
      });
      if (!ok) return;
    }
    this.cleanup?.();
    this.cleanup = null;
    if (active) {
      const group = await this.store.local(`sess:${active}`);
      const recording = group?.kind === 'group'
        ? await GroupRecorder.load(this.outbox, active, group.members.map((m) => m.session_id), { live: this.live })
        : await Recorder.load(this.outbox, active, { live: this.live });
      await recording?.end();
    }
    this.sync?.stop();
    await api.signOut().catch(() => {});
    // No caseload or client details stay behind; the outbox does, for its owner's next sign-in.
    await this.store.clearCache();
    await this.store.clearAllSessions();
    this.user = null;
    this.sync = null;
    this.outbox = null;
    this.signedOut = false;
    renderUser(this);
    renderBadge(this);
    renderSignInStrip(this);
    this.go('#/signin');
  }
}

function renderUser(app) {
  const slot = document.getElementById('user-slot');
  if (!app.user) return slot.replaceChildren();
  slot.replaceChildren(
    h('span', { class: 'user-name' }, app.user.display_name || app.user.username),
    h('button', { type: 'button', class: 'btn small', onclick: () => app.signOut() }, t('signout.button')),
  );
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let updating = false;
  const offer = (worker) => {
    const banner = document.getElementById('update-banner');
    banner.hidden = false;
    banner.querySelector('button').onclick = () => {
      updating = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    };
    announce(t('shell.update_announce'));
  };
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only reload when the user asked for the update; everything is in IndexedDB anyway.
    if (updating) location.reload();
  });
  navigator.serviceWorker.register('/sw.js').then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
      });
    });
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
  });
}

async function boot() {
  registerServiceWorker();
  const app = new App(await Db.open());
  window.bdc = app; // handy in the console and for the end-to-end tests
  api.onUnauthorized(() => app.loginExpired());
  document.getElementById('sync-badge').addEventListener('click', () => openSyncPanel(app));
  window.addEventListener('online', () => app.sync?.syncNow());
  window.addEventListener('offline', () => renderBadge(app));
  window.addEventListener('hashchange', () => app.route());
  setInterval(() => renderBadge(app), 15000); // keeps "synced 2 min ago" current

  const cached = await app.store.user();
  // Before sign-in: the language last chosen on this device, else the browser's.
  await loadLanguage(chooseLanguage(cached?.language));
  translatePage();
  if (cached) {
    await app.signedIn(cached);
    // Confirm the login is still good; offline, carry on with the cached user.
    api.me().then((user) => app.store.setUser(user), () => {});
  }
  renderBadge(app);
  await app.route();
}

boot();
