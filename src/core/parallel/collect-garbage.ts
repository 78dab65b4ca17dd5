// A full garbage collection of this thread, for threads that outlive a run. An idle thread allocates
// nothing, so its garbage — the last run's shared particle and output arrays among it — would wait for a
// collection that never comes and pin hundreds of MB (a SharedArrayBuffer lives while any thread holds
// it). V8's gc() is exposed at run time: the flag is per process, the function comes with a new context.
import v8 from "node:v8";
import vm from "node:vm";

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

/** How long a thread that ran a small run waits idle before it collects its garbage. */
const IDLE_COLLECTION_MS = 500;
let pending: NodeJS.Timeout | undefined;

/**
 * After a run: a thread that held large arrays collects its garbage at once; after a small run it waits
 * until it has been idle a while. A collection also throws away the optimised code that refers to the
 * run's objects (V8 deoptimises it: 20–30 ms of a 20,000-particle run on unoptimised code), which a thread
 * running small jobs back to back need not pay each time.
 */
export function collectGarbageAfterRun(large: boolean): void {
  cancelIdleCollection();
  if (large) {
    collectGarbage();
    return;
  }
  pending = setTimeout(collectGarbage, IDLE_COLLECTION_MS);
  pending.unref();
}

/** A new run starts: no collection in the middle of it. */
export function cancelIdleCollection(): void {
  if (pending !== undefined) clearTimeout(pending);
  pending = undefined;
}
