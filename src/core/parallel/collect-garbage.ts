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
