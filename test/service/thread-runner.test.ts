// The worker-thread runner: progress and results cross the thread boundary, errors keep their names, and
// a thread can be stopped (shutdown, wall-time cap) or run out of its heap cap without hurting the worker.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunProgress } from "../../src/pipeline/run.js";
import { createThreadRunner } from "../../src/service/worker/thread-runner.js";

const entry = new URL("./threads/stand-in-sim-thread.ts", import.meta.url);
let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), "driftline-thread-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const spec = (mode: string) => ({
  mode,
  name: "t",
  object_type: 1,
  start_time: "2024-01-01T00:00:00Z",
  random_seed: 1,
  seed: { lon: 3, lat: 60, number: 10 },
});

describe("thread runner", () => {
  it("runs in a thread and passes progress and the result back", async () => {
    const run = createThreadRunner({ entry });
    const progress: RunProgress[] = [];
    const result = await run(spec("ok"), {
      outDir,
      products: ["netcdf", "png"],
      onProgress: (p) => progress.push(p),
    });
    expect(progress.length).toBeGreaterThan(2);
    expect(result.summary.particleCount).toBe(10);
    expect(Object.keys(result.files).sort()).toEqual(["netcdf", "png"]);
  });

  it("keeps the error's name, so that the worker can tell a bad spec from an outage", async () => {
    const run = createThreadRunner({ entry });
    await expect(run(spec("fail"), { outDir })).rejects.toMatchObject({
      name: "SpecError",
      message: expect.stringContaining("seed.lat"),
    });
  });

  it("stops a running thread at once when the signal aborts", async () => {
    const run = createThreadRunner({ entry });
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort("shutdown"), 300);
    await expect(run(spec("hang"), { outDir, signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("reuses a warm thread for the next job, but not a thread that was stopped or failed", async () => {
    const run = createThreadRunner({ entry, prestart: 1 });
    try {
      const threadOf = async () =>
        ((await run(spec("ok"), { outDir })).summary as unknown as { threadId: number }).threadId;
      const first = await threadOf();
      expect(await threadOf()).toBe(first);
      // A job that fails normally (bad spec) leaves the thread usable.
      await expect(run(spec("fail"), { outDir })).rejects.toMatchObject({ name: "SpecError" });
      expect(await threadOf()).toBe(first);
      // A stopped job's thread is terminated: the next job gets a fresh one.
      const controller = new AbortController();
      setTimeout(() => controller.abort("shutdown"), 200);
      await expect(run(spec("hang"), { outDir, signal: controller.signal })).rejects.toMatchObject({
        name: "AbortError",
      });
      expect(await threadOf()).not.toBe(first);
    } finally {
      await run.close();
    }
  });

  it("warms a prestarted thread up before it takes jobs; a job that comes earlier gets a thread of its own", async () => {
    type Summary = { threadId: number; warmedUp: boolean };
    const warmed = createThreadRunner({ entry, prestart: 1, warmUp: true });
    try {
      await warmed.warm;
      const later = (await warmed(spec("ok"), { outDir })).summary as unknown as Summary;
      expect(later.warmedUp).toBe(true);
    } finally {
      await warmed.close();
    }
    const early = createThreadRunner({ entry, prestart: 1, warmUp: true });
    try {
      const first = (await early(spec("ok"), { outDir })).summary as unknown as Summary;
      expect(first.warmedUp).toBe(false);
    } finally {
      await early.close();
    }
  });

  it("replaces a thread after jobsPerThread jobs", async () => {
    const run = createThreadRunner({ entry, jobsPerThread: 2 });
    try {
      const threadOf = async () =>
        ((await run(spec("ok"), { outDir })).summary as unknown as { threadId: number }).threadId;
      const a = await threadOf();
      expect(await threadOf()).toBe(a);
      expect(await threadOf()).not.toBe(a);
    } finally {
      await run.close();
    }
  });

  it("turns running out of the heap cap into a JobCapError naming MAX_JOB_MEMORY_MB", async () => {
    const run = createThreadRunner({ entry, memoryMb: 64 });
    await expect(run(spec("hog"), { outDir })).rejects.toMatchObject({
      name: "JobCapError",
      message: expect.stringContaining("MAX_JOB_MEMORY_MB=64"),
    });
  });
});
