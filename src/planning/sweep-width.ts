// Sweep widths: the uncorrected visual sweep width of a search object for a platform, altitude (aircraft) or
// eye height (vessels) and visibility, from the public tables, corrected for weather, aircraft speed and
// fatigue. Numbers from the IAMSAR Manual Vol. II (2022), Appendix N, the visual sweep-width tables for
// vessels (observer eye height 8 ft and 14 ft), helicopters and fixed-wing aircraft (500 ft and 1,000 ft),
// the speed correction tables for helicopters and fixed-wing aircraft and the weather correction table; the
// same numbers are in the US National SAR Supplement (Joint Publication 3-50 appendix). Transcribed as the
// New Zealand table set (canterbury-air-patrol/marine-sweep-width-data) carries them. Nautical miles.

export type Platform = "vessel" | "helicopter" | "fixed-wing";

/** The IAMSAR search-object classes of the tables, in table order. */
export const SEARCH_OBJECTS = [
  "Person in water",
  "Raft 1 person",
  "Raft 4 person",
  "Raft 6 person",
  "Raft 8 person",
  "Raft 10 person",
  "Raft 15 person",
  "Raft 20 person",
  "Raft 25 person",
  "Power boat ≤ 15 ft",
  "Power boat 20 ft",
  "Power boat 33 ft",
  "Power boat 53 ft",
  "Power boat 78 ft",
  "Sail boat 15 ft",
  "Sail boat 20 ft",
  "Sail boat 25 ft",
  "Sail boat 30 ft",
  "Sail boat 40 ft",
  "Sail boat 50 ft",
  "Sail boat 70 ft",
  "Sail boat 83 ft",
  "Ship 120 ft",
  "Ship 225 ft",
  "Ship ≥ 300 ft",
] as const;
export type SearchObject = (typeof SEARCH_OBJECTS)[number];

/** Objects the weather table calls small (persons, rafts, boats under 30 ft); the rest are large. */
const LARGE_OBJECTS: ReadonlySet<SearchObject> = new Set([
  "Power boat 33 ft",
  "Power boat 53 ft",
  "Power boat 78 ft",
  "Sail boat 30 ft",
  "Sail boat 40 ft",
  "Sail boat 50 ft",
  "Sail boat 70 ft",
  "Sail boat 83 ft",
  "Ship 120 ft",
  "Ship 225 ft",
  "Ship ≥ 300 ft",
]);

interface SweepTable {
  /** Visibility columns, NM. */
  visibility: readonly number[];
  /** One row per SEARCH_OBJECTS entry, one value per visibility column. */
  rows: readonly (readonly number[])[];
}

const VIS6 = [1, 3, 5, 10, 15, 20];
const VIS7 = [1, 3, 5, 10, 15, 20, 30];

// IAMSAR Vol. II App. N: visual sweep widths for vessels, observer eye height 8 ft (2.4 m).
const VESSEL_8FT: SweepTable = {
  visibility: VIS6,
  rows: [
    [0.2, 0.2, 0.3, 0.3, 0.3, 0.3],
    [0.7, 1.3, 1.7, 2.3, 2.6, 2.7],
    [0.7, 1.7, 2.2, 3.1, 3.5, 3.9],
    [0.8, 1.9, 2.6, 3.6, 4.3, 4.7],
    [0.8, 2.0, 2.7, 3.8, 4.4, 4.9],
    [0.8, 2.0, 2.8, 4.0, 4.8, 5.3],
    [0.9, 2.2, 3.0, 4.3, 5.1, 5.7],
    [0.9, 2.3, 3.3, 4.9, 5.8, 6.5],
    [0.9, 2.4, 3.5, 5.2, 6.3, 7.0],
    [0.4, 0.8, 1.1, 1.5, 1.6, 1.8],
    [0.8, 1.5, 2.2, 3.3, 4.0, 4.5],
    [0.8, 1.9, 2.9, 4.7, 5.9, 6.8],
    [0.9, 2.4, 3.9, 7.0, 9.3, 11.1],
    [0.9, 2.5, 4.3, 8.3, 11.4, 14.0],
    [0.8, 1.5, 2.1, 3.0, 3.6, 4.0],
    [0.8, 1.7, 2.5, 3.7, 4.6, 5.1],
    [0.9, 1.9, 2.8, 4.4, 5.4, 6.3],
    [0.9, 2.1, 3.2, 5.3, 6.6, 7.7],
    [0.9, 2.3, 3.8, 6.6, 8.6, 10.3],
    [0.9, 2.4, 4.0, 7.3, 9.7, 11.6],
    [0.9, 2.5, 4.2, 7.9, 10.7, 13.1],
    [0.9, 2.5, 4.4, 8.3, 11.6, 14.2],
    [1.4, 2.5, 4.6, 9.3, 13.2, 16.6],
    [1.4, 2.6, 4.9, 10.3, 15.5, 20.2],
    [1.4, 2.6, 4.9, 10.9, 16.8, 22.5],
  ],
};

// IAMSAR Vol. II App. N: visual sweep widths for vessels, observer eye height 14 ft (4.2 m).
const VESSEL_14FT: SweepTable = {
  visibility: VIS6,
  rows: [
    [0.3, 0.4, 0.5, 0.5, 0.5, 0.5],
    [0.9, 1.8, 2.3, 3.1, 3.4, 3.7],
    [1.0, 2.2, 3.0, 4.0, 4.6, 5.0],
    [1.1, 2.5, 3.4, 4.7, 5.5, 6.0],
    [1.1, 2.5, 3.5, 4.8, 5.7, 6.2],
    [1.1, 2.6, 3.6, 5.1, 6.1, 6.7],
    [1.1, 2.8, 3.8, 5.5, 6.5, 7.2],
    [1.2, 3.0, 4.1, 6.1, 7.3, 8.1],
    [1.2, 3.1, 4.3, 6.4, 7.8, 8.7],
    [0.5, 1.1, 1.4, 1.9, 2.1, 2.3],
    [1.0, 2.0, 2.9, 4.3, 5.2, 5.8],
    [1.1, 2.5, 3.8, 6.1, 7.7, 8.8],
    [1.2, 3.1, 5.1, 9.1, 12.1, 14.4],
    [1.2, 3.2, 5.6, 10.7, 14.7, 18.1],
    [1.0, 1.9, 2.7, 3.9, 4.7, 5.2],
    [1.0, 2.2, 3.2, 4.8, 5.9, 6.6],
    [1.1, 2.4, 3.6, 5.7, 7.0, 8.1],
    [1.1, 2.7, 4.1, 6.8, 8.6, 10.0],
    [1.2, 3.0, 4.9, 8.5, 11.2, 13.3],
    [1.2, 3.1, 5.2, 9.4, 12.5, 15.0],
    [1.2, 3.2, 5.5, 10.2, 13.9, 16.9],
    [1.2, 3.3, 5.7, 10.8, 15.0, 18.4],
    [1.8, 3.3, 6.0, 12.0, 17.1, 21.5],
    [1.8, 3.4, 6.3, 13.4, 20.1, 26.0],
    [1.8, 3.4, 6.4, 14.1, 21.8, 29.2],
  ],
};

// IAMSAR Vol. II App. N: visual sweep widths for helicopters at 500 ft (150 m).
const HELICOPTER_500FT: SweepTable = {
  visibility: VIS7,
  rows: [
    [0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.4, 0.9, 1.2, 1.6, 1.8, 1.8, 1.8],
    [0.5, 1.2, 1.6, 2.2, 2.6, 2.8, 2.8],
    [0.5, 1.4, 1.9, 2.7, 3.2, 3.5, 3.5],
    [0.6, 1.5, 2.0, 2.8, 3.3, 3.7, 3.7],
    [0.6, 1.6, 2.2, 3.1, 3.6, 4.0, 4.0],
    [0.6, 1.7, 2.3, 3.3, 4.0, 4.4, 5.0],
    [0.6, 1.8, 2.6, 3.8, 4.6, 5.1, 5.9],
    [0.6, 1.9, 2.7, 4.1, 5.0, 5.6, 6.4],
    [0.5, 1.2, 1.5, 1.9, 2.2, 2.3, 2.3],
    [0.7, 2.0, 2.9, 4.3, 5.2, 5.8, 5.8],
    [0.8, 2.5, 3.9, 6.2, 7.8, 9.0, 10.7],
    [0.8, 3.1, 5.1, 9.2, 12.3, 14.7, 18.5],
    [0.8, 3.3, 5.7, 10.8, 15.0, 18.4, 23.9],
    [0.7, 1.9, 2.7, 3.9, 4.7, 5.2, 5.2],
    [0.7, 2.2, 3.2, 4.8, 5.9, 6.7, 6.7],
    [0.8, 2.4, 3.7, 5.7, 7.1, 8.2, 8.2],
    [0.8, 2.7, 4.2, 6.9, 8.7, 10.2, 12.3],
    [0.8, 3.0, 4.9, 8.3, 11.3, 13.5, 16.8],
    [0.8, 3.1, 5.2, 9.5, 12.7, 15.3, 19.4],
    [0.8, 3.2, 5.5, 10.4, 14.1, 17.3, 22.2],
    [0.8, 3.3, 5.7, 11.0, 15.2, 18.7, 24.4],
    [0.8, 3.4, 6.0, 12.2, 17.4, 21.9, 29.3],
    [0.8, 3.4, 6.3, 13.6, 20.4, 26.6, 37.3],
    [0.8, 3.5, 6.4, 14.3, 22.1, 29.8, 43.8],
  ],
};

// IAMSAR Vol. II App. N: visual sweep widths for helicopters at 1,000 ft (300 m).
const HELICOPTER_1000FT: SweepTable = {
  visibility: VIS7,
  rows: [
    [0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.4, 0.9, 1.2, 1.6, 1.8, 1.8, 1.8],
    [0.5, 1.2, 1.7, 2.3, 2.6, 2.9, 2.9],
    [0.5, 1.4, 2.0, 2.8, 3.2, 3.5, 3.5],
    [0.5, 1.5, 2.1, 2.9, 3.4, 3.8, 3.8],
    [0.5, 1.6, 2.2, 3.2, 3.7, 4.1, 4.1],
    [0.6, 1.7, 2.4, 3.5, 4.1, 4.5, 5.1],
    [0.6, 1.8, 2.7, 3.9, 4.7, 5.2, 6.0],
    [0.6, 1.9, 2.8, 4.2, 5.1, 5.7, 6.5],
    [0.5, 1.2, 1.6, 2.1, 2.3, 2.5, 2.5],
    [0.7, 2.1, 3.0, 4.4, 5.3, 5.9, 5.9],
    [0.7, 2.6, 3.9, 6.3, 7.9, 9.1, 10.8],
    [0.7, 3.1, 5.2, 9.2, 12.3, 14.8, 18.6],
    [0.8, 3.3, 5.7, 10.9, 15.0, 18.5, 23.9],
    [0.6, 1.9, 2.8, 4.0, 4.8, 5.4, 5.4],
    [0.7, 2.2, 3.2, 4.9, 6.0, 6.8, 6.8],
    [0.7, 2.5, 3.7, 5.8, 7.3, 8.3, 8.3],
    [0.7, 2.7, 4.2, 6.9, 8.8, 10.3, 12.4],
    [0.7, 3.0, 4.9, 8.6, 11.4, 13.5, 16.8],
    [0.7, 3.1, 5.3, 9.5, 12.8, 15.4, 19.5],
    [0.8, 3.2, 5.6, 10.4, 14.2, 17.3, 22.2],
    [0.8, 3.3, 5.7, 11.0, 15.3, 18.8, 24.4],
    [0.8, 3.4, 6.0, 12.2, 17.4, 21.9, 29.3],
    [0.8, 3.4, 6.3, 13.6, 20.4, 26.6, 37.3],
    [0.8, 3.5, 6.4, 14.3, 22.2, 29.8, 43.9],
  ],
};

// IAMSAR Vol. II App. N: visual sweep widths for fixed-wing aircraft at 500 ft (150 m).
const FIXED_WING_500FT: SweepTable = {
  visibility: VIS7,
  rows: [
    [0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.3, 0.7, 0.9, 1.2, 1.4, 1.4, 1.4],
    [0.4, 1.0, 1.3, 1.8, 2.0, 2.2, 2.2],
    [0.4, 1.1, 1.5, 2.2, 2.5, 2.8, 2.8],
    [0.4, 1.2, 1.6, 2.3, 2.7, 2.9, 2.9],
    [0.4, 1.2, 1.7, 2.5, 2.9, 3.2, 3.2],
    [0.5, 1.3, 1.9, 2.7, 3.3, 3.6, 4.0],
    [0.5, 1.5, 2.1, 3.2, 3.8, 4.2, 4.8],
    [0.5, 1.6, 2.3, 3.4, 4.1, 4.6, 5.3],
    [0.4, 0.9, 1.2, 1.5, 1.7, 1.8, 1.8],
    [0.5, 1.7, 2.4, 3.6, 4.3, 4.8, 4.8],
    [0.6, 2.1, 3.3, 5.3, 6.7, 7.7, 9.1],
    [0.6, 2.7, 4.5, 8.1, 10.9, 13.1, 16.5],
    [0.6, 2.8, 5.0, 9.8, 13.5, 16.7, 21.7],
    [0.5, 1.6, 2.2, 3.2, 3.9, 4.3, 4.3],
    [0.6, 1.8, 2.7, 4.0, 5.0, 5.6, 5.6],
    [0.6, 2.0, 3.1, 4.9, 6.1, 7.0, 7.0],
    [0.6, 2.3, 3.6, 5.9, 7.6, 8.8, 10.6],
    [0.6, 2.6, 4.3, 7.6, 10.0, 11.9, 14.8],
    [0.6, 2.7, 4.6, 8.4, 11.3, 13.7, 17.3],
    [0.6, 2.8, 4.9, 9.3, 12.7, 15.5, 20.0],
    [0.6, 2.8, 5.1, 9.9, 13.7, 17.0, 22.1],
    [0.6, 2.9, 5.4, 11.1, 15.9, 20.1, 26.9],
    [0.6, 3.0, 5.7, 12.5, 18.9, 24.7, 34.8],
    [0.7, 3.0, 5.8, 13.2, 20.6, 27.9, 41.4],
  ],
};

// IAMSAR Vol. II App. N: visual sweep widths for fixed-wing aircraft at 1,000 ft (300 m).
const FIXED_WING_1000FT: SweepTable = {
  visibility: VIS7,
  rows: [
    [0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.3, 0.7, 0.9, 1.2, 1.4, 1.4, 1.4],
    [0.3, 1.0, 1.3, 1.8, 2.1, 2.3, 2.3],
    [0.4, 1.1, 1.6, 2.2, 2.6, 2.8, 2.8],
    [0.4, 1.2, 1.7, 2.4, 2.8, 3.0, 3.0],
    [0.4, 1.3, 1.8, 2.6, 3.0, 3.3, 3.3],
    [0.4, 1.4, 2.0, 2.8, 3.4, 3.7, 4.2],
    [0.4, 1.5, 2.2, 3.2, 3.9, 4.3, 4.9],
    [0.4, 1.6, 2.3, 3.5, 4.2, 4.7, 5.4],
    [0.4, 1.0, 1.3, 1.7, 1.8, 2.0, 2.0],
    [0.5, 1.7, 2.5, 3.7, 4.4, 5.0, 5.0],
    [0.5, 2.2, 3.4, 5.4, 6.8, 7.8, 9.3],
    [0.6, 2.7, 4.5, 8.2, 10.9, 13.1, 16.6],
    [0.6, 2.8, 5.1, 9.8, 13.6, 16.7, 21.7],
    [0.5, 1.6, 2.3, 3.3, 4.0, 4.4, 4.4],
    [0.5, 1.8, 2.7, 4.2, 5.1, 5.7, 5.7],
    [0.5, 2.1, 3.2, 5.0, 6.2, 7.1, 7.1],
    [0.6, 2.3, 3.6, 6.0, 7.6, 8.9, 10.7],
    [0.6, 2.6, 4.3, 7.6, 10.9, 12.0, 14.9],
    [0.6, 2.7, 4.6, 8.5, 11.4, 13.7, 17.4],
    [0.6, 2.8, 4.9, 9.3, 12.8, 15.6, 20.1],
    [0.6, 2.8, 5.1, 9.9, 13.8, 17.0, 22.2],
    [0.6, 2.9, 5.4, 11.1, 15.9, 20.1, 27.0],
    [0.6, 3.0, 5.7, 12.5, 18.9, 24.7, 34.9],
    [0.6, 3.0, 5.8, 13.2, 20.6, 27.9, 41.4],
  ],
};

interface SpeedTable {
  /** Search speed columns, knots. */
  speed: readonly number[];
  /** Factor per object class: index → row; rows given as [last object index it applies to, factors]. */
  rows: readonly (readonly [number, readonly number[]])[];
}

// IAMSAR Vol. II App. N: speed correction factors for helicopters (≤ 60, 90, 120, 140 kt).
const HELICOPTER_SPEED: SpeedTable = {
  speed: [60, 90, 120, 140],
  rows: [
    [0, [1.5, 1.0, 0.8, 0.7]],
    [2, [1.3, 1.0, 0.9, 0.8]],
    [10, [1.2, 1.0, 0.9, 0.8]],
    [12, [1.1, 1.0, 0.9, 0.9]],
    [13, [1.1, 1.0, 1.0, 0.9]],
    [16, [1.2, 1.0, 0.9, 0.9]],
    [19, [1.1, 1.0, 0.9, 0.9]],
    [24, [1.1, 1.0, 1.0, 0.9]],
  ],
};

// IAMSAR Vol. II App. N: speed correction factors for fixed-wing aircraft (≤ 150, 180, 210 kt).
const FIXED_WING_SPEED: SpeedTable = {
  speed: [150, 180, 210],
  rows: [
    [0, [1.2, 1.0, 0.9]],
    [11, [1.1, 1.0, 0.9]],
    [13, [1.1, 1.0, 1.0]],
    [16, [1.1, 1.0, 0.9]],
    [21, [1.1, 1.0, 1.0]],
    [24, [1.0, 1.0, 1.0]],
  ],
};

/** Fatigue correction (IAMSAR Vol. II ch. 5: crews that are tired see less). */
export const FATIGUE_FACTOR = 0.9;

/** Linear interpolation in a table row, clamped to its first and last column. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let j = 1; j < xs.length; j++) {
    if (x <= xs[j]) return ys[j - 1] + ((ys[j] - ys[j - 1]) * (x - xs[j - 1])) / (xs[j] - xs[j - 1]);
  }
  return ys[ys.length - 1];
}

function objectIndex(object: SearchObject): number {
  const i = SEARCH_OBJECTS.indexOf(object);
  if (i < 0) throw new Error(`Search object: one of ${SEARCH_OBJECTS.join(", ")}`);
  return i;
}

/**
 * Uncorrected sweep width, NM. Vessels: the 8-ft table up to 11 ft eye height, the 14-ft table above.
 * Aircraft: linear in altitude between the 500-ft and 1,000-ft tables, clamped outside them.
 */
export function uncorrectedSweepWidthNm(
  object: SearchObject,
  platform: Platform,
  visibilityNm: number,
  heightFt?: number,
): number {
  const i = objectIndex(object);
  const at = (t: SweepTable) => interpolate(t.visibility, t.rows[i], visibilityNm);
  if (platform === "vessel") return at((heightFt ?? 14) <= 11 ? VESSEL_8FT : VESSEL_14FT);
  const [low, high] =
    platform === "helicopter" ? [HELICOPTER_500FT, HELICOPTER_1000FT] : [FIXED_WING_500FT, FIXED_WING_1000FT];
  return interpolate([500, 1000], [at(low), at(high)], heightFt ?? 500);
}

/**
 * Weather correction (IAMSAR Vol. II App. N weather table): winds 0–15 kt and seas 0–3 ft: 1; winds 15–25
 * kt or seas 3–5 ft: 0.5 for small objects (persons, rafts, boats under 30 ft), 0.9 for larger; winds above
 * 25 kt or seas above 5 ft: 0.25 small, 0.9 larger.
 */
export function weatherFactor(object: SearchObject, windKn: number, seaFt: number): number {
  objectIndex(object);
  const small = !LARGE_OBJECTS.has(object);
  if (windKn > 25 || seaFt > 5) return small ? 0.25 : 0.9;
  if (windKn > 15 || seaFt > 3) return small ? 0.5 : 0.9;
  return 1;
}

/** Speed correction for aircraft (tables above, linear between the columns, clamped); vessels 1. */
export function speedFactor(object: SearchObject, platform: Platform, speedKn: number): number {
  if (platform === "vessel") return 1;
  const i = objectIndex(object);
  const table = platform === "helicopter" ? HELICOPTER_SPEED : FIXED_WING_SPEED;
  const row = table.rows.find(([last]) => i <= last)?.[1] ?? table.rows[table.rows.length - 1][1];
  return interpolate(table.speed, row, speedKn);
}

/** A search unit as the issue and the CLI's UNITS.json describe it. */
export interface SearchUnit {
  name: string;
  platform: Platform;
  speed_kn: number;
  on_scene_hours: number;
  /** Aircraft altitude (default 500 ft). */
  altitude_ft?: number;
  /** Vessel observer eye height (default 14 ft). */
  eye_height_ft?: number;
  /** Corrected sweep width to use instead of the tables. */
  sweep_width_nm?: number;
  /** Pattern to fly (default: parallel sweep). */
  pattern?: PatternName;
}

export type PatternName = "parallel" | "creeping" | "expanding-square" | "sector";

export interface SearchConditions {
  visibility_nm: number;
  wind_kn: number;
  sea_ft: number;
  /** Crew fatigue: true applies FATIGUE_FACTOR. */
  fatigue?: boolean;
}

export interface SweepWidth {
  object: SearchObject;
  uncorrectedNm: number;
  weather: number;
  speed: number;
  fatigue: number;
  /** Corrected sweep width, NM (the unit's override when it gives one). */
  nm: number;
}

/** The corrected sweep width of a unit for an object in these conditions: Wu × fw × fv × ff. */
export function sweepWidth(unit: SearchUnit, object: SearchObject, c: SearchConditions): SweepWidth {
  const height = unit.platform === "vessel" ? unit.eye_height_ft : unit.altitude_ft;
  const uncorrectedNm = uncorrectedSweepWidthNm(object, unit.platform, c.visibility_nm, height);
  const weather = weatherFactor(object, c.wind_kn, c.sea_ft);
  const speed = speedFactor(object, unit.platform, unit.speed_kn);
  const fatigue = c.fatigue ? FATIGUE_FACTOR : 1;
  const nm = unit.sweep_width_nm ?? uncorrectedNm * weather * speed * fatigue;
  return { object, uncorrectedNm, weather, speed, fatigue, nm };
}

/**
 * The IAMSAR search-object class of a Leeway category (src/core/objects.ts ids): persons in water; rafts by
 * capacity (the smaller class of a range: a conservative sweep width); boats and sailboats by typical
 * length; debris and other objects as the smallest class, persons in water (give sweep_width_nm to do
 * better).
 */
export function searchObjectOfCategory(id: number): SearchObject {
  if (id <= 6) return "Person in water";
  if (id === 15 || id === 16 || id === 17) return "Raft 15 person";
  if (id === 24 || id === 25) return "Raft 1 person";
  if (id === 33) return "Raft 25 person";
  if (id === 34) return "Raft 20 person";
  if (id <= 40) return "Raft 4 person";
  if (id <= 47) return "Power boat ≤ 15 ft";
  if (id <= 49) return "Power boat 20 ft";
  if (id <= 55) return "Power boat 53 ft";
  if (id === 56) return "Ship 120 ft";
  if (id <= 64) return "Sail boat 30 ft";
  if (id === 65) return "Sail boat 15 ft";
  if (id === 76 || id === 77) return "Power boat 20 ft";
  return "Person in water";
}
