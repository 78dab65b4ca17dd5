// `driftline simulate` with a spec of weighted scenarios (docs/raft-or-person.json, smaller): one line per
// scenario after the mission's figures.
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftline, ROOT } from "../helpers/cli.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-cli-scenarios-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("driftline simulate with scenarios", () => {
  it("prints each scenario's weight, object, particles, shares and own 90 % area", async () => {
    const spec = JSON.parse(readFileSync(path.join(ROOT, "docs/raft-or-person.json"), "utf8"));
    spec.seed.number = 2000;
    spec.duration_hours = 6;
    const file = path.join(dir, "spec.json");
    await writeFile(file, JSON.stringify(spec));
    const out = path.join(dir, "out");
    const forcing = path.join(ROOT, "data-bundled/forcing");
    const r = await driftline([
      "simulate",
      file,
      "--forcing-dir",
      forcing,
      "--out",
      out,
      "--products",
      "summary,search_areas",
    ]);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /scenario 1 "crew in the life raft": 60\.0 %, LIFE-RAFT-DB-10, 1200 particles; afloat \d+\.\d %, stranded \d+\.\d % of the mission; its own 90 % area \d+\.\d km²/,
    );
    expect(r.stdout).toMatch(/scenario 2 "person overboard along the track": 40\.0 %, PIW-1, 800 particles/);
  }, 120_000);
});
