// `driftline plan RESULT_DIR --units UNITS.json [--from T --to T] --out DIR`: see USAGE.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { planFromResult } from "../planning/plan-run.js";
import { parseOptions, UsageError } from "./args.js";
import { planningFailure } from "./planning-failure.js";

const USAGE = `usage: driftline plan RESULT_DIR --units UNITS.json [--from T --to T] --out DIR
  RESULT_DIR        a result directory of driftline simulate (or of driftline searched)
  --units FILE      the search units, conditions and options (README: Search planning)
  --from T, --to T  the search window, RFC 3339 (default: UNITS.json's, else ending at the run's last output)
  -o, --out DIR     where plan.json, plan.gpx, plan.kml, plan_waypoints.csv and tasking.pdf go (created)
  -h, --help        this help
Exit codes: 0 done, 2 bad units file or usage, 1 failed.`;

export const usage = () => USAGE;

function timeOption(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || !Number.isFinite(t))
    throw new UsageError(`--${name} must be an RFC 3339 time such as 2016-02-02T06:00:00Z`);
  return t / 1000;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    units: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    out: { type: "string", short: "o" },
  });
  if (positionals.length !== 1 || !values.units || !values.out)
    throw new UsageError("give one RESULT_DIR, --units FILE and --out DIR");
  const from = timeOption(values.from, "from");
  const to = timeOption(values.to, "to");
  let units: unknown;
  try {
    units = JSON.parse(await readFile(values.units, "utf8"));
  } catch (error) {
    process.stderr.write(`driftline plan: cannot read ${values.units}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const {
      document: d,
      files,
      seconds,
    } = await planFromResult(positionals[0], units, path.resolve(values.out), {
      from,
      to,
    });
    process.stdout.write(
      `${d.units.length} units, ${d.window.from} to ${d.window.to}: joint POS ${(d.joint_pos * 100).toFixed(1)} % ` +
        `(even split ${(d.even_split_pos * 100).toFixed(1)} %), planned in ${seconds.plan.toFixed(2)} s\n`,
    );
    for (const u of d.units) {
      process.stdout.write(
        `  ${u.name}: ${u.pattern}, ${u.area.length_nm} × ${u.area.width_nm} NM, spacing ${u.track_spacing_nm} NM, ` +
          `POC ${(u.poc * 100).toFixed(1)} %, POD ${(u.pod * 100).toFixed(1)} %\n`,
      );
    }
    for (const f of Object.values(files)) process.stdout.write(`  ${f}\n`);
    return 0;
  } catch (error) {
    return planningFailure("plan", values.units, error);
  }
}
