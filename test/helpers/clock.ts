// Browsers coarsen performance.now() (Chromium: 100 µs steps), so an epoch can take
// "0 ms" there; a test whose premise is that time has passed waits for the next tick.

/** Spins until performance.now() changes (at once in Node, at most one clock step in a browser). */
export function nextTick(): void {
  const t = performance.now();
  while (performance.now() === t);
}
