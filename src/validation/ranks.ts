// The rank of an observed position in the forecast's smoothed density (src/products/kde.ts): the share of the
// probability in places denser than the density at the observed position, i.e. the smallest p of a p % highest-
// density area that holds it. 0 at the mode, 1 outside the density; for a calibrated forecast the ranks of
// many observations are uniform on 0…1, so the p % area holds the object p % of the time.
import type { Trajectory } from "../core/trajectory.js";
import type { SmoothedLayer } from "../products/kde.js";
import { projectionOf } from "../products/polygons.js";
import type { DensityGrids } from "../products/types.js";
import { type ObservedTrack, observedAt } from "./track.js";

/** Density of the layer at projected (x, y), bilinear between cell centres; 0 off the frame. */
function densityAt(layer: SmoothedLayer, x: number, y: number): number {
  const { frame, density } = layer;
  const fx = (x - frame.x0) / frame.cellM - 0.5;
  const fy = (y - frame.y0) / frame.cellM - 0.5;
  if (!(fx >= 0 && fy >= 0 && fx <= frame.nx - 1 && fy <= frame.ny - 1)) return 0;
  const i = Math.min(frame.nx - 2, Math.floor(fx));
  const j = Math.min(frame.ny - 2, Math.floor(fy));
  const u = fx - i;
  const v = fy - j;
  const c = j * frame.nx + i;
  return (
    (1 - u) * (1 - v) * density[c] +
    u * (1 - v) * density[c + 1] +
    (1 - u) * v * density[c + frame.nx] +
    u * v * density[c + frame.nx + 1]
  );
}

/** The rank (0…1) of projected point (x, y) in one smoothed layer. */
export function rankIn(layer: SmoothedLayer, x: number, y: number): number {
  const value = densityAt(layer, x, y);
  if (!(value > 0)) return 1;
  let above = 0;
  let total = 0;
  const d = layer.density;
  for (let c = 0; c < d.length; c++) {
    total += d[c];
    if (d[c] > value) above += d[c];
  }
  return total > 0 ? above / total : 1;
}

/**
 * Collects the ranks of the tracks' observed positions at the forecast's output times, as the smoothed layers
 * are computed (the `onLayer` hook of computeSearchAreas). ranks[track][k] is NaN where the track has no
 * position or nothing is afloat.
 */
export function rankCollector(
  tracks: readonly ObservedTrack[],
  trajectory: Pick<Trajectory, "times">,
): { ranks: Float64Array[]; onLayer: (k: number, layer: SmoothedLayer, grids: DensityGrids) => void } {
  const nt = trajectory.times.length;
  const ranks = tracks.map(() => new Float64Array(nt).fill(Number.NaN));
  const xy = { x: 0, y: 0 };
  return {
    ranks,
    onLayer(k, layer, grids) {
      const proj = projectionOf(grids);
      tracks.forEach((track, m) => {
        const obs = observedAt(track, trajectory.times[k]);
        if (!obs) return;
        proj.forward(obs.lon, obs.lat, xy);
        ranks[m][k] = rankIn(layer, xy.x, xy.y);
      });
    },
  };
}
