// The raster of one coastal bin, stored compactly: the bin is cut into blocks of 64 × 64 cells; blocks that
// are all land or all sea are one number, only blocks on the shore keep their bits (512 bytes each).
// At 4096 cells per degree (27 m north-south) a coastal bin takes 16 KiB plus ~0.5 KiB per km of coast.
import { type BinShape, rasteriseBin } from "./bin-shape.js";

export const BLOCK = 64;
export const BLOCK_SHIFT = 6;
/** Bytes of one mixed block: 64 rows × 8 bytes. */
export const BLOCK_BYTES = (BLOCK * BLOCK) >> 3;
export const SEA_BLOCK = -1;
export const LAND_BLOCK = -2;

export interface Tile {
  /** Cells per degree (power of two, >= 64). */
  cells: number;
  /** Per block, row-major from the south-west: SEA_BLOCK, LAND_BLOCK, or byte offset into `bits`. */
  blocks: Int32Array;
  /** Bits of the mixed blocks: block row r, column c at offset + r * 8 + (c >> 3), bit c & 7. */
  bits: Uint8Array;
}

export function tileBytes(t: Tile): number {
  return t.blocks.byteLength + t.bits.byteLength;
}

export function checkCellsPerDegree(cells: number): void {
  if (!Number.isInteger(cells) || cells < BLOCK || cells > 16384 || (cells & (cells - 1)) !== 0) {
    throw new Error(`cellsPerDegree: ${cells} not allowed; use a power of two from 64 to 16384`);
  }
}

export function buildTile(shape: BinShape, cells: number): Tile {
  const full = rasteriseBin(shape, cells);
  const side = cells >> BLOCK_SHIFT;
  const rowBytes = cells >> 3;
  const blocks = new Int32Array(side * side);
  const mixed: number[] = [];
  for (let bj = 0; bj < side; bj++) {
    for (let bi = 0; bi < side; bi++) {
      const first = full[bj * BLOCK * rowBytes + bi * 8];
      let uniform = first === 0 || first === 255;
      for (let r = 0; uniform && r < BLOCK; r++) {
        const o = (bj * BLOCK + r) * rowBytes + bi * 8;
        for (let k = 0; k < 8; k++) {
          if (full[o + k] !== first) {
            uniform = false;
            break;
          }
        }
      }
      const b = bj * side + bi;
      if (uniform) blocks[b] = first === 0 ? SEA_BLOCK : LAND_BLOCK;
      else {
        blocks[b] = mixed.length * BLOCK_BYTES;
        mixed.push(b);
      }
    }
  }
  const bits = new Uint8Array(mixed.length * BLOCK_BYTES);
  for (const b of mixed) {
    const bj = Math.floor(b / side);
    const bi = b - bj * side;
    const dest = blocks[b];
    for (let r = 0; r < BLOCK; r++) {
      const o = (bj * BLOCK + r) * rowBytes + bi * 8;
      bits.set(full.subarray(o, o + 8), dest + r * 8);
    }
  }
  return { cells, blocks, bits };
}

/** Land at cell column i, row j (0..cells-1 from the bin's south-west corner). */
export function tileCell(t: Tile, i: number, j: number): boolean {
  const o = t.blocks[(j >> BLOCK_SHIFT) * (t.cells >> BLOCK_SHIFT) + (i >> BLOCK_SHIFT)];
  if (o < 0) return o === LAND_BLOCK;
  return ((t.bits[o + ((j & 63) << 3) + ((i & 63) >> 3)] >> (i & 7)) & 1) === 1;
}
