// Forcing ensembles (issue 21, items 1 and 3): explicit {"ensemble": [...]} entries and files with an
// ensemble_member dimension become members; each member's particles are exactly a one-member run of that
// member; the joined run does not depend on the thread count.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idleMemberThreads } from "../../src/core/parallel/member-pool.js";
import { runSimulationThreaded } from "../../src/core/parallel/pool.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { buildForcing, type GriddedSource, openNetcdf, openVectorSources } from "../../src/forcing/index.js";
import { memberParticles, memberScenarios, prepareMembers, runMembers } from "../../src/pipeline/ensemble.js";
import { landMaskRecipe, runSimulationSpec } from "../../src/pipeline/run.js";
import { coveringSimulation, runScenarioSimulations } from "../../src/pipeline/scenario-run.js";
import { parseSimulationSpec, SpecError } from "../../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../../src/pipeline/window.js";
import { writeEnsembleCopy } from "../helpers/ensemble-netcdf.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";
import { expectSameBytes } from "../helpers/trajectory-bytes.js";

const ARCTIC = "Arctic20_1to5Feb_2016.nc";
let dir = "";
let ens3 = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-ensemble-"));
  ens3 = path.join(dir, "arctic20_ens3.nc");
  // Member m: the Arctic20 current plus m × 0.09 m/s along the grid's x axis.
  await writeEnsembleCopy(path.join(FORCING_DIR, ARCTIC), ens3, {
    members: 3,
    vary: ["u", "v"],
    drop: ["salinity", "temperature"],
    shift: (m, v) => (v === "u" ? 300 * m : 0),
  });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The parts of the arctic20 spec these tests change. */
interface Spec {
  seed: { number: number; radius_m: number };
  forcing: { wind: unknown; current: unknown };
  random_seed: number;
}

function arcticSpec(change: (spec: Spec) => void = () => {}): Spec {
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
  spec.seed.radius_m = 2000;
  change(spec);
  return spec;
}

async function runOf(spec: unknown, threads = 1, threadThreshold?: number, withLand = false) {
  const { spec: s, simulation, category } = parseSimulationSpec(spec);
  const members = await prepareMembers(s.forcing, simulation, reachableWindow(simulation), FORCING_DIR);
  const landmask = withLand ? await prepareLandmaskFor(simulation) : null;
  const result = await runMembers(simulation, category, members, {
    threads,
    threadThreshold,
    landmask,
    landmaskRecipe: landmask ? landMaskRecipe(landmask) : undefined,
  });
  return { members, result, simulation };
}

/** Particles [from, from + count) of a trajectory, as a trajectory. */
function slice(t: Trajectory, from: number, count: number): Trajectory {
  const nt = t.times.length;
  const part = (a: Float32Array | Uint8Array | undefined) => {
    if (!a) return undefined;
    const out = new (a.constructor as Float32ArrayConstructor)(nt * count);
    for (let k = 0; k < nt; k++)
      out.set(a.subarray(k * t.n + from, k * t.n + from + count) as never, k * count);
    return out;
  };
  return {
    n: count,
    times: t.times,
    lon: part(t.lon),
    lat: part(t.lat),
    status: part(t.status),
    orientation: part(t.orientation),
    capsized: part(t.capsized),
    windU: part(t.windU),
    windV: part(t.windV),
    currentU: part(t.currentU),
    currentV: part(t.currentV),
  } as unknown as Trajectory;
}

describe("forcing ensembles", () => {
  it("reads a NetCDF file with an ensemble_member dimension as an ensemble of its members", async () => {
    const [source] = (await openVectorSources([ens3], "current")) as GriddedSource[];
    expect(source.memberCount).toBe(3);
    const { simulation } = parseSimulationSpec(arcticSpec());
    const window = reachableWindow(simulation);
    const at = (s: GriddedSource) => {
      const u = new Float64Array(1);
      const v = new Float64Array(1);
      s.sample(simulation.startTime, Float64Array.of(14), Float64Array.of(68.9), 1, Uint8Array.of(1), u, v);
      return [u[0], v[0]];
    };
    const values = [];
    for (let m = 0; m < 3; m++) {
      const member = source.forMember(m);
      await member.prepare(window);
      expect(member.name).toBe(`arctic20_ens3.nc member ${m}`);
      expect(member.provenance.member).toBe(`ensemble_member=${m} of 3`);
      values.push(at(member));
    }
    // Member 0 is the original file's current; each further member 300 packed units (0.0916 m/s) more along x.
    const [plain] = await openVectorSources([path.join(FORCING_DIR, ARCTIC)], "current");
    await plain.prepare(window);
    expect(values[0][0]).toBeCloseTo(at(plain)[0], 6);
    expect(values[0][1]).toBeCloseTo(at(plain)[1], 6);
    for (const m of [1, 2]) {
      const step = Math.hypot(values[m][0] - values[0][0], values[m][1] - values[0][1]);
      expect(step).toBeCloseTo(m * 300 * 0.0003052223, 4);
    }
    expect(() => source.forMember(3)).toThrow(/no ensemble member 3/);
  });

  it("gives each member's particles exactly the run of that member alone", async () => {
    // Two entries, the second a file of 3 members: 4 members; weights 1 and 3 give each a quarter.
    const n = 2002;
    const spec = arcticSpec((s) => {
      s.seed.number = n;
      s.random_seed = 7;
      s.forcing.current = { ensemble: [{ files: [ARCTIC] }, { files: [ens3] }], weights: [1, 3] };
    });
    const { members, result } = await runOf(spec);
    expect(members.map((m) => m.weight)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(members.map((m) => m.name)).toEqual([
      "member 1 of 2",
      "member 2 of 2, current: arctic20_ens3.nc member 0",
      "member 2 of 2, current: arctic20_ens3.nc member 1",
      "member 2 of 2, current: arctic20_ens3.nc member 2",
    ]);
    expect(result.members.map((m) => m.particles)).toEqual([501, 501, 500, 500]);
    const t = result.trajectory;
    expect(t.n).toBe(n);

    const base = arcticSpec((s) => {
      s.seed.number = n;
    });
    const { simulation, category } = parseSimulationSpec(base);
    const window = reachableWindow(simulation);
    const wind = (await buildForcing(base.forcing as never, { forcingDir: FORCING_DIR, window })).set.wind;
    const [ensSource] = (await openVectorSources([ens3], "current")) as GriddedSource[];
    let from = 0;
    for (let k = 0; k < 4; k++) {
      const count = memberParticles(n, 4, k);
      // The one-member run: this member's forcing, its particle number, random seed 7 + k.
      const alone = { ...simulation, randomSeed: 7 + k, release: { ...simulation.release, number: count } };
      let current = (await openVectorSources([path.join(FORCING_DIR, ARCTIC)], "current")) as never[];
      if (k > 0) current = [ensSource.forMember(k - 1)] as never[];
      for (const s of current as GriddedSource[]) await s.prepare(window);
      const own = await runSimulationThreaded(alone, category, { wind, current }, {});
      expectSameBytes(slice(t, from, count), own.trajectory);
      for (let i = from; i < from + count; i++) {
        expect(t.member[i]).toBe(k);
        expect(t.weight[i]).toBeCloseTo((0.25 * n) / count, 12);
      }
      from += count;
    }
    // The members differ: their mean final positions are apart.
    const last = t.times.length - 1;
    const meanLon = (k: number) => {
      let sum = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (t.member[i] !== k || Number.isNaN(t.lon[last * n + i])) continue;
        sum += t.lon[last * n + i];
        c++;
      }
      return sum / c;
    };
    expect(Math.abs(meanLon(3) - meanLon(1))).toBeGreaterThan(0.01);
  }, 120_000);

  it("gives the same bytes whatever the thread count", async () => {
    const spec = arcticSpec((s) => {
      s.seed.number = 6000;
      s.forcing.current = { ensemble: [{ files: [ARCTIC] }, { files: [ens3] }] };
    });
    // One thread; members at once on two member threads (member-pool.ts); each member on three step threads.
    const one = await runOf(spec, 1, undefined, true);
    expect(idleMemberThreads()).toBe(0);
    const memberThreads = await runOf(spec, 2, undefined, true);
    expect(idleMemberThreads()).toBe(2); // the members ran on two member threads, kept for the next run
    const stepThreads = await runOf(spec, 3, 0, true);
    expect(stepThreads.result.singleThreadReason).toBeUndefined();
    let stranded = 0;
    for (const s of one.result.trajectory.status) if (s === 1) stranded++;
    expect(stranded).toBeGreaterThan(0); // the land mask is in play
    for (const other of [memberThreads, stepThreads]) {
      expectSameBytes(one.result.trajectory, other.result.trajectory);
      expect(Buffer.from(other.result.trajectory.weight.buffer)).toEqual(
        Buffer.from(one.result.trajectory.weight.buffer),
      );
      expect(other.result.trajectory.member).toEqual(one.result.trajectory.member);
    }
  }, 180_000);

  it("leaves a spec without an ensemble the plain run", async () => {
    const spec = arcticSpec((s) => {
      s.seed.number = 500;
    });
    const { members, result, simulation } = await runOf(spec);
    expect(members).toHaveLength(1);
    expect(members[0].weight).toBe(1);
    const { category } = parseSimulationSpec(spec);
    const set = (
      await buildForcing(spec.forcing as never, {
        forcingDir: FORCING_DIR,
        window: reachableWindow(simulation),
      })
    ).set;
    const plain = await runSimulationThreaded(simulation, category, set, {});
    expectSameBytes(result.trajectory, plain.trajectory);
    expect([...result.trajectory.weight].every((w) => w === 1)).toBe(true);
    expect([...result.trajectory.member].every((m) => m === 0)).toBe(true);
  }, 60_000);

  it("lists the members in summary.json and each particle's member in particles.nc", async () => {
    const out = path.join(dir, "run");
    const spec = arcticSpec((s) => {
      s.seed.number = 300;
      s.forcing.current = {
        ensemble: [{ files: [ARCTIC] }, { constant: { x: 0.2, y: 0 } }],
        weights: [3, 1],
      };
    });
    const { summary } = await runSimulationSpec(spec, {
      outDir: out,
      forcingDir: FORCING_DIR,
      products: ["netcdf", "summary"],
    });
    const written = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
    expect(written.members).toEqual([
      { index: 0, name: "member 1 of 2", weight: 0.75, particles: 150 },
      { index: 1, name: "member 2 of 2", weight: 0.25, particles: 150 },
    ]);
    expect(summary.particleCount).toBe(300);
    // The Arctic20 file served member 0 only; the constant member 1.
    const arctic = written.forcing.find((f: { name: string }) => f.name === ARCTIC);
    expect(arctic.members).toBe("0");
    const nc = await openNetcdf(path.join(out, "particles.nc"));
    try {
      const member = nc.readAll("member");
      const weight = nc.readAll("weight");
      expect([...member.slice(0, 150)].every((m) => m === 0)).toBe(true);
      expect([...member.slice(150)].every((m) => m === 1)).toBe(true);
      expect(weight[0]).toBeCloseTo(1.5, 12);
      expect(weight[299]).toBeCloseTo(0.5, 12);
    } finally {
      nc.close();
    }
  }, 120_000);

  it("runs every scenario in every member, the weights multiplied", async () => {
    const spec = arcticSpec((s) => {
      s.seed = { number: 400 } as never;
      s.forcing.current = {
        ensemble: [{ files: [ARCTIC] }, { constant: { x: 0.2, y: 0 } }],
        weights: [3, 1],
      };
      Object.assign(s, {
        scenarios: [
          { name: "a", weight: 0.6, release: { lon: 14.0, lat: 68.9, radius_m: 1000 } },
          { name: "b", weight: 0.4, object_type: "PIW-1", release: { lon: 13.9, lat: 68.95 } },
        ],
      });
    });
    const parsed = parseSimulationSpec(spec);
    const scenarios = parsed.scenarios ?? [];
    const reach = coveringSimulation(scenarios);
    const members = await prepareMembers(parsed.spec.forcing, reach, reachableWindow(reach), FORCING_DIR);
    const result = await runMembers(parsed.simulation, parsed.category, members, {}, (k, set, options) =>
      runScenarioSimulations(memberScenarios(scenarios, members.length, k), set, options),
    );
    expect(result.members.map((m) => [m.weight, m.particles])).toEqual([
      [0.75, 200],
      [0.25, 200],
    ]);
    const { member, scenario, weight, n } = result.trajectory;
    expect(n).toBe(400);
    const share = (m: number, k: number) => {
      let w = 0;
      for (let i = 0; i < n; i++) if (member[i] === m && scenario[i] === k) w += weight[i];
      return w / n;
    };
    expect(share(0, 0)).toBeCloseTo(0.75 * 0.6, 12);
    expect(share(0, 1)).toBeCloseTo(0.75 * 0.4, 12);
    expect(share(1, 0)).toBeCloseTo(0.25 * 0.6, 12);
    expect(share(1, 1)).toBeCloseTo(0.25 * 0.4, 12);
  }, 120_000);

  it("refuses ensembles it cannot run, naming the field", async () => {
    const bad = (change: (s: Spec) => void) => () => parseSimulationSpec(arcticSpec(change));
    expect(
      bad((s) => {
        s.forcing.current = { ensemble: [{ files: [ARCTIC] }], weights: [1, 2] };
      }),
    ).toThrow(/forcing\.current\.weights: .*one weight per ensemble member/);
    expect(
      bad((s) => {
        s.forcing.current = { ensemble: [{ files: [ARCTIC] }, { constant: { x: 0, y: 0 } }] };
        s.forcing.wind = { ensemble: [{ constant: { x: 0, y: 0 } }] };
      }),
    ).toThrow(/forcing\.current\.ensemble: must have as many members as forcing\.wind\.ensemble/);
    expect(
      bad((s) => {
        s.forcing.current = { ensemble: [] };
      }),
    ).toThrow(SpecError);
    const few = arcticSpec((s) => {
      s.seed.number = 3;
      s.forcing.current = { ensemble: [{ files: [ARCTIC] }, { files: [ens3] }] };
    });
    await expect(runOf(few)).rejects.toThrow(
      /seed\.number: must be at least the number of ensemble members \(4\)/,
    );
  }, 60_000);
});
