/** One contender of {@link interleavedIsolated} (loaded by contender-worker.mjs): sets its operation up, then runs timed slices on request. */
import { parentPort, workerData } from 'node:worker_threads';

const { module, factory, input } = workerData as { module: string; factory: string; input: unknown };
const port = parentPort;
if (port === null) throw new Error('contender-worker runs only as a worker thread');
const make = (await import(module))[factory] as (input: unknown) => Promise<() => unknown>;
const operation = await make(input);
await operation(); // fails here, before any timing, if the setup is wrong

port.on('message', async ({ ms }: { ms: number }) => {
  const start = performance.now();
  const end = start + ms;
  let n = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 4; k++) await operation();
    n += 4;
  }
  port.postMessage({ n, ms: performance.now() - start });
});
port.postMessage({ ready: true });
