// What runSimulationSpec reports while it works (the worker turns it into the mission's progress): reading
// the forcing and the coastline are steps of their own before the simulation, and the fraction only grows.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { type RunProgress, runSimulationSpec } from "../../src/pipeline/run.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";

it("reports reading the forcing, then the coastline, then the simulation, with a growing fraction", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-progress-"));
  try {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.seed.number = 200;
    spec.duration_hours = 3;
    const seen: RunProgress[] = [];
    await runSimulationSpec(spec, {
      outDir: dir,
      forcingDir: FORCING_DIR,
      products: ["summary"],
      onProgress: (p) => seen.push(p),
    });
    const messages = seen.map((p) => p.message);
    const at = (text: string) => messages.findIndex((m) => m.startsWith(text));
    expect(at("reading forcing")).toBe(0);
    expect(at("forcing read; reading the coastline")).toBeGreaterThan(0);
    expect(at("starting the simulation")).toBeGreaterThan(at("forcing read; reading the coastline"));
    expect(at("simulating")).toBeGreaterThan(at("starting the simulation"));
    const readingDone = seen[at("forcing read; reading the coastline")];
    expect(readingDone.stage).toBe("prepare");
    expect(readingDone.fraction).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
