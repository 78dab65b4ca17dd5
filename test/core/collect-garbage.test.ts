import { describe, expect, it } from "vitest";
import { collectGarbageAfterRun } from "../../src/core/parallel/collect-garbage.js";

// A WeakRef's target stays alive until the job that made it ends: look after a turn of the event loop.
const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const garbage = () => new WeakRef({ arrays: [new Float64Array(1000)] });

describe("collectGarbageAfterRun", () => {
  it("collects at once after a large run, and after a small one once the thread has been idle", async () => {
    const large = garbage();
    await turn();
    collectGarbageAfterRun(true);
    expect(large.deref()).toBeUndefined();

    const small = garbage();
    await turn();
    collectGarbageAfterRun(false);
    expect(small.deref()).toBeDefined(); // not yet: the next run may come first
    await sleep(800);
    expect(small.deref()).toBeUndefined();
  });
});
