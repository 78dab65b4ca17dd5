// leeway_ascii.txt, the original Leeway ASCII format: header and block structure line for line against the
// reference files, counts, ages since release and the stranded mark.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { objectCategoryById } from "../../src/core/objects.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { Status } from "../../src/core/types.js";
import type { ProductContext } from "../../src/products/context.js";
import { leewayAsciiHeader, writeLeewayAscii } from "../../src/products/leeway-ascii.js";
import { have } from "../helpers/needs.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { tempDir } from "./tools.js";

const REFERENCE = new URL("../../../shared/reference/opendrift/", import.meta.url);
const readReference = (name: string) => readFileSync(new URL(name, REFERENCE), "utf8").split("\n");
const SHARED = await have(
  "test/products/leeway-ascii.test.ts: Leeway ASCII against the reference files in ../shared",
  "shared-dir",
);

/** A run shaped like a reference scenario: n particles, 25 hourly outputs from `start`. */
function scenarioContext(opts: {
  n: number;
  start: number;
  objectType: number;
  lon: [number, number];
  lat: [number, number];
  releaseEnd: number;
}): ProductContext {
  const t0 = syntheticTrajectory({ n: opts.n, hours: 24, lon0: opts.lon[0], lat0: opts.lat[0] });
  const shift = opts.start - t0.times[0];
  const duration = opts.releaseEnd - opts.start;
  const releaseTime = Float64Array.from(
    { length: opts.n },
    (_, i) => opts.start + (opts.n > 1 ? (duration * i) / (opts.n - 1) : 0),
  );
  const times = t0.times.map((v) => v + shift);
  const status = t0.status.slice();
  for (let k = 0; k < times.length; k++) {
    for (let i = 0; i < opts.n; i++)
      if (releaseTime[i] > times[k]) status[k * opts.n + i] = Status.unreleased;
  }
  const traj: Trajectory = { ...t0, times, status, releaseTime };
  const ctx = syntheticContext(traj);
  ctx.category = objectCategoryById(opts.objectType);
  ctx.simulation = {
    ...ctx.simulation,
    objectTypeId: opts.objectType,
    startTime: opts.start,
    durationSeconds: 24 * 3600,
    timeStepSeconds: 600,
    outputStepSeconds: 3600,
    release: {
      lon: opts.lon,
      lat: opts.lat,
      time: [opts.start, opts.releaseEnd],
      radiusM: [0, 0],
      radiusType: "gaussian",
      number: opts.n,
    },
  };
  return ctx;
}

/** The run of the const reference file: 1000 particles released at once at 60° N 3° E, 2016-02-01 12:00. */
const constContext = () => {
  const start = Date.UTC(2016, 1, 1, 12) / 1000;
  return scenarioContext({ n: 1000, start, objectType: 1, lon: [3, 3], lat: [60, 60], releaseEnd: start });
};

/** The run of the cone-fishing reference file: 100 particles released along a line over 6 h from 2015-01-01. */
const coneContext = () => {
  const start = Date.UTC(2015, 0, 1) / 1000;
  return scenarioContext({
    n: 100,
    start,
    objectType: 50,
    lon: [4.5, 4.7],
    lat: [60.1, 60.0],
    releaseEnd: start + 6 * 3600,
  });
};

/** The shape of a line: numbers replaced by kinds (F5 = five decimals, I = integer). */
const shape = (line: string) => line.replace(/-?\d+\.\d{5}/g, "F5").replace(/\d+/g, "I");

describe("Leeway ASCII", () => {
  it.runIf(SHARED)("writes the header of the const reference file line for line", () => {
    const ref = readReference("const_N1000_24h_dt10min_leeway_ascii.txt");
    const ctx = constContext();
    expect(leewayAsciiHeader(ctx)).toEqual(ref.slice(0, 30));
  });

  it.runIf(SHARED)("writes the header of the cone-fishing reference file line for line", () => {
    const ref = readReference("leewayrun_cone_fishing_ascii.txt");
    const ctx = coneContext();
    expect(leewayAsciiHeader(ctx)).toEqual(ref.slice(0, 30));
  });

  it.runIf(SHARED)(
    "has the block structure of the reference file, line for line, and its counts",
    async () => {
      const ref = readReference("const_N1000_24h_dt10min_leeway_ascii.txt");
      const ctx = constContext();
      const file = path.join(tempDir(), "leeway_ascii.txt");
      await writeLeewayAscii(ctx, file);
      const mine = readFileSync(file, "utf8").split("\n");
      expect(mine.length).toBe(ref.length);
      const differing = ref.flatMap((line, l) =>
        shape(mine[l]) === shape(line) ? [] : [`${l + 1}: ${mine[l]}`],
      );
      expect(differing).toEqual([]);
      // Labels and times are the same text, particle ids and ages too.
      expect(mine.filter((s) => s.startsWith("#"))).toEqual(ref.filter((s) => s.startsWith("#")));
      expect(mine[31 + 2]).toBe(ref[31 + 2]); // 2016-02-01 12:00:00
      expect(mine.at(-2)!.split("\t").slice(0, 1).concat(mine.at(-2)!.split("\t")[4])).toEqual([
        "1000",
        "1440",
      ]);
    },
  );

  it("counts newly seeded particles, gives ages since release and marks stranded ones 41", async () => {
    const ctx = coneContext();
    // Strand particle 7 (index 6) from hour 10 on.
    const t = ctx.trajectory;
    for (let k = 10; k < t.times.length; k++) t.status[k * t.n + 6] = Status.stranded;
    const file = path.join(tempDir(), "cone.txt");
    await writeLeewayAscii(ctx, file);
    const lines = readFileSync(file, "utf8").split("\n");
    const seeded = lines.flatMap((s, l) =>
      lines[l - 1] === "timePassed  nStep   nowSeeded   nSeeded" ? [s] : [],
    );
    expect(seeded).toHaveLength(25);
    const nowSeeded = seeded.map((s) => Number(s.trim().split("\t")[2]));
    expect(nowSeeded.reduce((a, b) => a + b, 0)).toBe(100);
    expect(seeded.at(-1)!.trim().split("\t")).toEqual(["1440", "25", "0", "100"]);
    const lastBlock = lines.slice(lines.lastIndexOf("id  lon lat state   age orientation") + 1, -1);
    expect(lastBlock).toHaveLength(100);
    expect(lastBlock[6].split("\t")[3]).toBe("41");
    expect(lastBlock[0].split("\t")[4]).toBe("1440");
    // The last particle is released at 06:00, so it is 18 h old at the end.
    expect(lastBlock[99].split("\t")[4]).toBe("1080");
  });
});
