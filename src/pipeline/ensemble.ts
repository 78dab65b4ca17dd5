// Forcing ensembles (issue 21): a wind or current given as {"ensemble": [...], "weights": [...]}, or forcing
// files with an ensemble-member dimension (MEPS `ensemble_member`), make a run of several members. Each member
// is a sub-run of its own particles on its own forcing chain, and the sub-runs are joined particle after
// particle (member 0's first). So a member's particles are exactly a one-member run of that member:
//   - member k gets N/M particles (the first N mod M members one more) and random seed random_seed + k;
//     the spec with that member's forcing, that number and that seed gives the same particles bit for bit;
//   - each particle weighs w_k · N / N_k (member weights normalised to sum 1), so member k holds w_k of the
//     probability; equal particle numbers keep every member's own cloud (and its 90 % area, the agreement
//     layer) equally well resolved whatever its weight;
//   - sub-runs do not depend on the thread count, so neither does the joined run.
// A spec without an ensemble is one member of weight 1: the run is the plain run, unchanged.
import type { ObjectCategory } from "../core/objects.js";
import { memberThreadsRefusal, runSimulationsOnThreads } from "../core/parallel/member-pool.js";
import {
  DEFAULT_THREAD_THRESHOLD,
  runSimulationThreaded,
  type ThreadedSimulationOptions,
  type ThreadedSimulationResult,
} from "../core/parallel/pool.js";
import type { SimulationResult } from "../core/simulate.js";
import type { Trajectory } from "../core/trajectory.js";
import { concatTrajectories } from "../core/trajectory-merge.js";
import type { ForcingSet, ForcingSource, ForcingWindow, Simulation } from "../core/types.js";
import type { ForcingProvenance } from "../forcing/index.js";
import type { FetchForcingOptions } from "../forcing/providers/fetch.js";
import type { EnsembleMemberInfo } from "../products/context.js";
import { prepareForcing } from "./forcing.js";
import type { ScenarioPlan } from "./scenarios.js";
import { sourcesThatCovered } from "./sources-used.js";
import {
  type ChainForcingSpec,
  type ForcingSpec,
  parseSimulationSpec,
  SpecError,
  type VariableChainSpec,
} from "./spec.js";
import { reachableWindow } from "./window.js";

/** One member's forcing, ready to run. */
export interface PreparedMember {
  /** "current: a.nc" or "wind: meps.nc member 3": the sources that make this member differ. */
  name: string;
  /** Share of the probability, the members' summing to 1. */
  weight: number;
  set: ForcingSet;
  /** Provenance of set's sources in order (wind then current), then any records of fetched files. */
  provenance: ForcingProvenance[];
  /**
   * Reads this member's own sources (members of a file's ensemble-member dimension) for the window; called
   * just before the member runs, so a run of some members (a part, service/worker/split-merge.ts) reads only
   * theirs. Absent when the set is ready.
   */
  prepare?: () => Promise<void>;
}

type Variable = "wind" | "current";
const VARIABLES: Variable[] = ["wind", "current"];

type VariableSpec = ForcingSpec[Variable];
const isEnsemble = (v: VariableSpec): v is Extract<VariableSpec, { ensemble: unknown }> =>
  !Array.isArray(v) && "ensemble" in v;

/** True when the spec names an ensemble explicitly (files with a member dimension show only once read). */
export function hasEnsembleSpec(forcing: ForcingSpec): boolean {
  return VARIABLES.some((k) => isEnsemble(forcing[k]));
}

/** The explicit members: the k-th entries of the ensemble variables, with the other variable as given. */
function explicitMembers(forcing: ForcingSpec): { spec: ChainForcingSpec; weight: number; label: string }[] {
  const sizes = VARIABLES.map((k) => {
    const v = forcing[k];
    return isEnsemble(v) ? v.ensemble.length : 1;
  });
  const count = Math.max(...sizes);
  const chain = (k: Variable, m: number): VariableChainSpec => {
    const v = forcing[k];
    return isEnsemble(v) ? v.ensemble[m] : v;
  };
  const raw = Array.from({ length: count }, (_, m) => {
    let w = 1;
    for (const k of VARIABLES) {
      const v = forcing[k];
      if (isEnsemble(v) && v.weights) w = v.weights[m];
    }
    return w;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w, m) => ({
    spec: { wind: chain("wind", m), current: chain("current", m) },
    weight: w / total,
    label: count > 1 ? `member ${m + 1} of ${count}` : "",
  }));
}

interface MemberSource extends ForcingSource {
  readonly memberCount: number;
  forMember(m: number): ForcingSource;
}
const memberSource = (s: ForcingSource): MemberSource | null =>
  typeof (s as Partial<MemberSource>).forMember === "function" && (s as MemberSource).memberCount > 1
    ? (s as MemberSource)
    : null;

function provenanceOf(variable: Variable, s: ForcingSource): ForcingProvenance {
  return { variable, name: s.name, ...(s.provenance ?? {}), type: "file" };
}

/**
 * A chain whose files hold an ensemble-member dimension becomes one set per member (sources without one are
 * shared); files of different member counts in one run are refused.
 */
async function expandFileMembers(
  set: ForcingSet,
  provenance: ForcingProvenance[],
  window: ForcingWindow,
): Promise<
  { set: ForcingSet; provenance: ForcingProvenance[]; name: string; prepare?: () => Promise<void> }[]
> {
  const all = VARIABLES.flatMap((k) => set[k].map((s) => ({ k, s, m: memberSource(s) })));
  const withMembers = all.filter((e) => e.m !== null);
  if (withMembers.length === 0) return [{ set, provenance, name: "" }];
  const count = withMembers[0].m!.memberCount;
  const odd = withMembers.find((e) => e.m!.memberCount !== count);
  if (odd) {
    throw new SpecError([
      {
        path: `forcing.${odd.k}`,
        message: `${odd.s.name} has ${odd.m!.memberCount} ensemble members and ${withMembers[0].s.name} ${count}: files of one run must have as many members (or one)`,
      },
    ]);
  }
  const out: {
    set: ForcingSet;
    provenance: ForcingProvenance[];
    name: string;
    prepare?: () => Promise<void>;
  }[] = [];
  for (let m = 0; m < count; m++) {
    const memberSet: ForcingSet = { ...set, wind: [], current: [] };
    const records = [...provenance];
    let j = 0;
    const names: string[] = [];
    const own: ForcingSource[] = [];
    for (const e of all) {
      let s = e.s;
      if (e.m) {
        s = e.m.forMember(m);
        own.push(s);
        records[j] = provenanceOf(e.k, s);
        names.push(`${e.k}: ${s.name}`);
      }
      memberSet[e.k].push(s);
      j++;
    }
    let prepared: Promise<void> | null = null;
    const prepare = () => {
      prepared ??= (async () => {
        for (const s of own) await s.prepare?.(window);
      })();
      return prepared;
    };
    out.push({ set: memberSet, provenance: records, name: names.join(", "), prepare });
  }
  return out;
}

/**
 * The members of a run's forcing, each prepared for the window: one per entry of an explicit ensemble,
 * each entry with files of an ensemble-member dimension split into its members (the entry's weight shared
 * equally). A spec without either gives one member of weight 1, built exactly as a plain run's forcing.
 */
export async function prepareMembers(
  forcing: ForcingSpec,
  sim: Simulation,
  window: ForcingWindow,
  forcingDir: string | undefined,
  fetchOptions?: Omit<FetchForcingOptions, "forcingDir" | "kinds">,
  /** Called after each entry of the forcing (one, or each explicit ensemble member) is read. */
  onEntry?: (done: number, total: number) => void,
): Promise<PreparedMember[]> {
  const members: PreparedMember[] = [];
  const entries = explicitMembers(forcing);
  for (const [k, entry] of entries.entries()) {
    const built = await prepareForcing(entry.spec, sim, window, forcingDir, fetchOptions);
    onEntry?.(k + 1, entries.length);
    const parts = await expandFileMembers(built.set, built.provenance, window);
    for (const part of parts) {
      const names = [entry.label, part.name].filter((t) => t !== "");
      members.push({
        name: names.join(", ") || describeChains(built.set),
        weight: entry.weight / parts.length,
        set: part.set,
        provenance: part.provenance,
        ...(part.prepare ? { prepare: part.prepare } : {}),
      });
    }
  }
  return members;
}

/** How many members a spec's forcing has (explicit entries, files' ensemble-member dimensions). */
export async function countMembers(input: unknown, forcingDir: string | undefined): Promise<number> {
  const { spec, simulation } = parseSimulationSpec(input);
  return (await prepareMembers(spec.forcing, simulation, reachableWindow(simulation), forcingDir)).length;
}

function describeChains(set: ForcingSet): string {
  return VARIABLES.map((k) => `${k}: ${set[k].map((s) => s.name).join(" > ")}`).join(", ");
}

/** Particles of member k of `count` sharing `n`: n / count, the first n mod count one more. */
export function memberParticles(n: number, count: number, k: number): number {
  return Math.floor(n / count) + (k < n % count ? 1 : 0);
}

/** The simulation of member k alone: its share of the particles and its own random seed. */
export function memberSimulation(sim: Simulation, count: number, k: number): Simulation {
  if (count === 1) return sim;
  return {
    ...sim,
    release: { ...sim.release, number: memberParticles(sim.release.number, count, k) },
    randomSeed: (sim.randomSeed + k) % 0x1_0000_0000,
  };
}

export interface MembersResult extends SimulationResult {
  singleThreadReason?: string;
  /** Provenance of the sources the particles drew on, each record once (with the members it served). */
  forcing: ForcingProvenance[];
  members: EnsembleMemberInfo[];
}

/**
 * Member k of `count` of a mission with scenarios: every scenario with its share of the member's particles
 * (each scenario's particles split as memberParticles) and random seed + k; particle weights such that the
 * member's particles weigh their number in all, split between the scenarios by the scenarios' weights.
 */
export function memberScenarios(
  scenarios: readonly ScenarioPlan[],
  count: number,
  k: number,
): ScenarioPlan[] {
  if (count === 1) return [...scenarios];
  const few = scenarios.findIndex((s) => s.simulation.release.number < count);
  if (few >= 0) {
    throw new SpecError([
      {
        path: `scenarios.${few}`,
        message: `needs at least one particle per ensemble member (${count}); give more particles in seed.number`,
      },
    ]);
  }
  const numbers = scenarios.map((s) => memberParticles(s.simulation.release.number, count, k));
  const total = numbers.reduce((a, b) => a + b, 0);
  return scenarios.map((s, j) => ({
    ...s,
    particleWeight: (s.weight * total) / numbers[j],
    simulation: memberSimulation(s.simulation, count, k),
  }));
}

/** Runs member k's simulation on its forcing set (a plain run, or its scenarios one after the other). */
export type MemberRunner = (
  k: number,
  set: ForcingSet,
  options: ThreadedSimulationOptions,
) => Promise<ThreadedSimulationResult>;

/**
 * Members [from, to) run at once on worker threads (member-pool.ts) when the run has threads to spare and
 * every member is too small for step threads of its own; null to run them one after the other. The same
 * results either way.
 */
async function membersOnThreads(
  sim: Simulation,
  category: ObjectCategory,
  members: PreparedMember[],
  options: ThreadedSimulationOptions,
  from: number,
  to: number,
): Promise<SimulationResult[] | null> {
  const count = members.length;
  const threads = options.threads ?? 1;
  const threshold = options.threadThreshold ?? DEFAULT_THREAD_THRESHOLD;
  if (to - from < 2 || threads < 2 || process.env.DRIFTLINE_MEMBER_THREADS === "0") return null;
  const jobs = [];
  for (let k = from; k < to; k++) {
    const memberSim = memberSimulation(sim, count, k);
    if (memberSim.release.number >= threshold) return null;
    await members[k].prepare?.();
    jobs.push({ sim: memberSim, category, forcing: members[k].set });
  }
  const landmask = sim.coastline === "none" ? null : (options.landmask ?? null);
  if (memberThreadsRefusal(jobs, landmask, options.landmaskRecipe) !== null) return null;
  let done = 0;
  return await runSimulationsOnThreads(jobs, {
    threads,
    landmask,
    landmaskRecipe: options.landmaskRecipe,
    recordForcing: options.recordForcing ?? true,
    onDone: () => options.onProgress?.(++done / jobs.length),
  });
}

/**
 * Runs every member's particles on its forcing and joins them (member 0's particles first). One member of
 * weight 1 is the plain run. `runMember` runs a member's simulation (default: the simulation with the
 * member's share of the particles and seed, memberSimulation).
 */
export async function runMembers(
  sim: Simulation,
  category: ObjectCategory,
  members: PreparedMember[],
  options: ThreadedSimulationOptions,
  runMember?: MemberRunner,
  /** Run members [from, to) only (a part of a split mission); default all. */
  range: readonly [number, number] = [0, members.length],
): Promise<MembersResult> {
  const count = members.length;
  const [from, to] = range;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= count)) {
    throw new RangeError(`runMembers: members [${from}, ${to}) of ${count}`);
  }
  if (sim.release.number < count) {
    throw new SpecError([
      {
        path: "seed.number",
        message: `must be at least the number of ensemble members (${count}) so that each has a particle`,
      },
    ]);
  }
  const parts: Trajectory[] = [];
  const out: MembersResult = {
    trajectory: undefined as unknown as Trajectory,
    releaseOnLand: { moved: 0, maxDistanceM: 0, unresolved: 0 },
    particleSteps: 0,
    forcing: [],
    members: [],
  };
  const records = new Map<string, { record: ForcingProvenance; members: number[] }>();
  let plainForcing: ForcingProvenance[] = [];
  const onThreads = runMember ? null : await membersOnThreads(sim, category, members, options, from, to);
  for (let k = from; k < to; k++) {
    const member = members[k];
    await member.prepare?.();
    const memberOptions = {
      ...options,
      onProgress: (f: number) => options.onProgress?.((k - from + f) / (to - from)),
    };
    const result: SimulationResult & { singleThreadReason?: string } =
      onThreads?.[k - from] ??
      (runMember
        ? await runMember(k, member.set, memberOptions)
        : await runSimulationThreaded(memberSimulation(sim, count, k), category, member.set, memberOptions));
    parts.push(result.trajectory);
    out.particleSteps += result.particleSteps;
    out.releaseOnLand.moved += result.releaseOnLand.moved;
    out.releaseOnLand.unresolved += result.releaseOnLand.unresolved;
    out.releaseOnLand.maxDistanceM = Math.max(
      out.releaseOnLand.maxDistanceM,
      result.releaseOnLand.maxDistanceM,
    );
    if (result.singleThreadReason && !out.singleThreadReason)
      out.singleThreadReason = result.singleThreadReason;
    // Name only the sources the particles drew on (the records after the sources' own, from fetching, stay).
    const all = [...member.set.wind, ...member.set.current];
    const used = sourcesThatCovered(member.set, result.trajectory);
    plainForcing = member.provenance.filter((_, j) => j >= all.length || used.has(all[j]));
    for (const record of plainForcing) {
      const key = JSON.stringify(record);
      const seen = records.get(key) ?? { record, members: [] };
      seen.members.push(k);
      records.set(key, seen);
    }
    out.members.push({
      index: k,
      name: member.name,
      weight: member.weight,
      particles: result.trajectory.n,
    });
  }
  if (count === 1) {
    out.forcing = plainForcing;
    out.trajectory = parts[0];
    return out;
  }
  out.forcing = [...records.values()].map(({ record, members: served }) =>
    served.length === count ? record : { ...record, members: served.join(", ") },
  );
  out.trajectory = concatTrajectories(parts);
  const { weight, member } = out.trajectory;
  let i = 0;
  for (let k = from; k < to; k++) {
    const part = parts[k - from];
    const scale = (members[k].weight * sim.release.number) / part.n;
    for (let j = 0; j < part.n; j++, i++) {
      weight[i] *= scale;
      member[i] = k;
    }
  }
  return out;
}
