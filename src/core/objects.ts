// The 85 Leeway object categories (OBJECTPROP.DAT) and look-ups by id, key and the names clients use.
import { OBJECT_TABLE } from "./object-table.js";

export interface LeewayCoefficients {
  /** Downwind slope [%], offset [cm/s], standard deviation [cm/s]. */
  dwSlope: number;
  dwOffset: number;
  dwStd: number;
  /** Right-of-downwind crosswind slope, offset, std. */
  cwrSlope: number;
  cwrOffset: number;
  cwrStd: number;
  /** Left-of-downwind crosswind slope, offset, std. */
  cwlSlope: number;
  cwlOffset: number;
  cwlStd: number;
}

export interface ObjectCategory extends LeewayCoefficients {
  id: number;
  key: string;
  description: string;
  /** 0 for a main class, 1 for '>' sub-class, 2 for '>>' … */
  level: number;
  /** Group name (persons in water, life rafts …) for listings. */
  group: string;
}

const GROUPS: readonly [number, number, string][] = [
  [1, 6, "Persons in water"],
  [7, 30, "Life rafts"],
  [31, 31, "Rescue kit"],
  [32, 33, "Aviation rafts"],
  [34, 40, "Survival craft"],
  [41, 43, "Person-powered craft"],
  [44, 47, "Skiffs"],
  [48, 49, "Sport boats"],
  [50, 55, "Fishing vessels"],
  [56, 56, "Coastal freighter"],
  [57, 65, "Sailboats"],
  [66, 85, "Debris and other objects"],
];

function groupOf(id: number): string {
  for (const [from, to, name] of GROUPS) if (id >= from && id <= to) return name;
  return "Other";
}

export const OBJECT_CATEGORIES: readonly ObjectCategory[] = OBJECT_TABLE.map(
  ([id, key, description, level, ...c]) => ({
    id,
    key,
    description,
    level,
    group: groupOf(id),
    dwSlope: c[0],
    dwOffset: c[1],
    dwStd: c[2],
    cwrSlope: c[3],
    cwrOffset: c[4],
    cwrStd: c[5],
    cwlSlope: c[6],
    cwlOffset: c[7],
    cwlStd: c[8],
  }),
);

/**
 * Everyday names → the general (parent) category a coordinator means when the object is not known in
 * detail. Keys are normalised (lower case, single spaces). Documented in README.md.
 */
export const OBJECT_NAME_MAP: Readonly<Record<string, number>> = {
  // Persons in water
  piw: 1,
  "person in water": 1,
  person: 1,
  "man overboard": 1,
  mob: 1,
  swimmer: 1,
  diver: 5,
  "scuba diver": 5,
  "survival suit": 4,
  "person in survival suit": 4,
  deceased: 6,
  body: 6,
  // Life rafts and survival craft
  "life raft": 7,
  liferaft: 7,
  raft: 7,
  "deep ballast life raft": 7,
  "shallow ballast life raft": 20,
  "no ballast life raft": 26,
  "rescue kit": 31,
  "aviation raft": 32,
  "evacuation slide": 33,
  "life capsule": 34,
  lifeboat: 34,
  "survival craft": 34,
  // Small craft
  kayak: 41,
  "sea kayak": 41,
  canoe: 41,
  "surf board": 42,
  surfboard: 42,
  "paddle board": 42,
  sup: 42,
  windsurfer: 43,
  "small boat": 44,
  skiff: 44,
  dinghy: 44,
  runabout: 44,
  "open boat": 44,
  "sport boat": 48,
  speedboat: 48,
  "motor boat": 48,
  motorboat: 48,
  "sport fisher": 49,
  // Vessels
  "fishing vessel": 50,
  "fishing boat": 50,
  trawler: 50,
  "coastal freighter": 56,
  freighter: 56,
  "cargo ship": 56,
  sailboat: 57,
  "sailing boat": 57,
  yacht: 57,
  "sailing yacht": 57,
  "dismasted sailboat": 58,
  // Debris and objects
  "debris field": 66,
  debris: 66,
  wreckage: 66,
  sldmb: 67,
  "drifter buoy": 67,
  epirb: 68,
  "bait box": 69,
  "oil drum": 72,
  drum: 72,
  barrel: 72,
  container: 74,
  "shipping container": 74,
  mine: 75,
  "refugee raft": 76,
  "migrant boat": 76,
  sewage: 78,
  "medical waste": 79,
};

function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[_\-\s]+/g, " ");
}

const byId = new Map(OBJECT_CATEGORIES.map((c) => [c.id, c]));
const byKey = new Map(OBJECT_CATEGORIES.map((c) => [c.key.toLowerCase(), c]));
const byDescription = new Map(OBJECT_CATEGORIES.map((c) => [normalise(c.description), c]));

export class UnknownObjectTypeError extends Error {
  constructor(readonly given: unknown) {
    super(
      `unknown object type ${JSON.stringify(given)}: use an id 1–85, a key such as "PIW-1", or a common name ` +
        `such as "person in water", "life raft", "fishing vessel"; list them with \`driftline object-types\``,
    );
    this.name = "UnknownObjectTypeError";
  }
}

export function objectCategoryById(id: number): ObjectCategory {
  const c = byId.get(id);
  if (!c) throw new UnknownObjectTypeError(id);
  return c;
}

/** Resolves an id (number or numeric string), an OBJKEY, a full description or a common name. */
export function findObjectCategory(query: number | string): ObjectCategory {
  if (typeof query === "number") return objectCategoryById(query);
  const text = query.trim();
  if (/^\d+$/.test(text)) return objectCategoryById(Number(text));
  const found =
    byKey.get(text.toLowerCase()) ??
    byId.get(OBJECT_NAME_MAP[normalise(text)] ?? -1) ??
    byDescription.get(normalise(text));
  if (!found) throw new UnknownObjectTypeError(query);
  return found;
}

/** Same as findObjectCategory but returns undefined instead of throwing. */
export function tryFindObjectCategory(query: number | string): ObjectCategory | undefined {
  try {
    return findObjectCategory(query);
  } catch {
    return undefined;
  }
}
