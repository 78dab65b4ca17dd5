// Worker-thread entry: runs one simulation spec and posts progress, then the result or the error.
import { parentPort, workerData } from "node:worker_threads";
import { type RunOptions, runSimulationSpec } from "../../pipeline/run.js";
import { serializeError, type ThreadMessage } from "./thread-runner.js";

const { spec, opts } = workerData as { spec: unknown; opts: RunOptions };
const post = (m: ThreadMessage) => parentPort?.postMessage(m);

try {
  const result = await runSimulationSpec(spec, {
    ...opts,
    onProgress: (progress) => post({ type: "progress", progress }),
  });
  post({ type: "result", result });
} catch (err) {
  post({ type: "error", error: serializeError(err) });
}
