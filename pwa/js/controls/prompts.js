// Prompt levels of a DTT or task-analysis target, most independent first, and how they read.
// The levels are the names the BCBA gave the target (params.prompt_levels); the catalogue has
// a label and an abbreviation for the usual ones ("partial_physical" -> "Partial physical",
// "PP"); any other name is shown as the BCBA wrote it, with its initials as abbreviation.
import { has, inEnglish, t } from '../i18n.js';

const DEFAULT_PROMPTS = ['independent', 'gestural', 'model', 'physical'];

export function promptLevels(target) {
  const levels = target.params?.prompt_levels;
  return Array.isArray(levels) && levels.length ? levels : DEFAULT_PROMPTS;
}

const keyOf = (level) => String(level).trim().toLowerCase().replace(/[\s-]+/g, '_');

/** "partial_physical" -> "Partial physical"; a name the catalogue lacks reads as written, without underscores. */
export function promptLabel(level) {
  const key = `prompt.${keyOf(level)}`;
  if (has(key)) return t(key);
  const words = String(level).replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const initials = (level) =>
  String(level)
    .split(/[\s_-]+/)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');

/** A short label for small buttons and trial strips: "independent" -> "I", "full physical" -> "FP". */
export function abbreviate(level) {
  const key = `prompt_abbr.${keyOf(level)}`;
  return has(key) ? t(key) : initials(level);
}

/** The code the paper data sheet prints (English, as bdc/reports/datasheet.py does). */
export function sheetCode(level) {
  return inEnglish(`prompt_abbr.${keyOf(level)}`) ?? initials(level);
}
