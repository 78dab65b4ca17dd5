// Forcing sources that fail inside a step thread, for the thread-pool tests.
import { constantSource } from "../../../src/core/constant-source.js";
import type { ForcingSource } from "../../../src/core/types.js";

/** A constant source whose thread copy cannot be rebuilt (the thread fails while setting up). */
export function unrevivable(): ForcingSource & {
  threadRecipe(): { module: string; revive: string; data: unknown };
} {
  return {
    ...constantSource(5, 0),
    threadRecipe: () => ({ module: import.meta.url, revive: "failToRevive", data: {} }),
  };
}

export function failToRevive(): ForcingSource {
  throw new Error("cannot rebuild this source");
}

/** A constant source whose thread copy fails at sampling time `failAt` (the thread fails mid-run). */
export function failingInThread(failAt: number) {
  return {
    ...constantSource(5, 0),
    threadRecipe: () => ({ module: import.meta.url, revive: "reviveFailing", data: { failAt } }),
  };
}

export function reviveFailing(data: { failAt: number }): ForcingSource {
  const base = constantSource(5, 0);
  return {
    ...base,
    sample(time, lon, lat, count, need, u, v) {
      if (time >= data.failAt) throw new Error(`sampling failed at ${time}`);
      base.sample(time, lon, lat, count, need, u, v);
    },
  };
}
