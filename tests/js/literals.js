// Finds English words written into the PWA's code instead of the message catalogue: every
// string literal (and the fixed parts of template literals) of pwa/js that reads like words a
// person would see. A small tokenizer (comments, strings, templates with ${…}, regular
// expressions), not a parser: it needs no dependency and the app's code is plain ES modules.
//   node tests/js/literals.js        lists what it finds, as file:line: text
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PWA_JS = fileURLToPath(new URL('../../pwa/js/', import.meta.url));

/** Every string literal of `source`: {text, line, before} (before: the code just ahead of it). */
export function stringLiterals(source) {
  const found = [];
  let i = 0;
  let line = 1;
  let lastSignificant = ''; // the last non-space character outside strings and comments
  let lastWord = '';
  const n = source.length;
  const regexMayStart = () => !lastSignificant || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) || ['return', 'typeof', 'case', 'of', 'in'].includes(lastWord);

  /** A string: '…', "…" or `…` (a template's ${…} parts are scanned as code, shown as {}). */
  function readString(quote) {
    const startLine = line;
    const start = i;
    i += 1;
    let text = '';
    while (i < n && source[i] !== quote) {
      if (source[i] === '\\') {
        text += source[i + 1];
        i += 2;
        continue;
      }
      if (quote === '`' && source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        text += '{}';
        scan('}');
        i += 1;
        continue;
      }
      if (source[i] === '\n') line += 1;
      text += source[i];
      i += 1;
    }
    i += 1;
    found.push({ text, line: startLine, before: source.slice(Math.max(0, start - 60), start) });
  }

  function readRegex() {
    i += 1;
    let inClass = false;
    while (i < n) {
      const c = source[i];
      if (c === '\\') i += 2;
      else if (c === '[') (inClass = true), (i += 1);
      else if (c === ']') (inClass = false), (i += 1);
      else if (c === '/' && !inClass) break;
      else i += 1;
    }
    i += 1;
    while (/[a-z]/i.test(source[i] ?? '')) i += 1;
  }

  /** Scan code until `until` at depth 0 (for the expressions inside a template). */
  function scan(until = null) {
    let depth = 0;
    while (i < n) {
      const c = source[i];
      if (until && depth === 0 && c === until) return;
      if (c === '\n') line += 1;
      if (c === '/' && source[i + 1] === '/') {
        while (i < n && source[i] !== '\n') i += 1;
        continue;
      }
      if (c === '/' && source[i + 1] === '*') {
        const end = source.indexOf('*/', i + 2);
        line += (source.slice(i, end).match(/\n/g) ?? []).length;
        i = end + 2;
        continue;
      }
      if (c === "'" || c === '"' || c === '`') {
        readString(c);
        lastSignificant = 'x';
        continue;
      }
      if (c === '/' && regexMayStart()) {
        readRegex();
        lastSignificant = 'x';
        continue;
      }
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      if (/[A-Za-z_$0-9]/.test(c)) {
        let word = '';
        while (i < n && /[A-Za-z_$0-9]/.test(source[i])) word += source[i++];
        lastWord = word;
        lastSignificant = 'x';
        continue;
      }
      if (!/\s/.test(c)) {
        lastSignificant = c;
        lastWord = '';
      }
      i += 1;
    }
  }
  scan();
  return found;
}

// Code, not words: where a literal sits says so (the first argument of h(), a class list, an
// event name, a catalogue key, a selector, a storage key…).
const CODE_CONTEXT = [
  /\b(?:import|from|export)\s*$/,
  /\bimport\s*\(\s*$/,
  /\bh\(\s*$/,
  /\b(?:class|className|type|id|name|href|rel|role|autocomplete|inputmode|kind|state|tone|method|mode|credentials|cache|for|key|code|accept|download|target|enterkeyhint|pattern|lang|dir|value|step|min|max)\s*:\s*$/,
  /'(?:class|aria-[a-z]+-?by|aria-live|aria-pressed|aria-expanded|aria-current|aria-hidden|aria-controls|data-[a-z-]+)'\s*:\s*$/,
  /\b(?:t|has|labelOf|inEnglish|addEventListener|removeEventListener|querySelector|querySelectorAll|getElementById|createElement|closest|matches|getItem|setItem|removeItem|getAttribute|removeAttribute|toggleAttribute|hasAttribute|add|remove|toggle|contains|dispatchEvent|CustomEvent|Event|postMessage|BroadcastChannel|request|objectStore|transaction|index|createObjectStore|createIndex|get|set|fetch|fetchJson|register|open|split|join|replace|replaceAll|startsWith|endsWith|includes|padStart|indexOf|test|match|api|get|post|put|del|json|send|items|item|addItem|getAll|count|matchMedia|setProperty|keys|postJson|getJson|url|Intl\.\w+|toLocaleString|toLocaleDateString|toLocaleTimeString|URL|Blob|Worker|caches\.open|locks\.request|wait|lock)\(\s*$/,
  /\bsetAttribute\(\s*$/,
  /\.(?:dataset\.\w+|type|kind|state|method|key|code|name|id|role|className|mode|value|status|preset|step)\s*(?:===?|!==?)\s*$/,
  /(?:===?|!==?)\s*$/,
  /\bcase\s*$/,
];

/** Whether a literal reads like words a person sees (rather than a name in the code). */
export function looksLikeWords(text) {
  const letters = text.replace(/\{\}/g, ' ');
  if (!/[A-Za-z]{2,}/.test(letters)) return false;
  if (/^[\w./:#?=&%$@[\]()*+-]*$/.test(letters) && !/^[A-Z][a-z]+$/.test(letters)) return false; // one identifier, path, selector
  if (/^[a-z0-9_-]+(?: [a-z0-9_-]+)*$/.test(letters) && !/ /.test(letters)) return false;
  return /[A-Za-z]{2,}[^\n]*\s[A-Za-z]{2,}|\b[A-Z][a-z]+\b/.test(letters);
}

// Literals that are not words a person reads though they look like it (each with its reason).
const NOT_WORDS = new Set([
  'Escape', // KeyboardEvent.key names
  'Enter',
  'Tab',
  'ArrowLeft',
  'ArrowRight',
  'Backspace',
  'Content-Type',
  'Retry-After',
  'Authorization',
  'X-Requested-With',
  'DELETE',
  'POST',
  'PUT',
  'GET',
]);

export function englishLiterals(file, source) {
  return stringLiterals(source)
    .filter(({ text, before }) => looksLikeWords(text) && !NOT_WORDS.has(text) && !CODE_CONTEXT.some((re) => re.test(before)))
    .filter(({ text }) => !/^\s*[.#[]?[a-z][\w-]*(?:[ ,.>:#[][\w-="'\]()]*)*$/.test(text) || /[A-Z]/.test(text)) // CSS selectors and class lists
    .map(({ text, line }) => ({ file, line, text }));
}

const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));

/** Every English literal of pwa/js (all files except the catalogue loader). */
export function scanPwa() {
  return walk(PWA_JS)
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => englishLiterals(relative(PWA_JS, f), readFileSync(f, 'utf8')));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { file, line, text } of scanPwa()) console.log(`${file}:${line}: ${text.replace(/\n/g, ' ')}`);
}
