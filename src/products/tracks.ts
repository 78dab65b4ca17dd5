// Which snapshots of a particle the products show, and which particles the track products sample.
import type { Trajectory } from "../core/trajectory.js";
import { Status } from "../core/types.js";

/**
 * True when particle i is shown at snapshot k: released, and either active or at the snapshot where it was
 * deactivated (first stranded, out of forcing …). Later snapshots of a deactivated particle are not shown
 * (particles.nc writes fill values there).
 */
export function shownAt(t: Trajectory, k: number, i: number): boolean {
  const s = t.status[k * t.n + i];
  if (s === Status.unreleased) return false;
  if (s === Status.active || k === 0) return true;
  const p = t.status[(k - 1) * t.n + i];
  return p === Status.active || p === Status.unreleased;
}

/** Snapshot indices at which particle i is shown, in order. */
export function shownSnapshots(t: Trajectory, i: number): number[] {
  const ks: number[] = [];
  for (let k = 0; k < t.times.length; k++) if (shownAt(t, k, i)) ks.push(k);
  return ks;
}

/** Up to `max` particle indices spread evenly over 0..n-1 (deterministic: the same run gives the same set). */
export function sampleParticles(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let m = 0; m < max; m++) out.push(Math.floor((m * n) / max));
  return out;
}

/** Name of a status code as in particles.nc's flag_meanings ("unreleased" for not yet released). */
export function statusName(code: number): string {
  switch (code) {
    case Status.active:
      return "active";
    case Status.stranded:
      return "stranded";
    case Status.missing_data:
      return "missing_data";
    case Status.outside_domain:
      return "outside_domain";
    case Status.unreleased:
      return "unreleased";
    default:
      return `status_${code}`;
  }
}
