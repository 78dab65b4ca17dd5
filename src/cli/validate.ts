// `driftline validate SPEC.json --observed TRACK --out DIR` (hindcasts) or `driftline validate --result RUN_DIR
// --observed TRACK --out DIR` (one finished run): see USAGE and src/validation/.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { SpecError } from "../pipeline/spec.js";
import { runCalibration, runValidation } from "../validation/index.js";
import { totalLines } from "../validation/report.js";
import { TrackError } from "../validation/track.js";
import { parseOptions, UsageError } from "./args.js";
import { ProgressLine } from "./progress.js";

const USAGE = `usage: driftline validate SPEC.json --observed TRACK --out DIR [--forcing-dir DIR] [--threads N]
       driftline validate --result RUN_DIR --observed TRACK --out DIR
       driftline validate SPEC.json [SPEC2.json …] --observed DIR --out DIR   (calibration over many tracks)
  SPEC.json          the forecast to check: run as a hindcast from each drifter's first position and time
  --observed TRACK   observed drift: CSV (time, lon, lat[, id]), GPX, GeoJSON or CF trajectory NetCDF;
                     several drifters in one file give one row each and a total
  --observed DIR     a directory of such files: hit rate against p per spec's forcing and region
                     (calibration.json, calibration.csv, reliability.png)
  --result RUN_DIR   compare with a finished run's directory (its particles.nc) instead of hindcasts
  -o, --out DIR      where validation.json, .csv, .pdf and validation-N.png go (created)
  --forcing-dir DIR  where the spec's forcing files are (default: the spec's folder)
  --threads N        threads of the step loop, 1..64
  --tables-only      write validation.json and .csv only (no pictures, no PDF)
Exit codes: 0 done, 2 bad spec, track or usage, 1 failed.`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: "string", short: "o" },
    observed: { type: "string" },
    result: { type: "string" },
    "forcing-dir": { type: "string" },
    threads: { type: "string" },
    "tables-only": { type: "boolean" },
  });
  if (!values.observed || !values.out) throw new UsageError("give --observed TRACK and --out DIR");
  const calibration = (await stat(values.observed).catch(() => undefined))?.isDirectory() === true;
  if (calibration) {
    if (values.result || positionals.length === 0)
      throw new UsageError("--observed DIR: give one or more SPEC.json (not --result)");
  } else if (values.result ? positionals.length !== 0 : positionals.length !== 1) {
    throw new UsageError("give one SPEC.json, or --result RUN_DIR without a spec");
  }
  let threads: number | undefined;
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64)
      throw new UsageError("--threads must be an integer 1..64");
  }
  const specPath = positionals[0];
  const specs: Record<string, unknown>[] = [];
  for (const file of positionals) {
    try {
      specs.push(JSON.parse(await readFile(file, "utf8")));
    } catch (error) {
      process.stderr.write(`driftline validate: cannot read spec ${file}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const spec = specs[0];
  const progress = new ProgressLine(process.stderr);
  try {
    if (calibration) {
      const out = await runCalibration({
        specs,
        observedDir: path.resolve(values.observed),
        outDir: path.resolve(values.out),
        forcingDir: values["forcing-dir"]
          ? path.resolve(values["forcing-dir"])
          : path.dirname(path.resolve(specPath)),
        threads,
        onProgress: (m) => progress.update(0, m),
      });
      progress.clear();
      for (const g of out.groups) {
        const at = (p: number) => g.reliability.find((r) => r.p === p)?.hitRate;
        const pct = (v: number | null | undefined) =>
          v === null || v === undefined ? "–" : `${(v * 100).toFixed(0)} %`;
        process.stdout.write(
          `${g.forcing} [${g.region}]: ${g.drifters} drifters, ${g.observations} observations; inside 50/90/95 % area ${pct(at(50))} / ${pct(at(90))} / ${pct(at(95))}\n`,
        );
      }
      for (const k of out.skipped)
        process.stderr.write(`  skipped ${k.file}${k.id ? ` ${k.id}` : ""}: ${k.reason}\n`);
      for (const file of out.files) process.stdout.write(`  ${file}\n`);
      return out.cases.length > 0 ? 0 : 1;
    }
    const { run, files } = await runValidation({
      spec,
      observed: path.resolve(values.observed),
      resultDir: values.result ? path.resolve(values.result) : undefined,
      outDir: path.resolve(values.out),
      forcingDir: values["forcing-dir"]
        ? path.resolve(values["forcing-dir"])
        : specPath
          ? path.dirname(path.resolve(specPath))
          : undefined,
      threads,
      tablesOnly: values["tables-only"] === true,
      onProgress: (m) => progress.update(0, m),
    });
    progress.clear();
    for (const line of totalLines(run)) process.stdout.write(`${line}\n`);
    for (const file of files) process.stdout.write(`  ${file}\n`);
    return run.drifters.length > 0 ? 0 : 1;
  } catch (error) {
    progress.clear();
    if (error instanceof SpecError || error instanceof TrackError) {
      process.stderr.write(`driftline validate: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`driftline validate: failed: ${(error as Error).message}\n`);
    return 1;
  }
}
