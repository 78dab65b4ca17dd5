// sampleGriddedField by the WebAssembly kernel, for the grids it covers: arithmetic axes, lon/lat or polar
// stereographic, and a loaded plane no larger than twice the particles (blended in time once per step).
// Same numbers as sampleGriddedField bit for bit; every other case stays with it.
import type { Positions } from "../core/types.js";
import * as S from "../core/wasm/grid-slots.js";
import { KERNEL_CHUNK, type WasmKernels } from "../core/wasm/kernels.js";
import { blendTimes, type GriddedField, gridAxes, timeBracket } from "./field.js";
import { type Projector, WGS84_ES } from "./projection.js";

/** Rows of KERNEL_CHUNK f64 in the kernel's scratch (conformal factors, positions and rotations). */
const SCRATCH_ROWS = 5;

/** A blended plane and grid description in one kernels' memory. */
interface KernelPlane {
  capacity: number;
  grid: Float64Array;
  /** The blended plane: u and v of each cell side by side, [row][column]. */
  uv: Float64Array;
  /** The kernel's scratch: SCRATCH_ROWS rows of KERNEL_CHUNK f64. */
  scratch: Float64Array;
  field: GriddedField | null;
  k0: number;
  k1: number;
  w: number;
}

/**
 * One source's blended plane and grid description in the kernels' memory, reused from step to step; one per
 * run's memory, held weakly so that a source outliving a run does not keep that run's memory.
 */
export class WasmPlane {
  private readonly planes = new WeakMap<WasmKernels, KernelPlane>();
  private readonly bracket = new Float64Array(3);
  /** The last field asked about, and whether the kernel covers its grid. */
  private coveredField: GriddedField | null = null;
  private covered = false;

  /** Grids with evenly spaced axes, lon/lat or polar stereographic (decided once per field). */
  private covers(field: GriddedField, proj: Projector | null): boolean {
    if (field !== this.coveredField) {
      const axes = gridAxes(field);
      this.coveredField = field;
      this.covered =
        field.curvilinear === null &&
        (proj === null || proj.polarStereographic !== undefined) &&
        axes.xArithmetic &&
        axes.yArithmetic;
    }
    return this.covered;
  }

  /**
   * Samples `field` at time t like sampleGriddedField (positions.kernels set, need/u/v in their memory)
   * and returns its result, or returns −1 without touching anything when the kernel does not cover the case.
   */
  sample(
    field: GriddedField,
    proj: Projector | null,
    t: number,
    positions: Positions,
    count: number,
    need: Uint8Array,
    uOut: Float64Array,
    vOut: Float64Array,
  ): number {
    const kernels = positions.kernels;
    const cells = field.nx * field.ny;
    if (!kernels || cells > 2 * count || !this.covers(field, proj)) return -1;
    if (!timeBracket(field.times, t, this.bracket)) return 0;
    let plane = this.planes.get(kernels);
    if (plane === undefined || cells > plane.capacity) {
      plane = allocatePlane(kernels, cells);
      this.planes.set(kernels, plane);
    }
    const k0 = this.bracket[0];
    const k1 = this.bracket[1];
    const w = this.bracket[2];
    if (field !== plane.field) writeGridSlots(plane, field, proj);
    if (field !== plane.field || k0 !== plane.k0 || k1 !== plane.k1 || w !== plane.w)
      blend(plane, field, k0, k1, w);
    plane.field = field;
    return kernels.exports.sampleGrid(
      count,
      plane.grid.byteOffset,
      positions.lon.byteOffset,
      positions.lat.byteOffset,
      positions.sinLat.byteOffset,
      positions.cosLat.byteOffset,
      positions.sinLon.byteOffset,
      positions.cosLon.byteOffset,
      need.byteOffset,
      uOut.byteOffset,
      vOut.byteOffset,
      plane.uv.byteOffset,
      plane.scratch.byteOffset,
      KERNEL_CHUNK,
    );
  }
}

function allocatePlane(kernels: WasmKernels, cells: number): KernelPlane {
  const all = kernels.float64(S.GRID_SLOTS + 2 * cells);
  return {
    capacity: cells,
    grid: all.subarray(0, S.GRID_SLOTS),
    uv: all.subarray(S.GRID_SLOTS),
    scratch: kernels.float64(SCRATCH_ROWS * KERNEL_CHUNK),
    field: null,
    k0: -1,
    k1: -1,
    w: Number.NaN,
  };
}

/** Writes the grid of a field (axes, projection constants) into the plane's slots the kernel reads. */
function writeGridSlots(plane: KernelPlane, f: GriddedField, proj: Projector | null): void {
  const a = gridAxes(f);
  const ps = proj?.polarStereographic;
  const g = plane.grid;
  g[S.G_X_FIRST] = a.xFirst;
  g[S.G_X_SCALE] = a.xScale;
  g[S.G_X_TOP] = a.xTop;
  g[S.G_Y_FIRST] = a.yFirst;
  g[S.G_Y_SCALE] = a.yScale;
  g[S.G_Y_TOP] = a.yTop;
  g[S.G_X_MIN] = a.xMin;
  g[S.G_X_MAX] = a.xMax;
  g[S.G_PERIOD] = f.lonPeriod;
  g[S.G_X_STEP_ABS] = Math.abs(a.xStep);
  g[S.G_NX_FULL] = f.nxFull;
  g[S.G_I0] = f.i0;
  g[S.G_J0] = f.j0;
  g[S.G_NX] = f.nx;
  g[S.G_NY] = f.ny;
  g[S.G_WRAP_X] = a.wrapX ? 1 : 0;
  g[S.G_KIND] = ps ? 1 : 0;
  g[S.G_AKM1] = ps?.akm1 ?? 0;
  g[S.G_E] = ps?.e ?? 0;
  g[S.G_NORTH] = ps?.north ? 1 : 0;
  g[S.G_SIN_LAM0] = ps?.sinLam0 ?? 0;
  g[S.G_COS_LAM0] = ps?.cosLam0 ?? 1;
  g[S.G_X0] = ps?.x0 ?? 0;
  g[S.G_Y0] = ps?.y0 ?? 0;
  g[S.G_WGS84] = ps && ps.es === WGS84_ES ? 1 : 0;
  g[S.G_ES] = ps?.es ?? 0;
  g[S.G_ROTATE] = f.gridRelative && proj !== null ? 1 : 0;
}

/** The two bracketing times blended into the kernels' memory, u and v side by side; one time alone is
 * blended with weight 0 (the same values). */
function blend(plane: KernelPlane, f: GriddedField, k0: number, k1: number, w: number): void {
  blendTimes(f, k0, k1, 1 - w, w, plane.uv, 0, plane.uv, 1, 2);
  plane.k0 = k0;
  plane.k1 = k1;
  plane.w = w;
}
