// Drift jobs from the queue: the platform's JSON ({"mission_id", "params": {...}}) validated at the edge and
// turned into the simulation spec that runSimulationSpec takes. Every bad value gives a message naming the
// field (`params.latitude`, or `missions.last_known_lat` when it came from the mission row).
import { z } from "zod";
import {
  findObjectCategory,
  type ObjectCategory,
  tryFindObjectCategory,
  UnknownObjectTypeError,
} from "../core/objects.js";
import { PRODUCT_NAMES, type ProductName } from "../products/registry.js";
import type { MissionRow } from "./db/missions.js";
import { InvalidEnvelopeError, PermanentJobError } from "./errors.js";
import { isUuid } from "./storage/keys.js";

/** Largest job JSON accepted from the queue. */
export const MAX_JOB_BYTES = 1024 * 1024;

/** The platform's defaults for missing params (the original worker's). */
export const JOB_DEFAULTS = {
  durationHours: 24,
  numParticles: 1000,
  objectType: 1,
  timeStepSeconds: 3600,
  outputStepSeconds: 3600,
  uncertaintyRadiusM: 100,
} as const;

/** A job over one of the configured caps; refused before any work. */
export class JobCapError extends PermanentJobError {
  constructor(message: string) {
    super(message);
    this.name = "JobCapError";
  }
}

export interface JobEnvelope {
  missionId: string;
  params: Record<string, unknown>;
  /** Unknown top-level or params fields, ignored (newer platform versions may add some). */
  ignored: string[];
}

/** Parses the queue message; throws InvalidEnvelopeError (dead-letter, no mission to fail) when unusable. */
export function parseEnvelope(raw: string): JobEnvelope {
  const bytes = Buffer.byteLength(raw, "utf8");
  if (bytes > MAX_JOB_BYTES)
    throw new InvalidEnvelopeError(
      `job is ${bytes} bytes; the limit is ${MAX_JOB_BYTES} (1 MiB)`,
      missionIdIn(raw),
    );
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    throw new InvalidEnvelopeError(`job is not valid JSON: ${(err as Error).message}`, missionIdIn(raw));
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new InvalidEnvelopeError(
      `job must be a JSON object {"mission_id": …, "params": {…}}, got ${kind(doc)}`,
    );
  }
  const o = doc as Record<string, unknown>;
  if (o.mission_id === undefined) throw new InvalidEnvelopeError("mission_id: required (a UUID)");
  if (!isUuid(o.mission_id)) {
    throw new InvalidEnvelopeError(
      `mission_id: must be a UUID such as 9b2f0c1e-…, got ${preview(o.mission_id)}`,
    );
  }
  if (
    o.params !== undefined &&
    o.params !== null &&
    (typeof o.params !== "object" || Array.isArray(o.params))
  ) {
    throw new InvalidEnvelopeError(
      `params: must be an object, got ${kind(o.params)}`,
      o.mission_id.toLowerCase(),
    );
  }
  const params = (o.params ?? {}) as Record<string, unknown>;
  const ignored = Object.keys(o)
    .filter((k) => k !== "mission_id" && k !== "params")
    .concat(
      Object.keys(params)
        .filter((k) => !(k in PARAM_SHAPE))
        .map((k) => `params.${k}`),
    );
  return { missionId: o.mission_id.toLowerCase(), params, ignored };
}

/**
 * The mission an unusable message is about, when its text names exactly one ("mission_id": "<uuid>"), so that
 * the mission can be failed with the reason rather than left queued.
 */
function missionIdIn(raw: string): string | undefined {
  const found = new Set<string>();
  for (const m of raw.slice(0, 65_536).matchAll(MISSION_ID_TEXT)) found.add(m[1].toLowerCase());
  return found.size === 1 ? [...found][0] : undefined;
}
const MISSION_ID_TEXT =
  /"mission_id"\s*:\s*"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"/g;

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function preview(v: unknown): string {
  // JSON.stringify turns Infinity and NaN (e.g. from 1e999 in the job text) into "null": name them.
  const s = typeof v === "number" && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

// ---- params ------------------------------------------------------------------------------------------------

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const EARLIEST = Date.UTC(1950, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** RFC 3339; a time without offset is UTC (the platform's naive timestamps). Returns ISO with Z. */
const time = z
  .string({ error: "must be an RFC 3339 time string such as 2024-01-01T12:00:00Z" })
  .transform((s, ctx) => {
    const m = RFC3339.exec(s.trim());
    const text = m && !m[9] ? `${s.trim()}Z` : s.trim();
    const t = m ? Date.parse(text.replace(" ", "T")) : Number.NaN;
    const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    const realDay =
      day !== null && day.getUTCDate() === Number(m?.[3]) && day.getUTCMonth() === Number(m?.[2]) - 1;
    if (!m || !Number.isFinite(t) || !realDay) {
      ctx.addIssue({
        code: "custom",
        message: `must be an RFC 3339 time such as 2024-01-01T12:00:00Z, got ${preview(s)}`,
      });
      return z.NEVER;
    }
    if (t < EARLIEST || t >= LATEST) {
      ctx.addIssue({ code: "custom", message: `must lie between 1950 and 2100, got ${preview(s)}` });
      return z.NEVER;
    }
    return new Date(t).toISOString();
  });

const number = (unit: string) =>
  z.number({
    error: (i) => `must be a number (${unit}), got ${i.input === undefined ? "nothing" : preview(i.input)}`,
  });
const range = (unit: string, min: number, max: number) =>
  number(unit)
    .min(min, { error: `must be between ${min} and ${max} ${unit}` })
    .max(max, { error: `must be between ${min} and ${max} ${unit}` });
// At exactly ±90 no drift direction is defined (the simulation's geodesy has no bearing there).
const latitude = range("degrees north", -90, 90).refine((v) => Math.abs(v) !== 90, {
  error: "must not be exactly ±90 (a pole: no drift direction is defined there)",
});
const longitude = number("degrees east")
  .min(-180, { error: "must be in [-180, 360) degrees east" })
  .lt(360, { error: "must be in [-180, 360) degrees east" });
const radius = range("m", 0, 1_000_000);

/** On-scene wind or current: {x, y} east/north m/s, or {speed, direction} (wind FROM, current TOWARDS). */
const vector = (what: "wind" | "current") =>
  z
    .object({
      x: range("m/s", -100, 100).optional(),
      y: range("m/s", -100, 100).optional(),
      speed: range("m/s", 0, 100).optional(),
      direction: range("degrees", 0, 360).optional(),
    })
    .strict()
    .transform((v, ctx) => {
      if (v.x !== undefined && v.y !== undefined && v.speed === undefined && v.direction === undefined) {
        return { x: v.x, y: v.y };
      }
      if (v.speed !== undefined && v.direction !== undefined && v.x === undefined && v.y === undefined) {
        const towards = ((v.direction + (what === "wind" ? 180 : 0)) * Math.PI) / 180;
        const round = (n: number) => Math.round(n * 1e6) / 1e6;
        return { x: round(v.speed * Math.sin(towards)), y: round(v.speed * Math.cos(towards)) };
      }
      ctx.addIssue({
        code: "custom",
        message: `give x and y (m/s east, north) or speed and direction (degrees ${what === "wind" ? "the wind blows from" : "the current flows towards"})`,
      });
      return z.NEVER;
    });

/**
 * One weighted scenario of a mission (issue 21): its own release (a position with radius, a line to an end
 * position, a time window; or a polygon) and object type. `params.scenarios` is the mission's whole list.
 */
const scenarioParam = z
  .object({
    name: z
      .string({ error: "must be a string" })
      .min(1)
      .max(100, { error: "must be at most 100 characters" }),
    weight: number("relative probability").positive({ error: "must be positive" }),
    object_type: z.union([z.number().int(), z.string().min(1).max(100)], {
      error: 'must be a Leeway category id (1–85) or a name such as "PIW" or "Life Raft"',
    }),
    latitude: latitude,
    longitude: longitude,
    uncertainty_radius_m: radius,
    end_latitude: latitude,
    end_longitude: longitude,
    end_uncertainty_radius_m: radius,
    start_time: time,
    end_time: time,
    polygon: z
      .array(z.tuple([longitude, latitude]), { error: "must be a list of [longitude, latitude] vertices" })
      .min(3, { error: "must have at least 3 vertices" })
      .max(1000, { error: "must have at most 1000 vertices" }),
  })
  .partial()
  .strict();
export type ScenarioParam = z.output<typeof scenarioParam>;

const PARAM_SHAPE = {
  latitude: latitude,
  longitude: longitude,
  start_time: time,
  duration_hours: number("hours")
    .refine((h) => h !== 0, { error: "must not be zero" })
    .refine((h) => Math.abs(h) <= 720, { error: "must be at most 720 hours" }),
  num_particles: number("particles")
    .int({ error: "must be a whole number of particles" })
    .min(1, { error: "must be between 1 and 5000000" })
    .max(5_000_000, { error: "must be between 1 and 5000000" }),
  object_type: z.union([z.number().int(), z.string().min(1).max(100)], {
    error: 'must be a Leeway category id (1–85) or a name such as "PIW" or "Life Raft"',
  }),
  uncertainty_radius_m: radius,
  time_step_seconds: range("seconds", 1, 21600),
  output_step_seconds: range("seconds", 1, 30 * 86400),
  backtracking: z.boolean({ error: "must be true or false" }),
  end_latitude: latitude,
  end_longitude: longitude,
  end_uncertainty_radius_m: radius,
  end_time: time,
  wind: vector("wind"),
  current: vector("current"),
  /** A drifter's current correction (validation/correction.ts), added after the current sources. */
  current_bias: vector("current"),
  forcing: z.record(z.string(), z.unknown(), { error: "must be an object {wind?, current?}" }),
  random_seed: number("seed")
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be between 0 and 4294967295" })
    .max(0xffffffff, { error: "must be between 0 and 4294967295" }),
  name: z.string({ error: "must be a string" }).max(255, { error: "must be at most 255 characters" }),
  compatibility: z.enum(["exact", "opendrift"], { error: 'must be "exact" or "opendrift"' }),
  coastline: z.enum(["stranding", "previous", "none"], {
    error: 'must be "stranding", "previous" or "none"',
  }),
  products: z
    .array(z.enum(PRODUCT_NAMES as [ProductName, ...ProductName[]]), {
      error: `must be a list of ${PRODUCT_NAMES.join(", ")}`,
    })
    .min(1, { error: "must name at least one product" }),
  scenarios: z
    .array(scenarioParam, { error: "must be a list of scenarios" })
    .min(1, { error: "must hold at least one scenario" })
    .max(20, { error: "must hold at most 20 scenarios" }),
};
const paramsSchema = z.object(PARAM_SHAPE).partial();
type Params = z.output<typeof paramsSchema>;

/** Validates params from one source; `prefix` names it in messages ("params", "missions.config"). */
function validateParams(
  input: Record<string, unknown>,
  prefix: string,
  names: Record<string, string> = {},
): Params {
  const known: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input))
    if (k in PARAM_SHAPE && v !== null && v !== undefined) known[k] = v;
  const r = paramsSchema.safeParse(known);
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => {
    const [first, ...rest] = issue.path.map(String);
    const field = names[first] ?? `${prefix}.${first}`;
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field(s) ${issue.keys.join(", ")}; allowed: x, y (m/s east, north) or speed (m/s), direction (degrees)`
        : issue.message;
    return `${[field, ...rest].join(".")}: ${message}`;
  });
  throw new PermanentJobError(`invalid job: ${problems.join("; ")}`);
}

/** The mission row's columns as params, named after their columns in messages. */
function rowParams(row: MissionRow): Params {
  const input: Record<string, unknown> = {
    latitude: row.lastKnownLat,
    longitude: row.lastKnownLon,
    start_time: row.lastKnownTime,
    duration_hours: row.forecastHours,
    num_particles: row.ensembleSize,
    uncertainty_radius_m: row.uncertaintyRadiusM,
    name: row.name?.slice(0, 255),
  };
  const names = {
    latitude: "missions.last_known_lat",
    longitude: "missions.last_known_lon",
    start_time: "missions.last_known_time",
    duration_hours: "missions.forecast_hours",
    num_particles: "missions.ensemble_size",
    uncertainty_radius_m: "missions.uncertainty_radius_m",
    name: "missions.name",
  };
  return validateParams(input, "missions", names);
}

/**
 * Extra parameters the API server keeps in `missions.config`: the job's own names, and the embedded API's
 * (object_type_id, on_scene_wind, on_scene_current, release {endLat, endLon, endTime, endRadiusM}).
 */
function configParams(config: Record<string, unknown>): Params {
  const input: Record<string, unknown> = { ...config };
  if (config.object_type_id !== undefined && input.object_type === undefined)
    input.object_type = config.object_type_id;
  if (config.on_scene_wind !== undefined && input.wind === undefined) input.wind = config.on_scene_wind;
  if (config.on_scene_current !== undefined && input.current === undefined)
    input.current = config.on_scene_current;
  const release = config.release as Record<string, unknown> | undefined;
  if (release && typeof release === "object") {
    input.end_latitude ??= release.endLat ?? release.end_latitude;
    input.end_longitude ??= release.endLon ?? release.end_longitude;
    input.end_time ??= release.endTime ?? release.end_time;
    input.end_uncertainty_radius_m ??= release.endRadiusM ?? release.end_uncertainty_radius_m;
  }
  return validateParams(input, "missions.config");
}

// ---- the simulation spec -----------------------------------------------------------------------------------

type VariableSource =
  | { constant: { x: number; y: number } }
  | { bias: { x: number; y: number } }
  | { files: string[] }
  | { catalog: true }
  | { fetch: true };

/** With live forecast providers configured (docs/forcing-providers.md), a mission the catalog does not cover fetches. */
function catalogSources(): VariableForcing {
  const live = Boolean(process.env.FORCING_PROVIDERS || process.env.FORCING_PROVIDERS_CONFIG);
  return live ? [{ catalog: true }, { fetch: true }] : { catalog: true };
}
type VariableChain = VariableSource | VariableSource[];
/** A source, a chain, or a forcing ensemble of chains (src/pipeline/ensemble.ts). */
type VariableForcing = VariableChain | { ensemble: VariableChain[]; weights?: number[] };

/** The simulation spec JSON (see src/pipeline/spec.ts) the worker hands to runSimulationSpec. */
export interface SimulationSpecJson {
  name: string;
  object_type: number;
  start_time: string;
  duration_hours: number;
  time_step_seconds: number;
  output_step_seconds: number;
  /** The release; with scenarios only the number of particles (each scenario has its own release). */
  seed: {
    lon?: number | [number, number];
    lat?: number | [number, number];
    time?: string | [string, string];
    radius_m?: number | [number, number];
    radius_type?: "gaussian";
    number: number;
  };
  scenarios?: SpecScenario[];
  forcing: { wind: VariableForcing; current: VariableForcing };
  random_seed: number;
  coastline: "stranding" | "previous" | "none";
  compatibility?: "exact" | "opendrift";
}

export interface ResolvedJob {
  missionId: string;
  spec: SimulationSpecJson;
  category: ObjectCategory;
  /** Particles × time steps: the work the job asks for. */
  particleSteps: number;
  products?: ProductName[];
  /** Things worth a log line (ignored fields, object type taken from the row …). */
  notes: string[];
}

export interface ResolveOptions {
  /** Whether a forcing catalog exists; without one, on-scene values are the only forcing. */
  catalog: boolean;
  maxParticleSteps?: number;
  /** MAX_JOB_MEMORY_MB: jobs whose estimated memory exceeds it are refused before any work. */
  maxJobMemoryMb?: number;
}

/**
 * A deliberately generous estimate of one job's memory, MB: a fixed part (code, land mask, map rendering),
 * the particle state (~200 B per particle) and the recorded trajectory with the products' working copies
 * (~24 B per particle and output time). Typed arrays live outside the thread's V8 heap, so the heap limit
 * alone cannot cap them; this estimate does, before anything is allocated.
 */
export function estimateJobMemoryMb(particles: number, outputs: number): number {
  return Math.ceil(200 + (particles * 200 + particles * outputs * 24) / (1024 * 1024));
}

/** Same mission → same random seed, so that a re-delivered job reproduces its results exactly. */
export function seedFromMissionId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Chooses a time step that divides the duration: the contract's 3600 s when possible. */
function defaultTimeStep(durationSeconds: number): number {
  for (const dt of [3600, 1800, 1200, 900, 600, 300, 60, 1]) if (durationSeconds % dt === 0) return dt;
  return 1;
}

function checkForcingHints(
  forcing: Record<string, unknown>,
  catalog: boolean,
): {
  wind?: VariableForcing;
  current?: VariableForcing;
} {
  const problems: string[] = [];
  const out: { wind?: VariableForcing; current?: VariableForcing } = {};
  for (const key of Object.keys(forcing)) {
    if (key !== "wind" && key !== "current")
      problems.push(`params.forcing.${key}: unknown (use wind and current)`);
  }
  // A source, a chain of sources, or a forcing ensemble of chains ({ensemble: [...], weights}).
  const check = (v: unknown, at: string): void => {
    const ensemble = (v as { ensemble?: unknown })?.ensemble;
    if (Array.isArray(ensemble)) {
      ensemble.forEach((member, m) => {
        check(member, `${at}.ensemble.${m}`);
      });
      return;
    }
    const sources = Array.isArray(v) ? v : [v];
    sources.forEach((s, i) => {
      const where = Array.isArray(v) ? `${at}.${i}` : at;
      const files = (s as { files?: unknown })?.files;
      if (files !== undefined && !catalog) {
        // Without a forcing directory, names would resolve against the worker's working directory.
        problems.push(
          `${where}.files: no forcing directory is configured on this worker (FORCING_DIR); give on-scene wind and current instead`,
        );
      } else if (Array.isArray(files)) {
        files.forEach((f, k) => {
          if (typeof f !== "string" || f.startsWith("/") || f.includes("\\") || f.split("/").includes("..")) {
            problems.push(
              `${where}.files.${k}: must be a file name relative to the forcing directory, got ${preview(f)}`,
            );
          }
        });
      }
    });
  };
  for (const variable of ["wind", "current"] as const) {
    const v = forcing[variable];
    if (v === undefined) continue;
    check(v, `params.forcing.${variable}`);
    out[variable] = v as VariableForcing;
  }
  if (problems.length > 0) throw new PermanentJobError(`invalid job: ${problems.join("; ")}`);
  return out;
}

function forcingFor(
  variable: "wind" | "current",
  hint: VariableForcing | undefined,
  onScene: { x: number; y: number } | undefined,
  catalog: boolean,
): VariableForcing {
  if (hint !== undefined) return hint;
  if (onScene === undefined) return catalogSources();
  // On-scene values fill in wherever no forcing file covers the particles (API: "used where no forcing
  // data covers the mission"); with no catalog at all they are the whole forcing.
  void variable;
  return catalog ? [{ catalog: true }, { constant: onScene }] : { constant: onScene };
}

/** The current with a drifter's bias after its sources (after each member's, for an ensemble). */
function withBias(current: VariableForcing, bias: { x: number; y: number } | undefined): VariableForcing {
  if (!bias) return current;
  const chain = (c: VariableChain): VariableSource[] => [...(Array.isArray(c) ? c : [c]), { bias }];
  if (!Array.isArray(current) && "ensemble" in current) {
    return { ...current, ensemble: current.ensemble.map(chain) };
  }
  return chain(current);
}

/**
 * Merges the job's params over the mission row (`missions.config`, then its columns) and the contract's
 * defaults, validates the result and builds the simulation spec. Throws PermanentJobError naming the field.
 */
export function resolveJob(
  envelope: JobEnvelope,
  row: MissionRow | null,
  options: ResolveOptions,
): ResolvedJob {
  const notes: string[] = [];
  if (envelope.ignored.length > 0) notes.push(`ignored unknown job fields: ${envelope.ignored.join(", ")}`);
  const fromJob = validateParams(envelope.params, "params");
  const fromConfig = row?.config ? configParams(row.config) : {};
  const fromRow = row ? rowParams(row) : {};
  const p: Params = { ...fromRow, ...fromConfig, ...fromJob };
  // A mission of scenarios needs no position of its own: its headline position is the first scenario's.
  const first = p.scenarios?.[0];
  p.latitude ??= first?.latitude ?? first?.polygon?.[0][1];
  p.longitude ??= first?.longitude ?? first?.polygon?.[0][0];

  if (p.latitude === undefined || p.longitude === undefined) {
    const missing = p.latitude === undefined ? "latitude" : "longitude";
    throw new PermanentJobError(
      `invalid job: params.${missing}: required (the job and the mission row give no position)`,
    );
  }

  const category = chooseObjectType(fromJob, fromConfig, row, notes);

  let startTime = p.start_time;
  if (startTime === undefined) {
    startTime = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    notes.push(`no start_time: using the current time ${startTime}`);
  }
  let hours = p.duration_hours ?? JOB_DEFAULTS.durationHours;
  const backward = p.backtracking === true || hours < 0;
  hours = Math.abs(hours);
  const sign = backward ? -1 : 1;
  const durationSeconds = Math.round(hours * 3600);

  const problems: string[] = [];
  const dt = p.time_step_seconds ?? defaultTimeStep(durationSeconds);
  if (durationSeconds % dt !== 0) {
    problems.push(
      `params.time_step_seconds: ${dt} s does not divide the duration (${hours} h) into whole steps`,
    );
  }
  let output = p.output_step_seconds;
  if (output === undefined) {
    output = Math.max(dt, Math.round(JOB_DEFAULTS.outputStepSeconds / dt) * dt);
    if (output > durationSeconds) output = durationSeconds;
  } else if (output % dt !== 0) {
    problems.push(`params.output_step_seconds: must be a multiple of the time step (${dt} s)`);
  } else if (output > durationSeconds) {
    problems.push(`params.output_step_seconds: must not exceed the duration (${durationSeconds} s)`);
  }

  const number = p.num_particles ?? JOB_DEFAULTS.numParticles;
  const radiusM = p.uncertainty_radius_m ?? JOB_DEFAULTS.uncertaintyRadiusM;
  const line = p.end_latitude !== undefined || p.end_longitude !== undefined;
  if (line && (p.end_latitude === undefined || p.end_longitude === undefined)) {
    problems.push("params.end_latitude/end_longitude: give both ends of the release line or neither");
  }
  let seedTime: string | [string, string] = startTime;
  if (p.end_time !== undefined) {
    const start = Date.parse(startTime);
    const end = Date.parse(p.end_time);
    const limit = start + sign * durationSeconds * 1000;
    const inside = backward ? end <= start && end >= limit : end >= start && end <= limit;
    if (!inside) {
      problems.push(
        `params.end_time: must lie ${backward ? "before" : "after"} start_time and within the ${hours} h run (${new Date(limit).toISOString()})`,
      );
    }
    seedTime = [startTime, p.end_time];
  }
  if (problems.length > 0) throw new PermanentJobError(`invalid job: ${problems.join("; ")}`);

  const hints = p.forcing ? checkForcingHints(p.forcing, options.catalog) : {};
  const spec: SimulationSpecJson = {
    name: (p.name ?? `mission ${envelope.missionId}`).slice(0, 255),
    object_type: category.id,
    start_time: startTime,
    duration_hours: (sign * durationSeconds) / 3600,
    time_step_seconds: sign * dt,
    output_step_seconds: output,
    seed: {
      lon: line ? [p.longitude, p.end_longitude as number] : p.longitude,
      lat: line ? [p.latitude, p.end_latitude as number] : p.latitude,
      time: seedTime,
      radius_m: line ? [radiusM, p.end_uncertainty_radius_m ?? radiusM] : radiusM,
      radius_type: "gaussian",
      number,
    },
    forcing: {
      wind: forcingFor("wind", hints.wind, p.wind, options.catalog),
      current: withBias(forcingFor("current", hints.current, p.current, options.catalog), p.current_bias),
    },
    random_seed: p.random_seed ?? seedFromMissionId(envelope.missionId),
    coastline: p.coastline ?? "stranding",
    ...(p.compatibility ? { compatibility: p.compatibility } : {}),
  };
  if (p.scenarios) {
    spec.seed = { number };
    spec.scenarios = specScenarios(p.scenarios, startTime, radiusM);
  }

  const particleSteps = number * (durationSeconds / dt);
  if (options.maxParticleSteps !== undefined && particleSteps > options.maxParticleSteps) {
    throw new JobCapError(
      `job needs ${particleSteps.toLocaleString("en")} particle-steps (${number} particles × ${durationSeconds / dt} steps), ` +
        `over the cap MAX_PARTICLE_STEPS=${options.maxParticleSteps.toLocaleString("en")}; use fewer particles, a shorter run or a longer time step`,
    );
  }
  const outputs = Math.floor(durationSeconds / output) + 1;
  const memoryMb = estimateJobMemoryMb(number, outputs);
  if (options.maxJobMemoryMb !== undefined && memoryMb > options.maxJobMemoryMb) {
    throw new JobCapError(
      `job needs an estimated ${memoryMb.toLocaleString("en")} MB (${number} particles × ${outputs} output times), ` +
        `over the cap MAX_JOB_MEMORY_MB=${options.maxJobMemoryMb}; use fewer particles, a shorter run or a longer output step`,
    );
  }
  return { missionId: envelope.missionId, spec, category, particleSteps, products: p.products, notes };
}

/**
 * The job's object_type wins, except that the platform's API turned every name into 1: when the job says 1
 * and the row names another category ("Life Raft"), the row is what the user meant.
 */
function chooseObjectType(
  fromJob: Params,
  fromConfig: Params,
  row: MissionRow | null,
  notes: string[],
): ObjectCategory {
  const rowName = row?.objectType?.trim();
  const rowCategory = rowName && !/^\d+$/.test(rowName) ? tryFindObjectCategory(rowName) : undefined;
  const pick = (value: number | string, field: string): ObjectCategory => {
    try {
      return findObjectCategory(value);
    } catch (err) {
      if (err instanceof UnknownObjectTypeError)
        throw new PermanentJobError(`invalid job: ${field}: ${err.message}`);
      throw err;
    }
  };
  if (fromJob.object_type !== undefined) {
    const c = pick(fromJob.object_type, "params.object_type");
    if (c.id === 1 && rowCategory && rowCategory.id !== 1 && fromConfig.object_type === undefined) {
      notes.push(`job says object_type 1 but the mission row says "${rowName}": using ${rowCategory.key}`);
      return rowCategory;
    }
    return c;
  }
  if (fromConfig.object_type !== undefined)
    return pick(fromConfig.object_type, "missions.config.object_type");
  if (rowName) return pick(rowName, "missions.object_type");
  return pick(JOB_DEFAULTS.objectType, "object_type");
}

/** A scenario of the simulation spec (src/pipeline/scenarios.ts). */
export interface SpecScenario {
  name?: string;
  weight?: number;
  object_type?: number | string;
  release:
    | { polygon: [number, number][]; time: string | [string, string] }
    | {
        lon: number | [number, number];
        lat: number | [number, number];
        time: string | [string, string];
        radius_m: number | [number, number];
      };
}

/**
 * The job's scenarios as the spec's: a polygon, or a position (a line when it has an end position) with the
 * mission's radius unless its own; released from its start_time (default the mission's) to its end_time.
 */
function specScenarios(list: readonly ScenarioParam[], startTime: string, radiusM: number): SpecScenario[] {
  const problems: string[] = [];
  const out = list.map((s, k): SpecScenario => {
    const at = `params.scenarios.${k}`;
    const start = s.start_time ?? startTime;
    const time: string | [string, string] = s.end_time ? [start, s.end_time] : start;
    const named = {
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.weight !== undefined ? { weight: s.weight } : {}),
      ...(s.object_type !== undefined ? { object_type: s.object_type } : {}),
    };
    if (s.polygon) {
      for (const key of ["latitude", "longitude", "end_latitude", "end_longitude"] as const) {
        if (s[key] !== undefined)
          problems.push(`${at}.${key}: not used with a polygon: give one or the other`);
      }
      return { ...named, release: { polygon: s.polygon, time } };
    }
    if (s.latitude === undefined || s.longitude === undefined) {
      problems.push(
        `${at}.${s.latitude === undefined ? "latitude" : "longitude"}: required (or give a polygon)`,
      );
    }
    const line = s.end_latitude !== undefined || s.end_longitude !== undefined;
    if (line && (s.end_latitude === undefined || s.end_longitude === undefined)) {
      problems.push(`${at}.end_latitude/end_longitude: give both ends of the release line or neither`);
    }
    const lat = s.latitude as number;
    const lon = s.longitude as number;
    const r = s.uncertainty_radius_m ?? radiusM;
    return {
      ...named,
      release: line
        ? {
            lon: [lon, s.end_longitude as number],
            lat: [lat, s.end_latitude as number],
            time,
            radius_m: [r, s.end_uncertainty_radius_m ?? r],
          }
        : { lon, lat, time, radius_m: r },
    };
  });
  if (problems.length > 0) throw new PermanentJobError(`invalid job: ${problems.join("; ")}`);
  return out;
}
