// The control for each measurement type, and the measurements' names.
import { labelOf } from '../i18n.js';
import { abcControl } from './abc.js';
import { dttControl } from './dtt.js';
import { durationControl } from './duration.js';
import { frequencyControl } from './frequency.js';
import { intervalControl } from './interval.js';
import { latencyControl } from './latency.js';
import { ratingControl } from './rating.js';
import { taskAnalysisControl } from './task-analysis.js';

export const CONTROLS = {
  frequency: frequencyControl,
  rate: frequencyControl,
  duration: durationControl,
  latency: latencyControl,
  partial_interval: intervalControl,
  whole_interval: intervalControl,
  momentary_time_sampling: intervalControl,
  abc: abcControl,
  dtt: dttControl,
  task_analysis: taskAnalysisControl,
  rating: ratingControl,
};

/** A measurement's name in the chosen language ("Partial interval", "Intervalo parcial"). */
export const measurementLabel = (measurement) => labelOf('measurement', measurement);

/** measurement -> label, read at use so it follows the chosen language. */
export const MEASUREMENT_LABELS = new Proxy({}, { get: (_, measurement) => (typeof measurement === 'string' ? measurementLabel(measurement) : undefined) });
