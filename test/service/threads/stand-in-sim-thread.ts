// A stand-in simulation thread for the thread-runner tests: behaves as the spec's `mode` says.
import { threadId } from "node:worker_threads";
import type { RunOptions } from "../../../src/pipeline/run.js";
import { serveRuns } from "../../../src/service/worker/thread-runner.js";
import { fakeRunner } from "../helpers.js";

let warmedUp = false;

serveRuns(
  async (input, opts: RunOptions) => {
    const spec = input as { mode: string } & Record<string, unknown>;
    if (spec.mode === "hog") {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
    }
    if (spec.mode === "hang") await new Promise(() => setInterval(() => undefined, 1000));
    if (spec.mode === "fail") {
      throw Object.assign(new Error("invalid simulation spec: seed.lat: must be between -90 and 90"), {
        name: "SpecError",
      });
    }
    const result = await fakeRunner({ durationMs: 200 })(spec, opts);
    // Which thread ran the job (the runner reuses a thread between jobs), and whether it was warmed up.
    return { ...result, summary: { ...result.summary, threadId, warmedUp } };
  },
  async () => {
    await new Promise((r) => setTimeout(r, 300));
    warmedUp = true;
  },
);
