// UNITS.json: the search units, the on-scene conditions and the options of a plan or of a searched update,
// validated at the edge (errors name the field and what is allowed), turned into each unit's sweep width and
// search window.
import { z } from "zod";
import { isRealDate, SpecError, specErrorOf } from "../pipeline/spec.js";
import { KNOT, METRES_PER_NM } from "./frame.js";
import type { UnitEffort } from "./plan.js";
import {
  SEARCH_OBJECTS,
  type SearchConditions,
  type SearchObject,
  type SearchUnit,
  type SweepWidth,
  searchObjectOfCategory,
  sweepWidth,
} from "./sweep-width.js";

const positive = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .finite(`must be finite (${what})`)
    .positive(`must be > 0 (${what})`);
const nonNegative = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .finite(`must be finite (${what})`)
    .min(0, `must be ≥ 0 (${what})`);

const conditionsSchema = z.strictObject({
  visibility_nm: positive("nautical miles"),
  wind_kn: nonNegative("knots"),
  sea_ft: nonNegative("feet"),
  fatigue: z.boolean().default(false),
});

const time = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i,
    "must be an RFC 3339 time",
  )
  .refine(isRealDate, "is not a valid date");

const unitSchema = z.strictObject({
  name: z.string().min(1, "must not be empty"),
  platform: z.enum(["vessel", "helicopter", "fixed-wing"], {
    error: 'must be "vessel", "helicopter" or "fixed-wing"',
  }),
  speed_kn: positive("knots").max(400, "must be at most 400 (knots)"),
  on_scene_hours: positive("hours").max(72, "must be at most 72 (hours)"),
  altitude_ft: positive("feet").max(10_000, "must be at most 10000 (feet)").optional(),
  eye_height_ft: positive("feet").max(200, "must be at most 200 (feet)").optional(),
  sweep_width_nm: positive("nautical miles").max(60, "must be at most 60 (nautical miles)").optional(),
  pattern: z
    .enum(["parallel", "creeping", "expanding-square", "sector"], {
      error: 'must be "parallel", "creeping", "expanding-square" or "sector"',
    })
    .default("parallel"),
  conditions: conditionsSchema.optional(),
  /** When the unit starts searching, if later than the window's start (RFC 3339). */
  start: time.optional(),
});

export const unitsFileSchema = z.strictObject({
  units: z.array(unitSchema).min(1, "at least 1 unit").max(50, "at most 50 units"),
  conditions: conditionsSchema,
  /** IAMSAR search-object class; default: from the run's Leeway category. */
  search_object: z.enum(SEARCH_OBJECTS, { error: `must be one of ${SEARCH_OBJECTS.join(", ")}` }).optional(),
  lateral_range: z
    .enum(["inverse-cube", "definite-range"], { error: 'must be "inverse-cube" or "definite-range"' })
    .default("inverse-cube"),
  from: time.optional(),
  to: time.optional(),
});
export type UnitsFile = z.infer<typeof unitsFileSchema>;

/** Validates UNITS.json (parsed); throws SpecError naming each bad field. */
export function parseUnitsFile(input: unknown): UnitsFile {
  const parsed = unitsFileSchema.safeParse(input);
  if (!parsed.success) throw specErrorOf(parsed.error);
  return parsed.data;
}

export interface UnitSetup {
  unit: SearchUnit;
  conditions: SearchConditions;
  sweep: SweepWidth;
  effort: UnitEffort;
}

/**
 * Each unit's sweep width and window: from `from` (or its own later `start`) for its on-scene hours, cut at
 * `to`. The default window ends at the run's last output time and is as long as the longest on-scene time
 * (from no earlier than the first output).
 */
export function unitSetups(
  file: UnitsFile,
  categoryId: number,
  runTimes: { first: number; last: number },
  window: { from?: number; to?: number } = {},
): { setups: UnitSetup[]; object: SearchObject; from: number; to: number } {
  const object = file.search_object ?? searchObjectOfCategory(categoryId);
  const longest = Math.max(...file.units.map((u) => u.on_scene_hours)) * 3600;
  const fromText = window.from ?? (file.from ? Date.parse(file.from) / 1000 : undefined);
  const toText = window.to ?? (file.to ? Date.parse(file.to) / 1000 : undefined);
  const from = fromText ?? Math.max(runTimes.first, (toText ?? runTimes.last) - longest);
  const to = toText ?? Math.min(runTimes.last, from + longest);
  if (!(to > from)) throw new SpecError([{ path: "to", message: "must be after from" }]);
  if (from < runTimes.first || to > runTimes.last) {
    throw new SpecError([
      {
        path: "from",
        message: `the window must lie within the run's output times (${new Date(runTimes.first * 1000).toISOString()} to ${new Date(runTimes.last * 1000).toISOString()})`,
      },
    ]);
  }
  const setups = file.units.map((u, j) => {
    const conditions = u.conditions ?? file.conditions;
    const start = u.start ? Math.max(from, Date.parse(u.start) / 1000) : from;
    if (start >= to)
      throw new SpecError([
        { path: `units.${j}.start`, message: "must be before the end of the search window" },
      ]);
    const sweep = sweepWidth(u, object, conditions);
    const effort: UnitEffort = {
      name: u.name,
      pattern: u.pattern,
      sweepWidthM: sweep.nm * METRES_PER_NM,
      speedMs: u.speed_kn * KNOT,
      start,
      end: Math.min(to, start + u.on_scene_hours * 3600),
      afloatOnly: u.platform === "vessel",
    };
    return { unit: u, conditions, sweep, effort };
  });
  return { setups, object, from, to };
}
