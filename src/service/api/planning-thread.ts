// Worker-thread entry: a plan or a search (seconds of CPU on a large cloud) computed off the API's event loop,
// one thread per request. Errors come back by kind so the route answers 400 for what the caller gave.
import { parentPort, workerData } from "node:worker_threads";
import { SpecError } from "../../pipeline/spec.js";
import { PlanningInputError } from "../../planning/errors.js";
import { planFromResult } from "../../planning/plan-run.js";
import { applySearch } from "../../planning/searched.js";
import type { ProductName } from "../../products/registry.js";

export type PlanningJob =
  | { op: "plan"; base: string; units: unknown; out: string }
  | {
      op: "search";
      base: string;
      gpx: string;
      units: unknown;
      out: string;
      products: ProductName[];
      parentLabel: string;
    };

export type PlanningReply =
  | { ok: true; result: unknown }
  | { ok: false; kind: "spec"; issues: SpecError["issues"] }
  | { ok: false; kind: "input" | "other"; message: string };

async function run(job: PlanningJob): Promise<unknown> {
  if (job.op === "plan") return (await planFromResult(job.base, job.units, job.out)).document;
  return await applySearch(job.base, job.gpx, job.units, job.out, {
    gpxName: "gpx",
    products: job.products,
    parentLabel: job.parentLabel,
  });
}

const job = (workerData as { job?: PlanningJob }).job;
if (job && parentPort) {
  run(job).then(
    (result) => parentPort?.postMessage({ ok: true, result } satisfies PlanningReply),
    (error: unknown) => {
      const reply: PlanningReply =
        error instanceof SpecError
          ? { ok: false, kind: "spec", issues: error.issues }
          : {
              ok: false,
              kind: error instanceof PlanningInputError ? "input" : "other",
              message: (error as Error).message ?? String(error),
            };
      parentPort?.postMessage(reply);
    },
  );
}
