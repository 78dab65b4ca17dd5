// Issue 24.11 evidence: a corpus of damaged forcing files (NetCDF classic, NetCDF-4/HDF5, GRIB2), generated
// here from the bundled files with a seeded generator (truncations, flipped bytes, runs of 0x00/0xFF/noise,
// mostly in the headers), each opened as a forcing file in a worker thread with a time limit per file: a
// file that hangs a reader, or kills its thread, fails the build with its name and the damage done.
// FUZZ_SEED=n and FUZZ_PER_FILE=n explore further; the default run takes well under 30 s.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir } from "../api/helpers.js";
import { rng } from "../products/synthetic.js"; // mulberry32: the same corpus for the same seed

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
const GRIB = fileURLToPath(new URL("../fixtures/grib2/", import.meta.url));
const SEED = Number(process.env.FUZZ_SEED ?? 24);
const PER_FILE = Number(process.env.FUZZ_PER_FILE ?? 10);
/** Per damaged file; a healthy reader answers in well under a second, a hang never. */
const LIMIT_MS = 15_000;
/** The originals go first and load the readers (tsx, h5wasm, the GRIB decoders) into the thread. */
const WARM_UP_MS = 90_000;

/** One damaged copy of `bytes` and what was done to it. */
function damage(bytes: Buffer, random: () => number): { bytes: Buffer; what: string } {
  const out = Buffer.from(bytes);
  const head = Math.min(out.length, 4096); // headers: where a reader decides what to allocate and loop over
  const at = (n: number) => Math.floor(random() * n);
  switch (at(4)) {
    case 0: {
      const n = at(out.length);
      return { bytes: out.subarray(0, n), what: `truncated to ${n} bytes` };
    }
    case 1: {
      const k = 1 + at(32);
      for (let i = 0; i < k; i++) out[at(head)] ^= 1 << at(8);
      return { bytes: out, what: `${k} bits flipped in the first ${head} bytes` };
    }
    case 2: {
      const len = 4 + at(64);
      const o = at(head);
      const fill = [0x00, 0xff, 0x7f][at(3)];
      out.fill(fill, o, Math.min(out.length, o + len));
      return { bytes: out, what: `${len} bytes of 0x${fill.toString(16)} at ${o}` };
    }
    default: {
      const len = 16 + at(512);
      const o = at(out.length);
      for (let i = o; i < Math.min(out.length, o + len); i++) out[i] = at(256);
      return { bytes: out, what: `${len} bytes of noise at ${o}` };
    }
  }
}

interface Damaged {
  file: string;
  what: string;
}

/** Writes the corpus into `dir`: the originals (which must read) and PER_FILE damaged copies of each. */
function makeCorpus(dir: string, seed = SEED): { originals: string[]; damaged: Damaged[] } {
  const random = rng(seed);
  const sources = [
    path.join(FORCING, "Arctic20_1to5Feb_2016.nc"), // classic (64-bit offset), current
    path.join(FORCING, "AROME_MetCoOp_00_DEF_20160114_subset.nc"), // NetCDF-4/HDF5, wind
    ...readdirSync(GRIB)
      .filter((f) => f.endsWith(".grib2"))
      .sort()
      .slice(0, 4)
      .map((f) => path.join(GRIB, f)),
  ];
  const originals: string[] = [];
  const damaged: Damaged[] = [];
  for (const source of sources) {
    const name = path.basename(source);
    const original = path.join(dir, name);
    copyFileSync(source, original);
    originals.push(original);
    const bytes = readFileSync(source);
    const copies = name.endsWith(".grib2") ? Math.ceil(PER_FILE / 2) : PER_FILE;
    for (let k = 0; k < copies; k++) {
      const d = damage(bytes, random);
      const file = path.join(dir, `damaged-${k}-${name}`);
      writeFileSync(file, d.bytes);
      damaged.push({ file, what: d.what });
    }
  }
  return { originals, damaged };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-fuzz-"));
let thread: Worker | undefined;
afterAll(async () => {
  await thread?.terminate();
  removeDir(dir);
});

function startThread(): Worker {
  return new Worker(new URL("../../src/core/parallel/ts-bootstrap.mjs", import.meta.url), {
    workerData: { tsEntry: new URL("./fuzz-thread.ts", import.meta.url).href },
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
}

/** How the thread's reading of `file` ended; a hang or a dead thread is reported and the thread replaced. */
function open(file: string, limitMs = LIMIT_MS): Promise<string> {
  thread ??= startThread();
  const t = thread;
  return new Promise((resolve) => {
    const done = (outcome: string) => {
      clearTimeout(timer);
      t.off("message", onMessage);
      t.off("error", onError);
      t.off("exit", onExit);
      resolve(outcome);
    };
    const fail = (outcome: string) => {
      thread = undefined;
      void t.terminate();
      done(outcome);
    };
    const onMessage = (m: string) => done(m);
    const onError = (e: Error) => fail(`thread died: ${e.message}`);
    const onExit = (code: number) => fail(`thread exited (${code})`);
    const timer = setTimeout(() => fail(`hung: no answer within ${limitMs / 1000} s`), limitMs);
    t.on("message", onMessage);
    t.on("error", onError);
    t.on("exit", onExit);
    t.postMessage(file);
  });
}

describe("fuzz corpus of damaged forcing files", () => {
  it("reads every original, and refuses or reads every damaged copy within the time limit", async () => {
    const { originals, damaged } = makeCorpus(dir);
    for (const file of originals)
      expect(`${path.basename(file)}: ${await open(file, WARM_UP_MS)}`).toMatch(/: read$/);
    const bad: string[] = [];
    const outcomes: Record<string, number> = {};
    for (const d of damaged) {
      const outcome = await open(d.file);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (!/^(read|refused: )/.test(outcome)) bad.push(`${path.basename(d.file)} (${d.what}): ${outcome}`);
    }
    console.log(`fuzz corpus (seed ${SEED}, ${damaged.length} files): ${JSON.stringify(outcomes)}`);
    expect(bad).toEqual([]);
  }, 180_000);
});
