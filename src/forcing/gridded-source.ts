// A ForcingSource over gridded files: one vector (wind or current) on one grid, as a time series of
// fields that may come from one file or several files of the same model. prepare() reads the fields
// of the run's time window and the part of the grid the run can reach; sample() then only
// interpolates. A particle that drifts beyond the loaded part, or a time outside it, makes the source
// read more (synchronously, rarely) rather than report missing data.
import { basename } from "node:path";
import type { ThreadRecipe } from "../core/parallel/recipe.js";
import type { ForcingSource, ForcingWindow } from "../core/types.js";
import { netcdfReadyFor, openNetcdfSync } from "../io/netcdf/open.js";
import { type NetcdfFile, strAttr } from "../io/netcdf/types.js";
import { formatBox, gridArea, type IndexBox, type LonLatBox, windowIndexBox } from "./area.js";
import { isoMinute, unpacker, unpackInPlace } from "./cf.js";
import { buildCurvilinearIndex, type CurvilinearIndex } from "./curvilinear.js";
import type { GridInfo, VectorLayout } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import { fillFromNeighbours, type GriddedField, isRegularAxis } from "./field.js";
import { FIELD_MODULE, type FieldRequest, GriddedSampler, type SharedField } from "./field-source.js";
import { projectionName, projectionText } from "./grid-mapping.js";
import { dropUnphysical } from "./limits.js";
import { makeProjector, type Projector } from "./projection.js";

/** Open files shared by all sources, least recently used closed first. */
class FilePool {
  private readonly files = new Map<string, NetcdfFile>();
  constructor(private readonly max: number) {}
  get(path: string): NetcdfFile {
    const f = this.files.get(path);
    if (f) {
      this.files.delete(path);
      this.files.set(path, f);
      return f;
    }
    const opened = openNetcdfSync(path);
    this.files.set(path, opened);
    if (this.files.size > this.max) {
      const [oldest, file] = this.files.entries().next().value as [string, NetcdfFile];
      file.close();
      this.files.delete(oldest);
    }
    return opened;
  }
  closeAll(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
export const filePool = new FilePool(32);

/** Passes of the land fill (fillFromNeighbours' default): how far a filled value can come from. */
const FILL_PASSES = 10;

/** No nodes: every particle inside the grid counts as outside the loaded part, which makes it load. */
const EMPTY_BOX: IndexBox = { i0: 0, i1: -1, j0: 0, j1: -1 };

/** One field of the time series: which file, which time index. */
export interface TimeSlice {
  path: string;
  tIndex: number;
  time: number;
  layout: VectorLayout;
}

/** Index of the last of increasing times ≤ t (or the first). */
export function indexAtOrBefore(times: Float64Array, t: number): number {
  let k = 0;
  while (k + 1 < times.length && times[k + 1] <= t) k++;
  return k;
}
/** Index of the first of increasing times ≥ t (or the last). */
export function indexAtOrAfter(times: Float64Array, t: number): number {
  let k = times.length - 1;
  while (k > 0 && times[k - 1] >= t) k--;
  return k;
}

/** "polar stereographic 91×51, 20 km" and the like. */
export function gridText(grid: GridInfo): string {
  const size = `${grid.nx}×${grid.ny}`;
  if (grid.kind === "curvilinear") return `curvilinear ${size} (${grid.coordinates})`;
  const step = Math.abs(grid.x[1] - grid.x[0]);
  if (grid.kind === "lonlat")
    return `lon/lat ${size}, ${+step.toPrecision(6)}°${grid.lonPeriod ? ", global" : ""}`;
  const deg = makeProjector(grid.projection).degrees;
  const res = deg
    ? `${+step.toPrecision(6)}°`
    : step >= 1000
      ? `${+(step / 1000).toPrecision(6)} km`
      : `${+step.toPrecision(6)} m`;
  return `${projectionName(grid.projection)} ${size}, ${res}`;
}

export class GriddedSource extends GriddedSampler implements ForcingSource {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  readonly area: LonLatBox;
  readonly grid: GridInfo;
  readonly layout: VectorLayout;
  /** The loaded state (null until prepare() or the first sample()). */
  field: GriddedField | null = null;
  private readonly slices: TimeSlice[];
  private readonly times: Float64Array;
  private readonly gridProjector: Projector | null;
  private curv: CurvilinearIndex | null = null;
  private box: IndexBox | null = null;
  private loadedK: [number, number] = [0, -1];

  constructor(slices: TimeSlice[], name?: string) {
    super();
    if (slices.length === 0) throw new Error("GriddedSource needs at least one time slice");
    this.slices = [...slices].sort((a, b) => a.time - b.time);
    this.times = Float64Array.from(this.slices, (s) => s.time);
    this.layout = this.slices[0].layout;
    this.grid = this.layout.grid;
    const files = [...new Set(this.slices.map((s) => s.path))];
    this.name =
      name ??
      (files.length === 1
        ? basename(files[0])
        : `${basename(files[0])} … ${basename(files[files.length - 1])} (${files.length} files)`) +
        (this.slices[0].layout.member ? ` member ${this.slices[0].layout.member.index}` : "");
    this.timeRange = [this.times[0], this.times[this.times.length - 1]];
    this.area = gridArea(this.grid);
    this.coverageText = `${formatBox(this.area)}, ${isoMinute(this.timeRange[0])}..${isoMinute(this.timeRange[1])}`;
    this.gridProjector = this.grid.kind === "projected" ? makeProjector(this.grid.projection) : null;
    const l = this.layout;
    this.provenance = {
      type: "file",
      files: files.map((f) => basename(f)).join(", "),
      variables: `${l.u}, ${l.v} (${l.standardNames.join(", ")})`,
      grid: gridText(this.grid),
      ...(this.grid.kind !== "curvilinear" ? { projection: projectionText(this.grid.projection) } : {}),
      ...(l.level
        ? { level: `${l.level.dim}=${Number.isNaN(l.level.value) ? `#${l.level.index}` : l.level.value}` }
        : {}),
      ...(l.member ? { member: `${l.member.dim}=${l.member.index} of ${l.member.size}` } : {}),
      area: formatBox(this.area),
      timeStart: isoMinute(this.timeRange[0]),
      timeEnd: isoMinute(this.timeRange[1]),
      timeSteps: this.times.length,
    };
  }

  /** Members of the file's ensemble-member dimension (1 without one). */
  get memberCount(): number {
    return this.layout.member?.size ?? 1;
  }

  /** The same time series reading member `m` of the ensemble-member dimension (not yet prepared). */
  forMember(m: number): GriddedSource {
    const member = this.layout.member;
    if (!member || !(Number.isInteger(m) && m >= 0 && m < member.size)) {
      throw new RangeError(`${this.name}: no ensemble member ${m} (it has ${this.memberCount})`);
    }
    return new GriddedSource(
      this.slices.map((s) => ({ ...s, layout: { ...s.layout, member: { ...member, index: m } } })),
    );
  }

  async prepare(window: ForcingWindow): Promise<void> {
    await netcdfReadyFor(this.slices.map((s) => s.path));
    const ka = this.indexAtOrBefore(window.start);
    const kb = this.indexAtOrAfter(window.end);
    // A grid the window does not reach gets an empty field: nothing is read unless a particle turns up.
    const box = windowIndexBox(this.grid, window, this.curvIndex()) ?? EMPTY_BOX;
    this.load(box, ka, kb);
  }

  protected fieldAt(time: number): GriddedField {
    const f = this.field;
    if (!f || !(time >= f.times[0] && time <= f.times[f.times.length - 1])) {
      // Not prepared for this time: read the bracketing fields (rare; prepare() normally did).
      const ka = Math.min(this.indexAtOrBefore(time), f ? this.loadedK[0] : Number.POSITIVE_INFINITY);
      const kb = Math.max(this.indexAtOrAfter(time), f ? this.loadedK[1] : Number.NEGATIVE_INFINITY);
      this.load(this.box ?? EMPTY_BOX, ka, kb);
    }
    return this.field!;
  }

  protected projector(): Projector | null {
    return this.gridProjector;
  }

  protected loadWholeGrid(): GriddedField | null {
    if (this.isFull()) return null;
    // Particles went beyond the prepared area: read the whole grid and serve them.
    this.load(this.fullBox(), this.loadedK[0], this.loadedK[1]);
    return this.field!;
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
  private isFull(): boolean {
    const b = this.box;
    return !!b && b.i0 === 0 && b.j0 === 0 && b.i1 === this.grid.nx - 1 && b.j1 === this.grid.ny - 1;
  }

  private curvIndex(): CurvilinearIndex | null {
    if (this.grid.kind !== "curvilinear") return null;
    this.curv ??= buildCurvilinearIndex(this.grid.nx, this.grid.ny, this.grid.lon, this.grid.lat);
    return this.curv;
  }

  private load(box: IndexBox, ka: number, kb: number): void {
    const grid = this.grid;
    const nx = box.i1 - box.i0 + 1;
    const ny = box.j1 - box.j0 + 1;
    const nt = kb - ka + 1;
    const plane = nx * ny;
    const bytes = nt * plane * 8;
    if (bytes > 4e9) {
      throw new ForcingFileError(
        this.name,
        `the run would need ${(bytes / 1e9).toFixed(1)} GB of this forcing in memory`,
      );
    }
    // Shared memory, so worker threads can sample the same field without copies.
    const U = new Float32Array(new SharedArrayBuffer(4 * nt * plane));
    const V = new Float32Array(new SharedArrayBuffer(4 * nt * plane));
    // Land cells are filled from wet neighbours up to FILL_PASSES cells away: read that much more around
    // the box, so a cell gets the same value whatever box was loaded (threads may load different ones).
    const padded: IndexBox = {
      i0: Math.max(0, box.i0 - FILL_PASSES),
      i1: Math.min(grid.nx - 1, box.i1 + FILL_PASSES),
      j0: Math.max(0, box.j0 - FILL_PASSES),
      j1: Math.min(grid.ny - 1, box.j1 + FILL_PASSES),
    };
    const pnx = padded.i1 - padded.i0 + 1;
    const pPlane = pnx * (padded.j1 - padded.j0 + 1);
    const pu = new Float32Array(plane > 0 ? pPlane : 0);
    const pv = new Float32Array(plane > 0 ? pPlane : 0);
    for (let k = ka; k <= kb && plane > 0; k++) {
      const s = this.slices[k];
      readVectorSlice(filePool.get(s.path), s.layout, s.tIndex, padded, pu, pv, 0);
      const o = (k - ka) * plane;
      for (let j = 0; j < ny; j++) {
        const from = (box.j0 - padded.j0 + j) * pnx + box.i0 - padded.i0;
        U.set(pu.subarray(from, from + nx), o + j * nx);
        V.set(pv.subarray(from, from + nx), o + j * nx);
      }
    }
    const regular = grid.kind !== "curvilinear";
    this.field = {
      kind: regular ? "regular" : "curvilinear",
      nxFull: grid.nx,
      nyFull: grid.ny,
      xAxis: regular ? grid.x : new Float64Array(0),
      yAxis: regular ? grid.y : new Float64Array(0),
      xRegular: regular ? isRegularAxis(grid.x) : true,
      yRegular: regular ? isRegularAxis(grid.y) : true,
      lonPeriod: regular ? grid.lonPeriod : 0,
      projection: grid.kind === "projected" ? grid.projection : null,
      curvilinear: this.curvIndex(),
      i0: box.i0,
      j0: box.j0,
      nx,
      ny,
      times: this.times.slice(ka, kb + 1),
      u: U,
      v: V,
      gridRelative: this.layout.gridRelative && grid.kind === "projected",
    };
    this.box = box;
    this.loadedK = [ka, kb];
  }

  /**
   * How a worker thread rebuilds this source: a FieldSource over the same field (shared memory), which
   * asks this source (on the main thread) when it needs more times or the whole grid.
   */
  threadRecipe(): ThreadRecipe {
    if (!this.field) this.load(this.box ?? EMPTY_BOX, 0, 0);
    const data: SharedField = {
      name: this.name,
      timeRange: [this.timeRange[0], this.timeRange[1]],
      coverageText: this.coverageText,
      provenance: this.provenance,
      field: this.field!,
      full: this.isFull(),
    };
    const serve = (request: unknown): GriddedField => {
      const { time, full } = request as FieldRequest;
      const f = this.field!;
      if (!(time >= f.times[0] && time <= f.times[f.times.length - 1])) {
        const ka = Math.min(this.indexAtOrBefore(time), this.loadedK[0]);
        const kb = Math.max(this.indexAtOrAfter(time), this.loadedK[1]);
        this.load(this.box ?? EMPTY_BOX, ka, kb);
      }
      if (full && !this.isFull()) this.load(this.fullBox(), this.loadedK[0], this.loadedK[1]);
      return this.field!;
    };
    return { module: FIELD_MODULE, revive: "reviveFieldSource", data, serve };
  }
}

/**
 * Reads one time of a vector over an index box into U/V at `offset`: decoded (CF packing, fill values),
 * curvilinear grid-relative components turned to east/north with the
 * grid angle, land masked, then land cells filled from their wet neighbours.
 */
export function readVectorSlice(
  file: NetcdfFile,
  layout: VectorLayout,
  tIndex: number,
  box: IndexBox,
  U: Float32Array,
  V: Float32Array,
  offset: number,
): void {
  const grid = layout.grid;
  const nx = box.i1 - box.i0 + 1;
  const ny = box.j1 - box.j0 + 1;
  const plane = nx * ny;
  const uVar = file.variables.get(layout.u);
  const vVar = file.variables.get(layout.v);
  if (!uVar || !vVar) throw new ForcingFileError(file.path, `variables ${layout.u}/${layout.v} missing`);
  const slab = (y0: number, yn: number, x0: number, xn: number) => {
    const start: number[] = [];
    const count: number[] = [];
    for (const role of layout.roles) {
      if (role === "time") {
        start.push(tIndex);
        count.push(1);
      } else if (role === "level") {
        start.push(layout.level!.index);
        count.push(1);
      } else if (role === "y") {
        start.push(y0);
        count.push(yn);
      } else if (role === "x") {
        start.push(x0);
        count.push(xn);
      } else if (role === "member") {
        start.push(layout.member?.index ?? 0);
        count.push(1);
      } else {
        start.push(0);
        count.push(1);
      }
    }
    return { start, count };
  };
  const uo = new Float64Array(plane);
  const vo = new Float64Array(plane);
  const s = slab(box.j0, ny, box.i0, nx);
  uo.set(unpackInPlace(file.read(layout.u, s.start, s.count), unpacker(uVar)));
  vo.set(unpackInPlace(file.read(layout.v, s.start, s.count), unpacker(vVar)));
  if (grid.kind === "curvilinear") {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const g = (box.j0 + j) * grid.nx + box.i0 + i;
        if (grid.mask && grid.mask[g] === 0) {
          uo[k] = vo[k] = Number.NaN;
          continue;
        }
        if (layout.gridRelative && grid.angle) {
          const a = grid.angle[g];
          const c = Math.cos(a);
          const sn = Math.sin(a);
          const x = uo[k];
          const y = vo[k];
          uo[k] = x * c - y * sn;
          vo[k] = x * sn + y * c;
        }
      }
    }
  }
  dropUnphysical(uo, vo, layout.kind, file.path);
  for (let k = 0; k < plane; k++) {
    if (Number.isNaN(uo[k]) || Number.isNaN(vo[k])) uo[k] = vo[k] = Number.NaN;
  }
  const uPlane = U.subarray(offset, offset + plane);
  const vPlane = V.subarray(offset, offset + plane);
  uPlane.set(uo);
  vPlane.set(vo);
  fillFromNeighbours(uPlane, nx, ny);
  fillFromNeighbours(vPlane, nx, ny);
}

/** A short title for provenance: the file's title/source/institution attributes. */
export function fileTitle(file: NetcdfFile): string {
  const holder = { attrs: file.attrs };
  return [strAttr(holder, "title"), strAttr(holder, "source"), strAttr(holder, "institution")]
    .filter((s) => s && s !== "unknown")
    .join(" — ");
}
