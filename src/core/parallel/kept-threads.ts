// Worker threads kept between runs: starting one (loading the core and the adapters' modules) costs about a
// third of a second, so a finished run's threads wait, unreferenced (they do not keep the process alive), for
// the next. At most one per CPU is kept.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ThreadData } from "./protocol.js";

/** Under vitest/tsx the sources are .ts, which a thread loads through tsx (ts-bootstrap.mjs). */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

export class KeptThreads {
  private readonly idle: Worker[] = [];

  /** `entry`: the thread's module beside this one, without extension ("step-thread"). */
  constructor(private readonly entry: string) {}

  /** An idle thread, or a new one. */
  acquire(): Worker {
    const reused = this.idle.pop();
    if (reused) {
      reused.ref();
      return reused;
    }
    return this.spawn();
  }

  /** A thread whose run is over: kept for the next (or ended when enough are kept). */
  release(worker: Worker): void {
    if (this.idle.length >= availableParallelism()) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.idle.push(worker);
  }

  /** Starts threads ahead of a run, up to `count` idle ones (at most one per CPU). */
  prestart(count: number): void {
    const wanted = Math.min(count, availableParallelism());
    while (this.idle.length < wanted) {
      const worker = this.spawn();
      worker.unref();
      this.idle.push(worker);
    }
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async closeIdle(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const entry = new URL(`./${this.entry}${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);
    const start = FROM_SOURCE ? new URL("./ts-bootstrap.mjs", import.meta.url) : entry;
    const worker = new Worker(start, {
      workerData: { tsEntry: entry.href } satisfies ThreadData,
      execArgv: [],
    });
    worker.on("exit", () => {
      const k = this.idle.indexOf(worker);
      if (k >= 0) this.idle.splice(k, 1);
    });
    // Errors of a run are handled by its owner; an idle thread's error only drops the thread (exit above).
    worker.on("error", () => undefined);
    return worker;
  }
}
