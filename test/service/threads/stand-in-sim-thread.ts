// A stand-in simulation thread for the thread-runner tests: behaves as the spec's `mode` says.
import { parentPort, workerData } from "node:worker_threads";
import type { RunOptions } from "../../../src/pipeline/run.js";
import { serializeError, type ThreadMessage } from "../../../src/service/worker/thread-runner.js";
import { fakeRunner } from "../helpers.js";

const { spec, opts } = workerData as { spec: { mode: string } & Record<string, unknown>; opts: RunOptions };
const post = (m: ThreadMessage) => parentPort?.postMessage(m);

try {
  if (spec.mode === "hog") {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
  }
  if (spec.mode === "hang") await new Promise(() => setInterval(() => undefined, 1000));
  if (spec.mode === "fail") {
    const err = Object.assign(new Error("invalid simulation spec: seed.lat: must be between -90 and 90"), {
      name: "SpecError",
    });
    throw err;
  }
  const result = await fakeRunner({ durationMs: 200 })(spec, {
    ...opts,
    onProgress: (progress) => post({ type: "progress", progress }),
  });
  post({ type: "result", result });
} catch (err) {
  post({ type: "error", error: serializeError(err) });
}
