// Physical bounds of forcing values. A current of 1e20 m/s or a wind packed with scale_factor = ∞ is a
// broken file, not weather: such values become missing data (filled from neighbours like land cells),
// with one warning per file, so that they never reach the step loop (where a huge move would take
// unbounded sub-steps). Constant values in a spec beyond the bounds are refused (pipeline/spec.ts).
import type { VectorKind } from "./discover.js";

/** The fastest physical speed of each kind (m/s): ocean currents stay under ~3 m/s, 100 m/s wind is beyond any hurricane's 10 m wind. */
export const MAX_SPEED: Readonly<Record<VectorKind, number>> = { current: 15, wind: 100 };

const warned = new Set<string>();

/**
 * Sets u and v to NaN wherever the speed exceeds MAX_SPEED[kind] (including ±∞) and warns once per
 * source that it did. Returns how many values it dropped.
 */
export function dropUnphysical(
  u: Float64Array | Float32Array,
  v: Float64Array | Float32Array,
  kind: VectorKind,
  source: string,
): number {
  const limit = MAX_SPEED[kind];
  const limit2 = limit * limit;
  let dropped = 0;
  for (let k = 0; k < u.length; k++) {
    const s2 = u[k] * u[k] + v[k] * v[k];
    // NaN stays NaN (it is missing already); ∞ and huge values fail the test.
    if (s2 > limit2) {
      u[k] = v[k] = Number.NaN;
      dropped++;
    }
  }
  if (dropped > 0 && !warned.has(`${kind} ${source}`)) {
    warned.add(`${kind} ${source}`);
    console.warn(
      `warning: ${source}: ${dropped} ${kind} value(s) faster than ${limit} m/s treated as missing data (a broken or mis-scaled file)`,
    );
  }
  return dropped;
}
