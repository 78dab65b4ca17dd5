// The sampling side of a gridded source: GriddedSampler (make sure the loaded field holds the time,
// interpolate by the WebAssembly kernel or in TypeScript) and FieldSource, the gridded source a worker
// thread rebuilds from a field the main thread loaded into shared memory.
import type { ForcingSource, Positions } from "../core/types.js";
import { type GriddedField, sampleGriddedField } from "./field.js";
import { makeProjector, type Projector } from "./projection.js";
import { WasmPlane } from "./wasm-sampling.js";

/** This module's URL, for thread recipes (worker threads import it to rebuild gridded sources). */
export const FIELD_MODULE = import.meta.url;

/**
 * How a gridded source samples (ForcingSource.sample and samplePositions): make sure the loaded field holds
 * the time, interpolate, and when particles lie inside the grid but outside the loaded part, load the whole
 * grid and serve them. Subclasses only load: the files themselves (GriddedSource) or through the thread
 * that owns them (FieldSource).
 */
export abstract class GriddedSampler {
  abstract readonly timeRange: readonly [number, number];
  private readonly scratch = new Float64Array(8);
  private wasmPlane: WasmPlane | null = null;

  sample(
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void {
    this.sampleAt(time, lon, lat, null, count, need, u, v);
  }

  samplePositions(
    time: number,
    positions: Positions,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void {
    this.sampleAt(time, positions.lon, positions.lat, positions, count, need, u, v);
  }

  /** The loaded field, made to hold `time` (reading more when it does not). */
  protected abstract fieldAt(time: number): GriddedField;
  /** The projector of the loaded field's grid (null for lon/lat axes). */
  protected abstract projector(): Projector | null;
  /** Loads the whole grid and returns it, or null when the whole grid is loaded already. */
  protected abstract loadWholeGrid(time: number): GriddedField | null;

  private sampleAt(
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    trig: Positions | null,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void {
    if (!(time >= this.timeRange[0] && time <= this.timeRange[1])) return;
    const outside = this.sampleField(this.fieldAt(time), time, lon, lat, trig, count, need, u, v);
    if (outside === 0) return;
    const whole = this.loadWholeGrid(time);
    if (whole) this.sampleField(whole, time, lon, lat, trig, count, need, u, v);
  }

  /** sampleGriddedField, by the WebAssembly kernel when the positions have one and it covers the grid. */
  private sampleField(
    field: GriddedField,
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    trig: Positions | null,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): number {
    const proj = this.projector();
    if (trig?.kernels) {
      this.wasmPlane ??= new WasmPlane();
      const outside = this.wasmPlane.sample(field, proj, time, trig, count, need, u, v);
      if (outside >= 0) return outside;
    }
    return sampleGriddedField(field, proj, time, lon, lat, count, need, u, v, this.scratch, trig);
  }
}

/** Asks the thread that owns the files for the field covering `time` (the whole grid when `full`). */
export type FieldLoader = (request: FieldRequest) => GriddedField;
export interface FieldRequest {
  time: number;
  full: boolean;
}

/** What a worker thread needs to sample a gridded source: its description and loaded field. */
export interface SharedField {
  name: string;
  timeRange: [number, number];
  coverageText: string;
  provenance: Record<string, string | number>;
  field: GriddedField;
  /** The field holds the whole grid. */
  full: boolean;
}

/**
 * A gridded source in a worker thread: samples a field loaded by the main thread (shared memory) and asks
 * it for more when the run goes beyond the loaded times or area, as GriddedSource reads more itself.
 * Needs none of the file readers, so a thread starts quickly.
 */
export class FieldSource extends GriddedSampler implements ForcingSource {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  private field: GriddedField;
  private full: boolean;
  private fieldProjector: Projector | null;

  constructor(
    shared: SharedField,
    private readonly load: FieldLoader,
  ) {
    super();
    this.name = shared.name;
    this.timeRange = shared.timeRange;
    this.coverageText = shared.coverageText;
    this.provenance = shared.provenance;
    this.field = shared.field;
    this.full = shared.full;
    this.fieldProjector = shared.field.projection ? makeProjector(shared.field.projection) : null;
  }

  protected fieldAt(time: number): GriddedField {
    const times = this.field.times;
    if (!(time >= times[0] && time <= times[times.length - 1]))
      this.replace(this.load({ time, full: this.full }));
    return this.field;
  }

  protected projector(): Projector | null {
    return this.fieldProjector;
  }

  protected loadWholeGrid(time: number): GriddedField | null {
    if (this.full) return null;
    this.replace(this.load({ time, full: true }));
    this.full = true;
    return this.field;
  }

  private replace(field: GriddedField): void {
    this.field = field;
    this.fieldProjector = field.projection ? makeProjector(field.projection) : null;
  }
}

/** Rebuilds a gridded source in a worker thread (see GriddedSource.threadRecipe). */
export function reviveFieldSource(shared: SharedField, load: (request: unknown) => unknown): FieldSource {
  return new FieldSource(shared, load as FieldLoader);
}
