// Session notes: the note a technician writes at the end of a session (drafted from the
// session's own data, edited and signed offline through the outbox), and the list of notes
// waiting for a signature or a BCBA's co-signature (docs/supervision.md).
import { fmtDateTime as fmtMoment, labelOf, t } from '../i18n.js';
import { measurementLabel } from '../controls/index.js';
import { Recorder } from '../recorder.js';
import { fidelityScore, liveEvents, summarize } from '../tally.js';
import { formatClock } from '../timers.js';
import { h, mount, openDialog, toast } from '../ui.js';
import { PROGRAMMERS, connectionNotice, dataTable, describeFailure, fmtDateTime, outboxItems } from './bcba-common.js';
import { headline } from './summary.js';
import { newId } from '../ids.js';

const FIELDS = ['presentation', 'barriers', 'caregiver_involvement', 'plan_next'];
const CREDENTIAL_KEY = 'note-credential'; // the last credential typed on this device

/** The phase in force for a target on a day (YYYY-MM-DD): the latest that started by then. */
export function phaseOn(target, day) {
  const started = (target.phases ?? []).filter((p) => p.start_date <= day);
  started.sort((a, b) => a.start_date.localeCompare(b.start_date));
  return started.at(-1) ?? null;
}

/** What the device knows of the session, as the note's drafted part (the server re-drafts it). */
async function localDraft(app, recorder) {
  const { session } = recorder;
  const caseload = await app.store.caseload();
  const client = caseload?.clients.find((c) => c.id === session.client_id);
  const targets = (caseload?.targets[session.client_id] ?? []).filter((x) => session.target_ids.includes(x.id));
  const live = liveEvents(recorder.events);
  const endMs = Date.parse(session.ended_at ?? new Date().toISOString());
  const ctx = { activeMs: recorder.activeMs(), nowMs: endMs };
  const day = session.started_at.slice(0, 10);
  const rows = targets
    .map((target) => ({ target, mine: live.filter((e) => e.target_id === target.id) }))
    .filter(({ mine }) => mine.length)
    .map(({ target, mine }) => ({
      name: target.name,
      measure: measurementLabel(target.measurement),
      value: headline(target, summarize(target, mine, ctx)),
      phase: phaseOn(target, day),
    }));
  const incidents = ((await app.outbox.items('incident')) ?? [])
    .map((r) => r.body)
    .filter((b) => b.client_id === session.client_id && Date.parse(b.occurred_at) >= Date.parse(session.started_at) && Date.parse(b.occurred_at) <= endMs);
  const fidelity = session.kind === 'fidelity' ? fidelityScore(live) : null;
  return { client, rows, incidents, fidelity, session, activeMs: ctx.activeMs };
}

function draftSection(draft) {
  const { session } = draft;
  const role = session.kind === 'fidelity'
    ? t('snote.role_fidelity')
    : session.role === 'reliability' ? t('snote.role_ioa') : t('snote.role_primary');
  return h(
    'section',
    { class: 'note-draft' },
    h('h2', {}, t('snote.from_data')),
    h('p', {}, `${draft.client?.name ?? t('summary.client')} · ${labelOf('setting', session.setting)} · ${role} · ${t('summary.observed', { time: formatClock(draft.activeMs) })}`),
    draft.fidelity ? h('p', {}, t('summary.fidelity', { pct: `${Math.round(draft.fidelity.percent)}%` })) : '',
    dataTable(
      t('snote.targets_run'),
      [
        { label: t('summary.target'), cell: (r) => r.name },
        { label: t('summary.measure'), cell: (r) => r.measure },
        { label: t('summary.result'), cell: (r) => r.value },
        { label: t('snote.phase'), cell: (r) => (r.phase ? `${labelOf('phase', r.phase.kind)}: ${r.phase.label}` : t('snote.no_phase')) },
      ],
      draft.rows,
      { empty: t('snote.no_targets') },
    ),
    h('p', {}, draft.incidents.length ? t('snote.incidents', { n: draft.incidents.length }) : t('snote.no_incidents')),
  );
}

/** The attestation as the device shows it: name, credential and time. */
const attestation = (sign) => t('snote.signed_by', { name: sign.name, credential: sign.credential, time: fmtMoment(Date.parse(sign.at)) });

/** #/note/<sessionId>: write, save and sign the session's note; works offline. */
export async function renderNote(app, sessionId) {
  const recorder = await Recorder.load(app.outbox, sessionId);
  const mine = ((await app.outbox.items('note')) ?? []).find((r) => r.body.session_id === sessionId);
  let server = null;
  if (!mine && navigator.onLine) server = await app.api.sessionNote(sessionId).catch(() => null);
  if (!recorder && !mine && !server) {
    mount(h('section', { class: 'panel' }, h('h1', {}, t('snote.title')), h('p', {}, t('snote.gone')), h('a', { class: 'btn big primary', href: '#/' }, t('summary.back'))));
    return undefined;
  }
  const current = mine?.body ?? (server ? { ...server, sign: null } : { id: newId(), session_id: sessionId, sign: null });
  const signedOnServer = server && server.status !== 'draft';
  let saved = Boolean(mine);
  const inputs = Object.fromEntries(FIELDS.map((name) => {
    const input = h('textarea', { id: `note-${name}`, rows: 3, maxlength: 8000, readonly: Boolean(current.sign || signedOnServer) });
    input.value = current[name] ?? '';
    return [name, input];
  }));
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const signLine = h('p', { class: 'attestation' });
  const credential = h('input', { id: 'note-credential', type: 'text', autocomplete: 'off', maxlength: 120 });
  credential.value = (await app.store.local(CREDENTIAL_KEY)) ?? '';
  const signBox = h(
    'div',
    { class: 'sign-box' },
    h('label', { for: credential.id, class: 'field-label' }, t('snote.credential')),
    credential,
    h('button', { type: 'button', class: 'btn big primary', onclick: () => save(true) }, t('snote.sign')),
  );
  const saveButton = h('button', { type: 'button', class: 'btn big', onclick: () => save(false) }, t('snote.save'));

  const draw = async () => {
    const record = await app.outbox.item(current.id);
    const sign = record?.body.sign ?? current.sign;
    const locked = Boolean(sign || signedOnServer);
    for (const input of Object.values(inputs)) input.readOnly = locked;
    signBox.hidden = locked;
    saveButton.hidden = locked;
    if (sign) signLine.textContent = attestation(sign);
    else if (signedOnServer) signLine.textContent = t('snote.signed_by', { name: server.signer_name, credential: server.signer_credential, time: fmtDateTime(server.signed_at) });
    else signLine.textContent = '';
    // A note the server holds is dropped from the device once everything is sent (nav.js).
    if (!record) status.textContent = server || saved ? t('snote.on_server') : t('snote.not_saved');
    else if (record.state === 'rejected') status.textContent = t('snote.refused', { reason: record.reason });
    else status.textContent = record.state === 'sent' ? t('snote.sent') : t('snote.waiting');
  };

  async function save(sign) {
    const fields = Object.fromEntries(FIELDS.map((name) => [name, inputs[name].value.trim()]));
    const body = { id: current.id, session_id: sessionId, ...fields, sign: null };
    if (sign) {
      const cred = credential.value.trim();
      if (cred.length < 2) {
        toast(t('snote.credential_needed'), { kind: 'error' });
        credential.focus();
        return;
      }
      if (recorder && !recorder.session.ended_at) {
        toast(t('snote.end_first'), { kind: 'error' });
        return;
      }
      await app.store.setLocal(CREDENTIAL_KEY, cred);
      body.sign = { credential: cred, name: app.user.display_name || app.user.username, at: new Date().toISOString() };
    }
    Object.assign(current, body);
    await app.outbox.saveItem('note', body);
    saved = true;
    outboxItems.mayNeedPrune = true;
    app.sync?.poke();
    toast(sign ? t('snote.signed_toast') : t('snote.saved_toast'));
    await draw();
  }

  const onSync = () => draw();
  document.addEventListener('bdc:sync', onSync);
  mount(
    h(
      'section',
      { class: 'panel note-form' },
      h('h1', {}, t('snote.title')),
      recorder ? draftSection(await localDraft(app, recorder)) : h('p', { class: 'hint' }, t('snote.draft_on_server')),
      ...FIELDS.map((name) => h('div', { class: 'form-group' }, h('label', { for: inputs[name].id, class: 'field-label' }, t(`snote.${name}`)), inputs[name])),
      signLine,
      status,
      h('div', { class: 'actions' }, saveButton),
      signBox,
      h('a', { class: 'btn back', href: '#/' }, t('summary.back')),
    ),
  );
  await draw();
  return () => document.removeEventListener('bdc:sync', onSync);
}

// --- waiting notes (BCBA, director) ------------------------------------------------------

const OVERDUE_KEY = 'note-overdue-days';

/** A co-signature: the note as signed, then the co-signer's credential (needs the server). */
async function cosignDialog(app, noteId) {
  let note;
  try {
    note = await app.api.note(noteId);
  } catch (err) {
    toast(describeFailure(err), { kind: 'error' });
    return false;
  }
  const credential = h('input', { id: 'cosign-credential', type: 'text', maxlength: 120 });
  credential.value = (await app.store.local(CREDENTIAL_KEY)) ?? '';
  const share = h('input', { type: 'checkbox', id: 'cosign-share', checked: note.shared_with_caregivers });
  const problem = h('p', { class: 'error', role: 'alert' });
  return openDialog(t('snote.cosign_title'), (close) => [
    h('dl', {}, ...FIELDS.flatMap((name) => [h('dt', {}, t(`snote.${name}`)), h('dd', {}, note[name] || '–')])),
    h('p', { class: 'attestation' }, t('snote.signed_by', { name: note.signer_name, credential: note.signer_credential, time: fmtDateTime(note.signed_at) })),
    h('label', { for: credential.id, class: 'field-label' }, t('snote.credential')),
    credential,
    h('label', { class: 'check', for: share.id }, share, t('snote.share')),
    problem,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, t('common.cancel')),
      h('button', {
        type: 'button',
        class: 'btn primary',
        onclick: async () => {
          try {
            await app.api.cosignNote(noteId, credential.value.trim());
            if (share.checked !== note.shared_with_caregivers) await app.api.shareNote(noteId, share.checked);
            await app.store.setLocal(CREDENTIAL_KEY, credential.value.trim());
            close(true);
          } catch (err) {
            problem.textContent = describeFailure(err);
          }
        },
      }, t('snote.cosign')),
    ),
  ]);
}

/** #/notes: what waits for a signature or a co-signature, overdue ones marked. */
export async function renderPendingNotes(app) {
  const notice = connectionNotice(t('snote.needs_connection'));
  const days = h('input', { id: 'overdue-days', type: 'number', min: 0, max: 365, inputmode: 'numeric' });
  days.value = (await app.store.local(OVERDUE_KEY)) ?? '';
  const slot = h('div', { 'aria-live': 'polite' });
  const cosigns = PROGRAMMERS.has(app.user.role);
  const load = async () => {
    slot.replaceChildren(h('p', { class: 'hint' }, t('common.loading')));
    const threshold = days.value === '' ? {} : { older_than_days: Number(days.value) };
    let all;
    let overdue;
    try {
      [all, overdue] = await Promise.all([app.api.pendingNotes({ older_than_days: 0 }), app.api.pendingNotes(threshold)]);
    } catch (err) {
      slot.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
      return;
    }
    const late = new Set(overdue.map((n) => `${n.status}|${n.session_id}`));
    const isLate = (n) => late.has(`${n.status}|${n.session_id}`);
    all.sort((a, b) => Number(isLate(b)) - Number(isLate(a)) || b.days_waiting - a.days_waiting);
    slot.replaceChildren(
      h('p', { class: 'lead' }, t('snote.pending_count', { n: all.length, late: overdue.length })),
      dataTable(
        t('snote.pending_title'),
        [
          { label: t('snote.client'), cell: (n) => n.client_code },
          { label: t('snote.status'), cell: (n) => t(`snote.status_${n.status}`) },
          { label: t('snote.staff'), cell: (n) => n.staff_name },
          { label: t('snote.waiting_since'), cell: (n) => fmtDateTime(n.waiting_since) },
          { label: t('snote.days'), num: true, cell: (n) => String(n.days_waiting) },
          { label: t('snote.overdue'), cell: (n) => (isLate(n) ? h('span', { class: 'verdict bad' }, `✗ ${t('snote.overdue')}`) : '') },
          {
            label: t('snote.action'),
            cell: (n) =>
              cosigns && n.status === 'awaiting_cosignature' && n.note_id
                ? h('button', { type: 'button', class: 'btn small', onclick: async () => { if (await cosignDialog(app, n.note_id)) { toast(t('snote.cosigned_toast')); load(); } } }, t('snote.cosign'), h('span', { class: 'visually-hidden' }, ` ${n.client_code} ${n.staff_name}`))
                : '',
          },
        ],
        all,
        { empty: t('snote.none_pending') },
      ),
    );
  };
  days.addEventListener('change', async () => {
    await app.store.setLocal(OVERDUE_KEY, days.value);
    load();
  });
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('snote.pending_title')),
      notice.el,
      h('div', { class: 'form-group' }, h('label', { for: days.id, class: 'field-label' }, t('snote.overdue_after')), days, h('p', { class: 'hint' }, t('snote.overdue_default'))),
      slot,
    ),
  );
  await load();
  return notice.cleanup;
}

// --- shared notes (caregivers) -----------------------------------------------------------

/** #/shared-notes/<clientId>: the notes a BCBA shared with the family (needs the server). */
export async function renderSharedNotes(app, clientId) {
  const notice = connectionNotice(t('snote.needs_connection'));
  const caseload = await app.store.caseload();
  const client = caseload?.clients.find((c) => c.id === clientId);
  const slot = h('div', { 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('common.loading')));
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('snote.shared_title', { name: client?.name ?? t('summary.client') })),
      notice.el,
      slot,
      h('a', { class: 'btn back', href: '#/' }, t('summary.back')),
    ),
  );
  let notes;
  try {
    notes = await app.api.sharedNotes(clientId);
  } catch (err) {
    slot.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
    return notice.cleanup;
  }
  slot.replaceChildren(
    ...(notes.length
      ? notes.map((n) =>
          h(
            'article',
            { class: 'shared-note' },
            h('h2', {}, fmtDateTime(n.session_started_at)),
            h('dl', {}, ...FIELDS.flatMap((name) => (n[name] ? [h('dt', {}, t(`snote.${name}`)), h('dd', {}, n[name])] : []))),
            h('p', { class: 'attestation' }, t('snote.signed_by', { name: n.signer_name, credential: n.signer_credential, time: fmtDateTime(n.signed_at) })),
          ))
      : [h('p', { class: 'hint' }, t('snote.none_shared'))]),
  );
  return notice.cleanup;
}
