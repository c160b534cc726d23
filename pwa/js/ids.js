/**
 * Ids this device gives what it records: UUID version 7 (RFC 9562, section 5.7), the
 * Unix time in milliseconds in the first 48 bits, then the version, 74 random bits and the
 * variant. Ids made one after another sort one after another, so the server's indexes on
 * them grow at one end instead of taking each new event into a page of its own
 * (docs/performance.md, "Under load, seventh pass"); 74 random bits a millisecond keep them
 * unique. The time they carry is no more than the event's own `t`.
 */

/**
 * A new id.
 * @param {number} [now] the time it carries, ms since the Unix epoch (the device's clock)
 * @returns {string} lowercase, hyphenated
 */
export function newId(now = Date.now()) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
