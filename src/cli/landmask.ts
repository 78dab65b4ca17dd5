// `driftline landmask classify FILE.csv [--lakes land|water] [--cells N]`: reads `lon,lat` rows (a header
// line naming the columns; other columns are ignored) and writes `lon,lat,is_land` (1 land, 0 sea) to
// stdout, streaming, so files of any size work. FILE `-` reads stdin. Operators use it to check positions;
// it is also how the mask's accuracy is measured against reference points.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { LakeRule } from "../coastline/bin-shape.js";
import { openGshhg } from "../coastline/gshhg.js";
import { RasterLandMask } from "../coastline/landmask.js";
import { parseOptions, UsageError } from "./args.js";

const USAGE = `usage: driftline landmask classify FILE.csv [--lakes land|water] [--cells N]
  FILE.csv: a header line with columns lon and lat (any others ignored), then one point per line;
  FILE "-" reads stdin. Writes lon,lat,is_land (1 land, 0 sea) to stdout.
  --lakes   lakes count as land (default, as OpenDrift) or water
  --cells   raster cells per degree, a power of two (default 4096)
  GSHHG full resolution: the bundled shoreline, or the file $GSHHG_FILE names.`;

/** A bad input row: the message names the file and line. */
export class CsvRowError extends Error {}

export interface ClassifyCounts {
  rows: number;
  land: number;
}

/** Streams `input` (CSV with lon, lat columns) to `output` as lon,lat,is_land. */
export async function classifyCsv(
  input: Readable,
  output: Writable,
  mask: RasterLandMask,
  source = "input",
): Promise<ClassifyCounts> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let lonCol = -1;
  let latCol = -1;
  let buffer: string[] = [];
  const counts: ClassifyCounts = { rows: 0, land: 0 };
  const flush = async () => {
    if (buffer.length === 0) return;
    const text = buffer.join("");
    buffer = [];
    if (!output.write(text)) await new Promise((resolve) => output.once("drain", resolve));
  };
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    if (lonCol < 0) {
      const names = cells.map((c) => c.replace(/^"|"$/g, "").toLowerCase());
      lonCol = names.findIndex((n) => n === "lon" || n === "longitude");
      latCol = names.findIndex((n) => n === "lat" || n === "latitude");
      if (lonCol < 0 || latCol < 0) {
        throw new CsvRowError(`${source}:${lineNo}: header must name columns lon and lat, got "${line}"`);
      }
      buffer.push("lon,lat,is_land\n");
      continue;
    }
    const lonText = cells[lonCol];
    const latText = cells[latCol];
    const lon = Number(lonText);
    const lat = Number(latText);
    if (lonText === undefined || lonText === "" || !Number.isFinite(lon)) {
      throw new CsvRowError(`${source}:${lineNo}: lon "${lonText ?? ""}" is not a number`);
    }
    if (latText === undefined || latText === "" || !Number.isFinite(lat) || lat < -90 || lat > 90) {
      throw new CsvRowError(`${source}:${lineNo}: lat "${latText ?? ""}" is not a number from -90 to 90`);
    }
    const land = mask.isLand(lon, lat);
    counts.rows++;
    if (land) counts.land++;
    buffer.push(`${lonText},${latText},${land ? 1 : 0}\n`);
    if (buffer.length >= 4096) await flush();
  }
  if (lonCol < 0) throw new CsvRowError(`${source}: empty; expected a header line with lon and lat`);
  await flush();
  return counts;
}

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let values: { lakes?: string; cells?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseOptions(args, {
      lakes: { type: "string" },
      cells: { type: "string" },
    }));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`landmask: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const [command, file, ...extra] = positionals;
  if (command !== "classify" || !file || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const lakes = (values.lakes ?? "land") as LakeRule;
  const cells = values.cells === undefined ? undefined : Number(values.cells);
  try {
    const gshhg = await openGshhg();
    const mask = new RasterLandMask(gshhg, null, { lakes, cellsPerDegree: cells });
    const input = file === "-" ? process.stdin : createReadStream(file);
    if (file !== "-") {
      // Report a missing or unreadable file before writing anything to stdout.
      await new Promise<void>((resolve, reject) => {
        input.once("open", () => resolve());
        input.once("error", reject);
      });
    }
    const counts = await classifyCsv(input, process.stdout, mask, file === "-" ? "stdin" : file);
    process.stderr.write(`${counts.rows} points, ${counts.land} on land (${mask.name})\n`);
    return 0;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const message = e.code === "ENOENT" && e.path ? `cannot read ${e.path}: no such file` : e.message;
    process.stderr.write(`landmask classify: ${message}\n`);
    return 1;
  }
}
