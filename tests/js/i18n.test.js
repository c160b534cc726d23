import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue, languagesFile } from './english.js';
import { chooseLanguage, fmtNumber, fmtPct, t, useCatalogue } from '../../pwa/js/i18n.js';
import { abbreviate, promptLabel } from '../../pwa/js/controls/prompts.js';
import { RATE_SHOWN_AFTER_MS, liveRate } from '../../pwa/js/timers.js';
import { PWA } from './shell.js';
import { describeSync } from '../../pwa/js/sync.js';
import { formatSeconds } from '../../pwa/js/timers.js';
import { fmtDate, fmtMinutes, fmtPct1 } from '../../pwa/js/views/bcba-common.js';

const english = catalogue('en');
const placeholders = (message) =>
  [...new Set((typeof message === 'object' ? Object.values(message).join(' ') : message).match(/\{\w+\}/g) ?? [])].sort();

function withLanguage(code, fn) {
  useCatalogue(code, catalogue(code), english, languagesFile());
  try {
    fn();
  } finally {
    useCatalogue('en', english, english, languagesFile());
  }
}

test('every listed language has a catalogue with exactly the English keys and placeholders', () => {
  const listed = Object.keys(languagesFile());
  assert.deepEqual(
    listed.sort(),
    readdirSync(join(PWA, 'locales')).filter((f) => f !== 'languages.json').map((f) => f.replace('.json', '')).sort(),
  );
  for (const code of listed) {
    const messages = catalogue(code);
    assert.deepEqual(Object.keys(messages).sort(), Object.keys(english).sort(), code);
    for (const [key, message] of Object.entries(messages)) {
      assert.deepEqual(placeholders(message), placeholders(english[key]), `${code} ${key}`);
      if (typeof message === 'object') assert.ok(message.other, `${code} ${key} needs an "other" form`);
    }
  }
});

test('every key the screens look up is in the catalogue', () => {
  const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  const used = new Set();
  for (const file of walk(join(PWA, 'js')).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'/g)) used.add(m[1]);
    // keys kept in tables (shortcuts, navigation) and looked up later
    for (const m of source.matchAll(/'((?:keys|nav|result_abbr|fidelity)\.[a-z_]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 150, `found ${used.size} keys`);
  assert.deepEqual([...used].filter((k) => !(k in english)), []);
});

test('messages fill placeholders and choose the plural form per language', () => {
  assert.equal(t('caseload.targets', { n: 1 }), '1 target');
  assert.equal(t('caseload.targets', { n: 3 }), '3 targets');
  assert.equal(t('no.such.key'), 'no.such.key');
  withLanguage('es', () => {
    assert.equal(t('caseload.targets', { n: 1 }), '1 objetivo');
    assert.equal(t('frequency.rate', { rate: fmtNumber(45.5, 1) }), '45,5 por min');
    assert.equal(fmtPct(40), '40\u00a0%'); // Spanish puts a no-break space before %
  });
});

test('the sync badge, timers and the figures of the BCBA screens speak the chosen language', () => {
  const idle = { state: 'idle', pending: 0, rejected: 0, lastSuccessAt: 1000, errorSince: null };
  assert.equal(describeSync(idle, { now: 1000 }).text, 'All sent');
  assert.equal(formatSeconds(4.25), '4.3 s');
  assert.equal(fmtPct1(45.5), '45.5%');
  withLanguage('es', () => {
    assert.deepEqual(describeSync(idle, { now: 1000 }), { text: 'Todo enviado', detail: 'sincronizado ahora mismo', tone: 'ok' });
    assert.equal(describeSync({ ...idle, pending: 3 }, { online: false }).text, 'Sin conexión · 3 en espera');
    assert.equal(describeSync({ ...idle, rejected: 1 }).text, '1 requiere atención');
    assert.equal(formatSeconds(4.25), '4,3 s');
    assert.equal(fmtPct1(45.5), '45,5\u00a0%');
    assert.equal(fmtMinutes(3 * 1440), '3 días');
    assert.equal(fmtDate('2026-11-26'), '26 nov 2026');
  });
});

test('prompt levels read as words with abbreviations, never as internal names', () => {
  assert.equal(promptLabel('partial_physical'), 'Partial physical');
  assert.equal(abbreviate('partial_physical'), 'PP');
  assert.equal(promptLabel('full physical'), 'Full physical');
  assert.equal(abbreviate('independent'), 'I');
  // a level the BCBA named that the catalogue does not know reads as written
  assert.equal(promptLabel('hand_over_hand'), 'Hand over hand');
  assert.equal(abbreviate('hand_over_hand'), 'HOH');
  withLanguage('es', () => assert.equal(promptLabel('full_physical'), 'Física total'));
});

test('the language: the user setting, else the browser, else English', () => {
  const langs = languagesFile();
  assert.equal(chooseLanguage('es', langs, ['en-US']), 'es');
  assert.equal(chooseLanguage(null, langs, ['es-MX', 'en']), 'es');
  assert.equal(chooseLanguage(null, langs, ['fr-FR']), 'en');
  assert.equal(chooseLanguage('fr', langs, ['de']), 'en');
});

test('a frequency card shows a rate only after enough observation time', () => {
  assert.equal(liveRate(3, 4000), null); // "45 per min" after 4 s is noise
  assert.equal(liveRate(3, RATE_SHOWN_AFTER_MS - 1), null);
  assert.equal(liveRate(10, RATE_SHOWN_AFTER_MS), 2);
});
