// The surface current of a ROMS file read as the model defines it (default, compatibility "exact").
// ROMS staggers its velocities on an Arakawa C-grid: u[j,i] lies between rho points (j,i) and (j,i+1),
// v[j,i] between (j,i) and (j+1,i). A particle's position is turned into a fractional rho index (fx, fy)
// by inverting the bilinear map of the rho cell it is in; u is then interpolated bilinearly from the
// u-points around it, at u-index (fx − ½, fy), and v from the v-points, at v-index (fx, fy − ½). Each
// component is taken from where the model computed it, with the interpolation error of one bilinear step
// (averaging to rho points first would add a second smoothing step, and half a cell of blur at coasts).
// Land velocity points (mask_u/mask_v = 0, or derived from mask_rho as ROMS does) are zero, as in the
// model: no flow through a land face, and the current fades to zero over the last half cell to land, as
// in ROMS's own float tracking. The top s_rho level is the surface. The vector is turned from grid to
// east/north by the grid angle interpolated at the particle. Files cut by index ranges (u with as many
// columns as rho, as Nordic_subset.nc) keep this meaning: u[j,i] is still east of rho[j,i].
// The domain is the rho grid's cells, as for every curvilinear grid: outside them, missing_data.
import type { ThreadRecipe } from "../core/parallel/recipe.js";
import type { ForcingSource, ForcingWindow } from "../core/types.js";
import { netcdfReadyFor } from "../io/netcdf/open.js";
import type { NetcdfFile } from "../io/netcdf/types.js";
import { type IndexBox, windowIndexBox } from "./area.js";
import { unpacker, unpackInPlace } from "./cf.js";
import { buildCurvilinearIndex, type CurvilinearIndex, locate } from "./curvilinear.js";
import type { CurvilinearGrid } from "./discover.js";
import { filePool, indexAtOrAfter, indexAtOrBefore, type TimeSlice } from "./gridded-source.js";
import { describeRomsSeries, horizontalShape, hyperslab, velocityMask } from "./roms-file.js";

/** One velocity component over a box of its own points, for the loaded times. */
export interface StaggeredComponent {
  /** Size of the component's full grid (u: ny × nx−1 or nx; v: ny−1 or ny × nx). */
  nxFull: number;
  nyFull: number;
  /** Loaded box: columns x0 … x0+nx−1, rows y0 … y0+ny−1. */
  x0: number;
  y0: number;
  nx: number;
  ny: number;
  /** [time][row][column], m/s along the grid axis; 0 on land. */
  data: Float32Array;
}

/** What sampling needs: the rho grid's index, angle, the loaded times and both components. */
export interface CGridState {
  index: CurvilinearIndex;
  nx: number;
  ny: number;
  cosAngle: Float64Array;
  sinAngle: Float64Array;
  /** Unix seconds of the loaded times. */
  times: Float64Array;
  u: StaggeredComponent;
  v: StaggeredComponent;
  /** The boxes hold the whole grids. */
  full: boolean;
}

/** Bilinear weights and corners of a component at fractional index (gx, gy), or false outside its box. */
function corners(c: StaggeredComponent, gx: number, gy: number, out: Float64Array): boolean {
  const x = Math.min(Math.max(gx, 0), c.nxFull - 1);
  const y = Math.min(Math.max(gy, 0), c.nyFull - 1);
  let i = Math.floor(x);
  let j = Math.floor(y);
  if (i > c.nxFull - 2) i = Math.max(0, c.nxFull - 2);
  if (j > c.nyFull - 2) j = Math.max(0, c.nyFull - 2);
  const li = i - c.x0;
  const lj = j - c.y0;
  if (li < 0 || lj < 0 || li + 1 >= c.nx || lj + 1 >= c.ny) return false;
  const i1 = li + 1;
  const j1 = lj + 1;
  const sx = x - i;
  const sy = y - j;
  out[0] = lj * c.nx + li;
  out[1] = lj * c.nx + i1;
  out[2] = j1 * c.nx + li;
  out[3] = j1 * c.nx + i1;
  out[4] = (1 - sx) * (1 - sy);
  out[5] = sx * (1 - sy);
  out[6] = (1 - sx) * sy;
  out[7] = sx * sy;
  return true;
}

function interpolate(c: StaggeredComponent, w: Float64Array, k0: number, k1: number, wt: number): number {
  const plane = c.nx * c.ny;
  const d = c.data;
  let a = 0;
  let b = 0;
  for (let q = 0; q < 4; q++) {
    a += w[4 + q] * d[k0 * plane + w[q]];
    b += w[4 + q] * d[k1 * plane + w[q]];
  }
  return a + (b - a) * wt;
}

/**
 * Samples the C-grid current at time t (within s.times) for particles with need[p] = 1 inside the rho
 * grid. Returns how many were inside the grid but outside the loaded boxes (the caller loads more).
 */
export function sampleCGrid(
  s: CGridState,
  t: number,
  lon: Float64Array,
  lat: Float64Array,
  count: number,
  need: Uint8Array,
  uOut: Float64Array,
  vOut: Float64Array,
  scratch: Float64Array,
): number {
  const times = s.times;
  let k0 = 0;
  while (k0 + 1 < times.length && times[k0 + 1] <= t) k0++;
  const k1 = Math.min(k0 + 1, times.length - 1);
  const wt = k1 === k0 ? 0 : (t - times[k0]) / (times[k1] - times[k0]);
  const xy = scratch.subarray(0, 2);
  const wu = scratch.subarray(2, 10);
  const wv = scratch.subarray(10, 18);
  const nx = s.nx;
  let outside = 0;
  for (let p = 0; p < count; p++) {
    if (need[p] !== 1) continue;
    if (!locate(s.index, lon[p], lat[p], xy)) continue;
    const fx = xy[0];
    const fy = xy[1];
    if (!corners(s.u, fx - 0.5, fy, wu) || !corners(s.v, fx, fy - 0.5, wv)) {
      outside++;
      continue;
    }
    const u = interpolate(s.u, wu, k0, k1, wt);
    const v = interpolate(s.v, wv, k0, k1, wt);
    // The grid angle at the particle: its cosine and sine interpolated over the rho cell.
    const i = Math.min(Math.floor(fx), nx - 2);
    const j = Math.min(Math.floor(fy), s.ny - 2);
    const sx = fx - i;
    const sy = fy - j;
    const k = j * nx + i;
    const w00 = (1 - sx) * (1 - sy);
    const w10 = sx * (1 - sy);
    const w01 = (1 - sx) * sy;
    const w11 = sx * sy;
    const C = s.cosAngle;
    const S = s.sinAngle;
    let c = w00 * C[k] + w10 * C[k + 1] + w01 * C[k + nx] + w11 * C[k + nx + 1];
    let sn = w00 * S[k] + w10 * S[k + 1] + w01 * S[k + nx] + w11 * S[k + nx + 1];
    const r = Math.hypot(c, sn) || 1;
    c /= r;
    sn /= r;
    uOut[p] = u * c - v * sn;
    vOut[p] = u * sn + v * c;
    need[p] = 0;
  }
  return outside;
}

/** Land of a velocity component: its own mask, else ROMS's rule from mask_rho (both neighbours wet). */
function componentMask(
  file: NetcdfFile,
  variable: string,
  grid: CurvilinearGrid,
  along: "x" | "y",
  nx: number,
  ny: number,
): Uint8Array | null {
  const own = velocityMask(file, file.variables.get(variable)!);
  if (own && own.mask.length === nx * ny) return Uint8Array.from(own.mask, (m) => (m > 0.5 ? 1 : 0));
  const rho = grid.mask;
  if (!rho) return null;
  const out = new Uint8Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const a = j * grid.nx + i;
      const b = along === "x" ? (i + 1 < grid.nx ? a + 1 : a) : j + 1 < grid.ny ? a + grid.nx : a;
      out[j * nx + i] = rho[a] & rho[b];
    }
  }
  return out;
}

/** Sampling on the main thread and in worker threads; they differ in how they get the loaded state. */
abstract class CGridSampler implements ForcingSource {
  abstract readonly name: string;
  abstract readonly timeRange: readonly [number, number];
  abstract readonly coverageText: string;
  private readonly scratch = new Float64Array(18);

  /** A loaded state holding `time` (and the whole grid when `full`). */
  protected abstract stateFor(time: number, full: boolean): CGridState;

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
    const s = this.stateFor(time, false);
    // Particles beyond the loaded area: load the whole grid and serve them.
    if (sampleCGrid(s, time, lon, lat, count, need, u, v, this.scratch) > 0 && !s.full)
      sampleCGrid(this.stateFor(time, true), time, lon, lat, count, need, u, v, this.scratch);
  }
}

/** Whether a state holds `time` (and the whole grid when `full`). */
function holds(s: CGridState | null, time: number, full: boolean): boolean {
  return !!s && time >= s.times[0] && time <= s.times[s.times.length - 1] && (!full || s.full);
}

export class RomsCGridSource extends CGridSampler {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  private readonly slices: TimeSlice[];
  private readonly times: Float64Array;
  private readonly grid: CurvilinearGrid;
  private readonly index: CurvilinearIndex;
  private readonly cosAngle: Float64Array;
  private readonly sinAngle: Float64Array;
  private masks: { u: Uint8Array | null; v: Uint8Array | null; uShape: number[]; vShape: number[] } | null =
    null;
  private state: CGridState | null = null;
  private box: IndexBox | null = null;

  constructor(slices: TimeSlice[]) {
    super();
    if (slices.length === 0) throw new Error("RomsCGridSource needs at least one time slice");
    this.slices = [...slices].sort((a, b) => a.time - b.time);
    this.times = Float64Array.from(this.slices, (s) => s.time);
    const layout = this.slices[0].layout;
    if (layout.grid.kind !== "curvilinear") throw new Error("RomsCGridSource needs a ROMS grid");
    this.grid = layout.grid;
    const g = this.grid;
    this.index = buildCurvilinearIndex(g.nx, g.ny, g.lon, g.lat);
    this.cosAngle = new Float64Array(new SharedArrayBuffer(8 * g.nx * g.ny));
    this.sinAngle = new Float64Array(new SharedArrayBuffer(8 * g.nx * g.ny));
    for (let k = 0; k < g.nx * g.ny; k++) {
      const a = layout.gridRelative && g.angle ? g.angle[k] : 0;
      this.cosAngle[k] = Math.cos(a);
      this.sinAngle[k] = Math.sin(a);
    }
    const d = describeRomsSeries(this.slices, "C-grid: u and v from their own points");
    this.name = d.name;
    this.timeRange = d.timeRange;
    this.coverageText = d.coverageText;
    this.provenance = d.provenance;
  }

  async prepare(window: ForcingWindow): Promise<void> {
    await netcdfReadyFor(this.slices.map((s) => s.path));
    const box = windowIndexBox(this.grid, window, this.index) ?? this.fullBox();
    this.load(box, this.indexAtOrBefore(window.start), this.indexAtOrAfter(window.end));
  }

  /** The loaded state holding `time` (and the whole grid when `full`), read when it does not. */
  protected stateFor(time: number, full: boolean): CGridState {
    const s = this.state;
    if (holds(s, time, full)) return s!;
    const held = holds(s, time, false);
    const ka = Math.min(
      this.indexAtOrBefore(time),
      held ? this.indexAtOrBefore(s!.times[0]) : Number.POSITIVE_INFINITY,
    );
    const kb = Math.max(
      this.indexAtOrAfter(time),
      held ? this.indexAtOrAfter(s!.times[s!.times.length - 1]) : -1,
    );
    this.load(full ? this.fullBox() : (this.box ?? this.fullBox()), ka, kb);
    return this.state!;
  }

  private indexAtOrBefore(t: number): number {
    return indexAtOrBefore(this.times, t);
  }
  private indexAtOrAfter(t: number): number {
    return indexAtOrAfter(this.times, t);
  }
  private fullBox(): IndexBox {
    return { i0: 0, i1: this.grid.nx - 1, j0: 0, j1: this.grid.ny - 1 };
  }

  private load(box: IndexBox, ka: number, kb: number): void {
    const first = this.slices[0];
    const file0 = filePool.get(first.path);
    const layout = first.layout;
    const uVar = file0.variables.get(layout.u)!;
    const vVar = file0.variables.get(layout.v)!;
    const [nyu, nxu] = horizontalShape(uVar);
    const [nyv, nxv] = horizontalShape(vVar);
    this.masks ??= {
      u: componentMask(file0, layout.u, this.grid, "x", nxu, nyu),
      v: componentMask(file0, layout.v, this.grid, "y", nxv, nyv),
      uShape: [nyu, nxu],
      vShape: [nyv, nxv],
    };
    const clampBox = (x0: number, x1: number, y0: number, y1: number, nx: number, ny: number) => ({
      x0: Math.max(0, x0),
      x1: Math.min(nx - 1, x1),
      y0: Math.max(0, y0),
      y1: Math.min(ny - 1, y1),
    });
    // u at u-index fx − ½ needs columns i0 − 1 … i1 of the rho box; v rows j0 − 1 … j1.
    const ub = clampBox(box.i0 - 1, box.i1, box.j0, box.j1, nxu, nyu);
    const vb = clampBox(box.i0, box.i1, box.j0 - 1, box.j1, nxv, nyv);
    const nt = kb - ka + 1;
    const read = (
      name: string,
      b: ReturnType<typeof clampBox>,
      nxFull: number,
      nyFull: number,
      mask: Uint8Array | null,
    ) => {
      const nx = b.x1 - b.x0 + 1;
      const ny = b.y1 - b.y0 + 1;
      const data = new Float32Array(new SharedArrayBuffer(4 * Math.max(1, nt * nx * ny)));
      const variable = file0.variables.get(name)!;
      for (let k = ka; k <= kb; k++) {
        const s = this.slices[k];
        const slab = hyperslab(
          s.layout.roles,
          s.tIndex,
          s.layout.level?.index ?? 0,
          b.y0,
          ny,
          b.x0,
          nx,
          s.layout.member?.index ?? 0,
        );
        const raw = unpackInPlace(
          filePool.get(s.path).read(name, slab.start, slab.count),
          unpacker(variable),
        );
        const o = (k - ka) * nx * ny;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const value = raw[j * nx + i];
            const wet = mask === null || mask[(b.y0 + j) * nxFull + b.x0 + i] === 1;
            // Land (and a missing value) is zero velocity, as the model holds it.
            data[o + j * nx + i] = wet && Number.isFinite(value) ? value : 0;
          }
        }
      }
      return { nxFull, nyFull, x0: b.x0, y0: b.y0, nx, ny, data };
    };
    const g = this.grid;
    this.state = {
      index: this.index,
      nx: g.nx,
      ny: g.ny,
      cosAngle: this.cosAngle,
      sinAngle: this.sinAngle,
      times: this.times.slice(ka, kb + 1),
      u: read(layout.u, ub, nxu, nyu, this.masks.u),
      v: read(layout.v, vb, nxv, nyv, this.masks.v),
      full: box.i0 === 0 && box.j0 === 0 && box.i1 === g.nx - 1 && box.j1 === g.ny - 1,
    };
    this.box = box;
  }

  /** Threads sample the same loaded state (shared memory) and ask this thread for more times or area. */
  threadRecipe(): ThreadRecipe {
    const t = this.timeRange[0];
    const s = this.state ?? this.stateFor(t, false);
    const serve = (request: unknown): CGridState => {
      const { time, full } = request as { time: number; full: boolean };
      return this.stateFor(time, full);
    };
    const data = {
      name: this.name,
      timeRange: this.timeRange,
      coverageText: this.coverageText,
      provenance: this.provenance,
      state: s,
    };
    return { module: import.meta.url, revive: "reviveRomsCGrid", data, serve };
  }
}

/** The C-grid source in a worker thread: samples the shared state, asks the main thread for more. */
class RomsCGridThreadSource extends CGridSampler {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  private state: CGridState;

  constructor(
    data: {
      name: string;
      timeRange: [number, number];
      coverageText: string;
      provenance: Record<string, string | number>;
      state: CGridState;
    },
    private readonly call: (request: unknown) => unknown,
  ) {
    super();
    this.name = data.name;
    this.timeRange = data.timeRange;
    this.coverageText = data.coverageText;
    this.provenance = data.provenance;
    this.state = data.state;
  }

  protected stateFor(time: number, full: boolean): CGridState {
    if (!holds(this.state, time, full))
      this.state = this.call({ time, full: full || this.state.full }) as CGridState;
    return this.state;
  }
}

export function reviveRomsCGrid(
  data: ConstructorParameters<typeof RomsCGridThreadSource>[0],
  call: (request: unknown) => unknown,
): ForcingSource {
  return new RomsCGridThreadSource(data, call);
}
