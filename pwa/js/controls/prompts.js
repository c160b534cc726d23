// Prompt levels of a DTT or task-analysis target, most independent first.
const DEFAULT_PROMPTS = ['independent', 'gestural', 'model', 'physical'];

export function promptLevels(target) {
  const levels = target.params?.prompt_levels;
  return Array.isArray(levels) && levels.length ? levels : DEFAULT_PROMPTS;
}

/** A short label for small buttons and trial strips: "independent" -> "I", "full physical" -> "FP". */
export function abbreviate(level) {
  return level
    .split(/[\s_-]+/)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}
