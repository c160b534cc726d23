// ABC: one chip per antecedent, behavior, consequence and setting event from the target's
// lists, plus a note; "Save ABC" records them as one event.
import { t } from '../i18n.js';
import { h } from '../ui.js';
import { chipGroup } from './chips.js';

export function abcControl(ctx) {
  const p = ctx.target.params ?? {};
  const save = h('button', { type: 'button', class: 'btn big primary', disabled: true }, t('abc.save'));
  const update = () => {
    save.disabled = !(a.value && b.value && c.value);
  };
  const a = chipGroup(t('abc.antecedent'), p.antecedents ?? [], { onChange: update });
  const b = chipGroup(t('abc.behavior'), p.behaviors ?? [], { onChange: update });
  const c = chipGroup(t('abc.consequence'), p.consequences ?? [], { onChange: update });
  const s = chipGroup(t('abc.setting_event'), p.setting_events ?? [], { optional: true });
  const noteId = `abc-note-${ctx.target.id}`;
  const note = h('textarea', { id: noteId, rows: 2, maxlength: 2000 });
  const figures = h('p', { class: 'figures', 'aria-live': 'polite' });
  const groups = [a, b, c, ...(p.setting_events?.length ? [s] : [])];
  const el = h(
    'div',
    { class: 'ctl-abc' },
    ...groups.map((g) => g.el),
    h('label', { for: noteId, class: 'field-label' }, `${t('abc.note')} ${t('common.optional')}`),
    note,
    save,
    figures,
  );

  const submit = () =>
    ctx.serial(async () => {
      if (save.disabled) return;
      const data = { antecedent: a.value, behavior: b.value, consequence: c.value };
      if (s.value) data.setting_event = s.value;
      if (note.value.trim()) data.note = note.value.trim();
      await ctx.record('abc', data);
      for (const g of groups) g.set(null);
      note.value = '';
    });
  save.addEventListener('click', submit);

  return {
    el,
    primary: submit,
    refresh() {
      const { n, last } = ctx.summary();
      figures.textContent = n ? t('abc.figures', { n, last: `${last.antecedent} → ${last.behavior} → ${last.consequence}` }) : t('figures.none_yet');
    },
  };
}
