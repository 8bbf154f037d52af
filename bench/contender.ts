/**
 * Worker side of isolated.ts (loaded by contender-worker.mjs). Mode `contender`: sets an
 * operation up, then runs timed slices on request. Mode `call`: runs one whole benchmark
 * function and posts its result.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { mode, module, factory, input } = workerData as { mode: 'contender' | 'call'; module: string; factory: string; input: unknown };
const port = parentPort;
if (port === null) throw new Error('contender-worker runs only as a worker thread');
const exported = (await import(module))[factory] as (input: unknown) => Promise<unknown>;

if (mode === 'call') {
  port.postMessage({ result: await exported(input) });
} else {
  const operation = (await exported(input)) as () => unknown;
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
}
