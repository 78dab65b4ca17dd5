// The simulation spec (JSON, snake_case): validated at the edge, then turned into a core Simulation.
import { z } from "zod";
import { findObjectCategory, type ObjectCategory, UnknownObjectTypeError } from "../core/objects.js";
import type { Simulation } from "../core/types.js";
import type { VectorKind } from "../forcing/discover.js";
import { MAX_SPEED } from "../forcing/limits.js";
import { planScenarios, type ScenarioPlan, scenariosSchema } from "./scenarios.js";
import {
  finite,
  latitude,
  longitude,
  pair,
  radiusM,
  radiusType,
  releaseTimes,
  rfc3339,
  type SpecIssue,
  toPair,
} from "./spec-fields.js";

export { isRealDate } from "./spec-fields.js";

export class SpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(`invalid simulation spec: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
    this.name = "SpecError";
  }
}

const MAX_HOURS = 720;
const MAX_PARTICLES = 5_000_000;

/** A constant vector of one kind: finite, and no faster than MAX_SPEED (a typo of 1e300 must not hang a run). */
const vectorOf = (kind: VectorKind) =>
  z
    .strictObject({ x: finite("m/s eastward"), y: finite("m/s northward") })
    .refine(
      (c) => Math.hypot(c.x, c.y) <= MAX_SPEED[kind],
      `speed must be at most ${MAX_SPEED[kind]} m/s (the largest physical ${kind})`,
    );
const variableSourceOf = (kind: VectorKind) =>
  z.union([
    z.strictObject({ constant: vectorOf(kind) }),
    // Added to what the sources before it in the chain give (a drifter's correction: validation/correction.ts).
    z.strictObject({ bias: vectorOf(kind) }),
    z.strictObject({ files: z.array(z.string().min(1)).min(1, "must name at least one file") }),
    z.strictObject({ catalog: z.literal(true) }),
    // Fetch the latest forecasts for the mission's area and time from the configured providers.
    z.strictObject({ fetch: z.literal(true) }),
  ]);
const chainOf = (kind: VectorKind) =>
  z.union([variableSourceOf(kind), z.array(variableSourceOf(kind)).min(1)]);
/** A forcing ensemble (pipeline/ensemble.ts): members, each a source or a chain, with optional weights. */
const ensembleOf = (kind: VectorKind) =>
  z
    .strictObject({
      ensemble: z.array(chainOf(kind)).min(1, "must list at least one member"),
      weights: z.array(finite("relative weight").positive("must be positive")).optional(),
    })
    .refine((e) => !e.weights || e.weights.length === e.ensemble.length, {
      message: "must give one weight per ensemble member",
      path: ["weights"],
    });
const variableSpecOf = (kind: VectorKind) => z.union([chainOf(kind), ensembleOf(kind)]);
export type VariableSourceSpec = z.infer<ReturnType<typeof variableSourceOf>>;
export type VariableChainSpec = z.infer<ReturnType<typeof chainOf>>;
export type EnsembleSpec = z.infer<ReturnType<typeof ensembleOf>>;

export const forcingSpecSchema = z
  .strictObject({
    wind: variableSpecOf("wind"),
    current: variableSpecOf("current"),
  })
  .refine(
    (f) =>
      !("ensemble" in f.wind && "ensemble" in f.current) ||
      f.wind.ensemble.length === f.current.ensemble.length,
    {
      message: "must have as many members as forcing.wind.ensemble (member k runs on both k-th entries)",
      path: ["current", "ensemble"],
    },
  );
export type ForcingSpec = z.infer<typeof forcingSpecSchema>;
/** The forcing of one run (or one ensemble member): a source or a chain per variable. */
export interface ChainForcingSpec {
  wind: VariableChainSpec;
  current: VariableChainSpec;
}

export const simulationSpecSchema = z.strictObject({
  name: z.string().max(255).default("simulation"),
  object_type: z.union([z.number().int(), z.string().min(1)]).default(1),
  start_time: rfc3339,
  duration_hours: finite("hours")
    .refine((h) => h !== 0, "must not be zero (negative runs backwards in time)")
    .refine((h) => Math.abs(h) <= MAX_HOURS, `must be at most ${MAX_HOURS} hours either way`),
  time_step_seconds: finite("seconds").optional(),
  output_step_seconds: finite("seconds").positive("must be positive").default(3600),
  seed: z.strictObject({
    // Required unless the spec has scenarios (each then has its own release; seed holds the number only).
    lon: pair(longitude).optional(),
    lat: pair(latitude).optional(),
    time: pair(rfc3339).optional(),
    radius_m: radiusM.default(0),
    radius_type: radiusType,
    number: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_PARTICLES, `must be at most ${MAX_PARTICLES.toLocaleString("en")}`)
      .default(1000),
  }),
  forcing: forcingSpecSchema,
  /** Weighted releases, each with its own object type (scenarios.ts); seed.number particles in all. */
  scenarios: scenariosSchema.optional(),
  random_seed: z.number().int().min(0).max(0xffffffff).default(0),
  jibe_probability: finite("per hour").min(0, "must be in [0, 1)").lt(1, "must be in [0, 1)").default(0.04),
  capsizing: z
    .strictObject({
      enabled: z.boolean().default(false),
      wind_threshold: finite("m/s").positive().default(30),
      wind_threshold_sigma: finite("m/s").positive().default(5),
      leeway_fraction: finite("fraction").min(0).max(1).default(0.4),
    })
    .default({ enabled: false, wind_threshold: 30, wind_threshold_sigma: 5, leeway_fraction: 0.4 }),
  coastline: z
    .enum(["stranding", "previous", "none"], { error: 'must be "stranding", "previous" or "none"' })
    .default("stranding"),
  // "opendrift" reproduces OpenDrift where it deviates from the exact method (README, "Compatibility").
  compatibility: z.enum(["exact", "opendrift"], { error: 'must be "exact" or "opendrift"' }).default("exact"),
});
export type SimulationSpec = z.infer<typeof simulationSpecSchema>;

export interface ParsedSpec {
  spec: SimulationSpec;
  simulation: Simulation;
  category: ObjectCategory;
  /**
   * The scenarios, each with its own run, when the spec has them; `simulation` and `category` are then the
   * first scenario's with the mission's particle count (the reference point and title of the products).
   */
  scenarios?: ScenarioPlan[];
}

/** zod's issues as a SpecError: each field's path and what is wrong with it. */
export function specErrorOf(error: z.ZodError): SpecError {
  return new SpecError(
    error.issues.map((issue) => ({
      path: issue.path.join("."),
      message:
        issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : issue.message,
    })),
  );
}

/** Validates a spec (parsed JSON) and returns the core Simulation; throws SpecError naming each bad field. */
export function parseSimulationSpec(input: unknown): ParsedSpec {
  const parsed = simulationSpecSchema.safeParse(input);
  if (!parsed.success) throw specErrorOf(parsed.error);
  const spec = parsed.data;
  const issues: SpecIssue[] = [];

  let category: ObjectCategory | undefined;
  try {
    category = findObjectCategory(spec.object_type);
  } catch (error) {
    if (!(error instanceof UnknownObjectTypeError)) throw error;
    issues.push({ path: "object_type", message: error.message });
  }

  const durationSeconds = Math.round(spec.duration_hours * 3600);
  const sign = Math.sign(durationSeconds);
  const dt = spec.time_step_seconds ?? 600 * sign;
  if (Math.abs(dt) < 1 || Math.abs(dt) > 6 * 3600) {
    issues.push({ path: "time_step_seconds", message: "must be between 1 s and 6 h (21600 s) in magnitude" });
  } else if (Math.sign(dt) !== sign) {
    issues.push({
      path: "time_step_seconds",
      message: `must have the sign of duration_hours (${sign > 0 ? "positive" : "negative"} for a ${sign > 0 ? "forward" : "backward"} run)`,
    });
  } else {
    if (Math.abs(durationSeconds) % Math.abs(dt) !== 0) {
      issues.push({ path: "time_step_seconds", message: "must divide the duration into whole steps" });
    }
    if (spec.output_step_seconds % Math.abs(dt) !== 0) {
      issues.push({
        path: "output_step_seconds",
        message: `must be a multiple of the time step (${Math.abs(dt)} s)`,
      });
    } else if (spec.output_step_seconds > Math.abs(durationSeconds)) {
      issues.push({ path: "output_step_seconds", message: "must not exceed the duration" });
    }
  }

  const startTime = Date.parse(spec.start_time) / 1000;
  const seedTimes = releaseTimes(spec.seed.time, spec.start_time, durationSeconds, "seed.time", issues);
  for (const key of ["lon", "lat", "time"] as const) {
    if (spec.scenarios && spec.seed[key] !== undefined) {
      issues.push({
        path: `seed.${key}`,
        message: "give it in each scenario's release when there are scenarios",
      });
    } else if (!spec.scenarios && key !== "time" && spec.seed[key] === undefined) {
      issues.push({ path: `seed.${key}`, message: "required (or give scenarios)" });
    }
  }
  if (issues.length > 0 || !category) throw new SpecError(issues);

  const simulation: Simulation = {
    name: spec.name,
    objectTypeId: category.id,
    startTime,
    durationSeconds,
    timeStepSeconds: dt,
    outputStepSeconds: spec.output_step_seconds,
    release: {
      lon: toPair(spec.seed.lon ?? 0),
      lat: toPair(spec.seed.lat ?? 0),
      time: seedTimes,
      radiusM: toPair(spec.seed.radius_m),
      radiusType: spec.seed.radius_type,
      number: spec.seed.number,
    },
    randomSeed: spec.random_seed,
    jibeProbability: spec.jibe_probability,
    capsizing: {
      enabled: spec.capsizing.enabled,
      windThreshold: spec.capsizing.wind_threshold,
      windThresholdSigma: spec.capsizing.wind_threshold_sigma,
      leewayFraction: spec.capsizing.leeway_fraction,
    },
    coastline: spec.coastline,
    compatibility: spec.compatibility,
  };
  if (!spec.scenarios) return { spec, simulation, category };

  const scenarios = planScenarios(
    spec.scenarios,
    simulation,
    spec.start_time,
    spec.object_type,
    spec.seed.number,
    issues,
  );
  if (!scenarios) throw new SpecError(issues);
  const first = scenarios[0];
  return {
    spec,
    simulation: { ...first.simulation, release: { ...first.simulation.release, number: spec.seed.number } },
    category: first.category,
    scenarios,
  };
}
