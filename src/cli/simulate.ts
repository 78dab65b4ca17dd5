// `driftline simulate SPEC.json --out DIR [--forcing-dir DIR] [--products a,b] [--threads N]`: see USAGE.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runSimulationSpec } from "../pipeline/run.js";
import { SpecError } from "../pipeline/spec.js";
import { formatPositionDM } from "../products/coordinates.js";
import { PRODUCT_NAMES, type ProductName } from "../products/registry.js";
import { isoUtc } from "../products/time-format.js";
import { parseOptions, UsageError } from "./args.js";
import { ProgressLine } from "./progress.js";

const USAGE = `usage: driftline simulate SPEC.json --out DIR [--forcing-dir DIR] [--products netcdf,png,…] [--threads N]
  SPEC.json          the simulation spec (README: Simulation spec)
  -o, --out DIR      where the products go (created)
  --forcing-dir DIR  where the spec's forcing files are (default: the spec's folder)
  --products LIST    comma-separated, default all: ${PRODUCT_NAMES.join(", ")}
  --threads N        threads of the step loop, 1..64 (default: by the run's size)
  -h, --help         this help
The summary line and the files written go to stdout, progress and warnings to stderr.
Exit codes: 0 done, 2 bad spec or usage, 1 failed run.`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let specPath: string;
  let outDir: string;
  let forcingDir: string | undefined;
  let products: ProductName[] | undefined;
  let threads: number | undefined;
  try {
    const { values, positionals } = parseOptions(args, {
      out: { type: "string", short: "o" },
      "forcing-dir": { type: "string" },
      products: { type: "string" },
      threads: { type: "string" },
    });
    if (positionals.length !== 1 || !values.out) throw new UsageError("give one SPEC.json and --out DIR");
    specPath = positionals[0];
    outDir = path.resolve(values.out);
    forcingDir = values["forcing-dir"]
      ? path.resolve(values["forcing-dir"])
      : path.dirname(path.resolve(specPath));
    if (values.products) {
      const known: readonly string[] = PRODUCT_NAMES;
      const list = values.products
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = list.filter((p) => !known.includes(p));
      if (bad.length)
        throw new UsageError(`--products: unknown ${bad.join(", ")}; allowed: ${known.join(", ")}`);
      products = list as ProductName[];
    }
    if (values.threads !== undefined) {
      threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64)
        throw new UsageError("--threads must be an integer 1..64");
    }
  } catch (error) {
    process.stderr.write(`driftline simulate: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }

  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(specPath, "utf8"));
  } catch (error) {
    process.stderr.write(`driftline simulate: cannot read spec ${specPath}: ${(error as Error).message}\n`);
    return 2;
  }

  const progress = new ProgressLine(process.stderr);
  try {
    const { summary, files } = await runSimulationSpec(spec, {
      outDir,
      forcingDir,
      products,
      threads,
      onProgress: (p) => progress.update(p.fraction, p.message),
    });
    progress.clear();
    process.stdout.write(
      `${summary.particleCount} particles, ${summary.snapshots.length} output times in ${summary.computationSeconds.toFixed(2)} s ` +
        `(simulation ${summary.simulationSeconds.toFixed(2)} s): ${summary.activeCount} active, ${summary.strandedCount} stranded, ` +
        `${summary.missingDataCount} missing data${releaseOnLandText(summary.releaseOnLand)}\n`,
    );
    const last = summary.searchAreas?.at(-1);
    if (last && last.mostLikelyLon !== null && last.mostLikelyLat !== null) {
      const where = formatPositionDM(last.mostLikelyLon, last.mostLikelyLat);
      process.stdout.write(`  most likely position at ${isoUtc(last.time)}: ${where}\n`);
    }
    for (const s of summary.scenarios ?? []) {
      const area = s.searchAreaKm2["90"];
      process.stdout.write(
        `  scenario ${s.index + 1} "${s.name}": ${(s.weight * 100).toFixed(1)} %, ${s.objectType.key}, ${s.particleCount} particles; ` +
          `afloat ${(s.afloatWeight * 100).toFixed(1)} %, stranded ${(s.strandedWeight * 100).toFixed(1)} % of the mission` +
          `${area !== null ? `; its own 90 % area ${area.toFixed(1)} km²` : ""}\n`,
      );
    }
    if (summary.singleThreadReason) process.stderr.write(`  on one thread: ${summary.singleThreadReason}\n`);
    for (const file of Object.values(files)) process.stdout.write(`  ${file}\n`);
    return 0;
  } catch (error) {
    progress.clear();
    if (error instanceof SpecError) {
      process.stderr.write(`driftline simulate: ${specPath}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`driftline simulate: run failed: ${(error as Error).message}\n`);
    return 1;
  }
}

/** "; 1000 released on land, moved to the nearest sea point (up to 3,612 m)" when the release was on land. */
export function releaseOnLandText(r: { moved: number; maxDistanceM: number } | undefined): string {
  if (!r || r.moved === 0) return "";
  return `; ${r.moved} released on land, moved to the nearest sea point (up to ${Math.round(r.maxDistanceM).toLocaleString("en")} m)`;
}
