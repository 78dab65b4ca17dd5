// The WebAssembly step kernels (assembly/kernels.ts, compiled into kernels.wasm) and the memory they work
// in. A run's particle arrays are allocated in one shared WebAssembly.Memory; every thread stepping the
// run instantiates the kernels on that memory, so a kernel reads and writes the same arrays the JavaScript
// kernels do. The kernels give the JavaScript kernels' numbers bit for bit, ~3.6× as fast on one thread (bench/profile.ts); the
// JavaScript kernels remain for every case the WebAssembly ones do not cover, and for all of it when
// DRIFTLINE_KERNELS=js.
import { readFileSync } from "node:fs";

const PAGE_BYTES = 65536;

/**
 * Particles per chunk of the kernels that work in passes (drift, sampleGrid, landHits: see
 * docs/wasm-kernels.md); each pass's values for a chunk stay in a scratch of a few rows of this length.
 */
export const KERNEL_CHUNK = 512;
/** 4 GiB: address space only; pages are committed as the memory grows. */
const MAX_PAGES = 65536;

/**
 * The kernels' parameters in order, as assembly/kernels.ts declares them: arrays are byte offsets into the
 * memory, the rest numbers. The callers' argument counts are checked against this table by the compiler,
 * and test/core/wasm-interface.test.ts checks it against the AssemblyScript source and kernels.wasm.
 */
export const KERNEL_PARAMETERS = {
  drift: [
    "n",
    "status",
    "capsized",
    "mark",
    "lon",
    "lat",
    "prevLon",
    "prevLat",
    "sinLat",
    "cosLat",
    "sinLon",
    "cosLon",
    "windU",
    "windV",
    "currentU",
    "currentV",
    "dwSlope",
    "dwOffset",
    "dwEps",
    "cwSlope",
    "cwOffset",
    "cwEps",
    "dt",
    "capsizedLeewayFraction",
    "scratch",
    "chunk",
  ],
  needActive: ["n", "status", "need"],
  sampleGrid: [
    "count",
    "grid",
    "lon",
    "lat",
    "sinLat",
    "cosLat",
    "sinLon",
    "cosLon",
    "need",
    "uOut",
    "vOut",
    "plane",
    "scratch",
    "chunk",
  ],
  countActive: ["n", "status"],
  markMissing: ["n", "need", "status", "u", "v"],
  releaseDue: ["n", "status", "releaseTime", "lon", "lat", "prevLon", "prevLat", "t", "dt"],
  fillUniform: ["mt", "index", "out", "count"],
  landHits: [
    "n",
    "status",
    "lon",
    "lat",
    "mark",
    "marked",
    "states",
    "binBlocks",
    "binBits",
    "cellsPerDegree",
    "blockSide",
    "scratch",
    "chunk",
  ],
  jibe: ["n", "status", "orientation", "cwSlope", "draws", "capacity", "offset", "perStep"],
} as const;

type KernelName = keyof typeof KERNEL_PARAMETERS;
/** One number per parameter of the table. */
type Arguments<P extends readonly string[]> = { -readonly [K in keyof P]: number };
/** The kernels as called from TypeScript (those declared void return undefined). */
type KernelExports = {
  [K in KernelName]: (...args: Arguments<(typeof KERNEL_PARAMETERS)[K]>) => number;
};

let compiled: WebAssembly.Module | undefined;

function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL("./kernels.wasm", import.meta.url)));
  return compiled;
}

/** Whether runs use the WebAssembly kernels (DRIFTLINE_KERNELS=js: JavaScript only). */
function wasmKernelsEnabled(): boolean {
  const choice = process.env.DRIFTLINE_KERNELS ?? "wasm";
  if (choice !== "wasm" && choice !== "js")
    throw new Error(`DRIFTLINE_KERNELS must be "wasm" or "js", got "${choice}"`);
  return choice === "wasm";
}

/** The kernels instantiated on one memory (one per thread and run). */
export class WasmKernels {
  readonly exports: KernelExports;

  private constructor(readonly memory: WebAssembly.Memory) {
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
    this.exports = instance.exports as unknown as KernelExports;
  }

  /** A new memory for a run, or null when the JavaScript kernels are chosen. */
  static create(): WasmKernels | null {
    if (!wasmKernelsEnabled()) return null;
    // The first page stays the module's own (it has no data today).
    return new WasmKernels(new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }));
  }

  /** The kernels on a memory made by another thread. */
  static attach(memory: WebAssembly.Memory): WasmKernels {
    return new WasmKernels(memory);
  }

  /**
   * `bytes` of fresh zeroed memory; returns the byte offset. Grows the memory by whole pages, which is atomic,
   * so threads sharing the memory may allocate at the same time.
   */
  allocate(bytes: number): number {
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    try {
      return this.memory.grow(pages) * PAGE_BYTES;
    } catch (e) {
      const total = (this.memory.buffer.byteLength / 2 ** 20).toFixed(0);
      throw new Error(
        `the run's WebAssembly memory cannot grow by ${(bytes / 2 ** 20).toFixed(1)} MiB beyond its ${total} MiB (at most 4096 MiB): ${(e as Error).message}`,
      );
    }
  }

  float64(length: number): Float64Array {
    const offset = this.allocate(8 * length); // first: it grows the memory
    return new Float64Array(this.memory.buffer, offset, length);
  }

  uint32(length: number): Uint32Array {
    const offset = this.allocate(4 * length);
    return new Uint32Array(this.memory.buffer, offset, length);
  }

  int32(length: number): Int32Array {
    const offset = this.allocate(4 * length);
    return new Int32Array(this.memory.buffer, offset, length);
  }

  uint8(length: number): Uint8Array {
    const offset = this.allocate(length);
    return new Uint8Array(this.memory.buffer, offset, length);
  }
}
