// `driftline forcing inspect FILE [--json]`: what a forcing file holds (variables, grid, projection,
// area, time coverage). `driftline forcing list [DIR] [--json]`: the forcing catalog of a directory
// (default $FORCING_DIR), one line per file, bad files with their problem.
import { resolve } from "node:path";
import { scanCatalog } from "../forcing/catalog.js";
import { isoMinute } from "../forcing/cf.js";
import { ForcingFileError } from "../forcing/errors.js";
import { describeFile, formatDescription } from "../forcing/formats.js";

const USAGE = `usage: driftline forcing inspect FILE [--json]
       driftline forcing list [DIR] [--json]     (DIR defaults to $FORCING_DIR)
       driftline forcing prefetch --area W,S,E,N --hours H [--start T]   (fetch forecasts ahead of missions)`;

/** `forcing prefetch --help` is the prefetch's own help. */
export async function usage(args: string[]): Promise<string> {
  return args[0] === "prefetch" ? (await import("./forcing-prefetch.js")).usage() : USAGE;
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === "prefetch") return (await import("./forcing-prefetch.js")).run(args.slice(1));
  const json = args.includes("--json");
  const rest = args.filter((a) => a !== "--json");
  const [command, target, ...extra] = rest;
  const unknown = rest.find((a) => a.startsWith("-") && a !== "-");
  if (unknown) {
    process.stderr.write(`driftline forcing: unknown option ${unknown}\n${USAGE}\n`);
    return 2;
  }
  if (
    extra.length > 0 ||
    (command !== "inspect" && command !== "list") ||
    (command === "inspect" && !target)
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    if (command === "inspect") {
      const d = await describeFile(resolve(target));
      process.stdout.write(json ? `${JSON.stringify(d, null, 2)}\n` : `${formatDescription(d)}\n`);
      if (d.vectors.length === 0) {
        process.stderr.write(`${target}: has neither wind nor current variables\n`);
        return 1;
      }
      return 0;
    }
    const dir = target ?? process.env.FORCING_DIR;
    if (!dir) {
      process.stderr.write(`forcing list: give a directory or set FORCING_DIR\n${USAGE}\n`);
      return 2;
    }
    const catalog = await scanCatalog(dir);
    if (json) {
      process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
      return 0;
    }
    const lines: string[] = [];
    for (const e of catalog.entries) {
      if (e.error) {
        lines.push(`${e.file}\tERROR ${e.error}`);
        continue;
      }
      for (const v of e.vectors) {
        const a = v.area;
        lines.push(
          [
            e.file,
            `${v.kind} ${v.u}/${v.v}`,
            v.grid,
            `lon ${a.west.toFixed(2)}..${a.east.toFixed(2)} lat ${a.south.toFixed(2)}..${a.north.toFixed(2)}`,
            `${isoMinute(v.timeStart)}..${isoMinute(v.timeEnd)} (${v.timeSteps})`,
          ].join("\t"),
        );
      }
    }
    process.stdout.write(lines.length ? `${lines.join("\n")}\n` : "");
    const bad = catalog.entries.filter((e) => e.error).length;
    process.stderr.write(
      `${catalog.entries.length} file(s) in ${catalog.root}, ${bad} unusable; ${catalog.scanned} read now${catalog.indexFile ? `, index ${catalog.indexFile}` : ""}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ForcingFileError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    process.stderr.write(`forcing ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}
