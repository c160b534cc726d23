// Paper as a fallback: print the client's data sheet for the day, and afterwards transcribe a
// completed sheet from the keyboard, one field per target (Tab to the next, Enter to save).
// The session is marked as transcribed from paper: its device_id is "paper:<this device>"
// (a field every session has, so no server change) and a note says so.
import { fmtDate, t } from '../i18n.js';
import { PaperError, placeEvents, readTarget } from '../paper.js';
import { Recorder } from '../recorder.js';
import { h, mount } from '../ui.js';
import { measurementLabel } from '../controls/index.js';

export const PAPER_DEVICE = 'paper:';

const SETTINGS = ['Clinic', 'Home', 'School', 'Community'];
const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Is this session a transcription of a paper sheet? */
export const fromPaper = (session) => String(session?.device_id ?? '').startsWith(PAPER_DEVICE);

export async function renderPaper(app, clientId) {
  const caseload = await app.store.caseload();
  const client = caseload?.clients.find((c) => c.id === clientId);
  if (!client) return app.go('#/');
  const targets = caseload.targets[clientId] ?? [];
  const day = h('input', { id: 'paper-day', type: 'date', value: localDate(new Date()), required: true });
  const start = h('input', { id: 'paper-start', type: 'time', value: '09:00', required: true });
  const end = h('input', { id: 'paper-end', type: 'time', value: '10:00', required: true });
  const setting = h('select', { id: 'paper-setting' }, ...SETTINGS.map((s) => h('option', { value: s }, t(`setting.${s}`))));
  const sheetLink = h('a', { class: 'btn', href: app.api.url(`/clients/${clientId}/datasheet.pdf`, { date: day.value }), target: '_blank', rel: 'noopener' }, t('paper.download'));
  day.addEventListener('change', () => {
    sheetLink.href = app.api.url(`/clients/${clientId}/datasheet.pdf`, { date: day.value });
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const fields = targets.map((target, i) => {
    const id = `paper-${target.id}`;
    const multiline = target.measurement === 'abc';
    const input = multiline
      ? h('textarea', { id, rows: 2, 'aria-describedby': `${id}-hint` })
      : h('input', { id, autocomplete: 'off', autocapitalize: 'characters', spellcheck: false, 'aria-describedby': `${id}-hint` });
    const row = h(
      'div',
      { class: 'paper-row' },
      h('label', { for: id, class: 'field-label' }, `${i + 1}. ${target.name}`, h('span', { class: 'kind' }, ` · ${measurementLabel(target.measurement)}`)),
      input,
      h('p', { class: 'hint', id: `${id}-hint` }, t(`paper.how.${target.measurement}`)),
    );
    return { target, input, row };
  });
  const save = h('button', { type: 'submit', class: 'btn big primary' }, t('paper.save'));
  const form = h(
    'form',
    { class: 'paper-form', novalidate: true },
    h('div', { class: 'paper-when' },
      h('div', {}, h('label', { for: 'paper-day', class: 'field-label' }, t('paper.day')), day),
      h('div', {}, h('label', { for: 'paper-start', class: 'field-label' }, t('paper.start')), start),
      h('div', {}, h('label', { for: 'paper-end', class: 'field-label' }, t('paper.end')), end),
      h('div', {}, h('label', { for: 'paper-setting', class: 'field-label' }, t('start.setting')), setting)),
    ...fields.map((f) => f.row),
    error,
    save,
  );
  // Enter in a one-line field saves, as in any form; in the ABC box it starts a new line.
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    fields.forEach((f) => f.input.removeAttribute('aria-invalid'));
    let current = null;
    try {
      const startMs = new Date(`${day.value}T${start.value}`).getTime();
      const endMs = new Date(`${day.value}T${end.value}`).getTime();
      if (!(endMs > startMs)) throw new PaperError('paper.bad_span');
      if (endMs > Date.now()) throw new PaperError('paper.future');
      const entries = fields.map((f) => {
        current = f;
        return { targetId: f.target.id, events: readTarget(f.target, f.input.value) };
      });
      current = null;
      const placed = placeEvents(entries, startMs, endMs);
      save.disabled = true;
      let clock = startMs;
      const rec = await Recorder.begin(
        app.outbox,
        {
          client_id: clientId,
          setting: setting.value,
          device_id: `${PAPER_DEVICE}${await app.store.deviceId()}`,
          role: 'primary',
          kind: 'observation',
          target_ids: targets.map((x) => x.id),
        },
        { now: () => clock, monotonic: () => 0 },
      );
      await rec.record(null, 'note', { text: t('paper.marked') });
      for (const event of placed) {
        clock = event.ms;
        await rec.record(event.targetId, event.kind, event.data);
      }
      clock = endMs;
      await rec.end();
      app.sync?.poke();
      app.go(`#/summary/${rec.id}`);
    } catch (err) {
      if (!(err instanceof PaperError)) throw err;
      const where = current ? `${current.target.name}: ` : '';
      error.textContent = where + t(err.key, err.vars);
      current?.input.setAttribute('aria-invalid', 'true');
      current?.input.focus();
      save.disabled = false;
    }
  });
  mount(
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'title-row' }, h('h1', {}, t('paper.title', { name: client.name })), sheetLink),
      h('p', { class: 'hint' }, t('paper.intro', { day: fmtDate(new Date()) })),
      form,
    ),
  );
  fields[0]?.input.focus();
  return undefined;
}
