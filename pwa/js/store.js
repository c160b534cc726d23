// What the device keeps besides the outbox: the signed-in user and their caseload (so a
// session can start with no connection), and small local state (device id, the session in
// progress, running interval and latency timers) so a reload picks up where it was.

import { STORES } from './db.js';
import { newId } from './ids.js';

const C = STORES.cache;
const L = STORES.local;

export class Store {
  /** @param {import('./db.js').Db} db */
  constructor(db) {
    this.db = db;
  }

  async cached(key) {
    return (await this.db.get(C, key))?.value;
  }

  setCached(key, value) {
    return this.db.put(C, { key, value });
  }

  user() {
    return this.cached('user');
  }

  setUser(user) {
    return this.setCached('user', user);
  }

  /** {clients, targets: {clientId: [Target]}, fetchedAt} or undefined. */
  caseload() {
    return this.cached('caseload');
  }

  /** Fetch the caseload and every active client's active targets, then keep them. */
  async refreshCaseload(api) {
    // Only what a session screen shows: no date of birth or other PHI is kept on the device.
    const clients = (await api.clients())
      .filter((c) => c.active !== false)
      .map(({ id, code, name }) => ({ id, code, name }));
    const lists = await Promise.all(clients.map((c) => api.targets(c.id)));
    const targets = Object.fromEntries(
      clients.map((c, i) => [c.id, lists[i].filter((t) => t.active !== false)]),
    );
    const caseload = { clients, targets, fetchedAt: Date.now() };
    await this.setCached('caseload', caseload);
    return caseload;
  }

  /** Plans and staff of a client, for a fidelity check; cached for offline use. */
  fidelitySetup(api, clientId) {
    return this.fetchedOrKept(`fidelity:${clientId}`, async () => {
      const [plans, staff] = await Promise.all([api.plans(clientId), api.assignments(clientId)]);
      return { plans: plans.filter((p) => p.active !== false), staff };
    });
  }

  /**
   * Active plans and how many caregivers are linked to a client, for scoring a caregiver's
   * implementation in a home session; cached for offline use (no caregiver's name is kept).
   */
  caregiverCheckSetup(api, clientId) {
    return this.fetchedOrKept(`caregiver-check:${clientId}`, async () => {
      const [plans, caregivers] = await Promise.all([api.plans(clientId), api.caregivers(clientId)]);
      return { plans: plans.filter((p) => p.active !== false), caregivers: caregivers.length };
    });
  }

  /** What fetch() answers, kept; without a connection, what was kept last time. */
  async fetchedOrKept(key, fetch) {
    try {
      const value = await fetch();
      await this.setCached(key, value);
      return value;
    } catch (err) {
      const cached = await this.cached(key);
      if (cached && err.status === 0) return cached;
      throw err;
    }
  }

  /** Sign-out: the device keeps no caseload (PHI) once nobody is signed in. */
  clearCache() {
    return this.db.clear(C);
  }

  async local(key) {
    return (await this.db.get(L, key))?.value;
  }

  setLocal(key, value) {
    return value === undefined ? this.db.delete(L, key) : this.db.put(L, { key, value });
  }

  async deviceId() {
    let id = await this.local('device');
    if (!id) {
      id = newId();
      await this.setLocal('device', id);
    }
    return id;
  }

  /** Local state of one control in one session, e.g. when its interval run started. */
  control(sessionId, targetId) {
    return this.local(`ctl:${sessionId}:${targetId}`);
  }

  setControl(sessionId, targetId, value) {
    return this.setLocal(`ctl:${sessionId}:${targetId}`, value);
  }

  /** Forget a finished session's screen state (its client snapshot and control timers). */
  async clearSession(sessionId) {
    await this.clearLocal((key) => key === `sess:${sessionId}` || key.startsWith(`ctl:${sessionId}:`));
  }

  /** Sign-out: forget every session's screen state, which names clients. */
  async clearAllSessions() {
    await this.clearLocal((key) => key === 'active' || key.startsWith('sess:') || key.startsWith('ctl:'));
  }

  async clearLocal(match) {
    const all = await this.db.getAll(L);
    await Promise.all(all.filter((r) => match(r.key)).map((r) => this.db.delete(L, r.key)));
  }
}
