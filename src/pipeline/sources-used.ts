// Which forcing sources the particles actually drew on: the catalog picks every file whose box reaches the
// run's window, but the mission's forcing list should name only those that covered particles (issue 19).
import type { Trajectory } from "../core/trajectory.js";
import { type ForcingSet, type ForcingSource, Status } from "../core/types.js";

/** Particles asked for at once (bounds the scratch arrays; a source samples a block in one call). */
const CHUNK = 4096;

/**
 * The sources that served at least one afloat particle at some output time, every particle asked in
 * priority order as the run samples them (a later source only where the earlier ones have no data): a
 * source that covered a single particle is named.
 */
export function sourcesThatCovered(set: ForcingSet, t: Trajectory): Set<ForcingSource> {
  const used = new Set<ForcingSource>();
  const m = Math.min(CHUNK, t.n);
  const lon = new Float64Array(m);
  const lat = new Float64Array(m);
  const need = new Uint8Array(m);
  const u = new Float64Array(m);
  const v = new Float64Array(m);
  const all = set.wind.length + set.current.length;
  // Once every source has served a particle, later particles and times cannot change the answer.
  for (let k = 0; k < t.times.length && used.size < all; k++) {
    for (let start = 0; start < t.n && used.size < all; start += CHUNK) {
      const end = Math.min(t.n, start + CHUNK);
      let count = 0;
      for (let i = start; i < end; i++) {
        const o = k * t.n + i;
        if (t.status[o] !== Status.active) continue;
        lon[count] = t.lon[o];
        lat[count] = t.lat[o];
        count++;
      }
      if (count === 0) continue;
      for (const sources of [set.wind, set.current]) {
        need.fill(1, 0, count);
        let left = count;
        for (const s of sources) {
          if (left === 0) break;
          s.sample(t.times[k], lon, lat, count, need, u, v);
          let now = 0;
          for (let i = 0; i < count; i++) now += need[i];
          if (now < left) used.add(s);
          left = now;
        }
      }
    }
  }
  return used;
}
