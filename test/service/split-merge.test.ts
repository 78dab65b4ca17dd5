// A split ensemble mission (issue 21 item 4): parts of contiguous members, stored as bytes and merged, give
// exactly the run one worker makes of the whole mission.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prepareMembers, runMembers } from "../../src/pipeline/ensemble.js";
import { decodePart, encodePart, memberRanges, mergeParts } from "../../src/pipeline/ensemble-parts.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { reachableWindow } from "../../src/pipeline/window.js";
import { partsFor } from "../../src/service/worker/split-merge.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";
import { expectSameBytes } from "../helpers/trajectory-bytes.js";

describe("split and merge of an ensemble mission", () => {
  it("splits members into contiguous ranges and only large missions into parts", () => {
    expect(memberRanges(5, 2)).toEqual([
      [0, 2],
      [2, 5],
    ]);
    expect(memberRanges(3, 5)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(partsFor(1_000_000, 100, 100_000)).toBe(10);
    expect(partsFor(50_000, 100, 100_000)).toBe(1);
    expect(partsFor(1_000_000, 1, 100_000)).toBe(1);
    expect(partsFor(1_000_000, 4, 100_000)).toBe(4);
    expect(partsFor(1_000_000, 100, 0)).toBe(1);
  });

  it("merges parts stored as bytes into the whole run, byte for byte", async () => {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.seed.number = 1003;
    spec.seed.radius_m = 1000;
    spec.forcing.current = {
      ensemble: [
        { files: ["Arctic20_1to5Feb_2016.nc"] },
        { constant: { x: 0.2, y: 0 } },
        [{ files: ["Nordic_subset.nc"] }, { constant: { x: 0, y: 0.2 } }],
        { constant: { x: -0.1, y: 0.1 } },
        { files: ["Arctic20_1to5Feb_2016.nc"] },
      ],
      weights: [1, 2, 3, 4, 5],
    };
    const { spec: s, simulation, category } = parseSimulationSpec(spec);
    const window = reachableWindow(simulation);
    const members = await prepareMembers(s.forcing, simulation, window, FORCING_DIR);
    const whole = await runMembers(simulation, category, members, {});
    const parts = [];
    for (const range of memberRanges(members.length, 2)) {
      const part = await runMembers(simulation, category, members, {}, undefined, range);
      parts.push(decodePart(encodePart(part)));
    }
    const merged = mergeParts(parts, members.length);
    expectSameBytes(merged.trajectory, whole.trajectory);
    expect(Array.from(merged.trajectory.weight)).toEqual(Array.from(whole.trajectory.weight));
    expect(Array.from(merged.trajectory.member)).toEqual(Array.from(whole.trajectory.member));
    expect(Array.from(merged.trajectory.releaseTime)).toEqual(Array.from(whole.trajectory.releaseTime));
    expect(merged.members).toEqual(whole.members);
    expect(merged.forcing).toEqual(whole.forcing);
    expect(merged.particleSteps).toBe(whole.particleSteps);
    expect(merged.releaseOnLand).toEqual(whole.releaseOnLand);
    expect(() => decodePart(new Uint8Array(16))).toThrow(/not a Driftline mission part/);
  }, 120_000);
});
