// Using a drifter during a mission (issue 23 item 4). An SLDMB or drifter reported during the search shows how
// the water really moved; the forecast's current can be corrected by it:
//  1. hindcast the drifter itself over its last `hours` (object type 67 SLDMB: no windage, so it follows the
//     forecast current) from its interpolated position `hours` before its last fix;
//  2. the separation vector e(t) = observed − forecast (metres east, north) grows as the current error b
//     integrates: least squares of e(tᵢ) = b·(tᵢ − t₀) over the hindcast's output times gives the bias
//     b = Σ eᵢ τᵢ / Σ τᵢ² (m/s east, north);
//  3. the corrected spec adds {"bias": {"x": b_east, "y": b_north}} after the spec's current sources, so every
//     particle the current sources serve drifts with b more (src/core/bias-source.ts).
// The bias is a constant: it helps as long as the error is persistent (a model's mean flow off by an eddy or a
// jet), not for errors that turn with the tide faster than the window.
import { geodesicInverse } from "../core/geodesy.js";
import { runSimulationSpec } from "../pipeline/run.js";
import type { ProductContext } from "../products/context.js";
import { afloatStatistics } from "../products/summary.js";
import { type ObservedTrack, observedAt } from "./track.js";

export const SLDMB_OBJECT_TYPE = 67;

export interface CurrentCorrection {
  drifter: string;
  /** The window the bias was estimated over, Unix seconds. */
  from: number;
  to: number;
  /** Estimated current bias, m/s east and north. */
  x: number;
  y: number;
  /** Separation of the drifter from its uncorrected hindcast at the window's end, km. */
  separationKm: number;
  /** Mean separation over the window's output times, km. */
  meanSeparationKm: number;
  /** Output times the fit used. */
  samples: number;
  method: string;
}

export interface CorrectionOptions {
  /** Hours of the drifter's track, back from its last fix, to estimate over (default 6). */
  hours?: number;
  /** Leeway object type of the drifter (default 67 SLDMB, no windage). */
  objectType?: number | string;
  forcingDir?: string;
  threads?: number;
  scratchDir: string;
}

const METHOD =
  "least-squares current bias: drifter hindcast (no windage) over the window, separation e(t) = b·(t − t0) fitted through the origin";

/** Estimates the current bias from the drifter's last hours against the spec's forcing. */
export async function estimateCurrentBias(
  spec: Record<string, unknown>,
  track: ObservedTrack,
  opts: CorrectionOptions,
): Promise<CurrentCorrection> {
  const step = Math.abs(Number(spec.time_step_seconds ?? 600));
  const end = track.times[track.times.length - 1];
  const hours = opts.hours ?? 6;
  const span = Math.min(hours * 3600, end - track.times[0]);
  const steps = Math.floor(span / step);
  if (steps < 1) throw new Error(`drifter ${track.id}: track shorter than one time step (${step} s)`);
  const from = end - steps * step;
  const start = observedAt(track, from)!;
  const seed: Record<string, unknown> = {
    ...(spec.seed as Record<string, unknown>),
    lon: start.lon,
    lat: start.lat,
    radius_m: 0,
    number: 1,
  };
  delete seed.time;
  let ctx: ProductContext | undefined;
  await runSimulationSpec(
    {
      ...spec,
      name: `drifter ${track.id} hindcast`,
      object_type: opts.objectType ?? SLDMB_OBJECT_TYPE,
      start_time: new Date(from * 1000).toISOString(),
      duration_hours: (steps * step) / 3600,
      time_step_seconds: step,
      output_step_seconds: step,
      seed,
    },
    {
      outDir: opts.scratchDir,
      products: [],
      forcingDir: opts.forcingDir,
      threads: opts.threads,
      onContext: (c) => {
        ctx = c;
      },
    },
  );
  if (!ctx) throw new Error("correction: the hindcast handed back no result");
  const t = ctx.trajectory;
  let sxt = 0;
  let syt = 0;
  let stt = 0;
  let samples = 0;
  let last = 0;
  let sum = 0;
  for (let k = 1; k < t.times.length; k++) {
    const s = afloatStatistics(t, k);
    const obs = observedAt(track, t.times[k]);
    if (!s || !obs) continue;
    const { distM, aziDeg } = geodesicInverse(s.lat, s.lon, obs.lat, obs.lon);
    const tau = t.times[k] - from;
    const az = (aziDeg * Math.PI) / 180;
    sxt += distM * Math.sin(az) * tau;
    syt += distM * Math.cos(az) * tau;
    stt += tau * tau;
    samples++;
    last = distM / 1000;
    sum += last;
  }
  if (samples === 0)
    throw new Error(`drifter ${track.id}: its hindcast stranded or left the forcing at once`);
  return {
    drifter: track.id,
    from,
    to: end,
    x: sxt / stt,
    y: syt / stt,
    separationKm: last,
    meanSeparationKm: sum / samples,
    samples,
    method: METHOD,
  };
}

export interface MemberFit {
  /** Index in forcing.current.ensemble. */
  member: number;
  /** Mean separation of the drifter from its hindcast on this member over the window, km. */
  separationKm: number;
  prior: number;
  weight: number;
}

/**
 * Reweights a current ensemble by the drifter: its hindcast on each member's current over the window gives a mean
 * separation d_m; the new weight is the prior times a Gaussian likelihood exp(−½ (d_m / σ)²), with σ the smallest
 * d_m (at least 0.5 km: the members' own spread sets the scale, and a perfect member does not take all weight
 * from a nearly perfect one), normalised to sum 1.
 */
export async function reweightEnsemble(
  spec: Record<string, unknown>,
  track: ObservedTrack,
  opts: CorrectionOptions,
): Promise<{ members: MemberFit[]; spec: Record<string, unknown> }> {
  const forcing = spec.forcing as Record<string, unknown>;
  const current = forcing.current as { ensemble?: unknown[]; weights?: number[] };
  if (!current || !Array.isArray(current.ensemble)) {
    throw new Error("reweighting: forcing.current is not an ensemble ({ensemble: [...], weights})");
  }
  const n = current.ensemble.length;
  const priors = current.weights ?? new Array(n).fill(1);
  const priorSum = priors.reduce((a, b) => a + b, 0);
  const wind = forcing.wind as { ensemble?: unknown[] };
  const separations: number[] = [];
  for (let m = 0; m < n; m++) {
    const memberSpec = {
      ...spec,
      forcing: {
        wind: wind && Array.isArray(wind.ensemble) ? wind.ensemble[m] : forcing.wind,
        current: current.ensemble[m],
      },
    };
    const fit = await estimateCurrentBias(memberSpec, track, opts);
    separations.push(fit.meanSeparationKm);
  }
  const sigma = Math.max(0.5, Math.min(...separations));
  const raw = separations.map((d, m) => (priors[m] / priorSum) * Math.exp(-0.5 * (d / sigma) ** 2));
  const total = raw.reduce((a, b) => a + b, 0);
  const members = separations.map((d, m) => ({
    member: m,
    separationKm: d,
    prior: priors[m] / priorSum,
    weight: raw[m] / total,
  }));
  const weights = members.map((f) => Math.max(1e-6, Math.round(f.weight * 1e6) / 1e6));
  return { members, spec: { ...spec, forcing: { ...forcing, current: { ...current, weights } } } };
}

/** The spec with the bias after its current sources. Throws for an ensemble current (correct each member). */
export function correctedSpec(
  spec: Record<string, unknown>,
  c: Pick<CurrentCorrection, "x" | "y">,
): Record<string, unknown> {
  const forcing = spec.forcing as Record<string, unknown>;
  const current = forcing.current;
  if (current && typeof current === "object" && "ensemble" in current) {
    throw new Error("correction: forcing.current is an ensemble; add the bias to each member's chain");
  }
  const chain = (Array.isArray(current) ? current : [current]).filter(
    (s) => !(s && typeof s === "object" && "bias" in s),
  );
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    ...spec,
    forcing: { ...forcing, current: [...chain, { bias: { x: round(c.x), y: round(c.y) } }] },
  };
}
