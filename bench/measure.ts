/** Runs `fn` repeatedly for about `seconds` and returns operations per second (after a short warm-up). */
export async function opsPerSecond(fn: () => Promise<unknown> | unknown, seconds: number): Promise<number> {
  const warmUntil = performance.now() + Math.min(500, seconds * 200);
  while (performance.now() < warmUntil) await fn();
  const start = performance.now();
  const end = start + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    // Batches keep the clock reads out of the measurement.
    for (let i = 0; i < 16; i++) await fn();
    n += 16;
  }
  return (n * 1000) / (performance.now() - start);
}

/** Rounds for printing. */
export const round = (n: number): number => Math.round(n);
