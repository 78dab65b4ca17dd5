// Particle state as a structure of typed arrays: one array per property, index = particle id.
import { Status } from "./types.js";

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
  dwSlope: Float64Array;
  dwOffset: Float64Array;
  dwEps: Float64Array;
  cwSlope: Float64Array;
  cwOffset: Float64Array;
  cwEps: Float64Array;
  /** Forcing sampled for the coming step, m/s east/north. */
  windU: Float64Array;
  windV: Float64Array;
  currentU: Float64Array;
  currentV: Float64Array;
}

export function allocateParticles(n: number): Particles {
  const f64 = () => new Float64Array(n);
  return {
    n,
    lon: f64(),
    lat: f64(),
    prevLon: f64(),
    prevLat: f64(),
    sinLat: f64(),
    cosLat: f64(),
    sinLon: f64(),
    cosLon: f64(),
    status: new Uint8Array(n).fill(Status.unreleased),
    releaseTime: f64(),
    orientation: new Uint8Array(n),
    capsized: new Uint8Array(n),
    dwSlope: f64(),
    dwOffset: f64(),
    dwEps: f64(),
    cwSlope: f64(),
    cwOffset: f64(),
    cwEps: f64(),
    windU: f64(),
    windV: f64(),
    currentU: f64(),
    currentV: f64(),
  };
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
