// My caseload: one card per client; a tap opens the start sheet with sensible defaults
// (last setting used for this client, primary observer), so a session starts in two taps.
import { fmtTime, t } from '../i18n.js';
import { Recorder } from '../recorder.js';
import { ago, h, mount, openDialog, toast } from '../ui.js';
import { chipGroup } from '../controls/chips.js';
import { languagePicker } from './language.js';
import { clientCardLinks } from './nav.js';
import { openGroupSheet } from './group.js';
import { KEEPS_SETTINGS, settingsListPanel } from './settings-list.js';
import { firstRunTour } from './tour.js';

// The clinic's settings (GET /session-settings, BDC_SESSION_SETTINGS), kept for offline starts;
// sent capitalised (the server matches any case) and shown in the user's language where the
// catalogue knows the name. These until the first download.
export const FIRST_SETTINGS = ['Clinic', 'Home', 'School', 'Community'];
const label = (name) => name.charAt(0).toUpperCase() + name.slice(1);
export const settingChoices = (settings) => settings.map((value) => {
  const key = `setting.${value}`;
  const shown = t(key);
  return { value, label: shown === key ? value : shown };
});
const SUPERVISORS = new Set(['therapist', 'bcba', 'director', 'admin']);
// A caregiver records at home, as the only observer, the targets their BCBA marked
// home-recordable: the server refuses anything else, so the sheet never offers it.
const atHome = (app) => app.user.role === 'caregiver';
const recordable = (app, targets) => (atHome(app) ? targets.filter((t) => t.home_recordable) : targets);
const today = () => new Date().toISOString().slice(0, 10);
// Functional-analysis conditions as the server stores them (bdc/fa_conditions.py). The picker
// shows when a target still runs FA condition phases (data recorded before sessions carried a
// condition) or when a supervisor starts a functional-analysis session.
const FA_CONDITIONS = ['attention', 'escape', 'tangible', 'alone', 'play'];
const FA_WORDS = /\b(attention|escape|demand|tangible|alone|ignore|play|control)\b/i;
const hasFaPhase = (targets) =>
  targets.some((target) => (target.phases ?? []).some((p) => p.kind === 'condition' && FA_WORDS.test(p.label)));

/** The FA condition picker: a standard condition, or one the BCBA names; null: not an FA. */
function faPicker() {
  const named = h('input', { type: 'text', id: 'fa-named', maxlength: '60', autocomplete: 'off' });
  const chips = chipGroup(t('start.fa_condition'), FA_CONDITIONS.map((value) => ({ value, label: t(`fa.${value}`) })), {
    optional: true,
    onChange: (value) => {
      if (value) named.value = '';
    },
  });
  named.addEventListener('input', () => {
    if (named.value.trim()) chips.set(null);
  });
  const el = h('div', { class: 'fa-picker', hidden: true },
    chips.el,
    h('label', { for: 'fa-named', class: 'field-label' }, t('start.fa_named')), named,
    h('p', { class: 'hint' }, t('start.fa_hint')),
  );
  return {
    el,
    get value() {
      return el.hidden ? null : chips.value ?? (named.value.trim() || null);
    },
  };
}

export async function renderCaseload(app) {
  const list = h('ul', { class: 'clients' });
  const note = h('p', { class: 'hint', 'aria-live': 'polite' });
  const resume = h('div');
  const refreshBtn = h('button', { type: 'button', class: 'btn small' }, t('caseload.refresh'));
  // Staff record a group of learners on one screen; a caregiver records one child at home.
  const groupBtn = atHome(app)
    ? ''
    : h('button', { type: 'button', class: 'btn small', onclick: async () => openGroupSheet(app, (await app.store.caseload()) ?? { clients: [], targets: {} }) }, t('group.button'));
  mount(
    firstRunTour(app) ?? '',
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'title-row' }, h('h1', {}, t('caseload.title')), h('div', { class: 'title-actions' }, groupBtn, refreshBtn)),
      resume,
      note,
      list,
    ),
    h('section', { class: 'panel prefs' }, languagePicker(app)),
    KEEPS_SETTINGS.has(app.user.role) ? settingsListPanel(app) : '',
  );

  const activeId = await app.store.local('active');
  const active = activeId && (await app.store.local(`sess:${activeId}`));
  if (active) {
    const where = { fidelity: 'fidelity', group: 'group' }[active.kind] ?? 'session';
    resume.replaceChildren(
      h('a', { class: 'btn big primary resume', href: `#/${where}/${activeId}` }, t('caseload.resume', { name: active.client.name })),
    );
  }

  const draw = (caseload, offline) => {
    if (!caseload) {
      note.textContent = offline ? t('caseload.none_saved') : t('common.loading');
      return;
    }
    note.textContent = offline
      ? t('caseload.offline', { ago: ago(caseload.fetchedAt) })
      : caseload.clients.length
        ? ''
        : t('caseload.empty');
    list.replaceChildren(
      ...caseload.clients.map((client) => {
        const targets = recordable(app, caseload.targets[client.id] ?? []);
        return h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'client', onclick: () => openStartSheet(app, client, targets) },
            h('span', { class: 'client-name' }, client.name),
            h('span', { class: 'client-meta' }, h('span', { class: 'code' }, client.code), ` · ${t('caseload.targets', { n: targets.length })}`),
          ),
          clientCardLinks(app, client),
        );
      }),
    );
  };

  const refresh = async () => {
    refreshBtn.disabled = true;
    try {
      draw(await app.store.refreshCaseload(app.api), false);
      if (!atHome(app)) {
        app.api.sessionSettings()
          .then(({ settings }) => app.store.setCached('session-settings', settings.map(label)))
          .catch(() => {}); // the last list (or the first) still serves
      }
    } catch (err) {
      draw(await app.store.caseload(), true);
      if (err.status !== 0 && err.status !== 401) toast(t('caseload.load_failed', { reason: err.message }), { kind: 'error' });
    } finally {
      refreshBtn.disabled = false;
    }
  };
  refreshBtn.addEventListener('click', refresh);
  draw(await app.store.caseload(), !navigator.onLine);
  app.outbox.pruneSynced().catch(() => {});
  refresh();
}

/** Is another observer recording this client right now? Then the default is to join them. */
async function openPrimaryElsewhere(app, client) {
  if (!navigator.onLine || atHome(app)) return null;
  try {
    const sessions = await app.api.sessionsOf(client.id, today());
    return (
      sessions.find(
        (s) => s.role === 'primary' && s.kind !== 'fidelity' && !s.ended_at && s.observer_id !== app.user.id,
      ) ?? null
    );
  } catch {
    return null;
  }
}

async function openStartSheet(app, client, targets) {
  const settings = (await app.store.cached('session-settings')) ?? FIRST_SETTINGS;
  const lastSetting = (await app.store.local(`setting:${client.id}`)) ?? settings[0];
  const canFidelity = SUPERVISORS.has(app.user.role);
  const faTargets = hasFaPhase(targets);
  await openDialog(t('start.title', { name: client.name }), (close) => {
    const fa = faPicker();
    const setting = chipGroup(t('start.setting'), settingChoices(settings), { initial: settings.includes(lastSetting) ? lastSetting : settings[0] });
    const role = chipGroup(t('start.i_am'), [{ value: 'primary', label: t('role.primary_observer_cap') }, { value: 'reliability', label: t('role.reliability') }], { initial: 'primary' });
    const showFa = (v) => {
      fa.el.hidden = atHome(app) || !(v === 'fa' || (v === 'targets' && faTargets));
    };
    const kind = chipGroup(
      t('start.record'),
      [{ value: 'targets', label: t('start.targets') }, { value: 'fa', label: t('start.fa') }, { value: 'fidelity', label: t('start.fidelity') }],
      { initial: 'targets', onChange: (v) => { fidelityBox.hidden = v !== 'fidelity'; roleBox.hidden = !fidelityBox.hidden; showFa(v); } },
    );
    const ioaNote = h('p', { class: 'hint', 'aria-live': 'polite' });
    const roleBox = h('div', {}, role.el, ioaNote);
    const fidelityBox = h('div', { hidden: true });
    const error = h('p', { class: 'error', role: 'alert' });
    const startBtn = h('button', { type: 'button', class: 'btn big primary', autofocus: true }, t('start.start'));

    openPrimaryElsewhere(app, client).then((other) => {
      if (!other) return;
      role.set('reliability');
      ioaNote.textContent = t('start.join_ioa', { time: fmtTime(new Date(other.started_at)) });
    });

    let fidelity = null;
    if (canFidelity) {
      app.store.fidelitySetup(app.api, client.id).then((setup) => {
        fidelity = setup;
        const plan = h('select', { id: 'fid-plan' }, ...setup.plans.map((p) => h('option', { value: p.id }, `${p.title || t('start.plan')} v${p.version}`)));
        const staff = h('select', { id: 'fid-staff' }, ...setup.staff.filter((s) => s.user_id !== app.user.id).map((s) => h('option', { value: s.user_id }, `${s.display_name || s.username} (${s.role})`)));
        fidelityBox.replaceChildren(
          h('label', { for: 'fid-staff', class: 'field-label' }, t('start.staff')), staff,
          h('label', { for: 'fid-plan', class: 'field-label' }, t('start.plan')), plan,
          setup.plans.length ? '' : h('p', { class: 'hint' }, t('start.no_plan')),
        );
      }, () => fidelityBox.replaceChildren(h('p', { class: 'hint' }, t('start.plans_failed'))));
    }

    showFa('targets');
    if (atHome(app)) {
      setting.set('Home');
      setting.el.hidden = true;
      roleBox.hidden = true;
      if (!targets.length) {
        error.textContent = t('start.no_home_targets');
        startBtn.disabled = true;
      }
    }

    startBtn.addEventListener('click', async () => {
      startBtn.disabled = true;
      error.textContent = '';
      try {
        const isFidelity = kind.value === 'fidelity';
        const fields = {
          client_id: client.id,
          setting: setting.value ?? settings[0],
          device_id: await app.store.deviceId(),
        };
        let snapshot;
        if (isFidelity) {
          const planId = fidelityBox.querySelector('#fid-plan')?.value;
          const staffId = fidelityBox.querySelector('#fid-staff')?.value;
          const plan = fidelity?.plans.find((p) => p.id === planId);
          const staff = fidelity?.staff.find((s) => s.user_id === staffId);
          if (!plan || !staff) throw new Error(t('start.pick_plan'));
          Object.assign(fields, { kind: 'fidelity', role: 'primary', plan_id: plan.id, staff_id: staff.user_id, target_ids: [] });
          snapshot = { kind: 'fidelity', client, plan, staff };
        } else {
          if (kind.value === 'fa' && !fa.value) throw new Error(t('start.pick_condition'));
          Object.assign(fields, {
            kind: 'observation',
            role: role.value === 'reliability' ? 'reliability' : 'primary',
            target_ids: targets.map((t) => t.id),
            fa_condition: fa.value,
          });
          snapshot = { kind: 'observation', client, targets };
        }
        const rec = await Recorder.begin(app.outbox, fields);
        // The session screen draws from this copy, so later caseload changes cannot break it.
        await app.store.setLocal(`sess:${rec.id}`, snapshot);
        await app.store.setLocal('active', rec.id);
        await app.store.setLocal(`setting:${client.id}`, fields.setting);
        app.sync.poke();
        close();
        app.go(isFidelity ? `#/fidelity/${rec.id}` : `#/session/${rec.id}`);
      } catch (err) {
        error.textContent = err.message;
        startBtn.disabled = false;
      }
    });

    return [
      setting.el,
      canFidelity ? kind.el : '',
      roleBox,
      fidelityBox,
      fa.el,
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel')), startBtn),
    ];
  });
}
