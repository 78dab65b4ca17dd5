// A `driftline simulate` that asks for particles.nc only loads no module it does not use: the storage,
// queue, database and web stacks, the picture writers, proj4js (for grids our own projections cover) and
// h5wasm (for a run with no NetCDF-4 file) cost a fresh process most of its start-up time (issue 16 item 3).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { SCENARIO_DIR } from "../helpers/reference.js";

const run = promisify(execFile);

/** Packages a netcdf-only simulate with constant forcing must not load. */
const HEAVY = [
  "h5wasm",
  "@aws-sdk",
  "pdfkit",
  "@napi-rs/canvas",
  "gifenc",
  "fastify",
  "pg",
  "@electric-sql/pglite",
  "ioredis",
  "zarrita",
  "@cornerstonejs/codec-openjpeg",
  "pino",
  "prom-client",
  "proj4",
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-lazy-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("driftline simulate --products netcdf", () => {
  it("loads none of the heavy packages", async () => {
    const list = path.join(dir, "modules.txt");
    const args = ["--import", "tsx", "--import", "./test/helpers/record-modules.mjs", "src/cli/main.ts"];
    args.push(
      "simulate",
      `${SCENARIO_DIR}const.json`,
      "--out",
      path.join(dir, "out"),
      "--products",
      "netcdf",
    );
    await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, RECORD_MODULES: list } });
    const urls = (await readFile(list, "utf8")).split("\n");
    const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]));
    // The recorder works: the spec validation's zod was seen.
    expect(packages.has("zod")).toBe(true);
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
  }, 120_000);
});
