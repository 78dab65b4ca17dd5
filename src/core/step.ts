// One time step, in two halves over a contiguous range of particles. Every process but the random draws
// is particle by particle, so a range can be stepped on its own (by any thread); the draws are one
// sequence in particle order (capsize candidates, then active particles), which the caller makes
// between the halves from the ranges' counts:
//
//   beforeDraws(step)  release → forcing → coastline → record (at output times) → count draw takers
//   (caller)           capsizeDraws = rng(Σ candidates), jibeDraws = rng(Σ active), each range at its offset
//   withDraws(draws)   capsize → drift → jibe
import {
  applyCoastline,
  capsize,
  countActive,
  countCapsizeCandidates,
  type DriftScratch,
  drift,
  driftScratch,
  jibe,
  releaseDue,
  sampleForcing,
} from "./leeway.js";
import { type Particles, particleView } from "./particles.js";
import type { Trajectory } from "./trajectory.js";
import { type ForcingSet, type LandMask, type Simulation, Status } from "./types.js";
import { WasmLandRaster } from "./wasm/land-raster.js";

/** Steps, output stride and snapshot count of a simulation. */
export function simulationClock(sim: Simulation): { steps: number; stepsPerOutput: number; outputs: number } {
  const dt = Math.abs(sim.timeStepSeconds);
  const steps = Math.round(Math.abs(sim.durationSeconds) / dt);
  const stepsPerOutput = Math.round(sim.outputStepSeconds / dt);
  return { steps, stepsPerOutput, outputs: Math.floor(steps / stepsPerOutput) + 1 };
}

/** Allocates the recorded output of a run (in shared memory when threads write into it). */
export function allocateTrajectory(
  n: number,
  outputs: number,
  particles: Pick<Particles, "releaseTime" | "weight" | "member" | "scenario">,
  withForcing: boolean,
  shared: boolean,
): Trajectory {
  const size = n * outputs;
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const f32 = () => new Float32Array(buffer(4 * size));
  const u8 = () => new Uint8Array(buffer(size));
  return {
    n,
    times: new Float64Array(buffer(8 * outputs)),
    lon: f32(),
    lat: f32(),
    status: u8(),
    orientation: u8(),
    capsized: u8(),
    releaseTime: Float64Array.from(particles.releaseTime),
    weight: Float64Array.from(particles.weight),
    member: Uint16Array.from(particles.member),
    scenario: Uint16Array.from(particles.scenario),
    ...(withForcing ? { windU: f32(), windV: f32(), currentU: f32(), currentV: f32() } : {}),
  };
}

/** What every range of a run shares. */
export interface StepPlan {
  sim: Simulation;
  forcing: ForcingSet;
  landmask: LandMask | null;
  trajectory: Trajectory;
  stepsPerOutput: number;
}

/** Particles [from, to) of a run, stepped in two halves. */
export class ParticleRange {
  /** The range's particles, indices from 0. */
  readonly view: Particles;
  /** Draw takers counted by the last beforeDraws(): capsize candidates (when capsizing) and active particles. */
  capsizeCandidates = 0;
  active = 0;
  private readonly need: Uint8Array;
  /** The WebAssembly drift kernel's scratch, or null. */
  private readonly driftScratch: DriftScratch | null;
  /** The land mask's rasters for the WebAssembly coastline kernel, or null. */
  private readonly wasmLand: WasmLandRaster | null;

  constructor(
    private readonly plan: StepPlan,
    particles: Particles,
    readonly from: number,
    readonly to: number,
  ) {
    this.view = particleView(particles, from, to);
    // Scratch of the kernels: in their memory when they are WebAssembly.
    const kernels = particles.kernels;
    this.need = kernels ? kernels.uint8(to - from) : new Uint8Array(to - from);
    this.driftScratch = kernels ? driftScratch(kernels, to - from) : null;
    const raster = plan.landmask?.raster;
    this.wasmLand =
      kernels && raster && plan.sim.coastline !== "none"
        ? new WasmLandRaster(kernels, raster, to - from)
        : null;
  }

  /** The first half: release, forcing, coastline, the record at output times, the count of draw takers. */
  beforeDraws(step: number): void {
    const { sim, forcing, landmask, stepsPerOutput } = this.plan;
    const p = this.view;
    const dt = sim.timeStepSeconds;
    const t = sim.startTime + step * dt;
    releaseDue(p, t, dt);
    sampleForcing(forcing.wind, p, t, this.need, p.windU, p.windV);
    sampleForcing(forcing.current, p, t, this.need, p.currentU, p.currentV);
    if (landmask)
      applyCoastline(p, landmask, sim.coastline, this.wasmLand, sim.compatibility === "opendrift");
    if (step % stepsPerOutput === 0) this.record(step / stepsPerOutput, t);
    this.capsizeCandidates = sim.capsizing.enabled ? countCapsizeCandidates(p, dt) : 0;
    this.active = countActive(p);
  }

  /**
   * The second half: capsize, drift and jibe. This range's capsize candidates take draws from capsizeOffset on, its active
   * particles from jibeOffset on.
   */
  withDraws(draws: Float64Array, capsizeOffset: number, jibeOffset: number): void {
    const { sim } = this.plan;
    if (this.capsizeCandidates > 0)
      capsize(this.view, sim.timeStepSeconds, sim.capsizing, draws, capsizeOffset);
    this.driftOnly();
    this.jibeOnly(draws, jibeOffset);
  }

  /** Drift alone, for a thread that moves its particles while the draws are being made (no capsizing). */
  driftOnly(): void {
    const { sim } = this.plan;
    drift(this.view, sim.timeStepSeconds, sim.capsizing.leewayFraction, this.driftScratch);
  }

  /** Jibe alone, after driftOnly(). */
  jibeOnly(draws: Float64Array, jibeOffset: number): void {
    const { sim } = this.plan;
    jibe(this.view, sim.timeStepSeconds, sim.jibeProbability, draws, jibeOffset);
  }

  /** Writes this range's particles into snapshot k of the trajectory. */
  private record(k: number, t: number): void {
    const tr = this.plan.trajectory;
    const p = this.view;
    const n = p.n;
    const o = k * tr.n + this.from;
    if (this.from === 0) tr.times[k] = t;
    for (let i = 0; i < n; i++) {
      const released = p.status[i] !== Status.unreleased;
      tr.lon[o + i] = released ? p.lon[i] : Number.NaN;
      tr.lat[o + i] = released ? p.lat[i] : Number.NaN;
    }
    tr.status.set(p.status, o);
    tr.orientation.set(p.orientation, o);
    tr.capsized.set(p.capsized, o);
    if (tr.windU) {
      for (let i = 0; i < n; i++) {
        tr.windU[o + i] = p.windU[i];
        tr.windV![o + i] = p.windV[i];
        tr.currentU![o + i] = p.currentU[i];
        tr.currentV![o + i] = p.currentV[i];
      }
    }
  }
}
