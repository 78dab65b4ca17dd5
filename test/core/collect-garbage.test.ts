import { describe, expect, it } from "vitest";
import {
  collectGarbage,
  collectGarbageAfterRun,
  collectGarbageWhenIdle,
} from "../../src/core/parallel/collect-garbage.js";

// A WeakRef's target stays alive until the job that made it ends: look after a turn of the event loop.
const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const garbage = () => new WeakRef({ arrays: [new Float64Array(1000)] });

describe("a thread's garbage collection after a run", () => {
  it("at once, or once the thread has been idle", async () => {
    const large = garbage();
    await turn();
    collectGarbage();
    expect(large.deref()).toBeUndefined();

    const small = garbage();
    await turn();
    collectGarbageWhenIdle();
    expect(small.deref()).toBeDefined(); // not yet: the next run may come first
    await sleep(800);
    expect(small.deref()).toBeUndefined();
  });

  it("after runs that held as many bytes as the limit together, at once", async () => {
    collectGarbage(); // from nothing held
    collectGarbageAfterRun(40, 100);
    const second = garbage();
    await turn();
    collectGarbageAfterRun(40, 100);
    expect(second.deref()).toBeDefined(); // 80 of 100: once idle
    const third = garbage();
    await turn();
    collectGarbageAfterRun(40, 100); // 120: now
    expect(third.deref()).toBeUndefined();
    expect(second.deref()).toBeUndefined();
  });
});
