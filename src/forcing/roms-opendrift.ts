// The surface current of a ROMS file exactly as OpenDrift 1.14's reader_ROMS_native hands it to Leeway
// (compatibility "opendrift"; ../shared/reference/opendrift/roms-nordic-public/roms-reader-digest.md):
//   - position → fractional rho index by linear interpolation over a Delaunay triangulation of the rho
//     points (domain: their convex hull, 0 ≤ x ≤ nx−1, 0 ≤ y ≤ ny−1);
//   - u[j,i] and v[j,i] used as if both sat at rho[j,i] (no destaggering), top s level, decoded as
//     xarray does (float32 for the packed u/v), mask_u/mask_v → NaN, rotated by angle[j,i], float32;
//   - the block is rows 0..ny−2 and columns 0..nx−2 (the reader never reads the last row and column);
//   - bilinear sampling as scipy's map_coordinates (float32 result; a NaN corner gives NaN even at weight
//     0), then up to 10 passes of "NaN cell ← max of its 3×3 neighbours" with coordinates clamped;
//   - time: the two bracketing fields blended in float32.
// This is not the physically right reading of a C-grid (roms-cgrid.ts is): it exists to reproduce
// OpenDrift's results particle by particle.
import type { ThreadRecipe } from "../core/parallel/recipe.js";
import type { ForcingSource, ForcingWindow } from "../core/types.js";
import { netcdfReadyFor } from "../io/netcdf/open.js";
import { buildDelaunayIndex, type DelaunayIndex, delaunayLocate } from "./delaunay-index.js";
import { ForcingFileError } from "./errors.js";
import { filePool, type TimeSlice } from "./gridded-source.js";
import {
  decodeLikeXarray,
  describeRomsSeries,
  gridAngle,
  horizontalShape,
  hyperslab,
  velocityMask,
} from "./roms-file.js";

/** OpenDrift fills a NaN cell from its neighbours at most this many times. */
const FILL_PASSES = 10;
/** Fill pass of a cell that never gets a value. */
const NEVER = 255;

/** The rotated surface current of the loaded times, as OpenDrift's float32 blocks. */
export interface OpenDriftBlocks {
  /** Block columns (nx − 1) and rows (ny − 1). */
  bnx: number;
  bny: number;
  /** Unix seconds of every time of the source, and the first loaded one (index into them). */
  times: Float64Array;
  k0: number;
  /** [loaded time][row][column]: east and north m/s after the neighbour fill (NaN where it never fills). */
  east: Float32Array;
  north: Float32Array;
  /** The fill pass that gave the cell its value (0: the file's own value; 255: never). */
  pass: Uint8Array;
}

/** What a thread needs to sample the source: the triangulation and the blocks (shared memory). */
export interface OpenDriftShared {
  name: string;
  timeRange: [number, number];
  coverageText: string;
  provenance: Record<string, string | number>;
  nx: number;
  ny: number;
  index: DelaunayIndex;
  blocks: OpenDriftBlocks;
}

/** Samples one component of one loaded time at block coordinates (xi, yi), as the reference does. */
function sampleBlock(b: OpenDriftBlocks, f: Float32Array, k: number, xi: number, yi: number): number {
  const nx = b.bnx;
  const ny = b.bny;
  const cx = Math.min(Math.max(xi, 0), nx - 1);
  const cy = Math.min(Math.max(yi, 0), ny - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const wx0 = 1 - (cx - x0);
  const wx1 = 1 - wx0;
  const wy0 = 1 - (cy - y0);
  const wy1 = 1 - wy0;
  // The neighbour past the last index is mirrored (weight 0, but a NaN there still counts).
  const x1 = x0 + 1 > nx - 1 ? 2 * (nx - 1) - (x0 + 1) : x0 + 1;
  const y1 = y0 + 1 > ny - 1 ? 2 * (ny - 1) - (y0 + 1) : y0 + 1;
  const base = k * nx * ny;
  const k00 = base + y0 * nx + x0;
  const k01 = base + y0 * nx + x1;
  const k10 = base + y1 * nx + x0;
  const k11 = base + y1 * nx + x1;
  const p = b.pass;
  const passes = Math.max(p[k00], p[k01], p[k10], p[k11]);
  // Outside the block (or at a filled corner) the first pass gives NaN; the fill passes then run until
  // every corner has a value, and the clamped look-up reads the filled values.
  if (passes > FILL_PASSES) return Number.NaN;
  let t = 0.0;
  t += f[k00] * wy0 * wx0;
  t += f[k01] * wy0 * wx1;
  t += f[k10] * wy1 * wx0;
  t += f[k11] * wy1 * wx1;
  return Math.fround(t);
}

/** Fills NaN cells of one time's planes from their 3×3 neighbours pass by pass, recording the pass. */
function fillBlock(
  e: Float32Array,
  n: Float32Array,
  pass: Uint8Array,
  nx: number,
  ny: number,
  base: number,
): void {
  let missing: number[] = [];
  for (let c = 0; c < nx * ny; c++) {
    const nan = Number.isNaN(e[base + c]);
    pass[base + c] = nan ? NEVER : 0;
    if (nan) missing.push(c);
  }
  const newE = new Float32Array(missing.length);
  const newN = new Float32Array(missing.length);
  for (let round = 1; round <= FILL_PASSES && missing.length > 0; round++) {
    const found: boolean[] = [];
    missing.forEach((c, m) => {
      const j = (c / nx) | 0;
      const i = c - j * nx;
      let be = Number.NEGATIVE_INFINITY;
      let bn = Number.NEGATIVE_INFINITY;
      let any = false;
      for (let jj = Math.max(0, j - 1); jj <= Math.min(ny - 1, j + 1); jj++) {
        for (let ii = Math.max(0, i - 1); ii <= Math.min(nx - 1, i + 1); ii++) {
          const q = base + jj * nx + ii;
          if (pass[q] >= round) continue;
          any = true;
          if (e[q] > be) be = e[q];
          if (n[q] > bn) bn = n[q];
        }
      }
      found[m] = any;
      newE[m] = be;
      newN[m] = bn;
    });
    const still: number[] = [];
    missing.forEach((c, m) => {
      if (!found[m]) {
        still.push(c);
        return;
      }
      e[base + c] = newE[m];
      n[base + c] = newN[m];
      pass[base + c] = round;
    });
    missing = still;
  }
}

/** The first time index ≥ t (bisect_left). */
function bisectLeft(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Samples the blocks for the particles with need[p] = 1 inside the domain at time t (within the source's times). */
export function sampleOpenDriftRoms(
  ix: DelaunayIndex,
  b: OpenDriftBlocks,
  nx: number,
  ny: number,
  t: number,
  lon: Float64Array,
  lat: Float64Array,
  count: number,
  need: Uint8Array,
  u: Float64Array,
  v: Float64Array,
  xy: Float64Array,
): void {
  const times = b.times;
  const nt = times.length;
  let ib = Math.max(0, bisectLeft(times, t) - 1);
  if (ib + 1 < nt && times[ib + 1] === t) ib++;
  const ia = Math.min(ib + 1, nt - 1);
  const single = t === times[ib];
  const w = single ? 0 : (t - times[ib]) / (times[ia] - times[ib]);
  const f = Math.fround;
  const wb = f(1 - w);
  const wa = f(w);
  const kb = ib - b.k0;
  const ka = ia - b.k0;
  const sx = b.bnx - 1;
  const sy = b.bny - 1;
  for (let p = 0; p < count; p++) {
    if (need[p] !== 1) continue;
    if (!delaunayLocate(ix, lon[p], lat[p], xy)) continue;
    const x = xy[0];
    const y = xy[1];
    if (!(x >= 0 && x <= nx - 1 && y >= 0 && y <= ny - 1)) continue;
    const xi = ((x - 0) / sx) * sx;
    const yi = ((y - 0) / sy) * sy;
    let e = sampleBlock(b, b.east, kb, xi, yi);
    let n = sampleBlock(b, b.north, kb, xi, yi);
    if (!single) {
      e = f(f(e * wb) + f(sampleBlock(b, b.east, ka, xi, yi) * wa));
      n = f(f(n * wb) + f(sampleBlock(b, b.north, ka, xi, yi) * wa));
    }
    if (Number.isNaN(e) || Number.isNaN(n)) continue;
    u[p] = e;
    v[p] = n;
    need[p] = 0;
  }
}

/** Whether the blocks hold both fields around `time`. */
function holds(b: OpenDriftBlocks | null, time: number): boolean {
  if (!b) return false;
  const ib = Math.max(0, bisectLeft(b.times, time) - 1);
  const ia = Math.min(ib + 1, b.times.length - 1);
  return ib >= b.k0 && ia <= b.k0 + b.east.length / Math.max(1, b.bnx * b.bny) - 1;
}

/** Sampling of the source on the main thread and in worker threads; they differ in how blocks load. */
abstract class OpenDriftRomsSampler implements ForcingSource {
  abstract readonly name: string;
  abstract readonly timeRange: readonly [number, number];
  abstract readonly coverageText: string;
  private readonly xy = new Float64Array(2);

  /** The triangulation, the grid size and blocks holding both fields around `time`. */
  protected abstract state(time: number): {
    index: DelaunayIndex;
    nx: number;
    ny: number;
    blocks: OpenDriftBlocks;
  };

  sample(
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void {
    if (!(time >= this.timeRange[0] && time <= this.timeRange[1])) return;
    const { index, nx, ny, blocks } = this.state(time);
    sampleOpenDriftRoms(index, blocks, nx, ny, time, lon, lat, count, need, u, v, this.xy);
  }
}

export class RomsOpenDriftSource extends OpenDriftRomsSampler {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  private readonly slices: TimeSlice[];
  private readonly times: Float64Array;
  private readonly nx: number;
  private readonly ny: number;
  private index: DelaunayIndex | null = null;
  private blocks: OpenDriftBlocks | null = null;

  constructor(slices: TimeSlice[]) {
    super();
    if (slices.length === 0) throw new Error("RomsOpenDriftSource needs at least one time slice");
    this.slices = [...slices].sort((a, b) => a.time - b.time);
    this.times = Float64Array.from(this.slices, (s) => s.time);
    const layout = this.slices[0].layout;
    const grid = layout.grid;
    if (grid.kind !== "curvilinear") throw new Error("RomsOpenDriftSource needs a ROMS grid");
    this.nx = grid.nx;
    this.ny = grid.ny;
    const d = describeRomsSeries(this.slices, "read as OpenDrift's reader_ROMS_native");
    this.name = d.name;
    this.timeRange = d.timeRange;
    this.coverageText = d.coverageText;
    this.provenance = d.provenance;
  }

  async prepare(window: ForcingWindow): Promise<void> {
    await netcdfReadyFor(this.slices.map((s) => s.path));
    const ka = Math.max(0, bisectLeft(this.times, window.start) - 1);
    const kb = Math.min(this.times.length - 1, bisectLeft(this.times, window.end));
    this.load(ka, kb);
  }

  protected state(time: number) {
    return { index: this.index!, nx: this.nx, ny: this.ny, blocks: this.blocksFor(time) };
  }

  /** The blocks holding both fields around `time` (read when they are not loaded). */
  private blocksFor(time: number): OpenDriftBlocks {
    const b = this.blocks;
    if (!holds(b, time)) {
      const ib = Math.max(0, bisectLeft(this.times, time) - 1);
      const ia = Math.min(ib + 1, this.times.length - 1);
      const loadedTo = b ? b.k0 + b.east.length / Math.max(1, b.bnx * b.bny) - 1 : ia;
      this.load(Math.min(ib, b?.k0 ?? ib), Math.max(ia, loadedTo));
    }
    return this.blocks!;
  }

  private load(ka: number, kb: number): void {
    const first = this.slices[0];
    const file0 = filePool.get(first.path);
    const grid = first.layout.grid;
    if (grid.kind !== "curvilinear") throw new Error("not a ROMS grid");
    this.index ??= buildDelaunayIndex(this.nx, grid.lon, grid.lat);
    const uVar = file0.variables.get(first.layout.u)!;
    const vVar = file0.variables.get(first.layout.v)!;
    const bnx = this.nx - 1;
    const bny = this.ny - 1;
    const [uy, ux] = horizontalShape(uVar);
    const [vy, vx] = horizontalShape(vVar);
    if (uy < bny || ux < bnx || vy < bny || vx < bnx)
      throw new ForcingFileError(
        first.path,
        `${uVar.name}/${vVar.name} smaller than the rho grid less one row and column`,
      );
    const angle = gridAngle(file0, this.nx, this.ny);
    const maskU = velocityMask(file0, uVar);
    const maskV = velocityMask(file0, vVar);
    const plane = bnx * bny;
    const nt = kb - ka + 1;
    const east = new Float32Array(new SharedArrayBuffer(4 * Math.max(1, nt * plane)));
    const north = new Float32Array(new SharedArrayBuffer(4 * Math.max(1, nt * plane)));
    const pass = new Uint8Array(new SharedArrayBuffer(Math.max(1, nt * plane)));
    const level = first.layout.level?.index ?? 0;
    for (let k = ka; k <= kb; k++) {
      const s = this.slices[k];
      const file = filePool.get(s.path);
      const slab = hyperslab(s.layout.roles, s.tIndex, level, 0, bny, 0, bnx, s.layout.member?.index ?? 0);
      const uu = decodeLikeXarray(uVar, file.read(s.layout.u, slab.start, slab.count));
      const vv = decodeLikeXarray(vVar, file.read(s.layout.v, slab.start, slab.count));
      const base = (k - ka) * plane;
      for (let j = 0; j < bny; j++) {
        for (let i = 0; i < bnx; i++) {
          const c = j * bnx + i;
          const x = maskU && maskU.mask[j * maskU.nx + i] === 0 ? Number.NaN : uu[c];
          const y = maskV && maskV.mask[j * maskV.nx + i] === 0 ? Number.NaN : vv[c];
          const a = angle[j * this.nx + i];
          east[base + c] = x * Math.cos(a) - y * Math.sin(a);
          north[base + c] = x * Math.sin(a) + y * Math.cos(a);
        }
      }
      fillBlock(east, north, pass, bnx, bny, base);
    }
    this.blocks = { bnx, bny, times: this.times, k0: ka, east, north, pass };
  }

  /** Threads sample the same triangulation and blocks (shared memory); more times come from this thread. */
  threadRecipe(): ThreadRecipe {
    if (!this.blocks) this.load(0, 0);
    const data: OpenDriftShared = {
      name: this.name,
      timeRange: [this.timeRange[0], this.timeRange[1]],
      coverageText: this.coverageText,
      provenance: this.provenance,
      nx: this.nx,
      ny: this.ny,
      index: this.index!,
      blocks: this.blocks!,
    };
    const serve = (time: unknown): OpenDriftBlocks => this.blocksFor(time as number);
    return { module: import.meta.url, revive: "reviveOpenDriftRoms", data, serve };
  }
}

/** The source in a worker thread: samples the shared blocks, asks the main thread for other times. */
class OpenDriftRomsThreadSource extends OpenDriftRomsSampler {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  private blocks: OpenDriftBlocks;

  constructor(
    private readonly shared: OpenDriftShared,
    private readonly call: (request: unknown) => unknown,
  ) {
    super();
    this.name = shared.name;
    this.timeRange = shared.timeRange;
    this.coverageText = shared.coverageText;
    this.provenance = shared.provenance;
    this.blocks = shared.blocks;
  }

  protected state(time: number) {
    if (!holds(this.blocks, time)) this.blocks = this.call(time) as OpenDriftBlocks;
    const { index, nx, ny } = this.shared;
    return { index, nx, ny, blocks: this.blocks };
  }
}

export function reviveOpenDriftRoms(
  data: OpenDriftShared,
  call: (request: unknown) => unknown,
): ForcingSource {
  return new OpenDriftRomsThreadSource(data, call);
}
