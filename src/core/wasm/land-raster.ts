// A land mask's rasters in the WebAssembly kernels' memory, for the coastline kernel (landHits). Bins are
// copied the first time a particle reaches them (the JavaScript mask decides for that step), so a thread
// holds only the bins its particles visit.
import type { LandRaster } from "../types.js";
import { KERNEL_CHUNK, type WasmKernels } from "./kernels.js";

const BIN_COUNT = 180 * 360;

export class WasmLandRaster {
  /** Per particle of the range: 1 on land, 2 in a bin not copied yet (see landHits). */
  readonly mark: Uint8Array;
  /** The indices of the particles hits() marked, ascending (as many as it returned). */
  readonly marked: Int32Array;
  private readonly states: Uint8Array;
  private readonly binBlocks: Uint32Array;
  private readonly binBits: Uint32Array;
  private readonly scratch: Int32Array;

  constructor(
    private readonly kernels: WasmKernels,
    private readonly raster: LandRaster,
    particles: number,
  ) {
    this.mark = kernels.uint8(particles);
    this.marked = kernels.int32(particles);
    this.states = kernels.uint8(BIN_COUNT);
    this.states.set(raster.binStates);
    this.binBlocks = kernels.uint32(BIN_COUNT);
    this.binBits = kernels.uint32(BIN_COUNT);
    this.scratch = kernels.int32(3 * KERNEL_CHUNK); // by particle of a chunk: bin, cell column, cell row
  }

  /** Marks the active particles on land (or in bins not copied yet) in `mark` and `marked`; returns how many. */
  hits(n: number, status: Uint8Array, lon: Float64Array, lat: Float64Array): number {
    return this.kernels.exports.landHits(
      n,
      status.byteOffset,
      lon.byteOffset,
      lat.byteOffset,
      this.mark.byteOffset,
      this.marked.byteOffset,
      this.states.byteOffset,
      this.binBlocks.byteOffset,
      this.binBits.byteOffset,
      this.raster.cellsPerDegree,
      this.raster.blockSide,
      this.scratch.byteOffset,
      KERNEL_CHUNK,
    );
  }

  /** Copies the raster of the bin holding (lon, lat) into the kernels' memory, when coastal and not there. */
  addBinAt(lon: number, lat: number): void {
    const tile = this.raster.tileAt(lon, lat);
    if (tile === null || this.binBlocks[tile.bin] !== 0) return;
    const { bin, blocks, bits } = tile;
    const copy = this.kernels.uint8(blocks.byteLength + bits.byteLength);
    copy.set(new Uint8Array(blocks.buffer, blocks.byteOffset, blocks.byteLength));
    copy.set(new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength), blocks.byteLength);
    this.binBlocks[bin] = copy.byteOffset;
    this.binBits[bin] = copy.byteOffset + blocks.byteLength;
  }
}
