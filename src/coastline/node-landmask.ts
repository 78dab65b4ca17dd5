// The land mask of the OpenDrift reference runs (compatibility "opendrift"): GSHHG full resolution
// sampled at the nodes of a 0.0005° grid (GMT grdlandmask -Df, lakes as land), a point taking the value
// of its nearest node. Our own mask (RasterLandMask) samples 4096 cells per degree at their centres; the
// two disagree on a few metres along every shore, enough to strand a particle one step earlier or later.
import type { ThreadRecipe } from "../core/parallel/recipe.js";
import type { LandMask } from "../core/types.js";
import { BINS_X } from "./gshhg.js";
import { type LandMaskData, RasterLandMask } from "./landmask.js";

/** Nodes per degree of the reference runs' land grid (0.0005°). */
export const REFERENCE_NODES_PER_DEGREE = 2000;

export class NodeLandMask implements LandMask {
  readonly name: string;
  private readonly rasters = new Map<number, Uint8Array | null>();

  constructor(
    private readonly inner: RasterLandMask,
    private readonly n = REFERENCE_NODES_PER_DEGREE,
  ) {
    this.name = `GSHHG ${inner.name.split(" ")[1]} full resolution at the nodes of a ${1 / n}° grid (as OpenDrift's reference runs)`;
  }

  isLand(lon: number, lat: number): boolean {
    if (!(Number.isFinite(lon) && Number.isFinite(lat))) return false;
    const n = this.n;
    const turn = 360 * n;
    const i = ((Math.round(lon * n) % turn) + turn) % turn;
    const j = Math.round(Math.max(-90, Math.min(90 - 1 / n, lat)) * n);
    const col = Math.floor(i / n);
    const south = Math.floor(j / n);
    const bin = (89 - south) * BINS_X + col;
    let bits = this.rasters.get(bin);
    if (bits === undefined) {
      bits = this.inner.nodeRaster(bin, n);
      this.rasters.set(bin, bits);
    }
    if (bits === null) return this.inner.isLand(col + 0.5, south + 0.5);
    const k = (j - south * n) * n + (i - col * n);
    return ((bits[k >> 3] >> (k & 7)) & 1) === 1;
  }

  nearestSea(lon: number, lat: number, maxDistanceM: number) {
    if (!this.isLand(lon, lat)) return { lon, lat, distanceM: 0 };
    return this.inner.nearestSea(lon, lat, maxDistanceM);
  }

  /** Threads rebuild the inner mask from its rasters and sample their own node rasters (same bits). */
  threadRecipe(): ThreadRecipe {
    return { module: import.meta.url, revive: "reviveNodeLandMask", data: this.inner.exportData() };
  }
}

export async function reviveNodeLandMask(data: LandMaskData): Promise<NodeLandMask> {
  return new NodeLandMask(await RasterLandMask.fromData(data));
}
