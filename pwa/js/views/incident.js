// Critical incident reports. Filing one works offline: the report goes to the outbox and the
// sync engine sends it in the `incidents` list of POST /sync. Reading, signing off (directors,
// admins) and amending (the reporter, BCBAs and up) need the server; a report is never edited,
// an amendment is a new revision (docs/quality.md).
import { h, mount, openDialog, toast, confirmDialog } from '../ui.js';
import {
  DIRECTORS,
  INCIDENT_TYPES,
  PROGRAMMERS,
  connectionNotice,
  describeFailure,
  fmtDateTime,
  fmtNum,
  hashQuery,
  incidentTypeLabel,
  localDate,
  outboxItems,
} from './bcba-common.js';

const DEESCALATION = [
  'Verbal redirection',
  'Offered choices',
  'Reduced or removed demands',
  'Offered a break',
  'Gave space / planned ignoring',
  'Removed other people or objects',
  'Functional communication prompted',
];
const NOTIFIED = ['BCBA', 'Clinical director', 'Parent or guardian', 'Site supervisor', 'Nurse', 'School staff'];
const LIMITS = { antecedents: 4000, injuries: 4000, description: 8000, step: 400, person: 200 };

let fieldCount = 0;

/** Checkboxes of common answers plus "others, one per line"; value() is the list. */
function listField(legend, options, limit, initial = []) {
  fieldCount += 1;
  const boxes = options.map((text, i) => {
    const input = h('input', { type: 'checkbox', id: `lf-${fieldCount}-${i}`, value: text, checked: initial.includes(text) });
    return { input, el: h('label', { class: 'check', for: input.id }, input, text) };
  });
  const others = initial.filter((v) => !options.includes(v));
  const other = h('textarea', { id: `lf-${fieldCount}-other`, rows: 2 });
  other.value = others.join('\n');
  const el = h(
    'fieldset',
    { class: 'form-group' },
    h('legend', {}, legend),
    h('div', { class: 'check-grid' }, ...boxes.map((b) => b.el)),
    h('label', { for: other.id, class: 'field-label' }, 'Others', h('span', { class: 'optional' }, ' (one per line)')),
    other,
  );
  return {
    el,
    value: () => [
      ...boxes.filter((b) => b.input.checked).map((b) => b.input.value),
      ...other.value.split('\n').map((s) => s.trim()).filter(Boolean),
    ],
    check: () => {
      const long = other.value.split('\n').find((s) => s.trim().length > limit);
      return long ? { error: `Each line of "${legend}" may have at most ${limit} characters.`, field: other } : null;
    },
  };
}

/** The fields of a report (new, or an amendment prefilled with the latest revision). */
function incidentFields(initial = {}) {
  const now = initial.occurred_at ? new Date(initial.occurred_at) : new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const date = h('input', { type: 'date', id: 'inc-date', value: localDate(now), max: localDate(), required: true });
  const time = h('input', { type: 'time', id: 'inc-time', value: `${pad(now.getHours())}:${pad(now.getMinutes())}`, required: true });
  let timeTouched = false;
  for (const input of [date, time]) for (const type of ['input', 'change']) input.addEventListener(type, () => { timeTouched = true; });
  const duration = h('input', { type: 'number', id: 'inc-duration', min: 0, max: 1440, step: 'any', inputmode: 'decimal', value: initial.duration_minutes ?? '' });
  const types = INCIDENT_TYPES.map(([value, label]) => {
    const input = h('input', { type: 'radio', name: 'inc-type', id: `inc-type-${value}`, value, checked: initial.type === value });
    return h('label', { class: 'radio-chip', for: input.id }, input, h('span', {}, label));
  });
  const antecedents = h('textarea', { id: 'inc-antecedents', rows: 3, maxlength: LIMITS.antecedents });
  antecedents.value = initial.antecedents ?? '';
  const injuries = h('textarea', { id: 'inc-injuries', rows: 2, maxlength: LIMITS.injuries, placeholder: 'None observed' });
  injuries.value = initial.injuries ?? '';
  const description = h('textarea', { id: 'inc-description', rows: 4, maxlength: LIMITS.description });
  description.value = initial.description ?? '';
  const deesc = listField('De-escalation steps tried', DEESCALATION, LIMITS.step, initial.deescalation ?? []);
  const notified = listField('Who was notified', NOTIFIED, LIMITS.person, initial.notified ?? []);
  const typeSet = h('fieldset', { class: 'form-group', id: 'inc-type' }, h('legend', {}, 'Type of incident'), h('div', { class: 'radio-chips' }, ...types));

  const el = [
    h(
      'fieldset',
      { class: 'form-group' },
      h('legend', {}, 'When'),
      h(
        'div',
        { class: 'date-pair' },
        h('div', {}, h('label', { for: date.id, class: 'field-label' }, 'Date'), date),
        h('div', {}, h('label', { for: time.id, class: 'field-label' }, 'Time it started'), time),
      ),
      h('label', { for: duration.id, class: 'field-label' }, 'Duration in minutes', h('span', { class: 'optional' }, ' (optional)')),
      duration,
    ),
    typeSet,
    h('label', { for: antecedents.id, class: 'field-label' }, 'Antecedents: what came just before'),
    antecedents,
    deesc.el,
    h('label', { for: injuries.id, class: 'field-label' }, 'Injuries', h('span', { class: 'optional' }, ' (to anyone; leave empty if none)')),
    injuries,
    notified.el,
    h('label', { for: description.id, class: 'field-label' }, 'What happened', h('span', { class: 'optional' }, ' (description)')),
    description,
  ];

  return {
    el,
    focus: () => date.focus(),
    /** {value} with the report's fields, or {error, field}. */
    read() {
      if (!date.value || !time.value) return { error: 'Give the date and time of the incident.', field: date.value ? time : date };
      // Unchanged in an amendment: keep the recorded moment (to the second), not the minute shown.
      const occurred = initial.occurred_at && !timeTouched ? new Date(initial.occurred_at) : new Date(`${date.value}T${time.value}`);
      if (Number.isNaN(occurred.getTime())) return { error: 'The date or time is not valid.', field: date };
      if (occurred.getTime() > Date.now() + 5 * 60 * 1000) return { error: 'The incident cannot be in the future.', field: time };
      const type = typeSet.querySelector('input:checked')?.value;
      if (!type) return { error: 'Choose the type of incident.', field: typeSet.querySelector('input') };
      let minutes = null;
      if (duration.value !== '') {
        minutes = Number(duration.value);
        if (!(minutes >= 0 && minutes <= 1440)) return { error: 'The duration is between 0 and 1440 minutes.', field: duration };
      }
      const problem = deesc.check() ?? notified.check();
      if (problem) return problem;
      return {
        value: {
          occurred_at: occurred.toISOString(),
          duration_minutes: minutes,
          type,
          antecedents: antecedents.value.trim(),
          deescalation: deesc.value(),
          injuries: injuries.value.trim(),
          notified: notified.value(),
          description: description.value.trim(),
        },
      };
    },
  };
}

// --- filing a report (offline too) -----------------------------------------------------------

export async function renderIncidentForm(app, clientId) {
  const caseload = await app.store.caseload();
  let client = caseload?.clients.find((c) => c.id === clientId);
  if (!client) {
    try {
      client = await app.api.client(clientId);
    } catch {
      client = null;
    }
  }
  if (!client) {
    mount(h('section', { class: 'panel' }, h('h1', {}, 'Incident report'), h('p', { class: 'error' }, 'This client is not on your caseload on this device.'), h('a', { class: 'btn', href: '#/' }, 'Back to caseload')));
    return undefined;
  }
  const fields = incidentFields();
  const error = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'btn big primary' }, 'Save report');
  const form = h(
    'form',
    { class: 'incident-form', novalidate: true },
    ...fields.el,
    error,
    save,
    h('a', { class: 'btn', href: '#/' }, 'Cancel'),
  );
  const panel = h(
    'section',
    { class: 'panel narrow-wide' },
    h('h1', {}, `Incident report: ${client.name}`),
    h('p', { class: 'hint' }, 'File it right after the event. It is saved on this device first and sent to the server when there is a connection; a director then signs it off.'),
    form,
  );
  mount(panel);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const { value, error: problem, field } = fields.read();
    if (problem) {
      error.textContent = problem;
      field?.focus();
      return;
    }
    save.disabled = true;
    try {
      const record = await app.outbox.addItem('incident', { id: crypto.randomUUID(), client_id: client.id, ...value });
      outboxItems.mayNeedPrune = true;
      app.sync?.poke();
      showFiled(app, client, record);
    } catch (err) {
      error.textContent = `Not saved: ${err.message}`;
      save.disabled = false;
    }
  });
  let cleanup = () => {};
  const showFiled = (appRef, c, record) => {
    const status = h('p', { class: 'lead', role: 'status' });
    const draw = async () => {
      const mine = (await appRef.outbox.items('incident')).find((r) => r.id === record.id);
      if (!mine || mine.state === 'sent') status.textContent = '✓ Sent: the server holds the report. A director will sign it off.';
      else if (mine.state === 'rejected') status.textContent = `The server refused the report: ${mine.reason}. It is kept on this device; open Sync for details.`;
      else status.textContent = navigator.onLine ? 'Saved on this device. Sending…' : 'Saved on this device. It is sent when you are back online.';
    };
    const onSync = () => draw();
    document.addEventListener('bdc:sync', onSync);
    cleanup = () => document.removeEventListener('bdc:sync', onSync);
    mount(
      h(
        'section',
        { class: 'panel narrow-wide' },
        h('h1', {}, 'Incident report saved'),
        h('p', {}, `${incidentTypeLabel(record.body.type)} · ${c.name} · ${fmtDateTime(record.body.occurred_at)}`),
        status,
        h('div', { class: 'card-links' },
          h('a', { class: 'btn primary', href: '#/' }, 'Back to caseload'),
          h('a', { class: 'btn', href: `#/client/${c.id}/incidents` }, 'Incident reports of this client')),
      ),
    );
    draw();
  };
  return () => cleanup();
}

// --- the reports of a client (online) --------------------------------------------------------

function reportBody(report, names) {
  const list = (items) => (items?.length ? h('ul', { class: 'plain-list' }, ...items.map((x) => h('li', {}, x))) : h('span', { class: 'hint' }, 'none recorded'));
  return h(
    'dl',
    { class: 'facts report-facts' },
    h('dt', {}, 'Occurred'), h('dd', {}, fmtDateTime(report.occurred_at)),
    h('dt', {}, 'Duration'), h('dd', {}, report.duration_minutes === null ? 'not given' : `${fmtNum(report.duration_minutes, 1)} min`),
    h('dt', {}, 'Antecedents'), h('dd', {}, report.antecedents || h('span', { class: 'hint' }, 'none recorded')),
    h('dt', {}, 'De-escalation tried'), h('dd', {}, list(report.deescalation)),
    h('dt', {}, 'Injuries'), h('dd', {}, report.injuries || 'none reported'),
    h('dt', {}, 'Notified'), h('dd', {}, list(report.notified)),
    h('dt', {}, 'Description'), h('dd', {}, report.description || h('span', { class: 'hint' }, 'none')),
    h('dt', {}, 'Reported by'), h('dd', {}, names.get(report.reported_by) ?? 'a staff member'),
  );
}

const STATUS_WORDS = { open: 'Open: awaiting sign-off', signed_off: 'Signed off', superseded: 'Superseded' };

export async function renderIncidents(app, clientId) {
  const focus = hashQuery().get('focus');
  const notice = connectionNotice('reading, signing off and amending reports need a connection. New reports can still be filed.');
  const filter = h('select', { id: 'inc-filter', class: 'field-narrow' }, h('option', { value: '' }, 'All reports'), h('option', { value: 'open' }, 'Awaiting sign-off'), h('option', { value: 'signed_off' }, 'Signed off'));
  const status = h('p', { class: 'hint', role: 'status' }, 'Loading…');
  const list = h('div', { class: 'incident-list' });
  const pendingBox = h('div');
  const title = h('h1', {}, 'Incident reports');
  mount(
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'title-row' },
        title,
        h(
          'div',
          { class: 'card-links' },
          PROGRAMMERS.has(app.user.role) ? h('a', { class: 'btn small', href: `#/client/${clientId}` }, 'Client view') : '',
          h('a', { class: 'btn small primary', href: `#/incident/new/${clientId}` }, 'New incident report'),
        ),
      ),
      notice.el,
      h('label', { for: filter.id, class: 'field-label' }, 'Show'),
      filter,
      status,
      pendingBox,
    ),
    list,
  );

  let names = new Map();
  let client = null;
  const canSign = DIRECTORS.has(app.user.role);

  const drawPending = async () => {
    const mine = ((await app.outbox?.items('incident')) ?? []).filter((r) => r.body.client_id === clientId && r.state !== 'sent');
    pendingBox.replaceChildren(
      ...(mine.length
        ? [h('p', { class: 'mastery-alert' }, `${mine.length} report${mine.length === 1 ? '' : 's'} filed on this device ${mine.some((r) => r.state === 'rejected') ? 'need attention (open Sync)' : 'waiting to be sent'}.`)]
        : []),
    );
  };

  const load = async () => {
    drawPending();
    status.textContent = 'Loading…';
    try {
      if (!client) {
        client = await app.api.client(clientId);
        title.textContent = `Incident reports: ${client.name}`;
        names = new Map((await app.api.assignments(clientId).catch(() => [])).map((a) => [a.user_id, a.display_name || a.username]));
        names.set(app.user.id, app.user.display_name || app.user.username);
      }
      const reports = await app.api.incidentsOf(clientId, { status: filter.value || undefined });
      status.textContent = reports.length ? `${reports.length} report${reports.length === 1 ? '' : 's'} (latest revision of each), newest first.` : 'No incident reports.';
      list.replaceChildren(...reports.map((r) => reportCard(r)));
      if (focus) document.getElementById(`incident-${focus}`)?.scrollIntoView({ block: 'start' });
    } catch (err) {
      status.textContent = describeFailure(err);
    }
  };

  function reportCard(report) {
    const mayAmend = PROGRAMMERS.has(app.user.role) || report.history?.some((r) => r.reported_by === app.user.id) || report.reported_by === app.user.id;
    const actions = h('div', { class: 'card-links' });
    if (report.status === 'open' && canSign) {
      actions.append(h('button', { type: 'button', class: 'btn small primary', onclick: () => signOff(report) }, 'Sign off', h('span', { class: 'visually-hidden' }, ` ${incidentTypeLabel(report.type)} of ${fmtDateTime(report.occurred_at)}`)));
    }
    if (report.status !== 'superseded' && mayAmend) {
      actions.append(h('button', { type: 'button', class: 'btn small', onclick: () => amend(report) }, 'Amend', h('span', { class: 'visually-hidden' }, ` ${incidentTypeLabel(report.type)} of ${fmtDateTime(report.occurred_at)}`)));
    }
    const signed = report.signed_off_at ? ` by ${names.get(report.signed_off_by) ?? 'a director'} on ${fmtDateTime(report.signed_off_at)}` : '';
    return h(
      'article',
      { class: 'panel incident-card', id: `incident-${report.id}`, 'aria-labelledby': `inc-h-${report.id}`, dataset: { status: report.status } },
      h(
        'header',
        { class: 'title-row' },
        h('h2', { id: `inc-h-${report.id}` }, `${incidentTypeLabel(report.type)} · ${fmtDateTime(report.occurred_at)}`),
        h('span', { class: `status-tag ${report.status}` }, STATUS_WORDS[report.status] ?? report.status),
      ),
      h('p', { class: 'client-meta' }, `Revision ${report.revision}${report.revision > 1 ? ' (amended)' : ''}${signed}`),
      reportBody(report, names),
      report.history?.length > 1
        ? h('details', {}, h('summary', {}, `History: ${report.history.length} revisions`), h('ol', { class: 'plain-list' }, ...report.history.map((r) => h('li', {}, `Revision ${r.revision} by ${names.get(r.reported_by) ?? 'a staff member'}, ${fmtDateTime(r.created_at)}${r.signed_off_at ? ` · signed off ${fmtDateTime(r.signed_off_at)}` : ''}`))))
        : '',
      actions,
    );
  }

  async function signOff(report) {
    const ok = await confirmDialog(
      'Sign off this report?',
      `${incidentTypeLabel(report.type)} on ${fmtDateTime(report.occurred_at)}, revision ${report.revision}. A signature is final; later changes are amendments that need their own sign-off.`,
      { ok: 'Sign off' },
    );
    if (!ok) return;
    try {
      await app.api.signOffIncident(report.id);
      toast('Report signed off.');
      load();
    } catch (err) {
      toast(describeFailure(err), { kind: 'error' });
      load();
    }
  }

  async function amend(report) {
    const done = await openDialog('Amend the report', (close) => {
      const fields = incidentFields(report);
      const error = h('p', { class: 'error', role: 'alert' });
      const ok = h('button', { type: 'submit', class: 'btn primary' }, 'Save amendment');
      const form = h(
        'form',
        { class: 'incident-form', novalidate: true },
        h('p', { class: 'hint' }, 'The report is never edited: your changes become revision ' + (report.revision + 1) + ', and the original stays as it was.'),
        ...fields.el,
        error,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, 'Cancel'), ok),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const { value, error: problem, field } = fields.read();
        if (problem) {
          error.textContent = problem;
          field?.focus();
          return;
        }
        const changes = {};
        for (const [key, v] of Object.entries(value)) {
          const before = report[key];
          const same = key === 'occurred_at' ? Date.parse(before) === Date.parse(v) : JSON.stringify(before ?? null) === JSON.stringify(v ?? null);
          if (!same) changes[key] = v;
        }
        if (!Object.keys(changes).length) {
          error.textContent = 'Nothing was changed.';
          return;
        }
        ok.disabled = true;
        try {
          await app.api.amendIncident(report.id, changes);
          toast(`Amendment saved as revision ${report.revision + 1}.`);
          close(true);
        } catch (err) {
          error.textContent = describeFailure(err);
          ok.disabled = false;
        }
      });
      return form;
    });
    if (done) load();
  }

  filter.addEventListener('change', load);
  const onOnline = () => load();
  window.addEventListener('online', onOnline);
  const onSync = (e) => {
    if (e.detail?.state === 'idle') drawPending();
  };
  document.addEventListener('bdc:sync', onSync);
  await load();
  return () => {
    notice.cleanup();
    window.removeEventListener('online', onOnline);
    document.removeEventListener('bdc:sync', onSync);
  };
}
