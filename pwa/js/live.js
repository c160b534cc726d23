// Tabs of this app on one device tell each other what they wrote, so two tabs open on one
// session show the same entries, Undo in either undoes the session's last entry, and an end
// in one tab ends the session in the other. The outbox stays the truth: a missed message
// only delays what a tab shows, and a tab that missed an end still cannot add to the session
// (the outbox refuses it). No DOM: BroadcastChannel exists in pages, workers and node.

/** A channel to the other tabs, or null where BroadcastChannel is missing. */
export function liveChannel(name = 'bdc-live', Channel = globalThis.BroadcastChannel) {
  if (!Channel) return null;
  const channel = new Channel(name);
  const listeners = new Set();
  channel.onmessage = (e) => {
    for (const fn of listeners) fn(e.data);
  };
  return {
    post: (message) => channel.postMessage(message),
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () => channel.close(),
  };
}
