// particles.nc written in a worker thread, while the main thread draws the other products: for large runs
// the file is the longest product to write (the trajectory arrays are transposed block by block), and the
// second core is otherwise idle. Used for a threaded run's output, whose arrays are shared memory (a copy
// would cost as much memory as the trajectory).
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { LandMask } from "../core/types.js";
import type { ProductContext } from "./context.js";
import { type ParticlesNetcdfOptions, writeParticlesNetcdf } from "./particles-nc.js";

interface ThreadJob {
  tsEntry: string;
  ctx: ProductContext;
  path: string;
  opts: ParticlesNetcdfOptions;
}

/** Under vitest/tsx the sources are .ts, which a thread loads through tsx (core's ts-bootstrap.mjs). */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** Writes particles.nc in a worker thread; resolves when the file is complete. */
export function writeParticlesNetcdfInThread(
  ctx: ProductContext,
  path: string,
  opts: ParticlesNetcdfOptions = {},
): Promise<void> {
  const entry = new URL(import.meta.url);
  const start = FROM_SOURCE ? new URL("../core/parallel/ts-bootstrap.mjs", import.meta.url) : entry;
  // What the file needs, as plain data: the land mask only by its name.
  const landmask = ctx.landmask ? ({ name: ctx.landmask.name } as LandMask) : undefined;
  const job: ThreadJob = {
    tsEntry: entry.href,
    ctx: { ...ctx, landmask, summaries: [], searchAreas: undefined },
    path,
    opts,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(start, { workerData: job, execArgv: [] });
    let settled = false;
    worker.on("message", (m: { ok: true } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve();
      else reject(new Error(m.message));
    });
    worker.on("error", (e) => {
      settled = true;
      reject(e);
    });
    worker.on("exit", (code) => {
      if (!settled) reject(new Error(`particles.nc thread exited (code ${code}) without writing the file`));
    });
  });
}

if (!isMainThread && (workerData as Partial<ThreadJob> | null)?.path !== undefined) {
  const { ctx, path, opts } = workerData as ThreadJob;
  try {
    await writeParticlesNetcdf(ctx, path, opts);
    parentPort?.postMessage({ ok: true });
  } catch (e) {
    parentPort?.postMessage({ ok: false, message: (e as Error).message });
  }
}
