// A forcing source with one value everywhere and always: observed on-scene wind or current.
import type { ForcingSource } from "./types.js";

export function constantSource(u: number, v: number, name = `constant ${u},${v} m/s`): ForcingSource {
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
  };
}
