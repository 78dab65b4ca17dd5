// The Leeway processes, one tight loop each over the particle arrays (OceanParcels-style kernels).
// Physics as in docs/leeway-model.md and OpenDrift's leeway.update().
import { moveTwice } from "./geodesy.js";
import { type Particles, syncTrig } from "./particles.js";
import {
  type CapsizeSettings,
  type CoastlineRule,
  type ForcingSource,
  type LandMask,
  Status,
} from "./types.js";
import { KERNEL_CHUNK, type WasmKernels } from "./wasm/kernels.js";
import type { WasmLandRaster } from "./wasm/land-raster.js";

/** Activates particles whose release time falls in this step: [t, t+dt) forward, (t+dt, t] backward. */
export function releaseDue(p: Particles, t: number, dt: number): number {
  if (p.kernels !== null) {
    const { status, releaseTime, lon, lat, prevLon, prevLat } = p;
    return p.kernels.exports.releaseDue(
      p.n,
      status.byteOffset,
      releaseTime.byteOffset,
      lon.byteOffset,
      lat.byteOffset,
      prevLon.byteOffset,
      prevLat.byteOffset,
      t,
      dt,
    );
  }
  let released = 0;
  const end = t + dt;
  for (let i = 0; i < p.n; i++) {
    if (p.status[i] !== Status.unreleased) continue;
    const rt = p.releaseTime[i];
    if (dt > 0 ? rt >= t && rt < end : rt <= t && rt > end) {
      p.status[i] = Status.active;
      p.prevLon[i] = p.lon[i];
      p.prevLat[i] = p.lat[i];
      released++;
    }
  }
  return released;
}

/**
 * Samples one vector variable from a chain of sources (first source that covers a particle wins) into u, v.
 * Active particles no source covers become missing_data. `need` is scratch of length n.
 */
export function sampleForcing(
  sources: readonly ForcingSource[],
  p: Particles,
  t: number,
  need: Uint8Array,
  u: Float64Array,
  v: Float64Array,
): number {
  const n = p.n;
  if (p.kernels !== null) p.kernels.exports.needActive(n, p.status.byteOffset, need.byteOffset);
  else for (let i = 0; i < n; i++) need[i] = p.status[i] === Status.active ? 1 : 0;
  for (const source of sources) {
    if (source.samplePositions) source.samplePositions(t, p, n, need, u, v);
    else source.sample(t, p.lon, p.lat, n, need, u, v);
  }
  if (p.kernels !== null)
    return p.kernels.exports.markMissing(n, need.byteOffset, p.status.byteOffset, u.byteOffset, v.byteOffset);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (need[i] === 1) {
      p.status[i] = Status.missing_data;
      u[i] = Number.NaN;
      v[i] = Number.NaN;
      missing++;
    }
  }
  return missing;
}

/** Resolution of the search for the stranding point between two positions, degrees (as the reference). */
const STRANDING_PRECISION_DEG = 0.001;

/**
 * Applies the coastline rule to active particles found on land at the start of a step. With `wasm` (the
 * mask's rasters in the WebAssembly kernels' memory) the land test runs there.
 */
export function applyCoastline(
  p: Particles,
  mask: LandMask,
  rule: CoastlineRule,
  wasm: WasmLandRaster | null = null,
  opendrift = false,
): number {
  if (rule === "none") return 0;
  let hits = 0;
  if (wasm !== null) {
    const count = wasm.hits(p.n, p.status, p.lon, p.lat);
    const { mark, marked } = wasm;
    for (let k = 0; k < count; k++) {
      const i = marked[k];
      if (mark[i] === 2) {
        // A bin the kernel has no raster of yet: decided here, and copied for the next steps.
        const land = mask.isLand(p.lon[i], p.lat[i]);
        wasm.addBinAt(p.lon[i], p.lat[i]);
        if (!land) continue;
      }
      hits++;
      reachLand(p, i, mask, rule, opendrift);
    }
    return hits;
  }
  for (let i = 0; i < p.n; i++) {
    if (p.status[i] !== Status.active || !mask.isLand(p.lon[i], p.lat[i])) continue;
    hits++;
    reachLand(p, i, mask, rule, opendrift);
  }
  return hits;
}

/** Particle i, active and on land: back to its previous position, or stranded where it met the coast. */
function reachLand(p: Particles, i: number, mask: LandMask, rule: CoastlineRule, opendrift: boolean): void {
  if (rule === "previous") {
    p.lon[i] = p.prevLon[i];
    p.lat[i] = p.prevLat[i];
    syncTrig(p, i);
    return;
  }
  p.status[i] = Status.stranded;
  if (opendrift) {
    strandOnGrid(p, i, mask);
    return;
  }
  // Walk from the previous position towards the current one; stop at the first land point.
  const lon0 = p.prevLon[i];
  const lat0 = p.prevLat[i];
  const dLon = p.lon[i] - lon0;
  const dLat = p.lat[i] - lat0;
  const steps = Math.ceil(Math.max(Math.abs(dLon), Math.abs(dLat)) / STRANDING_PRECISION_DEG);
  for (let k = 1; k < steps; k++) {
    const lon = lon0 + (dLon * k) / steps;
    const lat = lat0 + (dLat * k) / steps;
    if (mask.isLand(lon, lat)) {
      p.lon[i] = lon;
      p.lat[i] = lat;
      syncTrig(p, i);
      break;
    }
  }
}

/** numpy.linspace(a, b, n)[k]. */
function linspaceAt(a: number, b: number, n: number, k: number): number {
  if (n === 1 || k === 0) return a;
  return k === n - 1 ? b : k * ((b - a) / (n - 1)) + a;
}

/**
 * OpenDrift 1.14's stranding point (compatibility "opendrift"): a grid of longitudes and latitudes between
 * the previous and the current position, about 0.001° apart on each axis separately (one value when the
 * axis moved less), scanned latitude row by row from the previous latitude; the first land node is where the
 * particle stays (often not on the line it travelled). No land node: it stays where it is.
 */
function strandOnGrid(p: Particles, i: number, mask: LandMask): void {
  const lon0 = p.prevLon[i];
  const lat0 = p.prevLat[i];
  const lon1 = p.lon[i];
  const lat1 = p.lat[i];
  const samples = (d: number) => (d > STRANDING_PRECISION_DEG ? Math.floor(d / STRANDING_PRECISION_DEG) : 1);
  const nx = samples(Math.abs(lon0 - lon1));
  const ny = samples(Math.abs(lat0 - lat1));
  for (let iy = 0; iy < ny; iy++) {
    const lat = linspaceAt(lat0, lat1, ny, iy);
    for (let ix = 0; ix < nx; ix++) {
      const lon = linspaceAt(lon0, lon1, nx, ix);
      if (!mask.isLand(lon, lat)) continue;
      p.lon[i] = lon;
      p.lat[i] = lat;
      syncTrig(p, i);
      return;
    }
  }
}

/** Particles that may capsize this step (upright ones forward, capsized ones backward): one draw each. */
export function countCapsizeCandidates(p: Particles, dt: number): number {
  const from = dt > 0 ? 0 : 1;
  let candidates = 0;
  for (let i = 0; i < p.n; i++) if (p.status[i] === Status.active && p.capsized[i] === from) candidates++;
  return candidates;
}

/** Active particles: one jibe draw each. */
export function countActive(p: Particles): number {
  if (p.kernels !== null) return p.kernels.exports.countActive(p.n, p.status.byteOffset);
  let active = 0;
  for (let i = 0; i < p.n; i++) if (p.status[i] === Status.active) active++;
  return active;
}

/**
 * Capsizing (opt-in): probability per step (0.5 + 0.5·tanh((U − threshold)/sigma))·|dt|/3600. A forward run
 * capsizes upright objects, a backward run rights capsized ones. Candidate k (in particle order) takes
 * uniform draws[offset + k], `draws` a ring (the index wraps at its end).
 */
export function capsize(
  p: Particles,
  dt: number,
  settings: CapsizeSettings,
  draws: Float64Array,
  offset: number,
): void {
  const from = dt > 0 ? 0 : 1;
  let k = offset;
  const ring = draws.length;
  const perStep = Math.abs(dt) / 3600;
  for (let i = 0; i < p.n; i++) {
    if (p.status[i] !== Status.active || p.capsized[i] !== from) continue;
    const wind = Math.hypot(p.windU[i], p.windV[i]);
    const probability =
      (0.5 + 0.5 * Math.tanh((wind - settings.windThreshold) / settings.windThresholdSigma)) * perStep;
    const u = draws[k];
    k = k + 1 === ring ? 0 : k + 1;
    if (u < probability) p.capsized[i] = 1 - from;
  }
}

/** Scratch of the WebAssembly drift kernel, in its memory (driftScratch()). */
export interface DriftScratch {
  /** One byte per particle: those the kernel leaves to JavaScript. */
  mark: Uint8Array;
  /** A chunk's passes: four rows of KERNEL_CHUNK f64, then a byte per pair (see the kernel). */
  chunk: Float64Array;
}

/** Scratch for drift() with WebAssembly kernels over `n` particles. */
export function driftScratch(kernels: WasmKernels, n: number): DriftScratch {
  // A byte per pair: KERNEL_CHUNK / 2 bytes, KERNEL_CHUNK / 16 f64.
  return { mark: kernels.uint8(n), chunk: kernels.float64(4 * KERNEL_CHUNK + KERNEL_CHUNK / 16) };
}

/**
 * Moves active particles by the leeway (from the 10 m wind) over dt, then by the current over dt: two
 * successive geodesic moves, as the reference does. With WebAssembly kernels (and `scratch` in their
 * memory) those move the particles; what they leave (long moves, near the poles) is moved here.
 */
export function drift(
  p: Particles,
  dt: number,
  capsizedLeewayFraction: number,
  scratch: DriftScratch | null = null,
): void {
  let only: Uint8Array | null = null;
  if (p.kernels !== null && scratch !== null) {
    const left = p.kernels.exports.drift(
      p.n,
      p.status.byteOffset,
      p.capsized.byteOffset,
      scratch.mark.byteOffset,
      p.lon.byteOffset,
      p.lat.byteOffset,
      p.prevLon.byteOffset,
      p.prevLat.byteOffset,
      p.sinLat.byteOffset,
      p.cosLat.byteOffset,
      p.sinLon.byteOffset,
      p.cosLon.byteOffset,
      p.windU.byteOffset,
      p.windV.byteOffset,
      p.currentU.byteOffset,
      p.currentV.byteOffset,
      p.dwSlope.byteOffset,
      p.dwOffset.byteOffset,
      p.dwEps.byteOffset,
      p.cwSlope.byteOffset,
      p.cwOffset.byteOffset,
      p.cwEps.byteOffset,
      dt,
      capsizedLeewayFraction,
      scratch.chunk.byteOffset,
      KERNEL_CHUNK,
    );
    if (left === 0) return;
    only = scratch.mark;
  }
  driftParticles(p, dt, capsizedLeewayFraction, only);
}

/** drift() of the active particles, or only of those marked in `only`. */
function driftParticles(
  p: Particles,
  dt: number,
  capsizedLeewayFraction: number,
  only: Uint8Array | null,
): void {
  const { status, lon, lat, prevLon, prevLat, windU, windV, currentU, currentV, capsized } = p;
  const { dwSlope, dwOffset, dwEps, cwSlope, cwOffset, cwEps } = p;
  for (let i = 0; i < p.n; i++) {
    if (status[i] !== Status.active || (only !== null && only[i] !== 1)) continue;
    prevLon[i] = lon[i];
    prevLat[i] = lat[i];
    const u10 = windU[i];
    const v10 = windV[i];
    const speed = Math.sqrt(u10 * u10 + v10 * v10);
    // Direction the wind blows toward: sin θ = u/U, cos θ = v/U (θ clockwise from north).
    const invSpeed = speed > 0 ? 1 / speed : 0;
    const sinT = u10 * invSpeed;
    const cosT = speed > 0 ? v10 * invSpeed : 1;
    const dwE = dwEps[i];
    const cwE = cwEps[i];
    const downwind = ((dwSlope[i] + dwE * 0.05) * speed + dwOffset[i] + dwE * 0.5) * 0.01;
    const crosswind = ((cwSlope[i] + cwE * 0.05) * speed + cwOffset[i] + cwE * 0.5) * 0.01;
    // Positive crosswind is to the LEFT of downwind, as in the reference and the original code.
    let east = downwind * sinT - crosswind * cosT;
    let north = downwind * cosT + crosswind * sinT;
    if (capsized[i] === 1) {
      east *= capsizedLeewayFraction;
      north *= capsizedLeewayFraction;
    }
    moveTwice(p, i, east * dt, north * dt, currentU[i] * dt, currentV[i] * dt);
  }
}

/**
 * Jibing: with probability 1 − (1 − p)^(|dt|/3600) the crosswind slope changes sign and the orientation
 * flips. Active particle k (in particle order) takes uniform draws[offset + k], `draws` a ring (the index
 * wraps at its end). With WebAssembly kernels the draws must lie in their memory (allocateDraws).
 */
export function jibe(
  p: Particles,
  dt: number,
  hourlyProbability: number,
  draws: Float64Array,
  offset: number,
): void {
  const perStep = 1 - (1 - hourlyProbability) ** (Math.abs(dt) / 3600);
  if (p.kernels !== null) {
    if (!(draws.buffer instanceof SharedArrayBuffer))
      throw new Error("jibe: draws are not in the kernels' memory");
    const { n, status, orientation, cwSlope } = p;
    p.kernels.exports.jibe(
      n,
      status.byteOffset,
      orientation.byteOffset,
      cwSlope.byteOffset,
      draws.byteOffset,
      draws.length,
      offset,
      perStep,
    );
    return;
  }
  let k = offset;
  const ring = draws.length;
  for (let i = 0; i < p.n; i++) {
    if (p.status[i] !== Status.active) continue;
    const u = draws[k];
    k = k + 1 === ring ? 0 : k + 1;
    if (u < perStep) {
      p.cwSlope[i] = -p.cwSlope[i];
      p.orientation[i] = 1 - p.orientation[i];
    }
  }
}
