// `driftline landmask classify`: CSV in, lon,lat,is_land out; errors name the line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { classifyCsv, run } from "../../src/cli/landmask.js";
import { openGshhg } from "../../src/coastline/gshhg.js";
import { RasterLandMask } from "../../src/coastline/landmask.js";
import { have } from "../helpers/needs.js";

const BERGEN = fileURLToPath(new URL("../../../shared/data/landmask/bergen.csv", import.meta.url));
const SHARED = await have(
  "test/coastline/cli.test.ts: classify ../shared/data/landmask/bergen.csv",
  "shared-dir",
);
const tmp = mkdtempSync(join(tmpdir(), "driftline-classify-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let mask: RasterLandMask;
beforeAll(async () => {
  mask = new RasterLandMask(await openGshhg(), null);
});

async function classify(text: string): Promise<string> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c) => chunks.push(String(c)));
  await classifyCsv(Readable.from([text]), out, mask, "points.csv");
  return chunks.join("");
}

describe("classifyCsv", () => {
  it("classifies rows, keeps the input's number text, ignores other columns", async () => {
    const text =
      "id,Lat,Lon,note\r\n1,60.39,5.33,Bergen\r\n\r\n2,58,3.0,North Sea\r\n3,-16.8,-179.9,Taveuni\r\n";
    expect(await classify(text)).toBe("lon,lat,is_land\n5.33,60.39,1\n3.0,58,0\n-179.9,-16.8,1\n");
  });

  it("names the line of a bad row", async () => {
    await expect(classify("lon,lat\n5,60\n5,abc\n")).rejects.toThrow(
      'points.csv:3: lat "abc" is not a number',
    );
    await expect(classify("lon,lat\n5,60\n,60\n")).rejects.toThrow('points.csv:3: lon "" is not a number');
    await expect(classify("lon,lat\n5,95\n")).rejects.toThrow("points.csv:2: lat");
    await expect(classify("x,y\n5,60\n")).rejects.toThrow(
      "points.csv:1: header must name columns lon and lat",
    );
    await expect(classify("")).rejects.toThrow("points.csv: empty");
  });
});

describe("driftline landmask", () => {
  let stdout: string[];
  let stderr: string[];
  beforeAll(() => {
    stdout = [];
    stderr = [];
  });
  afterEach(() => {
    vi.restoreAllMocks();
    stdout = [];
    stderr = [];
  });
  const capture = () => {
    vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
      stdout.push(String(c));
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
      stderr.push(String(c));
      return true;
    });
  };

  it.runIf(SHARED)("classifies the reference file with at least 98 % agreement", async () => {
    capture();
    const code = await run(["classify", BERGEN]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const out = stdout.join("").trim().split("\n");
    expect(out[0]).toBe("lon,lat,is_land");
    const ref = (await import("node:fs")).readFileSync(BERGEN, "utf8").trim().split("\n");
    expect(out.length).toBe(ref.length);
    let agree = 0;
    for (let i = 1; i < ref.length; i++) {
      const [lon, lat, land] = ref[i].split(",");
      expect(out[i].startsWith(`${lon},${lat},`)).toBe(true);
      if (out[i].endsWith(`,${land}`)) agree++;
    }
    const percent = (100 * agree) / (ref.length - 1);
    console.log(`driftline landmask classify bergen.csv: ${percent.toFixed(2)} % agreement`);
    expect(percent).toBeGreaterThanOrEqual(98);
    expect(stderr.join("")).toMatch(/20000 points, \d+ on land/);
  });

  it("exits 1 with the line number on a bad row, 1 on a missing file, 2 on bad usage", async () => {
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "lon,lat\n5.3,60.4\n5.3;60.4\n");
    capture();
    expect(await run(["classify", bad])).toBe(1);
    expect(stderr.join("")).toContain(`${bad}:3: lon "5.3;60.4" is not a number`);
    stderr = [];
    expect(await run(["classify", join(tmp, "missing.csv")])).toBe(1);
    expect(stderr.join("")).toContain("no such file");
    expect(await run(["inspect", bad])).toBe(2);
    expect(await run(["classify"])).toBe(2);
    expect(await run(["classify", bad, "--bogus"])).toBe(2);
  });
});
