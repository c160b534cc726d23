// The control for each measurement type.
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

export const MEASUREMENT_LABELS = {
  frequency: 'Frequency',
  rate: 'Rate',
  duration: 'Duration',
  latency: 'Latency',
  partial_interval: 'Partial interval',
  whole_interval: 'Whole interval',
  momentary_time_sampling: 'Momentary time sampling',
  abc: 'ABC',
  dtt: 'Discrete trials',
  task_analysis: 'Task analysis',
  rating: 'Rating',
};
