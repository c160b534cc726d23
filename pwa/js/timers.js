// Timer arithmetic, computed from wall-clock timestamps (ms since the epoch) and never from
// counting ticks: a locked screen or a sleeping tab skips ticks, but the next reading is
// still right. No DOM, no state.
import { fmtNumber } from './i18n.js';

/** Milliseconds of observation between start and now, less the paused spans. */
export function activeMs(startMs, pauses, nowMs) {
  let paused = 0;
  for (const p of pauses) {
    const from = Math.max(p.from, startMs);
    const to = Math.min(p.to ?? nowMs, nowMs);
    if (to > from) paused += to - from;
  }
  return Math.max(0, nowMs - startMs - paused);
}

/**
 * Pause spans from a session's pause/resume events, in time order: [{from, to | null}].
 * A resume without a pause, or a second pause while paused, is ignored.
 */
export function pauseSpans(events) {
  const spans = [];
  let open = null;
  for (const e of [...events].sort((a, b) => a.ms - b.ms)) {
    if (e.kind === 'pause' && open === null) {
      open = { from: e.ms, to: null };
      spans.push(open);
    } else if (e.kind === 'resume' && open !== null) {
      open.to = e.ms;
      open = null;
    }
  }
  return spans;
}

/** Responses per minute; null before any observation time has passed. */
export function ratePerMinute(count, ms) {
  return ms > 0 ? count / (ms / 60000) : null;
}

/**
 * A rate is shown on a frequency card only after this much observation time: a few taps in
 * the first minute give "45.5 per min", which reads as a finding and is noise. The summary
 * shows the rate whatever the time, beside the time observed (docs/pwa.md).
 */
export const RATE_SHOWN_AFTER_MS = 5 * 60000;

/** The rate for a live card: null until RATE_SHOWN_AFTER_MS of observation have passed. */
export function liveRate(count, ms) {
  return ms >= RATE_SHOWN_AFTER_MS ? ratePerMinute(count, ms) : null;
}

/** "4:05", "1:02:03". */
export function formatClock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "12.3 s" ("12,3 s" in Spanish) for short spans, else a clock. */
export function formatSeconds(seconds) {
  return seconds < 60 ? `${fmtNumber(seconds, 1)} s` : formatClock(seconds * 1000);
}

/**
 * Where an interval run stands: the run starts at startMs and has `count` intervals of
 * `intervalSeconds`. index is the running interval (0-based), or count once the run is over.
 */
export function intervalPosition(startMs, intervalSeconds, count, nowMs) {
  const lengthMs = intervalSeconds * 1000;
  const elapsed = Math.max(0, nowMs - startMs);
  const index = Math.min(count, Math.floor(elapsed / lengthMs));
  const done = index >= count;
  return {
    index,
    done,
    msIntoInterval: done ? lengthMs : elapsed - index * lengthMs,
    msToBoundary: done ? 0 : (index + 1) * lengthMs - elapsed,
    lengthMs,
  };
}

/** Number of intervals in an observation: observation minutes / interval length, rounded down. */
export function intervalCount(intervalSeconds, observationMinutes) {
  return Math.max(1, Math.floor((observationMinutes * 60) / intervalSeconds));
}

/** Seconds from "instruction given" to "response", to the millisecond. */
export function latencySeconds(instructionMs, responseMs) {
  return Math.max(0, Math.round(responseMs - instructionMs)) / 1000;
}

/**
 * Duration episodes of one target from its live duration_start/stop events
 * (each {kind, ms, data: {episode}}): closed episodes, the open ones, and the total
 * time including the open ones up to now.
 */
export function durationEpisodes(events, nowMs) {
  const starts = new Map();
  const closed = [];
  for (const e of [...events].sort((a, b) => a.ms - b.ms)) {
    const ep = e.data?.episode;
    if (e.kind === 'duration_start') starts.set(ep, e.ms);
    else if (e.kind === 'duration_stop' && starts.has(ep)) {
      closed.push({ episode: ep, startMs: starts.get(ep), stopMs: e.ms });
      starts.delete(ep);
    }
  }
  const open = [...starts].map(([episode, startMs]) => ({ episode, startMs }));
  const closedMs = closed.reduce((sum, c) => sum + (c.stopMs - c.startMs), 0);
  const openMs = open.reduce((sum, o) => sum + Math.max(0, nowMs - o.startMs), 0);
  return { closed, open, totalMs: closedMs + openMs };
}
