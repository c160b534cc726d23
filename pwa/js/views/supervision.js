// Supervision of technicians: a supervisor logs a contact (offline through the outbox, like a
// note) and sees each supervisee's month to date; a director sees the whole organisation and
// downloads it as CSV (docs/supervision.md).
import { t } from '../i18n.js';
import { h, mount, toast } from '../ui.js';
import { PROGRAMMERS, connectionNotice, dataTable, describeFailure, downloadLink, fmtDate, fmtNum, fmtPct1, localDate, outboxItems, verdict } from './bcba-common.js';
import { newId } from '../ids.js';

const thisMonth = () => localDate().slice(0, 7);

/** What a supervisee still needs this month, in words. */
function needs(row) {
  if (!row.applies) return t('sup.no_hours');
  const parts = [];
  if (row.minutes_needed > 0) parts.push(t('sup.need_minutes', { n: row.minutes_needed }));
  if (row.contacts_needed > 0) parts.push(t('sup.need_contacts', { n: row.contacts_needed }));
  if (row.individual_needed > 0) parts.push(t('sup.need_individual', { n: row.individual_needed }));
  if (row.observed_needed > 0) parts.push(t('sup.need_observed', { n: row.observed_needed }));
  return parts.join(' · ') || t('sup.nothing_needed');
}

function complianceTable(answer) {
  return dataTable(
    t('sup.month_to_date'),
    [
      { label: t('sup.supervisee'), cell: (r) => r.name },
      { label: t('sup.service_hours'), num: true, cell: (r) => fmtNum(r.service_hours, 2) },
      { label: t('sup.supervised_minutes'), num: true, cell: (r) => String(r.supervised_minutes) },
      { label: t('sup.supervised_percent'), num: true, cell: (r) => fmtPct1(r.supervised_percent) },
      { label: t('sup.contacts'), num: true, cell: (r) => `${r.contacts} (${t('sup.individual_short', { n: r.individual_contacts })}, ${t('sup.observed_short', { n: r.observed_contacts })})` },
      { label: t('sup.met'), cell: (r) => (r.applies ? verdict(r.met, t('sup.met_yes'), t('sup.met_no')) : '–') },
      { label: t('sup.still_needed'), cell: needs },
    ],
    answer.supervisees,
    { empty: t('sup.no_supervisees') },
  );
}

/** The contact form; supervisees come from the compliance answer (who this user supervises). */
function contactForm(app, supervisees, onSaved) {
  const id = (name) => `contact-${name}`;
  const supervisee = h('select', { id: id('supervisee') }, ...supervisees.map((s) => h('option', { value: s.supervisee_id }, s.name)));
  const day = h('input', { id: id('day'), type: 'date', value: localDate(), max: localDate() });
  const minutes = h('input', { id: id('minutes'), type: 'number', min: 1, max: 600, inputmode: 'numeric' });
  const format = h('select', { id: id('format') }, ...['individual', 'group'].map((value) => h('option', { value }, t(`sup.format_${value}`))));
  const present = h('input', { type: 'checkbox', id: id('present') });
  const clientPick = h('select', { id: id('client') });
  const observed = h('select', { id: id('observed') }, h('option', { value: '' }, t('sup.no_session')));
  const fidelity = h('select', { id: id('fidelity') }, h('option', { value: '' }, t('sup.no_session')));
  const topics = h('textarea', { id: id('topics'), rows: 3 });
  const problem = h('p', { class: 'error', role: 'alert' });
  const sessionsBox = h(
    'div',
    { hidden: true },
    h('label', { for: clientPick.id, class: 'field-label' }, t('sup.client')),
    clientPick,
    h('label', { for: observed.id, class: 'field-label' }, t('sup.observed_session')),
    observed,
    h('label', { for: fidelity.id, class: 'field-label' }, t('sup.fidelity_session')),
    fidelity,
  );

  // Sessions of the chosen client on the contact's day: the observed one and the fidelity
  // checklist scored during it (needs the server; without it the contact is still logged).
  const loadSessions = async () => {
    for (const select of [observed, fidelity]) select.replaceChildren(h('option', { value: '' }, t('sup.no_session')));
    if (!clientPick.value) return;
    let page;
    try {
      page = await app.api.sessionsOf(clientPick.value, day.value);
    } catch {
      return;
    }
    const sameDay = (page.items ?? page).filter((s) => s.started_at.slice(0, 10) === day.value);
    const label = (s) => `${new Date(s.started_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · ${s.kind}`;
    for (const s of sameDay) {
      if (s.kind === 'fidelity') fidelity.append(h('option', { value: s.id }, label(s)));
      else if (s.observer_id === supervisee.value) observed.append(h('option', { value: s.id }, label(s)));
    }
  };
  present.addEventListener('change', async () => {
    sessionsBox.hidden = !present.checked;
    if (present.checked && !clientPick.options.length) {
      const caseload = await app.store.caseload();
      clientPick.replaceChildren(h('option', { value: '' }, '–'), ...(caseload?.clients ?? []).map((c) => h('option', { value: c.id }, c.name)));
    }
  });
  for (const el of [clientPick, day, supervisee]) el.addEventListener('change', loadSessions);

  const save = async () => {
    const body = {
      id: newId(),
      supervisee_id: supervisee.value,
      day: day.value,
      minutes: Number(minutes.value),
      format: format.value,
      client_present: present.checked,
      observed_session_id: (present.checked && observed.value) || null,
      fidelity_session_id: (present.checked && fidelity.value) || null,
      topics: topics.value.split('\n').map((s) => s.trim()).filter(Boolean),
    };
    if (!body.supervisee_id) return (problem.textContent = t('sup.pick_supervisee'));
    if (!body.day) return (problem.textContent = t('sup.pick_day'));
    if (!Number.isInteger(body.minutes) || body.minutes < 1 || body.minutes > 600) {
      minutes.focus();
      return (problem.textContent = t('sup.bad_minutes'));
    }
    problem.textContent = '';
    await app.outbox.saveItem('contact', body);
    outboxItems.mayNeedPrune = true;
    app.sync?.poke();
    minutes.value = '';
    topics.value = '';
    toast(navigator.onLine ? t('sup.saved') : t('sup.saved_offline'));
    onSaved();
    return undefined;
  };

  return h(
    'details',
    { class: 'contact-form', open: true },
    h('summary', {}, t('sup.log_contact')),
    h('label', { for: supervisee.id, class: 'field-label' }, t('sup.supervisee')),
    supervisee,
    h('label', { for: day.id, class: 'field-label' }, t('sup.day')),
    day,
    h('label', { for: minutes.id, class: 'field-label' }, t('sup.minutes')),
    minutes,
    h('label', { for: format.id, class: 'field-label' }, t('sup.format')),
    format,
    h('label', { class: 'check', for: present.id }, present, t('sup.client_present')),
    sessionsBox,
    h('label', { for: topics.id, class: 'field-label' }, t('sup.topics'), h('span', { class: 'optional' }, ` ${t('sup.one_per_line')}`)),
    topics,
    problem,
    h('button', { type: 'button', class: 'btn big primary', onclick: save }, t('sup.save_contact')),
  );
}

/** #/supervision: the month to date of each supervisee, the contact form, the CSV. */
export async function renderSupervision(app) {
  const notice = connectionNotice(t('sup.needs_connection'));
  const month = h('input', { id: 'sup-month', type: 'month', value: thisMonth(), max: thisMonth() });
  const slot = h('div', { 'aria-live': 'polite' });
  const formSlot = h('div');
  const waiting = h('p', { class: 'hint', role: 'status' });
  const logs = PROGRAMMERS.has(app.user.role);

  const drawWaiting = async () => {
    const mine = ((await app.outbox?.items('contact')) ?? []).filter((r) => r.state !== 'sent');
    const refused = mine.filter((r) => r.state === 'rejected');
    waiting.textContent = refused.length
      ? t('sup.refused', { n: refused.length, reason: refused[0].reason })
      : mine.length ? t('sup.waiting', { n: mine.length }) : '';
  };
  const load = async () => {
    await drawWaiting();
    let answer;
    try {
      answer = await app.api.compliance({ month: month.value });
    } catch (err) {
      slot.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
      return;
    }
    const rules = answer.rules;
    slot.replaceChildren(
      h('p', { class: 'hint' }, t('sup.rules', { pct: fmtNum(rules.min_percent, 1), contacts: rules.min_contacts, individual: rules.min_individual, observed: rules.min_observed, through: fmtDate(answer.through) })),
      complianceTable(answer),
      downloadLink(t('sup.csv'), app.api.url('/supervision/compliance.csv', { month: month.value })),
    );
    if (logs && !formSlot.firstChild && answer.supervisees.length) formSlot.append(contactForm(app, answer.supervisees, drawWaiting));
  };
  // The figures change once a contact logged here reaches the server.
  let sent = null;
  const onSync = async (e) => {
    const pending = ((await app.outbox?.items('contact')) ?? []).filter((r) => r.state === 'pending').length;
    if (e.detail?.state === 'idle' && sent !== null && pending < sent) load();
    sent = pending;
    drawWaiting();
  };
  document.addEventListener('bdc:sync', onSync);
  month.addEventListener('change', load);
  mount(
    h(
      'section',
      { class: 'panel' },
      h('h1', {}, t('sup.title')),
      notice.el,
      h('label', { for: month.id, class: 'field-label' }, t('sup.month')),
      month,
      waiting,
      slot,
      formSlot,
    ),
  );
  sent = ((await app.outbox?.items('contact')) ?? []).filter((r) => r.state === 'pending').length;
  await load();
  return () => {
    notice.cleanup();
    document.removeEventListener('bdc:sync', onSync);
  };
}
