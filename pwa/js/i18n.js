// The message catalogue: every label a technician, caregiver or the sign-in screen shows comes
// from pwa/locales/<language>.json, looked up by key. English is complete and is the fallback
// for any key a translation lacks. A clinic adds a language by adding a JSON file and one line
// in pwa/locales/languages.json (docs/pwa.md); no code changes. Numbers, dates and plurals go
// through Intl in the chosen locale.

const STORE_KEY = 'bdc-language';
let language = 'en';
let messages = {};
let fallback = {};
let available = { en: 'English' };
let plural = new Intl.PluralRules('en');

/** Use catalogues already loaded (the unit tests, and loadLanguage below). */
export function useCatalogue(code, catalogue, english = catalogue, languages = available) {
  language = code;
  messages = catalogue;
  fallback = english;
  available = languages;
  plural = new Intl.PluralRules(code);
  if (typeof document !== 'undefined') document.documentElement.lang = code;
}

export const currentLanguage = () => language;
export const languages = () => available;

async function fetchJson(url) {
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`${url}: ${answer.status}`);
  return answer.json();
}

/**
 * The language to show: the user's own setting, else the one last chosen on this device,
 * else the first of the browser's languages the catalogue has, else English.
 */
export function chooseLanguage(userLanguage, langs = available, browser = globalThis.navigator?.languages ?? []) {
  let saved = null;
  try {
    saved = globalThis.localStorage?.getItem(STORE_KEY) ?? null;
  } catch {
    saved = null; // storage blocked: the browser's language decides
  }
  for (const wanted of [userLanguage, saved, ...browser]) {
    if (!wanted) continue;
    const base = String(wanted).toLowerCase().split('-')[0];
    if (base in langs) return base;
  }
  return 'en';
}

/** Load the catalogue for `code` (and English under it); remember the choice on this device. */
export async function loadLanguage(code) {
  available = await fetchJson('/locales/languages.json').catch(() => available);
  const english = await fetchJson('/locales/en.json');
  const wanted = code in available ? code : 'en';
  const catalogue = wanted === 'en' ? english : await fetchJson(`/locales/${wanted}.json`).catch(() => english);
  useCatalogue(wanted, catalogue, english, available);
  try {
    globalThis.localStorage?.setItem(STORE_KEY, wanted);
  } catch {
    // storage blocked: the choice lasts until the page closes
  }
}

/**
 * The message for `key` with {placeholders} filled from vars. A message may be an object of
 * plural forms ({one, other, …} as Intl.PluralRules names them), chosen by vars.n.
 */
export function t(key, vars = {}) {
  let message = messages[key] ?? fallback[key];
  if (message === undefined) return key;
  if (typeof message === 'object') {
    const forms = message;
    message = forms[plural.select(vars.n ?? 0)] ?? forms.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? fmtNumber(value) : String(value);
  });
}

/** The English message for key (the paper data sheet is printed in English). */
export const inEnglish = (key) => fallback[key];

/** Whether the catalogue has a message for key (for optional labels such as prompt levels). */
export const has = (key) => key in messages || key in fallback;

/** A number in the chosen locale ("45.5", "45,5"), with a fixed number of decimals if given. */
export function fmtNumber(x, digits) {
  const options = digits === undefined ? { maximumFractionDigits: 2 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(language, options).format(x);
}

/** "45%" in the chosen locale; "–" for no figure. */
export const fmtPct = (x) => (x === null || x === undefined ? '–' : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(x / 100));

/** A time of day, "14:05:09" (with seconds) or "14:05". */
export function fmtTime(ms, { seconds = false } = {}) {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(ms);
}

/** A date and time, "26 nov 2026, 14:05" in Spanish. */
export function fmtDateTime(ms) {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A date, "Thursday, 26 November 2026". */
export function fmtDate(ms, style = 'full') {
  return new Intl.DateTimeFormat(language, { dateStyle: style }).format(ms);
}

/** The page's own words (index.html): elements marked data-i18n / data-i18n-label. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

/** The catalogue's label for a stored value (a setting, a prompt level), else the value itself. */
export const labelOf = (prefix, value) => (has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value);
