// The cone-fishing reference: a line release over six hours drifting onto the coast north of Bergen,
// with the GSHHG coastline and stranding. OpenDrift ends with 88 active and 12 stranded.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, runSimulationSpec } from "../../src/pipeline/run.js";
import { type AsciiBlock, parseLeewayAscii } from "../helpers/leeway-ascii.js";
import { have } from "../helpers/needs.js";
import { REFERENCE_DIR, SCENARIO_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/pipeline/cone-fishing.test.ts: cone-fishing against OpenDrift's run in ../shared",
  "shared-dir",
);

let dir: string;
let result: RunResult;
let ours: AsciiBlock[];
const reference = SHARED ? parseLeewayAscii(`${REFERENCE_DIR}leewayrun_cone_fishing_ascii.txt`) : [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-cone-"));
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}cone-fishing.json`, "utf8"));
  result = await runSimulationSpec(spec, { outDir: dir, products: ["summary", "ascii"] });
  ours = parseLeewayAscii(result.files.ascii!);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(SHARED)("cone-fishing against OpenDrift", () => {
  it("ends with 88 active and 12 stranded (reference: 88 and 12; allowed ±2)", () => {
    expect(Math.abs(result.summary.activeCount - 88)).toBeLessThanOrEqual(2);
    expect(Math.abs(result.summary.strandedCount - 12)).toBeLessThanOrEqual(2);
  });

  it("reproduces the reference's Leeway ASCII file particle by particle", () => {
    expect(ours).toHaveLength(reference.length);
    let worst = 0;
    let strandedChecked = 0;
    for (let k = 0; k < reference.length; k++) {
      expect(ours[k].nowSeeded).toBe(reference[k].nowSeeded);
      expect(ours[k].particles).toHaveLength(reference[k].particles.length);
      for (let j = 0; j < reference[k].particles.length; j++) {
        const a = ours[k].particles[j];
        const b = reference[k].particles[j];
        expect(a.state, `time ${k} particle ${b.id}`).toBe(b.state);
        expect(a.orientation).toBe(b.orientation);
        expect(a.age).toBe(b.age);
        if (b.state === 11) {
          worst = Math.max(worst, Math.abs(a.lon - b.lon), Math.abs(a.lat - b.lat));
        } else if (ours[k - 1]?.particles[j]?.state === 11) {
          // Stranded in this step. The reference keeps the position found on land; we keep the first land
          // point on the way there (the model document's rule): on the segment from the last position afloat.
          const prev = ours[k - 1].particles[j];
          const sx = b.lon - prev.lon;
          const sy = b.lat - prev.lat;
          const ax = a.lon - prev.lon;
          const ay = a.lat - prev.lat;
          const along = (ax * sx + ay * sy) / (sx * sx + sy * sy);
          expect(along).toBeGreaterThan(0);
          expect(along).toBeLessThanOrEqual(1 + 1e-3);
          expect(Math.abs(ax * sy - ay * sx) / Math.hypot(sx, sy)).toBeLessThan(3e-5);
          strandedChecked++;
        }
      }
    }
    // Five decimals printed; the reference keeps float32 positions: last-digit differences only.
    expect(worst).toBeLessThanOrEqual(2e-5);
    expect(strandedChecked).toBe(12);
  });
});
