import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  findObjectCategory,
  OBJECT_CATEGORIES,
  OBJECT_NAME_MAP,
  objectCategoryById,
  UnknownObjectTypeError,
} from "../../src/core/objects.js";
import { have } from "../helpers/needs.js";
import { SHARED_DIR } from "../helpers/reference.js";

const OBJECTPROP = await have(
  "test/core/objects.test.ts: OBJECTPROP.DAT of ../shared/data/leeway",
  "shared-dir",
);

describe("object categories", () => {
  it("has all 85 categories of OBJECTPROP.DAT with ids 1..85", () => {
    expect(OBJECT_CATEGORIES).toHaveLength(85);
    expect(OBJECT_CATEGORIES.map((c) => c.id)).toEqual(Array.from({ length: 85 }, (_, i) => i + 1));
  });

  it.runIf(OBJECTPROP)("matches the data file value for value (the generated table is up to date)", () => {
    const lines = readFileSync(`${SHARED_DIR}data/leeway/OBJECTPROP.DAT`, "latin1").split(/\r?\n/);
    for (const c of OBJECT_CATEGORIES) {
      const base = (c.id - 1) * 3;
      expect(lines[base].trim().split(/\s+/)).toEqual([c.key, String(c.id)]);
      const coefficients = lines[base + 2].trim().split(/\s+/).map(Number);
      expect([
        c.dwSlope,
        c.dwOffset,
        c.dwStd,
        c.cwrSlope,
        c.cwrOffset,
        c.cwrStd,
        c.cwlSlope,
        c.cwlOffset,
        c.cwlStd,
      ]).toEqual(coefficients);
      expect(lines[base + 1].trim()).toBe(`${">".repeat(c.level)}${c.description}`);
    }
  });

  it("knows id 85 and the surf board", () => {
    const c = objectCategoryById(85);
    expect(c.description).toBe("Medical waste, syringes, small");
    expect(c.level).toBe(2);
    expect(c.dwSlope).toBe(1.79);
    expect(c.key).toBe("MED-WASTE-7");
    const surf = findObjectCategory("Surf board with person");
    expect(surf.id).toBe(42);
    expect(surf.key).toBe("PERSON-POWERED-VESSEL-2");
  });

  it("finds by id, numeric string, key (any case) and description", () => {
    expect(findObjectCategory(7).key).toBe("LIFE-RAFT-DB-10");
    expect(findObjectCategory("26").key).toBe("LIFE-RAFT-NB-1");
    expect(findObjectCategory("piw-1").id).toBe(1);
    expect(findObjectCategory("Fishing vessel, general (mean values)").id).toBe(50);
  });

  it.each([
    ["PIW", 1],
    ["Life Raft", 7],
    ["Small Boat", 44],
    ["Fishing Vessel", 50],
    ["Container", 74],
    ["Debris Field", 66],
    ["person in water", 1],
    ["sailboat", 57],
    ["kayak", 41],
    ["surf board", 42],
    ["skiff", 44],
    ["  Person_In-Water ", 1],
  ])("maps the client name %j to a general category (%i)", (name, id) => {
    const c = findObjectCategory(name);
    expect(c.id).toBe(id);
  });

  it("maps every common name to a main class or a documented sub-class", () => {
    for (const [name, id] of Object.entries(OBJECT_NAME_MAP)) {
      expect(objectCategoryById(id), name).toBeDefined();
    }
    for (const name of ["PIW", "Life Raft", "Small Boat", "Fishing Vessel", "Container", "Debris Field"]) {
      expect(findObjectCategory(name).level, name).toBe(0);
    }
  });

  it("rejects unknown ids and names with a message that says how to list them", () => {
    for (const bad of [0, 86, -1, "unicorn", "999"]) {
      expect(() => findObjectCategory(bad)).toThrow(UnknownObjectTypeError);
      expect(() => findObjectCategory(bad)).toThrow(/driftline object-types/);
    }
  });

  it.runIf(OBJECTPROP)("the generator reproduces the committed table", () => {
    const before = readFileSync(new URL("../../src/core/object-table.ts", import.meta.url), "utf8");
    execFileSync(
      process.execPath,
      ["scripts/gen-object-table.mjs", `${SHARED_DIR}data/leeway/OBJECTPROP.DAT`],
      {
        cwd: new URL("../..", import.meta.url),
      },
    );
    expect(readFileSync(new URL("../../src/core/object-table.ts", import.meta.url), "utf8")).toBe(before);
  });
});
