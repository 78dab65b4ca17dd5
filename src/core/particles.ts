// Particle state as a structure of typed arrays: one array per property, index = particle id.
import { Status } from "./types.js";
import { WasmKernels } from "./wasm/kernels.js";

export interface Particles {
  readonly n: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Position at the start of the previous step (for stranding between two positions). */
  prevLon: Float64Array;
  prevLat: Float64Array;
  /** sin and cos of latitude and longitude, carried along so that the step loop needs no trig calls. */
  sinLat: Float64Array;
  cosLat: Float64Array;
  sinLon: Float64Array;
  cosLon: Float64Array;
  status: Uint8Array;
  releaseTime: Float64Array;
  /** 0 takes the right-crosswind coefficients, 1 the left; flips when the object jibes. */
  orientation: Uint8Array;
  capsized: Uint8Array;
  /**
   * Leeway coefficients. The reference keeps them in float32, and so do we: the same values, half the
   * memory and bandwidth (they are read every step).
   */
  dwSlope: Float32Array;
  dwOffset: Float32Array;
  dwEps: Float32Array;
  cwSlope: Float32Array;
  cwOffset: Float32Array;
  cwEps: Float32Array;
  /** Forcing sampled for the coming step, m/s east/north. */
  windU: Float64Array;
  windV: Float64Array;
  currentU: Float64Array;
  currentV: Float64Array;
  /**
   * Probability weight of each particle (default 1): every product counts a particle by its weight, so that
   * scenarios, ensembles and search updates can weigh particles without special cases.
   */
  weight: Float64Array;
  /** Forcing-ensemble member of each particle (default 0). */
  member: Uint16Array;
  /** Scenario of each particle (index into the spec's scenarios; default 0). */
  scenario: Uint16Array;
  /**
   * The WebAssembly kernels on the memory that holds every array above, or null when the arrays are plain
   * (JavaScript kernels only). Not sent to threads: each attaches its own to the same memory.
   */
  kernels: WasmKernels | null;
}

type Float64Key = { [K in keyof Particles]: Particles[K] extends Float64Array ? K : never }[keyof Particles];
type Float32Key = { [K in keyof Particles]: Particles[K] extends Float32Array ? K : never }[keyof Particles];
type Uint8Key = { [K in keyof Particles]: Particles[K] extends Uint8Array ? K : never }[keyof Particles];
type Uint16Key = { [K in keyof Particles]: Particles[K] extends Uint16Array ? K : never }[keyof Particles];

/**
 * The one place a Particles object is made: every one has the same properties in the same order, so the
 * kernels see one object shape and stay fast (a differently built object makes them several times slower).
 */
function particlesOf(
  n: number,
  f64: (key: Float64Key) => Float64Array,
  f32: (key: Float32Key) => Float32Array,
  u8: (key: Uint8Key) => Uint8Array,
  u16: (key: Uint16Key) => Uint16Array,
  kernels: WasmKernels | null,
): Particles {
  return {
    n,
    lon: f64("lon"),
    lat: f64("lat"),
    prevLon: f64("prevLon"),
    prevLat: f64("prevLat"),
    sinLat: f64("sinLat"),
    cosLat: f64("cosLat"),
    sinLon: f64("sinLon"),
    cosLon: f64("cosLon"),
    status: u8("status"),
    releaseTime: f64("releaseTime"),
    orientation: u8("orientation"),
    capsized: u8("capsized"),
    dwSlope: f32("dwSlope"),
    dwOffset: f32("dwOffset"),
    dwEps: f32("dwEps"),
    cwSlope: f32("cwSlope"),
    cwOffset: f32("cwOffset"),
    cwEps: f32("cwEps"),
    windU: f64("windU"),
    windV: f64("windV"),
    currentU: f64("currentU"),
    currentV: f64("currentV"),
    weight: f64("weight"),
    member: u16("member"),
    scenario: u16("scenario"),
    kernels,
  };
}

/** Bytes of one particle's arrays (14 float64, 6 float32, 3 uint8, 2 uint16), and the number of arrays. */
const BYTES_PER_PARTICLE = 14 * 8 + 6 * 4 + 3 + 2 * 2;
const ARRAYS = 25;

/** New particles: not yet released, weight 1, member 0, scenario 0. */
function initialValues(p: Particles): Particles {
  p.status.fill(Status.unreleased);
  p.weight.fill(1);
  return p;
}

/**
 * Particle arrays: in a WebAssembly memory (shared) unless the JavaScript kernels are chosen, else in shared
 * memory when worker threads step ranges of them.
 */
export function allocateParticles(n: number, shared = false): Particles {
  const kernels = WasmKernels.create();
  if (kernels !== null) {
    // One block; each array starts on 8 bytes.
    const bytes = BYTES_PER_PARTICLE * n + 8 * ARRAYS;
    let offset = kernels.allocate(bytes);
    const end = offset + bytes;
    const buffer = kernels.memory.buffer;
    const take = (length: number) => {
      const at = offset;
      offset += Math.ceil(length / 8) * 8;
      if (offset > end) throw new Error("particle arrays overrun their block (BYTES_PER_PARTICLE)");
      return at;
    };
    return initialValues(
      particlesOf(
        n,
        () => new Float64Array(buffer, take(8 * n), n),
        () => new Float32Array(buffer, take(4 * n), n),
        () => new Uint8Array(buffer, take(n), n),
        () => new Uint16Array(buffer, take(2 * n), n),
        kernels,
      ),
    );
  }
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return initialValues(
    particlesOf(
      n,
      () => new Float64Array(buffer(8 * n)),
      () => new Float32Array(buffer(4 * n)),
      () => new Uint8Array(buffer(n)),
      () => new Uint16Array(buffer(2 * n)),
      null,
    ),
  );
}

/** Particles [from, to) of p as a Particles object: the same memory, indices from 0. */
export function particleView(p: Particles, from: number, to: number): Particles {
  if (from === 0 && to === p.n) return p;
  return particlesOf(
    to - from,
    (key) => p[key].subarray(from, to),
    (key) => p[key].subarray(from, to),
    (key) => p[key].subarray(from, to),
    (key) => p[key].subarray(from, to),
    p.kernels,
  );
}

/** Recomputes the carried sines and cosines of particle i's position after the position was set directly. */
export function syncTrig(p: Particles, i: number): void {
  const phi = (p.lat[i] * Math.PI) / 180;
  const lambda = (p.lon[i] * Math.PI) / 180;
  p.sinLat[i] = Math.sin(phi);
  p.cosLat[i] = Math.cos(phi);
  p.sinLon[i] = Math.sin(lambda);
  p.cosLon[i] = Math.cos(lambda);
}
