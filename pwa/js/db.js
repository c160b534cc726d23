// A small promise wrapper over IndexedDB. No DOM: it runs in the page, the service worker
// and in node under fake-indexeddb.

const DB_NAME = 'bdc';
const DB_VERSION = 1;

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
    request.onupgradeneeded = () => {
      const db = request.result;
      const outbox = db.createObjectStore(STORES.outbox, { keyPath: 'id' });
      // Pending entries of one user, oldest first: what the sync engine sends next.
      outbox.createIndex('owner_state_seq', ['owner', 'state', 'seq']);
      outbox.createIndex('session', 'session_id');
      outbox.createIndex('state', 'state');
      db.createObjectStore(STORES.cache, { keyPath: 'key' });
      db.createObjectStore(STORES.local, { keyPath: 'key' });
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

export { promisify };
