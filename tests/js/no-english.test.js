// Every word a person reads comes from the message catalogue (pwa/locales/*.json): a static
// check of pwa/js for English written into the code (tests/js/literals.js finds it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { englishLiterals, scanPwa } from './literals.js';

// Literals that look like words but are not shown as written, each with its reason.
const ALLOWED = {
  // stored values, labelled on screen by the catalogue (setting.*, incident.deesc.*, …)
  'views/caseload.js': ['Clinic', 'Home', 'School', 'Community'],
  'views/paper.js': ['Clinic', 'Home', 'School', 'Community'],
  'views/incident.js': [
    'Verbal redirection', 'Offered choices', 'Reduced or removed demands', 'Offered a break',
    'Gave space / planned ignoring', 'Removed other people or objects', 'Functional communication prompted',
    'Clinical director', 'Parent or guardian', 'Site supervisor', 'Nurse', 'School staff',
  ],
  'views/frame.js': ['u / Ctrl+Z'], // key caps, printed the same on Spanish keyboards
  'i18n.js': ['English'], // the language list before languages.json arrives: a language's own name
  'db.js': ['Transaction aborted'], // a DOMException's message when IndexedDB gives no error of its own
  'outbox.js': ['Unknown outbox item type: {}'], // a programming error, never a person's
};

test('no view writes English words the catalogue does not give', () => {
  const found = scanPwa().filter(({ file, text }) => !ALLOWED[file]?.includes(text));
  assert.deepEqual(found.map(({ file, line, text }) => `${file}:${line}: ${text}`), []);
});

test('the check finds words on screen and leaves code alone', () => {
  const source = `
    import { h } from '../ui.js';
    const a = h('p', { class: 'hint big', 'aria-labelledby': 'x-title' }, 'Saved on this device.');
    el.textContent = \`Phase change: \${name}\`;
    input.placeholder = 'e.g. Attention';
    toast(ok ? t('phase.saved') : 'Not saved');
    document.querySelector('input, textarea, select');
    if (e.key === 'Escape') close(); // a comment with Words In It
    const re = /Don't match 'this'/g;
    h('button', { type: 'button', onclick: () => go('#/client') }, 'Client view');
  `;
  assert.deepEqual(
    englishLiterals('x.js', source).map((f) => f.text),
    ['Saved on this device.', 'Phase change: {}', 'e.g. Attention', 'Not saved', 'Client view'],
  );
});
