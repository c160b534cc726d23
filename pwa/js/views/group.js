// The group session screen: one row per learner, each row holding that learner's target cards,
// so a tap records for the right learner with no extra step (the row, then the target). Each
// row has its own Undo; the bar's Undo, the number keys and `u` act on the selected row
// (`[` and `]` move it; a tap or focus in a row selects it). Timers and interval cues run per
// learner: each card drives its own learner's recorder. Also the group's start sheet and, once
// the group has ended, the list of its learners' summaries.
import { GROUP_MAX, GROUP_MIN, GroupRecorder, beginGroup } from '../group.js';
import { labelOf, t } from '../i18n.js';
import { h, mount, openDialog, toast } from '../ui.js';
import { chipGroup } from '../controls/chips.js';
import { FIRST_SETTINGS, settingChoices } from './caseload.js';
import { sessionFrame } from './frame.js';
import { buildCard, targetKey } from './session.js';

const snapshotKey = (groupId) => `sess:${groupId}`;

/** The start sheet: pick two to six learners of the caseload and the setting. */
export async function openGroupSheet(app, caseload) {
  const settings = (await app.store.cached('session-settings')) ?? FIRST_SETTINGS;
  await openDialog(t('group.start_title'), (close) => {
    const error = h('p', { class: 'error', role: 'alert' });
    const count = h('p', { class: 'hint', 'aria-live': 'polite' });
    const boxes = caseload.clients.map((client) => ({
      client,
      box: h('input', { type: 'checkbox', id: `grp-${client.id}`, value: client.id }),
    }));
    const setting = chipGroup(t('start.setting'), settingChoices(settings), { initial: settings[0] });
    const startBtn = h('button', { type: 'button', class: 'btn big primary' }, t('group.start'));
    const chosen = () => boxes.filter((b) => b.box.checked);
    const drawCount = () => {
      const n = chosen().length;
      count.textContent = t('group.chosen', { n, min: GROUP_MIN, max: GROUP_MAX });
      startBtn.disabled = n < GROUP_MIN || n > GROUP_MAX;
    };
    for (const b of boxes) b.box.addEventListener('change', drawCount);
    drawCount();
    startBtn.addEventListener('click', async () => {
      startBtn.disabled = true;
      try {
        const members = chosen().map(({ client }) => ({ client, targets: caseload.targets[client.id] ?? [] }));
        const fields = { setting: setting.value ?? settings[0], device_id: await app.store.deviceId() };
        const group = await beginGroup(app.outbox, members, fields);
        await app.store.setLocal(snapshotKey(group.id), {
          kind: 'group',
          client: { name: members.map((m) => m.client.name).join(', ') },
          members: members.map((m, i) => ({ session_id: group.recorders[i].id, client: m.client, targets: m.targets })),
        });
        await app.store.setLocal('active', group.id);
        group.close();
        app.sync.poke();
        close();
        app.go(`#/group/${group.id}`);
      } catch (err) {
        error.textContent = err.message;
        drawCount();
      }
    });
    return [
      h('fieldset', { class: 'group-pick' },
        h('legend', {}, t('group.learners')),
        ...boxes.map(({ client, box }) => h('div', { class: 'check-row' }, box, h('label', { for: box.id }, `${client.name} · ${client.code}`)))),
      count,
      setting.el,
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel')), startBtn),
    ];
  });
}

/** After the group ended: each learner's summary is one tap away. */
function renderEnded(snapshot) {
  mount(
    h('section', { class: 'panel' },
      h('h1', {}, t('group.ended_title')),
      h('ul', { class: 'group-summaries' },
        ...snapshot.members.map((m) => h('li', {}, h('a', { class: 'btn', href: `#/summary/${m.session_id}` }, t('group.summary_of', { name: m.client.name }))))),
      h('a', { class: 'btn primary', href: '#/' }, t('nav.caseload'))),
  );
}

export async function renderGroup(app, groupId) {
  const snapshot = await app.store.local(snapshotKey(groupId));
  const floorMs = (await app.store.control(groupId, 'clock')) ?? 0;
  const group = snapshot && (await GroupRecorder.load(app.outbox, groupId, snapshot.members.map((m) => m.session_id), { live: app.live, floorMs }));
  if (!group) {
    toast(t('session.gone'));
    app.go('#/');
    return undefined;
  }
  if (group.ended) {
    group.close();
    renderEnded(snapshot);
    return undefined;
  }

  const rows = snapshot.members.map((member, index) => {
    const recorder = group.recorders[index];
    const cards = member.targets.map((target, i) => buildCard(app, recorder, target, i + 1));
    const undoBtn = h('button', { type: 'button', class: 'btn small', 'aria-label': t('group.undo_for', { name: member.client.name }) }, h('span', { class: 'ico', 'aria-hidden': 'true' }, '↶'), t('bar.undo'));
    const headingId = `learner-${member.client.id}`;
    const el = h('section', { class: 'learner', 'aria-labelledby': headingId, dataset: { client: member.client.id } },
      h('header', { class: 'learner-head' },
        h('h2', { id: headingId, tabindex: '-1' }, member.client.name, h('span', { class: 'code' }, ` · ${member.client.code}`)),
        undoBtn),
      cards.length ? h('div', { class: 'cards' }, ...cards.map((c) => c.card)) : h('p', { class: 'hint' }, t('session.no_targets')));
    return { member, recorder, cards, undoBtn, el, heading: el.querySelector('h2') };
  });
  await Promise.all(rows.flatMap((r) => r.cards.map(async (c) => c.control.restore?.(await app.store.control(r.recorder.id, c.target.id)))));
  const cardOf = new Map(rows.flatMap((r) => r.cards.map((c) => [c.target.id, c])));

  // The selected learner is marked on the heading only. A tap on a card selects at once but
  // marks after its entry is written (onEvent, or shortly after for a tap that records nothing):
  // repainting during the tap would delay the write (bench/pwa_tap.py --group).
  let marked = -1;
  const mark = () => {
    if (marked === group.selected) return;
    marked = group.selected;
    rows.forEach((r, i) => r.heading.setAttribute('aria-current', String(i === marked)));
  };
  const select = (index, { focus = false, later = false } = {}) => {
    group.select(index);
    if (later) setTimeout(mark, 100);
    else mark();
    if (focus) rows[group.selected].heading.focus();
  };
  let tapping = false;
  const drawUndo = () => rows.forEach((r, i) => (r.undoBtn.disabled = !group.canUndo(i)));
  rows.forEach((row, index) => {
    row.el.addEventListener('pointerdown', (e) => {
      tapping = Boolean(e.target.closest('.card'));
      select(index, { later: tapping });
    });
    row.el.addEventListener('pointerup', () => setTimeout(() => (tapping = false)));
    row.el.addEventListener('focusin', () => select(index, { later: tapping }));
    row.undoBtn.addEventListener('click', async () => {
      select(index);
      const undone = await row.recorder.undo();
      toast(undone ? t('group.undone', { name: row.member.client.name }) : t('entries.nothing_to_undo'));
    });
  });

  const settingName = labelOf('setting', group.recorders[0].session.setting);
  const frame = sessionFrame(app, {
    recorder: group,
    title: t('group.title', { n: rows.length }),
    subtitle: `${settingName} · ${t('role.primary')}`,
    names: new Map(rows.flatMap((r) => r.member.targets.map((x) => [x.id, `${r.member.client.name} · ${x.name}`]))),
    noteTargets: rows.flatMap((r) => r.member.targets.map((x) => ({ id: x.id, name: `${r.member.client.name} · ${x.name}` }))),
    onEnd: async () => {
      await group.end();
      await app.store.setLocal('active', undefined);
      for (const r of rows) await app.store.clearSession(r.recorder.id);
      app.sync?.syncNow();
      app.go(`#/group/${groupId}`);
    },
    onEvent: (event) => {
      mark();
      const card = cardOf.get(event.target_id);
      card?.control.refresh();
      card?.control.tick?.(group.now());
      drawUndo();
    },
    onTick: (now) => {
      for (const c of cardOf.values()) c.control.tick?.(now);
    },
    running: (now) => rows.flatMap((r) => r.cards.flatMap((c) => (c.control.running?.(now) ?? []).map((x) => ({ ...x, key: `${c.target.id}:${x.key}`, label: `${r.member.client.name} · ${c.target.name}` })))),
    onKey: (e) => {
      if (e.key === '[' || e.key === ']') {
        select(group.selected + (e.key === ']' ? 1 : -1), { focus: true });
        return true;
      }
      return targetKey(rows[group.selected].cards, e);
    },
  });

  mount(
    h('h1', { class: 'visually-hidden' }, t('group.heading', { names: snapshot.client.name })),
    frame.bar,
    h('p', { class: 'hint group-keys' }, t('group.keys')),
    h('div', { class: 'learners' }, ...rows.map((r) => r.el)),
    frame.log,
  );
  select(0);
  drawUndo();
  for (const c of cardOf.values()) c.control.refresh();
  return frame.cleanup;
}
