// The English catalogue, loaded as the app loads it at start-up, for tests of code that
// shows words (the app fetches it; node reads the file).
import { readFileSync } from 'node:fs';
import { useCatalogue } from '../../pwa/js/i18n.js';

export const catalogue = (code) => JSON.parse(readFileSync(new URL(`../../pwa/locales/${code}.json`, import.meta.url), 'utf8'));
export const languagesFile = () => JSON.parse(readFileSync(new URL('../../pwa/locales/languages.json', import.meta.url), 'utf8'));

useCatalogue('en', catalogue('en'), catalogue('en'), languagesFile());
