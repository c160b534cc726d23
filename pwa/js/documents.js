// Session notes and supervision contacts leave the device through the routes that own them
// (PUT /sessions/<id>/note then POST /notes/<id>/signature; POST /supervision/contacts), not
// POST /sync. Both are idempotent, so a copy sent twice (an answer lost on the way) is safe.
// No DOM: the sync engine calls sendDocument for each such outbox record (sync.js).

import { t } from './i18n.js';

/** Failures of the whole request, not of this record: the sync engine backs off and retries. */
const transient = (status) => status === 0 || status === 401 || status === 429 || status >= 500;

/**
 * Send one outbox record of type 'note' or 'contact'.
 * A note's body is {id, session_id, presentation, barriers, caregiver_involvement, plan_next,
 * sign: null | {credential, name, at}}: the draft is PUT, then signed once when the person
 * signed on the device and the server's copy is still a draft.
 * @returns {Promise<{accepted: true} | {reason: string, code: string, retry?: boolean}>}
 */
export async function sendDocument(api, record) {
  try {
    if (record.type === 'note') {
      const { sign, session_id: sessionId, ...draft } = record.body;
      const note = await api.saveNote(sessionId, draft);
      if (sign && note.status === 'draft') await api.signNote(draft.id, sign.credential);
    } else if (record.type === 'contact') {
      await api.logContact(record.body);
    } else {
      return { reason: t('sync.unknown_entry', { type: record.type }), code: 'invalid' };
    }
    return { accepted: true };
  } catch (err) {
    if (transient(err.status ?? 0)) throw err;
    // The session has not reached the server yet (refused for now, or still on its way).
    if (err.status === 404) return { reason: err.message, code: 'not_found', retry: true };
    return { reason: err.message, code: String(err.status) };
  }
}
