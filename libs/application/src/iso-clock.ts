let madeAt = Number.NaN;
let made = '';

/**
 * The current time in `toISOString`'s form, made once per millisecond: commands decided in the
 * same millisecond share the string. Formatting a Date took about 0.55 µs, the check about 0.04,
 * and a busy command side asks this once or twice per command.
 */
export function isoNow(): string {
  const now = Date.now();
  if (now !== madeAt) {
    madeAt = now;
    made = new Date(now).toISOString();
  }
  return made;
}
