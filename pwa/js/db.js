// A small promise wrapper over IndexedDB. No DOM: it runs in the page, the service worker
// and in node under fake-indexeddb.

const DB_NAME = 'bdc';
const DB_VERSION = 2;

/** The key in the `local` store of the outbox's last sequence number (see outbox.js). */
export const SEQ_KEY = 'outbox-seq';

export const STORES = {
  outbox: 'outbox', // every session and event recorded on this device, with its sync state
  cache: 'cache', // the signed-in user, caseload, targets, plans: what a session needs offline
  local: 'local', // device id, the active session, running interval and latency timers
};

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException('Transaction aborted', 'AbortError'));
  });
}

export class Db {
  constructor(idb) {
    this.idb = idb;
  }

  static async open(name = DB_NAME, factory = globalThis.indexedDB) {
    const request = factory.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (event.oldVersion < 1) {
        const outbox = db.createObjectStore(STORES.outbox, { keyPath: 'id' });
        // Pending entries of one user, in sequence: what the sync engine sends next.
        outbox.createIndex('owner_state_seq', ['owner', 'state', 'seq']);
        outbox.createIndex('session', 'session_id');
        outbox.createIndex('state', 'state');
        db.createObjectStore(STORES.cache, { keyPath: 'key' });
        db.createObjectStore(STORES.local, { keyPath: 'key' });
      }
      if (event.oldVersion < 2) renumberOutbox(request.transaction);
    };
    const idb = await promisify(request);
    // Another tab upgrading the schema must not be blocked by this one.
    idb.onversionchange = () => idb.close();
    return new Db(idb);
  }

  close() {
    this.idb.close();
  }

  /**
   * Run fn(stores) inside one transaction and resolve once it has committed, with fn's result.
   * Resolving only on commit is what "written before it is shown" means.
   */
  async transaction(storeNames, mode, fn) {
    const names = Array.isArray(storeNames) ? storeNames : [storeNames];
    const tx = this.idb.transaction(names, mode, { durability: 'relaxed' });
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    const committed = done(tx);
    let result;
    try {
      result = await fn(stores, tx);
    } catch (err) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await committed.catch(() => {});
      throw err;
    }
    await committed;
    return result;
  }

  get(store, key) {
    return this.transaction(store, 'readonly', (s) => promisify(s[store].get(key)));
  }

  getAll(store, query, count) {
    return this.transaction(store, 'readonly', (s) => promisify(s[store].getAll(query, count)));
  }

  getAllFromIndex(store, index, query, count) {
    return this.transaction(store, 'readonly', (s) =>
      promisify(s[store].index(index).getAll(query, count)),
    );
  }

  countFromIndex(store, index, query) {
    return this.transaction(store, 'readonly', (s) => promisify(s[store].index(index).count(query)));
  }

  put(store, value) {
    return this.transaction(store, 'readwrite', (s) => {
      s[store].put(value);
    });
  }

  delete(store, key) {
    return this.transaction(store, 'readwrite', (s) => {
      s[store].delete(key);
    });
  }

  clear(store) {
    return this.transaction(store, 'readwrite', (s) => {
      s[store].clear();
    });
  }
}

/**
 * Version 2: the send order becomes a counter kept in the database instead of the wall clock.
 * Entries written by version 1 are numbered 1..n in their old order, except that an event whose
 * session record came later (a clock stepped back) moves to just after its session.
 */
function renumberOutbox(tx) {
  const outbox = tx.objectStore(STORES.outbox);
  const all = outbox.getAll();
  all.onsuccess = () => {
    const ordered = orderSessionsFirst(all.result.sort((a, b) => a.seq - b.seq));
    ordered.forEach((record, i) => outbox.put({ ...record, seq: i + 1 }));
    tx.objectStore(STORES.local).put({ key: SEQ_KEY, value: ordered.length });
  };
}

/** Records in the given order, except that an event never comes before its session's record. */
export function orderSessionsFirst(records) {
  const sessions = new Set(records.filter((r) => r.type === 'session').map((r) => r.id));
  const seen = new Set();
  const waiting = new Map(); // session id -> its events met before it
  const ordered = [];
  for (const record of records) {
    const sid = record.session_id;
    if (record.type !== 'session' && sessions.has(sid) && !seen.has(sid)) {
      if (!waiting.has(sid)) waiting.set(sid, []);
      waiting.get(sid).push(record);
      continue;
    }
    ordered.push(record);
    if (record.type === 'session') {
      seen.add(record.id);
      ordered.push(...(waiting.get(record.id) ?? []));
    }
  }
  return ordered;
}

export { promisify };
