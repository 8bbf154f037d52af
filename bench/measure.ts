/** Operations per second of each function, measured in alternating ~100 ms slices for `seconds` each (after a warm-up). */
export async function interleaved(fns: ReadonlyArray<() => unknown>, seconds: number): Promise<number[]> {
  for (const fn of fns) {
    const warm = performance.now() + Math.min(300, seconds * 100);
    while (performance.now() < warm) await fn();
  }
  const counts = fns.map(() => 0);
  const times = fns.map(() => 0);
  const slices = Math.max(1, Math.round(seconds * 10));
  for (let s = 0; s < slices; s++) {
    for (let i = 0; i < fns.length; i++) {
      const fn = fns[i] as () => unknown;
      const start = performance.now();
      const end = start + 100;
      let n = 0;
      while (performance.now() < end) {
        for (let k = 0; k < 4; k++) await fn();
        n += 4;
      }
      counts[i] = (counts[i] as number) + n;
      times[i] = (times[i] as number) + (performance.now() - start);
    }
  }
  return counts.map((n, i) => (n * 1000) / (times[i] as number));
}
