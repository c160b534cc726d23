// The interval-boundary cue: a flash on the card, a short beep and a vibration, so the
// observer can keep their eyes on the learner.

let audio = null;

/** Browsers allow sound only after a user gesture: call this from one (e.g. "Start run"). */
export function unlockAudio() {
  const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Ctx) return;
  audio ??= new Ctx();
  if (audio.state === 'suspended') audio.resume();
}

function beep() {
  if (!audio || audio.state !== 'running') return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.25, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.18);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.2);
}

export function cue(element) {
  beep();
  navigator.vibrate?.([120, 60, 120]);
  element.classList.remove('cue');
  void element.offsetWidth; // restart the animation
  element.classList.add('cue');
}
