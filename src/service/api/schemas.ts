// Request bodies and query strings of the HTTP API, validated with zod. The same schemas generate the
// OpenAPI document, so the reference page and the validation never disagree.

import { z } from "zod";
import { OBJECT_CATEGORIES, tryFindObjectCategory } from "../../core/objects.js";
import { isRealDate } from "../../pipeline/spec.js";
import { type DownloadFormat, PRODUCTS } from "../../products/registry.js";

export type { DownloadFormat };

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

const rfc3339 = z
  .string()
  .refine((s) => RFC3339.test(s) && isRealDate(s), {
    message: "must be an RFC 3339 time with a time zone, e.g. 2024-01-01T12:00:00Z",
  })
  .refine(
    (s) => {
      const year = new Date(s).getUTCFullYear();
      return year >= 1950 && year <= 2100;
    },
    { message: "must be between 1950 and 2100" },
  )
  .meta({ format: "date-time", example: "2024-01-01T12:00:00Z" });

// The poles themselves are refused: a drift there has no direction (the worker refuses them too).
const latitude = z
  .number()
  .gt(-90, "must be between -90 and 90, poles excluded")
  .lt(90, "must be between -90 and 90, poles excluded");
const longitude = z.number().min(-180).max(180);

/** Observed wind or current: speed and direction, or east/north components, all in m/s. */
const onSceneVector = (kind: "wind" | "current") =>
  z
    .object({
      speed: z
        .number()
        .min(0)
        .max(kind === "wind" ? 80 : 10)
        .optional()
        .describe("m/s"),
      direction: z
        .number()
        .min(0)
        .max(360)
        .optional()
        .describe(
          kind === "wind"
            ? "degrees true the wind blows FROM (meteorological convention)"
            : "degrees true the current flows TOWARDS (oceanographic convention)",
        ),
      x: z.number().min(-80).max(80).optional().describe("eastward component, m/s"),
      y: z.number().min(-80).max(80).optional().describe("northward component, m/s"),
    })
    .strict()
    .superRefine((v, ctx) => {
      const polar = v.speed !== undefined || v.direction !== undefined;
      const cartesian = v.x !== undefined || v.y !== undefined;
      if (polar && cartesian) {
        ctx.addIssue({ code: "custom", message: "give speed and direction, or x and y, not both" });
      } else if (polar && (v.speed === undefined || v.direction === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [v.speed === undefined ? "speed" : "direction"],
          message: "give speed (m/s) and direction (degrees) together",
        });
      } else if (!polar && (v.x === undefined || v.y === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [v.x === undefined ? "x" : "y"],
          message: "give x and y (m/s east and north) together, or speed and direction",
        });
      }
    })
    .describe(
      kind === "wind"
        ? "Observed 10 m wind: {speed, direction} or {x, y}, m/s; used where no forcing data covers the mission"
        : "Observed surface current: {speed, direction} or {x, y}, m/s; used where no forcing data covers the mission",
    );

/** {speed, direction} or {x, y} → eastward/northward m/s (wind direction is "from", current "towards"). */
export function vectorComponents(
  v: { speed?: number; direction?: number; x?: number; y?: number },
  kind: "wind" | "current",
): { x: number; y: number } {
  if (v.x !== undefined && v.y !== undefined) return { x: v.x, y: v.y };
  const towards = ((v.direction ?? 0) + (kind === "wind" ? 180 : 0)) * (Math.PI / 180);
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return { x: round((v.speed ?? 0) * Math.sin(towards)), y: round((v.speed ?? 0) * Math.cos(towards)) };
}

export const ReleaseExtension = z
  .object({
    endLat: latitude.optional().describe("Second point of a release line (e.g. a vessel's track), degrees"),
    endLon: longitude.optional().describe("Second point of a release line, degrees"),
    endTime: rfc3339.optional().describe("End of the release time window (start is lastKnownTime)"),
    endRadiusM: z.number().min(0).max(100_000).optional().describe("Uncertainty radius at the line's end, m"),
  })
  .strict()
  .refine((r) => (r.endLat === undefined) === (r.endLon === undefined), {
    message: "give endLat and endLon together",
    path: ["endLon"],
  });

/** Several forcing files of one variable run as a forcing ensemble, one member each (issue 21). */
export const ForcingEnsemble = z
  .object({
    variable: z.enum(["wind", "current"]).default("current").describe("The variable the files give"),
    files: z
      .array(
        z
          .string()
          .min(1)
          .max(255)
          .refine((f) => !f.startsWith("/") && !f.includes("\\") && !f.split("/").includes(".."), {
            message: "must be a file name relative to the forcing directory (GET /api/v1/forcing/coverage)",
          }),
      )
      .min(2, "give at least two files (one per member)")
      .max(50, "at most 50 members"),
    weights: z.array(z.number().positive().finite()).optional().describe("Relative weight of each member"),
  })
  .strict()
  .refine((e) => !e.weights || e.weights.length === e.files.length, {
    message: "give one weight per file",
    path: ["weights"],
  })
  .describe(
    "Run on several forcing files of one variable as an ensemble: each file is a member with its share of the " +
      "particles; the products show the combined cloud and where the members agree (agreement.geojson). The " +
      "on-scene value of that variable, when given, backs each member up",
  );

const objectType = z
  .union([z.string().trim().min(1).max(100), z.number().int()])
  .refine((v) => tryFindObjectCategory(v) !== undefined, {
    message:
      'unknown object type: use an id 1-85, a key such as "PIW-1" or a name such as "life raft" (GET /api/v1/object-types)',
  })
  .describe('Leeway category: id (1-85), key ("PIW-1") or common name ("Life Raft", "Fishing Vessel")');

/** One weighted scenario: its own release (position, line, time window or polygon) and object type. */
export const ScenarioCreate = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('Scenario name (default "scenario N")'),
    weight: z.number().positive().max(1e6).default(1).describe("Relative probability (normalised to sum 1)"),
    objectType: objectType.optional().describe("Leeway category of this scenario (default the mission's)"),
    lastKnownLat: latitude.optional().describe("Release position, degrees north (or give a polygon)"),
    lastKnownLon: longitude.optional().describe("Release position, degrees east"),
    lastKnownTime: rfc3339.optional().describe("Start of the release (default the mission's lastKnownTime)"),
    uncertaintyRadiusM: z
      .number()
      .min(0)
      .max(100_000)
      .optional()
      .describe("Radius, m (default the mission's)"),
    endLat: latitude.optional().describe("Second point of a release line, degrees"),
    endLon: longitude.optional().describe("Second point of a release line, degrees"),
    endTime: rfc3339.optional().describe("End of the release time window"),
    endRadiusM: z.number().min(0).max(100_000).optional().describe("Radius at the line's end, m"),
    polygon: z
      .array(z.tuple([longitude, latitude]))
      .min(3)
      .max(1000)
      .optional()
      .describe("Release area: [lon, lat] vertices, particles uniform inside (instead of a position)"),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.polygon && (s.lastKnownLat !== undefined || s.lastKnownLon !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["polygon"], message: "give a polygon or a position, not both" });
    } else if (!s.polygon && (s.lastKnownLat === undefined || s.lastKnownLon === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [s.lastKnownLat === undefined ? "lastKnownLat" : "lastKnownLon"],
        message: "required (or give a polygon)",
      });
    }
    if ((s.endLat === undefined) !== (s.endLon === undefined)) {
      ctx.addIssue({ code: "custom", path: ["endLon"], message: "give endLat and endLon together" });
    }
  });
export type ScenarioCreateBody = z.output<typeof ScenarioCreate>;

/** The job's params.scenarios (snake_case, src/service/job.ts) from the API's scenarios. */
export function scenarioParams(list: readonly ScenarioCreateBody[]): Record<string, unknown>[] {
  const iso = (t: string) => new Date(t).toISOString().replace(".000Z", "Z");
  return list.map((s) => {
    const out: Record<string, unknown> = { weight: s.weight };
    if (s.name !== undefined) out.name = s.name;
    if (s.objectType !== undefined) out.object_type = s.objectType;
    if (s.polygon) out.polygon = s.polygon;
    if (s.lastKnownLat !== undefined) out.latitude = s.lastKnownLat;
    if (s.lastKnownLon !== undefined) out.longitude = s.lastKnownLon;
    if (s.lastKnownTime !== undefined) out.start_time = iso(s.lastKnownTime);
    if (s.uncertaintyRadiusM !== undefined) out.uncertainty_radius_m = s.uncertaintyRadiusM;
    if (s.endLat !== undefined) out.end_latitude = s.endLat;
    if (s.endLon !== undefined) out.end_longitude = s.endLon;
    if (s.endTime !== undefined) out.end_time = iso(s.endTime);
    if (s.endRadiusM !== undefined) out.end_uncertainty_radius_m = s.endRadiusM;
    return out;
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_BUT_LINES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const particles = z.number().int().min(100).max(10_000);

export const MissionCreate = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((t) => !CONTROL.test(t), "must not contain control characters (NUL, tab, newline, ESC …)")
      .describe("Mission name"),
    description: z
      .string()
      .max(10_000)
      .refine(
        (t) => !CONTROL_BUT_LINES.test(t),
        "must not contain control characters (NUL, ESC …) other than tab and newline",
      )
      .nullish()
      .describe("Free text"),
    lastKnownLat: latitude.describe("Latitude of the last known position, degrees north"),
    lastKnownLon: longitude.describe("Longitude of the last known position, degrees east"),
    lastKnownTime: rfc3339.describe("Time of the last known position (RFC 3339)"),
    objectType,
    uncertaintyRadiusM: z.number().min(0).max(100_000).default(100).describe("Radius around the position, m"),
    forecastHours: z.number().int().min(1).max(168).default(24).describe("Duration of the forecast, hours"),
    particleCount: particles.optional().describe("Number of particles (default 1000)"),
    ensembleSize: particles.optional().describe("Old name of particleCount, still accepted"),
    timeStepSeconds: z
      .number()
      .int()
      .refine((dt) => dt >= 60 && 3600 % dt === 0, {
        message: "must divide an hour into whole steps, from 60 s to 3600 s (e.g. 300, 600, 900, 1800)",
      })
      .default(600)
      .describe("Time step of the simulation, s (the spec's default, 600)"),
    allowPartial: z
      .boolean()
      .default(false)
      .describe(
        "Run even if the forcing files end before the forecast does (particles without data stop there)",
      ),
    backtracking: z.boolean().default(false).describe("Drift backwards in time (where did it come from?)"),
    onSceneWind: onSceneVector("wind").optional(),
    onSceneCurrent: onSceneVector("current").optional(),
    currentCorrection: z
      .object({
        x: z.number().min(-3).max(3).describe("m/s east"),
        y: z.number().min(-3).max(3).describe("m/s north"),
      })
      .strict()
      .optional()
      .describe(
        "A current bias estimated from a drifter (POST /missions/{id}/corrections), added to the current sources",
      ),
    release: ReleaseExtension.optional().describe("Release line and/or time window (extension)"),
    forcingEnsemble: ForcingEnsemble.optional(),
    compatibility: z
      .enum(["exact", "opendrift"])
      .optional()
      .describe('"opendrift" reproduces OpenDrift 1.14 where it deviates from the exact method (README)'),
    randomSeed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional()
      .describe("Seed for reproducible runs"),
    scenarios: z
      .array(ScenarioCreate)
      .min(1)
      .max(20)
      .optional()
      .describe(
        "Weighted scenarios (extension): the mission's whole list of releases, each with its own position, line, time window or polygon, object type and weight; particleCount particles split in proportion to the weights",
      ),
  })
  .superRefine((m, ctx) => {
    const start = Date.parse(m.lastKnownTime);
    const limit = start + (m.backtracking ? -1 : 1) * m.forecastHours * 3600_000;
    const within = (t: number) => (m.backtracking ? t <= start && t >= limit : t >= start && t <= limit);
    m.scenarios?.forEach((s, k) => {
      for (const key of ["lastKnownTime", "endTime"] as const) {
        const t = s[key];
        if (t !== undefined && !within(Date.parse(t))) {
          ctx.addIssue({
            code: "custom",
            path: ["scenarios", k, key],
            message: `must lie within the ${m.backtracking ? "backward run" : "forecast"} (from lastKnownTime, ${m.forecastHours} h)`,
          });
        }
      }
    });
    const end = m.release?.endTime;
    if (end) {
      const t = Date.parse(end);
      const inside = within(t);
      if (!inside) {
        ctx.addIssue({
          code: "custom",
          path: ["release", "endTime"],
          message: m.backtracking
            ? "must lie before lastKnownTime and within the backward run"
            : "must lie after lastKnownTime and within the forecast",
        });
      }
    }
  })
  .transform(({ ensembleSize, ...m }) => ({ ...m, particleCount: m.particleCount ?? ensembleSize ?? 1000 }));
export type MissionCreateInput = z.input<typeof MissionCreate>;
export type MissionCreateBody = z.output<typeof MissionCreate>;

export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(["created", "queued", "processing", "completed", "failed"]).optional(),
});

/** `results/download?format=` → the product's file, content type and label, from the product registry. */
export const DOWNLOAD_FORMATS = Object.fromEntries(
  PRODUCTS.map((p) => [p.download, { file: p.file, type: p.contentType, label: p.label }]),
) as Record<DownloadFormat, { file: string; type: string; label: string }>;

export const DownloadQuery = z.object({
  format: z.enum(Object.keys(DOWNLOAD_FORMATS) as [DownloadFormat, ...DownloadFormat[]]),
});

export const ParticlesQuery = z.object({
  max: z.coerce.number().int().min(1).max(20_000).default(2000),
});

export const BboxQuery = z.object({
  bbox: z
    .string()
    .transform((s, ctx) => {
      const parts = s.split(",").map(Number);
      const [w, s_, e, n] = parts;
      if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) {
        ctx.addIssue({ code: "custom", message: "must be west,south,east,north in degrees" });
        return z.NEVER;
      }
      if (s_ < -90 || n > 90 || s_ >= n || w < -540 || e > 540 || w >= e || e - w > 360) {
        ctx.addIssue({ code: "custom", message: "must have -90 <= south < north <= 90 and west < east" });
        return z.NEVER;
      }
      return { west: w, south: s_, east: e, north: n };
    })
    .describe("west,south,east,north in degrees"),
  zoom: z.coerce.number().min(0).max(22).default(8).describe("map zoom level: sets the detail"),
});

/** A point for "is this on land" (decimal degrees; longitudes wrap). */
export const PointQuery = z.object({
  lat: z.coerce.number().min(-90).max(90).describe("latitude, decimal degrees"),
  lon: z.coerce.number().min(-540).max(540).describe("longitude, decimal degrees"),
});

export interface FieldError {
  field: string;
  message: string;
}

/** zod issues → the API's field-level error list (`release.endTime`, `lastKnownLat` …). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "(body)";
    const label = FIELD_LABELS[field];
    const text = plainMessage(issue);
    return { field, message: label ? `${label}: ${text}` : text };
  });
}

/** The names the page's form gives the fields, for messages such as "Particles: at least 100". */
const FIELD_LABELS: Record<string, string> = {
  name: "Mission name",
  lastKnownLat: "Latitude",
  lastKnownLon: "Longitude",
  lastKnownTime: "Time of last sighting",
  objectType: "Object type",
  uncertaintyRadiusM: "Radius",
  forecastHours: "Duration",
  particleCount: "Particles",
  ensembleSize: "Particles",
  timeStepSeconds: "Time step",
  "onSceneWind.speed": "Wind speed",
  "onSceneWind.direction": "Wind direction",
  "onSceneCurrent.speed": "Current speed",
  "onSceneCurrent.direction": "Current direction",
};

/** zod's wording ("Too small: expected number to be >=1", "Invalid input") in words a person uses. */
function plainMessage(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & {
    input?: unknown;
    expected?: string;
    origin?: string;
    minimum?: unknown;
    maximum?: unknown;
    inclusive?: boolean;
  };
  const custom = !/^(Too (small|big)|Invalid input|Invalid option|Invalid number|Invalid string)/.test(
    issue.message,
  );
  if (custom) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      if (i.input === undefined) return "required";
      return i.expected === "int" ? "a whole number" : `must be a ${i.expected ?? "value of another kind"}`;
    case "too_small":
      if (i.origin === "string") return i.minimum === 1 ? "required" : `at least ${i.minimum} characters`;
      return i.inclusive === false ? `more than ${i.minimum}` : `at least ${i.minimum}`;
    case "too_big":
      if (i.origin === "string") return `at most ${i.maximum} characters`;
      return i.inclusive === false ? `less than ${i.maximum}` : `at most ${i.maximum}`;
    case "invalid_value":
      return `one of ${(issue as { values?: unknown[] }).values?.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message.replace(/^Invalid input: /, "");
  }
}

/** Common names (from OBJECT_NAME_MAP) per category id, for the object-type picker. */
export function objectTypeListing(nameMap: Readonly<Record<string, number>>) {
  const names = new Map<number, string[]>();
  for (const [name, id] of Object.entries(nameMap)) {
    const list = names.get(id) ?? [];
    list.push(name);
    names.set(id, list);
  }
  const groups: { group: string; categories: unknown[] }[] = [];
  for (const c of OBJECT_CATEGORIES) {
    let group = groups[groups.length - 1];
    if (!group || group.group !== c.group) {
      group = { group: c.group, categories: [] };
      groups.push(group);
    }
    group.categories.push({
      id: c.id,
      key: c.key,
      description: c.description,
      level: c.level,
      commonNames: names.get(c.id) ?? [],
    });
  }
  return groups;
}
