/**
 * Interleaved measurement with one V8 heap per contender. Each contender runs in its own
 * worker thread, and the slices still alternate one at a time (never in parallel), so a
 * busy machine slows every contender alike. Separate heaps keep one contender's garbage
 * from being collected on another's clock: a peer that allocates heavily leaves GC work
 * behind that, in a shared heap, lands in whichever slice runs next.
 */
import { Worker } from 'node:worker_threads';

/** A contender: `factory` in `module` receives `input` (structured-cloneable) and returns the operation to time. */
export interface Contender {
  readonly module: URL;
  readonly factory: string;
  readonly input: unknown;
}

const WORKER = new URL('./contender-worker.mjs', import.meta.url);

interface SliceResult {
  readonly n: number;
  readonly ms: number;
}

/** Operations per second of each contender, measured in alternating ~100 ms slices for `seconds` each (after a warm-up). */
export async function interleavedIsolated(contenders: readonly Contender[], seconds: number): Promise<number[]> {
  const workers = contenders.map((c) => new Worker(WORKER, { workerData: { mode: 'contender', module: c.module.href, factory: c.factory, input: c.input } }));
  try {
    await Promise.all(workers.map((w) => reply(w)));
    for (const w of workers) await slice(w, Math.min(300, seconds * 100));
    const counts = workers.map(() => 0);
    const times = workers.map(() => 0);
    const slices = Math.max(1, Math.round(seconds * 10));
    for (let s = 0; s < slices; s++) {
      for (let i = 0; i < workers.length; i++) {
        const { n, ms } = await slice(workers[i] as Worker, 100);
        counts[i] = (counts[i] as number) + n;
        times[i] = (times[i] as number) + ms;
      }
    }
    return counts.map((n, i) => (n * 1000) / (times[i] as number));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Runs a whole benchmark function (`name` in `module`, given `input`) in a worker of its own,
 * so that it neither inherits the heap of what ran before nor leaves garbage for what follows.
 */
export async function callIsolated<T>(module: URL, name: string, input: unknown): Promise<T> {
  const worker = new Worker(WORKER, { workerData: { mode: 'call', module: module.href, factory: name, input } });
  try {
    return (await reply<{ result: T }>(worker)).result;
  } finally {
    await worker.terminate();
  }
}

function slice(worker: Worker, ms: number): Promise<SliceResult> {
  const result = reply<SliceResult>(worker);
  worker.postMessage({ ms });
  return result;
}

// The next message of a worker; its error, or its exit without a message, rejects (never a hang).
function reply<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: T) => {
      done();
      resolve(message);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`benchmark worker exited (code ${code}) before answering`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
