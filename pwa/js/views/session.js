// The recording screen: one card per active target of the client, each with the control
// for its measurement. Every entry reaches the outbox before its card changes.
import { CONTROLS, measurementLabel } from '../controls/index.js';
import { labelOf, t } from '../i18n.js';
import { Recorder } from '../recorder.js';
import { liveEvents, summarize } from '../tally.js';
import { h, mount, toast } from '../ui.js';
import { sessionFrame } from './frame.js';
import { caregiverCheckSlot } from './caregiver-check.js';

/** Load the session and its snapshot, or send the user somewhere sensible. */
export async function loadSession(app, id) {
  const floorMs = (await app.store.control(id, 'clock')) ?? 0;
  const recorder = await Recorder.load(app.outbox, id, { live: app.live, floorMs });
  const snapshot = await app.store.local(`sess:${id}`);
  if (!recorder) {
    toast(t('session.gone'));
    app.go('#/');
    return null;
  }
  if (recorder.ended || !snapshot) {
    recorder.close();
    app.go(`#/summary/${id}`);
    return null;
  }
  return { recorder, snapshot };
}

/** Finish: end the session, forget its screen state, send it, show the summary. */
export async function finish(app, recorder) {
  await recorder.end();
  await app.store.setLocal('active', undefined);
  await app.store.clearSession(recorder.id);
  app.sync?.syncNow();
  app.go(`#/summary/${recorder.id}`);
}

/** One target's card: its control records into ``recorder`` (the learner's own session). */
export function buildCard(app, recorder, target, number) {
  const serialQueue = { chain: Promise.resolve() };
  const card = h('section', { class: 'card', dataset: { measurement: target.measurement }, 'aria-labelledby': `t-${target.id}` });
  const ctx = {
    target,
    card,
    now: () => recorder.now(),
    observedMs: () => recorder.activeMs(),
    record: (kind, data) =>
      recorder.record(target.id, kind, data).catch((err) => {
        toast(t('session.not_saved', { reason: err.message }), { kind: 'error' });
        throw err;
      }),
    voidEvent: (event) => recorder.record(target.id, 'void', { voids: event.id }),
    live: () => liveEvents(recorder.eventsOf(target.id)),
    summary: () =>
      summarize(target, liveEvents(recorder.eventsOf(target.id)), { activeMs: recorder.activeMs(), nowMs: recorder.now() }),
    // Queue actions that depend on the state the previous one left (start then stop).
    serial: (fn) => {
      serialQueue.chain = serialQueue.chain.then(fn).catch(() => {});
      return serialQueue.chain;
    },
    setLocal: (value) => app.store.setControl(recorder.id, target.id, value),
  };
  const make = CONTROLS[target.measurement];
  const control = make ? make(ctx) : { el: h('p', { class: 'hint' }, t('session.unsupported', { measurement: target.measurement })), refresh() {} };
  const definition = h('p', { class: 'definition', hidden: true, id: `def-${target.id}` }, target.definition || t('session.no_definition'));
  const infoBtn = h('button', {
    type: 'button',
    class: 'btn small info',
    'aria-label': t('session.definition_of', { name: target.name }),
    'aria-expanded': 'false',
    'aria-controls': `def-${target.id}`,
    onclick: () => {
      definition.hidden = !definition.hidden;
      infoBtn.setAttribute('aria-expanded', String(!definition.hidden));
    },
  }, 'i');
  card.append(
    h(
      'header',
      {},
      number <= 9 ? h('kbd', { class: 'key', title: t('session.shortcut', { key: number }) }, String(number)) : h('span'),
      h('div', { class: 'card-title' }, h('h2', { id: `t-${target.id}` }, target.name), h('span', { class: 'kind' }, measurementLabel(target.measurement))),
      infoBtn,
    ),
    definition,
    control.el,
  );
  return { target, card, control, ctx };
}

/**
 * The keys of the target cards: 1-9 record (or focus) the nth card, and the focused card's own
 * keys (c / i / n, + / − / 0). True when the key was handled.
 */
export function targetKey(cards, e) {
  const n = Number(e.key);
  if (Number.isInteger(n) && n >= 1 && n <= cards.length && !e.ctrlKey) {
    const c = cards[n - 1];
    if (c.control.primary) c.control.primary();
    else c.card.querySelector('button:not([disabled])')?.focus();
    return true;
  }
  const focused = cards.find((c) => c.card.contains(document.activeElement));
  const action = focused?.control.keys?.[e.key.toLowerCase()];
  if (action) action();
  return Boolean(action);
}

export async function renderSession(app, id) {
  const loaded = await loadSession(app, id);
  if (!loaded) return undefined;
  const { recorder, snapshot } = loaded;
  const { client, targets } = snapshot;
  const cards = targets.map((t, i) => buildCard(app, recorder, t, i + 1));
  await Promise.all(cards.map(async (c) => c.control.restore?.(await app.store.control(recorder.id, c.target.id))));
  const byId = new Map(cards.map((c) => [c.target.id, c]));
  const role = recorder.session.role === 'reliability' ? t('role.reliability') : t('role.primary');

  const frame = sessionFrame(app, {
    recorder,
    title: client.name,
    subtitle: [
      client.code,
      labelOf('setting', recorder.session.setting),
      role,
      ...(recorder.session.fa_condition ? [labelOf('fa', recorder.session.fa_condition)] : []),
    ].join(' · '),
    names: new Map(targets.map((t) => [t.id, t.name])),
    noteTargets: targets,
    onEnd: () => finish(app, recorder),
    onEvent: (event) => {
      const card = byId.get(event.target_id);
      card?.control.refresh();
      card?.control.tick?.(recorder.now());
    },
    onTick: (now) => {
      for (const c of cards) c.control.tick?.(now);
    },
    running: (now) => cards.flatMap((c) => (c.control.running?.(now) ?? []).map((r) => ({ ...r, key: `${c.target.id}:${r.key}`, label: c.target.name }))),
    onKey: (e) => targetKey(cards, e),
  });

  mount(
    h('h1', { class: 'visually-hidden' }, t('session.heading', { name: client.name })),
    frame.bar,
    targets.length
      ? h('div', { class: 'cards' }, ...cards.map((c) => c.card))
      : h('p', { class: 'panel hint' }, t('session.no_targets')),
    caregiverCheckSlot(app, recorder.session, client),
    frame.log,
  );
  for (const c of cards) c.control.refresh();
  return frame.cleanup;
}
