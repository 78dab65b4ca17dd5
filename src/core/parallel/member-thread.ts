// Entry of a member thread (member-pool.ts): runs whole simulations, one after the other, on forcing sources
// and a land mask rebuilt from their recipes; more forcing is asked of the main thread, which only waits
// for the members' results meanwhile.
import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { objectCategoryById } from "../objects.js";
import { runSimulation } from "../simulate.js";
import type { ForcingSource, LandMask } from "../types.js";
import type { MemberRunMessage, MemberThreadReport } from "./member-pool.js";
import type { SentRecipe } from "./protocol.js";
import { revive } from "./recipe.js";

/** The land mask of this thread's last simulation (the next of the same run reuses it). */
let lastMask: LandMask | null = null;

const report = (m: MemberThreadReport, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(m, transfer);

parentPort?.on("message", async (m: MemberRunMessage) => {
  if (m.type !== "run") return;
  const { port, answered } = m;
  const call = (id: number, request: unknown): unknown => {
    Atomics.store(answered, 0, 0);
    port.postMessage({ id, request });
    for (;;) {
      if (Atomics.load(answered, 0) === 1) {
        const answer = receiveMessageOnPort(port);
        if (answer) return answer.message;
      }
      Atomics.wait(answered, 0, 0, 100);
    }
  };
  const rebuild = <T>(recipe: SentRecipe) =>
    revive<T>(recipe, recipe.id >= 0 ? (request) => call(recipe.id, request) : undefined);
  try {
    const [wind, current, landmask] = await Promise.all([
      Promise.all(m.forcing.wind.map((r) => rebuild<ForcingSource>(r))),
      Promise.all(m.forcing.current.map((r) => rebuild<ForcingSource>(r))),
      m.landmask === "same" ? lastMask : m.landmask ? rebuild<LandMask>(m.landmask) : null,
    ]);
    lastMask = landmask;
    const result = runSimulation(
      m.sim,
      objectCategoryById(m.categoryId),
      { wind, current },
      {
        landmask,
        recordForcing: m.recordForcing,
      },
    );
    const t = result.trajectory;
    const buffers = Object.values(t)
      .filter((a): a is Float64Array => ArrayBuffer.isView(a))
      .map((a) => a.buffer as ArrayBuffer)
      .filter((b, k, all) => b instanceof ArrayBuffer && all.indexOf(b) === k);
    report({ type: "done", result }, buffers);
  } catch (err) {
    const e = err as Error;
    report({ type: "error", message: e?.message ?? String(err) });
  } finally {
    port.close();
  }
});
