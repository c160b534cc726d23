// Critical incident reports. Filing one works offline: the report goes to the outbox and the
// sync engine sends it in the `incidents` list of POST /sync. Reading, signing off (directors,
// admins) and amending (the reporter, BCBAs and up) need the server; a report is never edited,
// an amendment is a new revision (docs/quality.md).
import { t } from '../i18n.js';
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
import { newId } from '../ids.js';

// The common answers, stored as these English words whatever the language on screen (reports
// and exports read the same in every clinic); the catalogue labels them (incident.deesc.*,
// incident.notified.*).
const DEESCALATION = {
  redirection: 'Verbal redirection',
  choices: 'Offered choices',
  demands: 'Reduced or removed demands',
  break: 'Offered a break',
  space: 'Gave space / planned ignoring',
  removed: 'Removed other people or objects',
  fct: 'Functional communication prompted',
};
const NOTIFIED = {
  bcba: 'BCBA',
  director: 'Clinical director',
  guardian: 'Parent or guardian',
  supervisor: 'Site supervisor',
  nurse: 'Nurse',
  school: 'School staff',
};
/** A stored answer in the reader's language when it is one of the common answers. */
const answerLabel = (value) => {
  for (const [prefix, options] of [['incident.deesc', DEESCALATION], ['incident.notified', NOTIFIED]]) {
    const key = Object.keys(options).find((k) => options[k] === value);
    if (key) return t(`${prefix}.${key}`);
  }
  return value;
};
const LIMITS = { antecedents: 4000, injuries: 4000, description: 8000, step: 400, person: 200 };

let fieldCount = 0;

/** Checkboxes of common answers plus "others, one per line"; value() is the list. */
function listField(legend, options, limit, initial = []) {
  fieldCount += 1;
  const stored = Object.values(options);
  const boxes = stored.map((text, i) => {
    const input = h('input', { type: 'checkbox', id: `lf-${fieldCount}-${i}`, value: text, checked: initial.includes(text) });
    return { input, el: h('label', { class: 'check', for: input.id }, input, answerLabel(text)) };
  });
  const others = initial.filter((v) => !stored.includes(v));
  const other = h('textarea', { id: `lf-${fieldCount}-other`, rows: 2 });
  other.value = others.join('\n');
  const el = h(
    'fieldset',
    { class: 'form-group' },
    h('legend', {}, legend),
    h('div', { class: 'check-grid' }, ...boxes.map((b) => b.el)),
    h('label', { for: other.id, class: 'field-label' }, t('incident.others'), h('span', { class: 'optional' }, ` ${t('incident.one_per_line')}`)),
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
      return long ? { error: t('incident.line_too_long', { field: legend, n: limit }), field: other } : null;
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
  const injuries = h('textarea', { id: 'inc-injuries', rows: 2, maxlength: LIMITS.injuries, placeholder: t('incident.none_observed') });
  injuries.value = initial.injuries ?? '';
  const description = h('textarea', { id: 'inc-description', rows: 4, maxlength: LIMITS.description });
  description.value = initial.description ?? '';
  const deesc = listField(t('incident.deescalation'), DEESCALATION, LIMITS.step, initial.deescalation ?? []);
  const notified = listField(t('incident.who_notified'), NOTIFIED, LIMITS.person, initial.notified ?? []);
  const typeSet = h('fieldset', { class: 'form-group', id: 'inc-type' }, h('legend', {}, t('incident.type')), h('div', { class: 'radio-chips' }, ...types));

  const el = [
    h(
      'fieldset',
      { class: 'form-group' },
      h('legend', {}, t('incident.when')),
      h(
        'div',
        { class: 'date-pair' },
        h('div', {}, h('label', { for: date.id, class: 'field-label' }, t('incident.date')), date),
        h('div', {}, h('label', { for: time.id, class: 'field-label' }, t('incident.time')), time),
      ),
      h('label', { for: duration.id, class: 'field-label' }, t('incident.duration_minutes'), h('span', { class: 'optional' }, ` ${t('common.optional')}`)),
      duration,
    ),
    typeSet,
    h('label', { for: antecedents.id, class: 'field-label' }, t('incident.antecedents_label')),
    antecedents,
    deesc.el,
    h('label', { for: injuries.id, class: 'field-label' }, t('incident.injuries'), h('span', { class: 'optional' }, ` ${t('incident.injuries_hint')}`)),
    injuries,
    notified.el,
    h('label', { for: description.id, class: 'field-label' }, t('incident.what_happened'), h('span', { class: 'optional' }, ` ${t('incident.description_hint')}`)),
    description,
  ];

  return {
    el,
    focus: () => date.focus(),
    /** {value} with the report's fields, or {error, field}. */
    read() {
      if (!date.value || !time.value) return { error: t('incident.need_when'), field: date.value ? time : date };
      // Unchanged in an amendment: keep the recorded moment (to the second), not the minute shown.
      const occurred = initial.occurred_at && !timeTouched ? new Date(initial.occurred_at) : new Date(`${date.value}T${time.value}`);
      if (Number.isNaN(occurred.getTime())) return { error: t('incident.bad_when'), field: date };
      if (occurred.getTime() > Date.now() + 5 * 60 * 1000) return { error: t('incident.future'), field: time };
      const type = typeSet.querySelector('input:checked')?.value;
      if (!type) return { error: t('incident.need_type'), field: typeSet.querySelector('input') };
      let minutes = null;
      if (duration.value !== '') {
        minutes = Number(duration.value);
        if (!(minutes >= 0 && minutes <= 1440)) return { error: t('incident.bad_duration'), field: duration };
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
    mount(h('section', { class: 'panel' }, h('h1', {}, t('incident.title')), h('p', { class: 'error' }, t('incident.not_on_caseload')), h('a', { class: 'btn', href: '#/' }, t('incident.back'))));
    return undefined;
  }
  const fields = incidentFields();
  const error = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'btn big primary' }, t('incident.save'));
  const form = h(
    'form',
    { class: 'incident-form', novalidate: true },
    ...fields.el,
    error,
    save,
    h('a', { class: 'btn', href: '#/' }, t('common.cancel')),
  );
  const panel = h(
    'section',
    { class: 'panel narrow-wide' },
    h('h1', {}, t('incident.title_of', { name: client.name })),
    h('p', { class: 'hint' }, t('incident.intro')),
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
      const record = await app.outbox.addItem('incident', { id: newId(), client_id: client.id, ...value });
      outboxItems.mayNeedPrune = true;
      app.sync?.poke();
      showFiled(app, client, record);
    } catch (err) {
      error.textContent = t('form.not_saved', { reason: err.message });
      save.disabled = false;
    }
  });
  let cleanup = () => {};
  const showFiled = (appRef, c, record) => {
    const status = h('p', { class: 'lead', role: 'status' });
    const draw = async () => {
      const mine = (await appRef.outbox.items('incident')).find((r) => r.id === record.id);
      if (!mine || mine.state === 'sent') status.textContent = t('incident.sent');
      else if (mine.state === 'rejected') status.textContent = t('incident.refused', { reason: mine.reason });
      else status.textContent = navigator.onLine ? t('incident.saved_sending') : t('incident.saved_offline');
    };
    const onSync = () => draw();
    document.addEventListener('bdc:sync', onSync);
    cleanup = () => document.removeEventListener('bdc:sync', onSync);
    mount(
      h(
        'section',
        { class: 'panel narrow-wide' },
        h('h1', {}, t('incident.saved_title')),
        h('p', {}, `${incidentTypeLabel(record.body.type)} · ${c.name} · ${fmtDateTime(record.body.occurred_at)}`),
        status,
        h('div', { class: 'card-links' },
          h('a', { class: 'btn primary', href: '#/' }, t('incident.back')),
          h('a', { class: 'btn', href: `#/client/${c.id}/incidents` }, t('incident.reports_of_client'))),
      ),
    );
    draw();
  };
  return () => cleanup();
}

// --- the reports of a client (online) --------------------------------------------------------

function reportBody(report, names) {
  const list = (items) => (items?.length ? h('ul', { class: 'plain-list' }, ...items.map((x) => h('li', {}, answerLabel(x)))) : h('span', { class: 'hint' }, t('incident.none_recorded')));
  return h(
    'dl',
    { class: 'facts report-facts' },
    h('dt', {}, t('incident.occurred')), h('dd', {}, fmtDateTime(report.occurred_at)),
    h('dt', {}, t('incident.duration')), h('dd', {}, report.duration_minutes === null ? t('incident.not_given') : t('units.minutes', { x: fmtNum(report.duration_minutes, 1) })),
    h('dt', {}, t('incident.antecedents')), h('dd', {}, report.antecedents || h('span', { class: 'hint' }, t('incident.none_recorded'))),
    h('dt', {}, t('incident.deescalation_tried')), h('dd', {}, list(report.deescalation)),
    h('dt', {}, t('incident.injuries')), h('dd', {}, report.injuries || t('incident.none_reported')),
    h('dt', {}, t('incident.notified')), h('dd', {}, list(report.notified)),
    h('dt', {}, t('incident.description')), h('dd', {}, report.description || h('span', { class: 'hint' }, t('incident.none'))),
    h('dt', {}, t('incident.reported_by')), h('dd', {}, names.get(report.reported_by) ?? t('incident.a_staff_member')),
  );
}

const REPORT_STATUSES = new Set(['open', 'signed_off', 'superseded']);

export async function renderIncidents(app, clientId) {
  const focus = hashQuery().get('focus');
  const notice = connectionNotice(t('incident.needs_connection'));
  const filter = h('select', { id: 'inc-filter', class: 'field-narrow' }, h('option', { value: '' }, t('incident.filter_all')), h('option', { value: 'open' }, t('incident.filter_open')), h('option', { value: 'signed_off' }, t('incident.status.signed_off')));
  const status = h('p', { class: 'hint', role: 'status' }, t('common.loading'));
  const list = h('div', { class: 'incident-list' });
  const pendingBox = h('div');
  const title = h('h1', {}, t('incident.reports'));
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
          PROGRAMMERS.has(app.user.role) ? h('a', { class: 'btn small', href: `#/client/${clientId}` }, t('caseload.client_view')) : '',
          h('a', { class: 'btn small primary', href: `#/incident/new/${clientId}` }, t('incident.new')),
        ),
      ),
      notice.el,
      h('label', { for: filter.id, class: 'field-label' }, t('incident.show')),
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
        ? [h('p', { class: 'mastery-alert' }, t(mine.some((r) => r.state === 'rejected') ? 'incident.local_attention' : 'incident.local_waiting', { n: mine.length }))]
        : []),
    );
  };

  const load = async () => {
    drawPending();
    status.textContent = t('common.loading');
    try {
      if (!client) {
        client = await app.api.client(clientId);
        title.textContent = t('incident.reports_of', { name: client.name });
        names = new Map((await app.api.assignments(clientId).catch(() => [])).map((a) => [a.user_id, a.display_name || a.username]));
        names.set(app.user.id, app.user.display_name || app.user.username);
      }
      const reports = await app.api.incidentsOf(clientId, { status: filter.value || undefined });
      status.textContent = reports.length ? t('incident.count', { n: reports.length }) : t('incident.no_reports');
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
      actions.append(h('button', { type: 'button', class: 'btn small primary', onclick: () => signOff(report) }, t('incident.sign_off'), h('span', { class: 'visually-hidden' }, ` ${t('incident.which', { type: incidentTypeLabel(report.type), when: fmtDateTime(report.occurred_at) })}`)));
    }
    if (report.status !== 'superseded' && mayAmend) {
      actions.append(h('button', { type: 'button', class: 'btn small', onclick: () => amend(report) }, t('incident.amend'), h('span', { class: 'visually-hidden' }, ` ${t('incident.which', { type: incidentTypeLabel(report.type), when: fmtDateTime(report.occurred_at) })}`)));
    }
    const signed = report.signed_off_at ? ` ${t('incident.signed_by', { name: names.get(report.signed_off_by) ?? t('incident.a_director'), when: fmtDateTime(report.signed_off_at) })}` : '';
    return h(
      'article',
      { class: 'panel incident-card', id: `incident-${report.id}`, 'aria-labelledby': `inc-h-${report.id}`, dataset: { status: report.status } },
      h(
        'header',
        { class: 'title-row' },
        h('h2', { id: `inc-h-${report.id}` }, `${incidentTypeLabel(report.type)} · ${fmtDateTime(report.occurred_at)}`),
        h('span', { class: `status-tag ${report.status}` }, REPORT_STATUSES.has(report.status) ? t(`incident.status.${report.status}`) : report.status),
      ),
      h('p', { class: 'client-meta' }, `${t(report.revision > 1 ? 'incident.revision_amended' : 'incident.revision', { n: report.revision })}${signed}`),
      reportBody(report, names),
      report.history?.length > 1
        ? h('details', {}, h('summary', {}, t('incident.history', { n: report.history.length })), h('ol', { class: 'plain-list' }, ...report.history.map((r) => h('li', {}, t('incident.history_line', { n: r.revision, name: names.get(r.reported_by) ?? t('incident.a_staff_member'), when: fmtDateTime(r.created_at) }), r.signed_off_at ? ` · ${t('incident.history_signed', { when: fmtDateTime(r.signed_off_at) })}` : ''))))
        : '',
      actions,
    );
  }

  async function signOff(report) {
    const ok = await confirmDialog(
      t('incident.sign_off_title'),
      t('incident.sign_off_text', { type: incidentTypeLabel(report.type), when: fmtDateTime(report.occurred_at), n: report.revision }),
      { ok: t('incident.sign_off') },
    );
    if (!ok) return;
    try {
      await app.api.signOffIncident(report.id);
      toast(t('incident.signed_toast'));
      load();
    } catch (err) {
      toast(describeFailure(err), { kind: 'error' });
      load();
    }
  }

  async function amend(report) {
    const done = await openDialog(t('incident.amend_title'), (close) => {
      const fields = incidentFields(report);
      const error = h('p', { class: 'error', role: 'alert' });
      const ok = h('button', { type: 'submit', class: 'btn primary' }, t('incident.save_amendment'));
      const form = h(
        'form',
        { class: 'incident-form', novalidate: true },
        h('p', { class: 'hint' }, t('incident.amend_hint', { n: report.revision + 1 })),
        ...fields.el,
        error,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, t('common.cancel')), ok),
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
          error.textContent = t('incident.nothing_changed');
          return;
        }
        ok.disabled = true;
        try {
          await app.api.amendIncident(report.id, changes);
          toast(t('incident.amended_toast', { n: report.revision + 1 }));
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
