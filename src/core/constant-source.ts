// A forcing source with one value everywhere and always: observed on-scene wind or current.
import type { ThreadRecipe } from "./parallel/recipe.js";
import type { ForcingSource } from "./types.js";

export function constantSource(
  u: number,
  v: number,
  name = `constant ${u},${v} m/s`,
): ForcingSource & { threadRecipe(): ThreadRecipe } {
  return {
    name,
    timeRange: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    coverageText: "everywhere, always",
    provenance: { type: "constant", x: u, y: v },
    sample(_time, _lon, _lat, count, need, uOut, vOut) {
      for (let i = 0; i < count; i++) {
        if (need[i] === 1) {
          uOut[i] = u;
          vOut[i] = v;
          need[i] = 0;
        }
      }
    },
    threadRecipe: () => ({ module: import.meta.url, revive: "reviveConstantSource", data: { u, v, name } }),
  };
}

/** Rebuilds a constant source in a worker thread. */
export function reviveConstantSource(data: { u: number; v: number; name: string }): ForcingSource {
  return constantSource(data.u, data.v, data.name);
}
