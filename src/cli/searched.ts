// `driftline searched RESULT_DIR --tracks FILE.gpx --units UNITS.json --out DIR`: see USAGE.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { applySearch } from "../planning/searched.js";
import { formatPositionDM } from "../products/coordinates.js";
import { isoUtc } from "../products/time-format.js";
import { parseOptions, UsageError } from "./args.js";
import { planningFailure } from "./planning-failure.js";

const USAGE = `usage: driftline searched RESULT_DIR --tracks FILE.gpx --units UNITS.json --out DIR
  RESULT_DIR        a result directory of driftline simulate, or an earlier revision
  --tracks FILE     GPX of what was searched: tracks (or a plan's routes) with times, named by unit
  --units FILE      the units and conditions (as for driftline plan)
  -o, --out DIR     the new revision's products (a new or empty directory; nothing is overwritten)
  -h, --help        this help
Exit codes: 0 done, 2 bad input or usage, 1 failed.`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    tracks: { type: "string" },
    units: { type: "string" },
    out: { type: "string", short: "o" },
  });
  if (positionals.length !== 1 || !values.tracks || !values.units || !values.out)
    throw new UsageError("give one RESULT_DIR, --tracks FILE.gpx, --units FILE and --out DIR");
  let gpx: string;
  let units: unknown;
  try {
    gpx = await readFile(values.tracks, "utf8");
    units = JSON.parse(await readFile(values.units, "utf8"));
  } catch (error) {
    process.stderr.write(`driftline searched: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const r = await applySearch(positionals[0], gpx, units, path.resolve(values.out), {
      gpxName: values.tracks,
    });
    const last = r.revision.searches.at(-1) as { pos: number };
    process.stdout.write(
      `revision ${r.revision.revision}: this search POS ${(last.pos * 100).toFixed(1)} %, cumulative POS ` +
        `${(r.revision.cumulativePos * 100).toFixed(1)} %\n`,
    );
    if (r.mostLikely)
      process.stdout.write(
        `  most likely position at ${isoUtc(r.mostLikely.time)}: ${formatPositionDM(r.mostLikely.lon, r.mostLikely.lat)}\n`,
      );
    for (const f of Object.values(r.files)) process.stdout.write(`  ${f}\n`);
    return 0;
  } catch (error) {
    return planningFailure("searched", values.units, error);
  }
}
