// The shoreline that ships with the package: the default, read without any system package, the same
// numbers as GMT's file, and the same stranding with /usr/share/gmt-gshhg out of reach.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BIN_COUNT,
  BUNDLED_GSHHG_FILE,
  DEBIAN_GSHHG_FILE,
  GshhgFile,
  gshhgPath,
} from "../../src/coastline/gshhg.js";
import { have } from "../helpers/needs.js";
import { SCENARIO_DIR } from "../helpers/reference.js";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const HERE = "test/coastline/bundled.test.ts";
const WITH_GMT = await have(`${HERE}: same numbers as GMT's file`, "debian-gshhg");
const HIDDEN = await have(`${HERE}: simulate with /usr/share/gmt-gshhg hidden`, "root-unshare");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-bundled-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("bundled GSHHG shoreline", () => {
  it("is the default and comes with its LGPL-3.0 notice", async () => {
    const saved = process.env.GSHHG_FILE;
    delete process.env.GSHHG_FILE;
    try {
      expect(gshhgPath()).toBe(BUNDLED_GSHHG_FILE);
    } finally {
      if (saved !== undefined) process.env.GSHHG_FILE = saved;
    }
    expect(BUNDLED_GSHHG_FILE.startsWith(path.join(ROOT, "data-bundled", "coastline"))).toBe(true);
    const folder = path.dirname(BUNDLED_GSHHG_FILE);
    expect(readFileSync(path.join(folder, "COPYING.LESSER"), "utf8")).toMatch(
      /GNU LESSER GENERAL PUBLIC LICENSE/,
    );
    expect(readFileSync(path.join(folder, "README.md"), "utf8")).toMatch(/GSHHG 2\.3\.7[\s\S]*Lesser/);
    const f = await GshhgFile.open(BUNDLED_GSHHG_FILE);
    expect(f.version).toBe("2.3.7");
    expect(f.pointCount).toBe(10_995_687);
    f.close();
  });

  it.runIf(WITH_GMT)(
    "holds the same index and, for every 7th coastal bin, the same points as GMT's file",
    async () => {
      const ours = await GshhgFile.open(BUNDLED_GSHHG_FILE);
      const gmt = await GshhgFile.open(DEBIAN_GSHHG_FILE);
      expect(ours.binCorners).toEqual(gmt.binCorners);
      expect(ours.binSegmentCount).toEqual(gmt.binSegmentCount);
      expect(ours.binFirstSegment).toEqual(gmt.binFirstSegment);
      expect(ours.segmentInfo).toEqual(gmt.segmentInfo);
      expect(ours.segmentFirstPoint).toEqual(gmt.segmentFirstPoint);
      const coastal: number[] = [];
      for (let b = 0; b < BIN_COUNT; b++)
        if (gmt.binSegmentCount[b] > 0 && coastal.push(b) % 7 !== 1) coastal.pop();
      const a = ours.bins(coastal);
      const b = gmt.bins(coastal);
      for (const bin of coastal) expect(a.get(bin), `bin ${bin}`).toEqual(b.get(bin));
      ours.close();
      gmt.close();
    },
  );

  it.runIf(HIDDEN)(
    "strands cone-fishing as the reference (88 active, 12 stranded) with /usr/share/gmt-gshhg out of reach",
    async () => {
      const empty = path.join(dir, "empty");
      mkdirSync(empty);
      const out = path.join(dir, "cone");
      // A private mount namespace: an empty folder over /usr/share/gmt-gshhg for this one process.
      const script = [
        `mkdir -p /usr/share/gmt-gshhg && mount --bind '${empty}' /usr/share/gmt-gshhg`,
        "test -z \"$(ls -A /usr/share/gmt-gshhg)\" || { echo 'gmt-gshhg still visible' >&2; exit 9; }",
        `exec '${process.execPath}' --import tsx src/cli/main.ts simulate '${SCENARIO_DIR}cone-fishing.json' --out '${out}' --products summary`,
      ].join("\n");
      const env = { ...process.env };
      delete env.GSHHG_FILE;
      const r = await run("unshare", ["-m", "--propagation", "private", "sh", "-c", script], {
        cwd: ROOT,
        env,
      });
      const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
      expect(summary.snapshots.at(-1).counts, r.stderr).toMatchObject({ active: 88, stranded: 12 });
    },
  );
});
