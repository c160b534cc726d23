// Staff assignments (docs/supervision.md): a director sees each client's assigned staff and
// assigns or unassigns technicians, therapists and BCBAs, with each person's competency on the
// client's plans beside their name (GET /clients/<id>/assignable-staff). Needs the server:
// caseloads change at a desk, and the technician's tablet picks the change up at its next sync.
import { t } from '../i18n.js';
import { h, mount, toast } from '../ui.js';
import { connectionNotice, dataTable, describeFailure, fmtDate, fmtPct1, verdict } from './bcba-common.js';

const roleLabel = (role) => t(`staff.role_${role}`);

/** One line per active plan: its title, then competent / below criterion / not checked. */
function competencyCell(person) {
  if (!person.competency.length) return h('span', { class: 'hint' }, t('staff.no_plans'));
  return h(
    'ul',
    { class: 'plain-list' },
    ...person.competency.map((c) =>
      h(
        'li',
        {},
        `${c.plan_title}: `,
        c.checks
          ? h('span', {}, verdict(c.meets, t('train.meets_yes'), t('train.meets_no')), ` ${t('staff.last_check', { pct: fmtPct1(c.percent), day: fmtDate(c.last_checked) })}`)
          : t('train.not_checked'),
      ),
    ),
  );
}

function overview(clients, lists) {
  return dataTable(
    t('staff.each_client'),
    [
      { label: t('train.client'), cell: (c) => h('a', { href: `#/staff/${c.id}` }, c.name) },
      {
        label: t('staff.assigned'),
        cell: (c) => {
          const staff = lists.get(c.id).filter((a) => a.role !== 'caregiver');
          return staff.length ? staff.map((a) => `${a.display_name || a.username} (${roleLabel(a.role)})`).join(', ') : t('staff.nobody');
        },
      },
    ],
    clients,
  );
}

function staffTable(client, people, change) {
  const action = (person) => {
    const name = h('span', { class: 'visually-hidden' }, ` ${person.name}`);
    return person.assigned
      ? h('button', { type: 'button', class: 'btn small', onclick: () => change(person, false) }, t('staff.unassign'), name)
      : h('button', { type: 'button', class: 'btn small primary', onclick: () => change(person, true) }, t('staff.assign'), name);
  };
  // Those on the caseload first, then everyone else who could be.
  const ordered = [...people].sort((a, b) => Number(b.assigned) - Number(a.assigned));
  return dataTable(
    t('staff.for_client', { name: client.name }),
    [
      { label: t('train.person'), cell: (p) => p.name },
      { label: t('train.role'), cell: (p) => roleLabel(p.role) },
      { label: t('staff.on_caseload'), cell: (p) => (p.assigned ? t('staff.yes') : t('staff.no')) },
      { label: t('staff.competency'), cell: competencyCell },
      { label: t('staff.action'), cell: action },
    ],
    ordered,
    { empty: t('staff.no_staff') },
  );
}

/** #/staff[/<clientId>]: each client's staff; assign and unassign with competency in view. */
export async function renderStaff(app, clientId) {
  const notice = connectionNotice(t('staff.needs_connection'));
  const body = h('div', {}, h('p', { class: 'hint' }, t('common.loading')));
  mount(h('section', { class: 'panel staff-assign' }, h('h1', {}, t('staff.title')), notice.el, body));
  let clients;
  try {
    clients = (await app.api.clients()).filter((c) => c.active !== false);
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error' }, describeFailure(err)));
    return notice.cleanup;
  }
  if (!clients.length) {
    body.replaceChildren(h('p', { class: 'hint' }, t('staff.no_clients')));
    return notice.cleanup;
  }
  const chosen = clients.find((c) => c.id === clientId) ?? clients[0];
  const pick = h('select', { id: 'staff-client' }, ...clients.map((c) => h('option', { value: c.id, selected: c.id === chosen.id }, c.name)));
  pick.addEventListener('change', () => app.go(`#/staff/${pick.value}`));
  const summary = h('div', { 'aria-live': 'polite' });
  const detail = h('div', { 'aria-live': 'polite' });
  const problem = h('p', { class: 'error', role: 'alert' });

  const drawOverview = async () => {
    const lists = await Promise.all(clients.map((c) => app.api.assignments(c.id)));
    summary.replaceChildren(overview(clients, new Map(clients.map((c, i) => [c.id, lists[i]]))));
  };
  const drawDetail = async () => {
    detail.replaceChildren(staffTable(chosen, await app.api.assignableStaff(chosen.id), change));
  };
  const change = async (person, assign) => {
    try {
      await (assign ? app.api.assign(chosen.id, person.user_id) : app.api.unassign(chosen.id, person.user_id));
      problem.textContent = '';
      toast(t(assign ? 'staff.assigned_toast' : 'staff.unassigned_toast', { name: person.name, client: chosen.name }));
      await Promise.all([drawDetail(), drawOverview()]);
    } catch (err) {
      problem.textContent = describeFailure(err);
    }
  };
  body.replaceChildren(
    h('h2', {}, t('staff.each_client')),
    summary,
    h('h2', {}, t('staff.assign_title')),
    h('label', { for: pick.id, class: 'field-label' }, t('train.client')),
    pick,
    h('p', { class: 'hint' }, t('staff.hint')),
    problem,
    detail,
  );
  try {
    await Promise.all([drawDetail(), drawOverview()]);
  } catch (err) {
    problem.textContent = describeFailure(err);
  }
  return notice.cleanup;
}
