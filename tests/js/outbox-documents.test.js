// Session notes and supervision contacts in the outbox: saved and re-saved offline, sent to
// their own routes after the sessions of the same batch, signed once, kept when refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendDocument } from '../../pwa/js/documents.js';
import { SyncEngine } from '../../pwa/js/sync.js';
import { freshOutbox, manualClock, uuid } from './helpers.js';

const httpError = (status, message = `HTTP ${status}`) => Object.assign(new Error(message), { status });

/** A fake server with the note and contact routes: records each call in order. */
function fakeServer() {
  const server = {
    calls: [],
    sessions: new Set(),
    notes: new Map(),
    fail: [],
    async sync(batch) {
      server.calls.push(['sync', batch.sessions.map((s) => s.id)]);
      for (const s of batch.sessions) server.sessions.add(s.id);
      return { accepted: [...batch.sessions, ...batch.events].map((i) => i.id), rejected: [] };
    },
    api: {
      async saveNote(sessionId, draft) {
        server.calls.push(['put', sessionId, draft.presentation]);
        const failure = server.fail.shift();
        if (failure) throw httpError(failure);
        if (!server.sessions.has(sessionId)) throw httpError(404, 'No such session.');
        const held = server.notes.get(draft.id) ?? { status: 'draft' };
        if (held.status !== 'draft' && held.presentation !== draft.presentation) throw httpError(409, 'signed');
        const note = { ...held, ...draft };
        server.notes.set(draft.id, note);
        return note;
      },
      async signNote(noteId, credential) {
        server.calls.push(['sign', noteId, credential]);
        server.notes.get(noteId).status = 'signed';
      },
      async logContact(contact) {
        server.calls.push(['contact', contact.id]);
      },
    },
  };
  return server;
}

async function setup() {
  const { outbox } = await freshOutbox();
  const clock = manualClock();
  const server = fakeServer();
  const engine = new SyncEngine({
    outbox,
    send: server.sync,
    sendDirect: (record) => sendDocument(server.api, record),
    random: () => 0.5,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { outbox, server, engine };
}

const note = (sessionId, id, extra = {}) => ({
  id,
  session_id: sessionId,
  presentation: 'Calm, engaged',
  barriers: '',
  caregiver_involvement: '',
  plan_next: 'Fade prompts',
  sign: null,
  ...extra,
});

test('a note drafted, re-drafted and signed offline is sent once its session is, then signed once', async () => {
  const { outbox, server, engine } = await setup();
  const sessionId = uuid();
  await outbox.putSession({ id: sessionId, client_id: 'c1', started_at: '2026-11-22T14:00:00.000Z', ended_at: '2026-11-22T14:30:00.000Z' });
  const noteId = uuid();
  const first = await outbox.saveItem('note', note(sessionId, noteId));
  const signed = await outbox.saveItem('note', note(sessionId, noteId, { sign: { credential: 'RBT', name: 'Tess', at: '2026-11-22T14:31:00.000Z' } }));
  assert.equal(signed.seq, first.seq, 'keeps its place in the send order');
  assert.equal(signed.rev, first.rev + 1);
  assert.deepEqual(await outbox.counts(), { pending: 2, rejected: 0 });

  await engine.start();
  assert.deepEqual(server.calls, [
    ['sync', [sessionId]],
    ['put', sessionId, 'Calm, engaged'],
    ['sign', noteId, 'RBT'],
  ]);
  assert.equal((await outbox.item(noteId)).state, 'sent');
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 0 });

  // Sent again (an answer lost on the way): the signed note is not signed twice.
  await outbox.saveItem('note', note(sessionId, noteId, { sign: { credential: 'RBT', name: 'Tess', at: '2026-11-22T14:31:00.000Z' } }));
  await engine.syncNow();
  assert.deepEqual(server.calls.slice(3), [['put', sessionId, 'Calm, engaged']]);
});

test('a note whose session has not reached the server waits; a refused one needs a person', async () => {
  const { outbox, server, engine } = await setup();
  const early = await outbox.saveItem('note', note(uuid(), uuid()));
  await engine.start();
  assert.equal((await outbox.item(early.id)).state, 'pending', '404: sent again later');

  const sessionId = uuid();
  server.sessions.add(sessionId);
  const noteId = uuid();
  server.notes.set(noteId, { status: 'signed', presentation: 'Something else' });
  await outbox.saveItem('note', note(sessionId, noteId));
  await engine.syncNow();
  const refused = await outbox.item(noteId);
  assert.equal(refused.state, 'rejected');
  assert.equal(refused.code, '409');
});

test('a server failure leaves notes and contacts pending for the next run', async () => {
  const { outbox, server, engine } = await setup();
  const sessionId = uuid();
  server.sessions.add(sessionId);
  const contact = await outbox.saveItem('contact', { id: uuid(), supervisee_id: 'u1', day: '2026-11-22', minutes: 30, format: 'individual' });
  const n = await outbox.saveItem('note', note(sessionId, uuid()));
  server.fail.push(503);
  await engine.start();
  assert.equal(engine.status().state, 'error');
  assert.equal((await outbox.item(n.id)).state, 'pending');
  await engine.syncNow();
  assert.equal((await outbox.item(n.id)).state, 'sent');
  assert.equal((await outbox.item(contact.id)).state, 'sent');
});

test('the sync panel names a refused note or contact in words', async () => {
  const { catalogue, languagesFile } = await import('./english.js');
  const { useCatalogue } = await import('../../pwa/js/i18n.js');
  const { describeRecord } = await import('../../pwa/js/views/describe.js');
  const english = catalogue('en');
  useCatalogue('en', english, english, languagesFile());
  assert.equal(describeRecord({ type: 'note', body: note('s1', 'n1') }), 'Session note (draft)');
  const signed = describeRecord({ type: 'note', body: note('s1', 'n1', { sign: { credential: 'RBT', name: 'Tess', at: '2026-11-22T14:31:00.000Z' } }) });
  assert.match(signed, /^Session note, signed /);
  assert.equal(describeRecord({ type: 'contact', body: { day: '2026-11-22', minutes: 30 } }), 'Supervision contact 2026-11-22 · 30 min');
});
