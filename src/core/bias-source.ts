// A correction added to the sources before it in a chain: every particle they served (need cleared) gets
// (du, dv) m/s more; particles nobody served stay uncovered. The current bias a drifter reveals
// (src/validation/correction.ts) is applied this way: {"current": [{"files": […]}, {"bias": {"x": du, "y": dv}}]}.
import type { ThreadRecipe } from "./parallel/recipe.js";
import type { ForcingSource } from "./types.js";

export function biasSource(
  du: number,
  dv: number,
  name = `bias ${du},${dv} m/s`,
): ForcingSource & { threadRecipe(): ThreadRecipe } {
  return {
    name,
    timeRange: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    coverageText: "adds to the sources before it",
    provenance: { type: "bias", x: du, y: dv },
    sample(_time, _lon, _lat, count, need, uOut, vOut) {
      for (let i = 0; i < count; i++) {
        if (need[i] === 0) {
          uOut[i] += du;
          vOut[i] += dv;
        }
      }
    },
    threadRecipe: () => ({ module: import.meta.url, revive: "reviveBiasSource", data: { du, dv, name } }),
  };
}

/** Rebuilds a bias source in a worker thread. */
export function reviveBiasSource(data: { du: number; dv: number; name: string }): ForcingSource {
  return biasSource(data.du, data.dv, data.name);
}
