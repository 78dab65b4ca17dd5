// Whole simulations on worker threads at once (issue 21: the members of a forcing ensemble, each its own
// run): each thread takes the next simulation when it is done with one. The main thread only answers the
// threads' requests for more forcing and waits, so their sources can always be served. A simulation run here
// gives the same result as on the main thread (runSimulation on sources rebuilt from their recipes, whose
// values do not depend on the part of the grid loaded).
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { ObjectCategory } from "../objects.js";
import type { SimulationResult } from "../simulate.js";
import type { ForcingSet, ForcingSource, LandMask, Simulation } from "../types.js";
import { KeptThreads } from "./kept-threads.js";
import type { MainThreadRequest, SentRecipe } from "./protocol.js";
import { isThreadShareable, type ThreadRecipe } from "./recipe.js";

export interface MemberRunMessage {
  type: "run";
  sim: Simulation;
  categoryId: number;
  forcing: { wind: SentRecipe[]; current: SentRecipe[] };
  /** "same": the mask of this thread's previous simulation of the run (rebuilt once per thread and run). */
  landmask: SentRecipe | null | "same";
  recordForcing: boolean;
  port: MessagePort;
  answered: Int32Array;
}

export type MemberThreadReport =
  | { type: "done"; result: SimulationResult }
  | { type: "error"; message: string };

export interface MemberJob {
  sim: Simulation;
  category: ObjectCategory;
  forcing: ForcingSet;
}

/** Member threads between runs. */
const memberThreads = new KeptThreads("member-thread");

/** Member threads waiting for the next run. */
export function idleMemberThreads(): number {
  return memberThreads.idleCount;
}

/** Ends the idle member threads (tests, shutdown). */
export async function closeMemberThreads(): Promise<void> {
  await memberThreads.closeIdle();
}

/** Why these simulations cannot run on threads (a source or mask without a recipe), or null when they can. */
export function memberThreadsRefusal(
  jobs: readonly MemberJob[],
  landmask: LandMask | null,
  landmaskRecipe?: ThreadRecipe,
): string | null {
  for (const job of jobs) {
    for (const s of [...job.forcing.wind, ...job.forcing.current] as ForcingSource[]) {
      if (!isThreadShareable(s)) return `forcing source ${s.name} cannot be shared with threads`;
    }
  }
  if (landmask && !isThreadShareable(landmask) && !landmaskRecipe)
    return `land mask ${landmask.name} cannot be shared with threads`;
  return null;
}

/**
 * Runs the simulations on `threads` worker threads (results in the jobs' order). Throws when a thread fails;
 * check memberThreadsRefusal first.
 */
export async function runSimulationsOnThreads(
  jobs: readonly MemberJob[],
  options: {
    threads: number;
    landmask: LandMask | null;
    landmaskRecipe?: ThreadRecipe;
    recordForcing: boolean;
    onDone?: (k: number) => void;
  },
): Promise<SimulationResult[]> {
  const results: SimulationResult[] = new Array(jobs.length);
  let next = 0;
  const maskRecipe =
    options.landmask && isThreadShareable(options.landmask)
      ? options.landmask.threadRecipe()
      : (options.landmaskRecipe ?? null);
  const runOn = async (worker: Worker): Promise<void> => {
    let maskSent = false;
    for (;;) {
      const k = next++;
      if (k >= jobs.length) return;
      const job = jobs[k];
      const serves: ((request: unknown) => unknown)[] = [];
      const send = ({ serve, ...recipe }: ThreadRecipe): SentRecipe => {
        if (!serve) return { ...recipe, id: -1 };
        serves.push(serve);
        return { ...recipe, id: serves.length - 1 };
      };
      const recipes = (list: ForcingSource[]) =>
        list.map((s) => send((s as unknown as { threadRecipe(): ThreadRecipe }).threadRecipe()));
      const { port1, port2 } = new MessageChannel();
      const answered = new Int32Array(new SharedArrayBuffer(4));
      port1.on("message", ({ id, request }: MainThreadRequest) => {
        let answer: unknown;
        try {
          answer = serves[id](request);
        } catch {
          answer = undefined;
        }
        port1.postMessage(answer);
        Atomics.store(answered, 0, 1);
        Atomics.notify(answered, 0);
      });
      const message: MemberRunMessage = {
        type: "run",
        sim: job.sim,
        categoryId: job.category.id,
        forcing: { wind: recipes(job.forcing.wind), current: recipes(job.forcing.current) },
        landmask: maskRecipe ? (maskSent && !maskRecipe.serve ? "same" : send(maskRecipe)) : null,
        recordForcing: options.recordForcing,
        port: port2,
        answered,
      };
      maskSent = true;
      try {
        results[k] = await new Promise<SimulationResult>((resolve, reject) => {
          const onMessage = (m: MemberThreadReport) => {
            detach();
            if (m.type === "done") resolve(m.result);
            else reject(new Error(`member thread: ${m.message}`));
          };
          const onExit = (code: number) => {
            detach();
            reject(new Error(`member thread exited (code ${code})`));
          };
          const detach = () => {
            worker.off("message", onMessage);
            worker.off("exit", onExit);
          };
          worker.on("message", onMessage);
          worker.on("exit", onExit);
          worker.postMessage(message, [port2]);
        });
      } finally {
        port1.close();
      }
      options.onDone?.(k);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.threads, jobs.length)) }, () =>
    memberThreads.acquire(),
  );
  try {
    await Promise.all(workers.map(runOn));
  } catch (e) {
    for (const w of workers) await w.terminate();
    throw e;
  }
  for (const w of workers) memberThreads.release(w);
  return results;
}
