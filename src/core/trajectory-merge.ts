// Separate runs on one clock as one trajectory: the particles of the first part, then the second's, …
// Scenarios (and forcing-ensemble members) run as their own simulations and are joined here, so that each
// part's particles are exactly those of its own run.
import type { Trajectory } from "./trajectory.js";

/**
 * One trajectory of the parts' particles in order. Every part has the same output times; the forcing
 * record is kept when every part has it. Weight, member and scenario come from the parts (set them there).
 */
export function concatTrajectories(parts: readonly Trajectory[]): Trajectory {
  if (parts.length === 0) throw new Error("concatTrajectories: no parts");
  if (parts.length === 1) return parts[0];
  const times = parts[0].times;
  for (const t of parts) {
    if (t.times.length !== times.length || t.times.some((s, k) => s !== times[k]))
      throw new Error("concatTrajectories: the parts have different output times");
  }
  const n = parts.reduce((s, t) => s + t.n, 0);
  const outputs = times.length;
  type Typed = Float32Array | Float64Array | Uint8Array | Uint16Array;
  /** Time-major arrays: per output time, each part's block in turn. */
  const timeMajor = <A extends Typed>(get: (t: Trajectory) => A): A => {
    const out = new (get(parts[0]).constructor as new (length: number) => A)(n * outputs);
    for (let k = 0; k < outputs; k++) {
      let at = k * n;
      for (const t of parts) {
        out.set(get(t).subarray(k * t.n, (k + 1) * t.n) as never, at);
        at += t.n;
      }
    }
    return out;
  };
  const perParticle = <A extends Typed>(get: (t: Trajectory) => A): A => {
    const out = new (get(parts[0]).constructor as new (length: number) => A)(n);
    let at = 0;
    for (const t of parts) {
      out.set(get(t) as never, at);
      at += t.n;
    }
    return out;
  };
  const forcing = parts.every((t) => t.windU && t.windV && t.currentU && t.currentV)
    ? {
        windU: timeMajor((t) => t.windU as Float32Array),
        windV: timeMajor((t) => t.windV as Float32Array),
        currentU: timeMajor((t) => t.currentU as Float32Array),
        currentV: timeMajor((t) => t.currentV as Float32Array),
      }
    : {};
  return {
    n,
    times: Float64Array.from(times),
    lon: timeMajor((t) => t.lon),
    lat: timeMajor((t) => t.lat),
    status: timeMajor((t) => t.status),
    orientation: timeMajor((t) => t.orientation),
    capsized: timeMajor((t) => t.capsized),
    ...forcing,
    releaseTime: perParticle((t) => t.releaseTime),
    weight: perParticle((t) => t.weight),
    member: perParticle((t) => t.member),
    scenario: perParticle((t) => t.scenario),
  };
}
