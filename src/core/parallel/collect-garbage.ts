// A full garbage collection of this thread, for threads that outlive a run. An idle thread allocates
// nothing, so its garbage — the last run's shared particle and output arrays among it — would wait for a
// collection that never comes and pin hundreds of MB (a SharedArrayBuffer lives while any thread holds
// it). V8's gc() is exposed at run time: the flag is per process, the function comes with a new context.
//
// A collection also throws away the optimised code that refers to the run's objects (V8 deoptimises it:
// 20–30 ms of a 20,000-particle run on unoptimised code). So after a small run a thread waits until it has
// been idle a while (collectGarbageWhenIdle), and collects at once only when it holds much memory.
import v8 from "node:v8";
import vm from "node:vm";

let gc: (() => void) | undefined;
/** Bytes of arrays that runs since the last collection held (see collectGarbageAfterRun). */
let heldBytes = 0;

export function collectGarbage(): void {
  cancelIdleCollection();
  heldBytes = 0;
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

/** How long a thread waits idle before it collects its garbage. */
const IDLE_COLLECTION_MS = 500;
let pending: NodeJS.Timeout | undefined;

/** Collects once the thread has been idle IDLE_COLLECTION_MS (unless a run cancels it). */
export function collectGarbageWhenIdle(): void {
  cancelIdleCollection();
  pending = setTimeout(collectGarbage, IDLE_COLLECTION_MS);
  pending.unref();
}

/** A new run starts: no collection in the middle of it. */
export function cancelIdleCollection(): void {
  if (pending !== undefined) clearTimeout(pending);
  pending = undefined;
}

/**
 * After a run that held `runBytes` of arrays: collects at once when the runs since the last collection held
 * `limitBytes` or more together (one large run, or small runs back to back), else once idle.
 */
export function collectGarbageAfterRun(runBytes: number, limitBytes: number): void {
  heldBytes += runBytes;
  if (heldBytes >= limitBytes) collectGarbage();
  else collectGarbageWhenIdle();
}
