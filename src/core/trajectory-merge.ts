// Separate runs on one clock as one trajectory: the particles of the first part, then the second's, …
// Scenarios (and forcing-ensemble members) run as their own simulations and are joined here, so that each
// part's particles are exactly those of its own run.
import type { Trajectory } from "./trajectory.js";

/**
 * A new typed array of the same type as `a`. (Not `new (a.constructor as …)(n)`: tsc drops the parentheses
 * of a type assertion after `new`, which then calls the wrong constructor in the compiled code.)
 */
function sameType<A extends Float32Array | Float64Array | Uint8Array | Uint16Array>(a: A, length: number): A {
  const Typed = a.constructor as new (length: number) => A;
  return new Typed(length);
}

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
    const out = sameType(get(parts[0]), n * outputs);
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
    const out = sameType(get(parts[0]), n);
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

/** Particles [from, to) of a trajectory as a trajectory of their own (copies). */
export function sliceTrajectory(t: Trajectory, from: number, to: number): Trajectory {
  if (from === 0 && to === t.n) return t;
  return selectParticles(
    t,
    Uint32Array.from({ length: to - from }, (_, i) => from + i),
  );
}

/** The particles `indices` (ascending) of a trajectory as a trajectory of their own (copies). */
export function selectParticles(t: Trajectory, indices: Uint32Array): Trajectory {
  const n = indices.length;
  const outputs = t.times.length;
  const rows = <A extends Float32Array | Uint8Array>(a: A): A => {
    const out = sameType(a, n * outputs);
    for (let k = 0; k < outputs; k++) {
      const o = k * t.n;
      const to = k * n;
      for (let j = 0; j < n; j++) out[to + j] = a[o + indices[j]];
    }
    return out;
  };
  const each = <A extends Float64Array | Uint16Array>(a: A): A => {
    const out = sameType(a, n);
    for (let j = 0; j < n; j++) out[j] = a[indices[j]];
    return out;
  };
  const forcing =
    t.windU && t.windV && t.currentU && t.currentV
      ? { windU: rows(t.windU), windV: rows(t.windV), currentU: rows(t.currentU), currentV: rows(t.currentV) }
      : {};
  return {
    n,
    times: t.times,
    lon: rows(t.lon),
    lat: rows(t.lat),
    status: rows(t.status),
    orientation: rows(t.orientation),
    capsized: rows(t.capsized),
    ...forcing,
    releaseTime: each(t.releaseTime),
    weight: each(t.weight),
    member: each(t.member),
    scenario: each(t.scenario),
  };
}
