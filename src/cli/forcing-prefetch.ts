// `driftline forcing prefetch --area W,S,E,N --hours H [--start T] [--providers a,b] [--kinds wind,current]
//  [--dir DIR] [--retention-days N] [--json]`: fetches the wind and current of an area for the next H hours
// (or from T) into the forcing catalog, as the worker would for a mission there, and says what it used.

import type { VectorKind } from "../forcing/discover.js";
import {
  fetchForcingFor,
  parseArea,
  prefetchWindow,
  providersFromEnv,
  pruneFetched,
  selectProviders,
} from "../forcing/providers/index.js";
import { parseOptions, UsageError } from "./args.js";

const USAGE = `usage: driftline forcing prefetch --area W,S,E,N --hours H [--start 2024-06-01T00:00Z]
         [--providers gfs,cmems,…] [--kinds wind,current] [--dir DIR] [--retention-days N] [--json]
  Fetches wind and current for the area into the forcing catalog (DIR, default $FORCING_DIR).
  Providers come from FORCING_PROVIDERS_CONFIG or the defaults (docs/forcing-providers.md).`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(args);
  } catch (e) {
    process.stderr.write(`forcing prefetch: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    let providers = providersFromEnv();
    if (opts.providers) providers = selectProviders(providers, opts.providers);
    const window = prefetchWindow(opts.area, opts.hours, opts.start);
    const result = await fetchForcingFor(window, {
      forcingDir: opts.dir,
      providers,
      kinds: opts.kinds,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      for (const f of result.provenance) {
        const how = `${f.cached ? "cached" : "downloaded"}${f.fallback ? ", fallback" : ""}`;
        process.stdout.write(
          `${f.kind}\t${f.provider}\t${f.dataset}\trun ${f.modelRun}\t${f.files.join(", ")}\t(${how})\n`,
        );
      }
    }
    if (opts.retentionDays !== undefined) {
      const { deleted } = await pruneFetched(opts.dir, opts.retentionDays);
      process.stderr.write(
        `retention: deleted ${deleted.length} file(s) older than ${opts.retentionDays} day(s)\n`,
      );
    }
    return 0;
  } catch (e) {
    process.stderr.write(`forcing prefetch: ${(e as Error).message}\n`);
    return 1;
  }
}

function parse(args: string[]) {
  const { values, positionals } = parseOptions(args, {
    area: { type: "string" },
    hours: { type: "string" },
    start: { type: "string" },
    providers: { type: "string" },
    kinds: { type: "string" },
    dir: { type: "string" },
    "retention-days": { type: "string" },
    json: { type: "boolean" },
  });
  // The lead may pass the subcommand name through; anything else positional is a mistake.
  const rest = positionals.filter((p) => p !== "prefetch");
  if (rest.length) throw new UsageError(`unexpected argument(s) ${rest.join(" ")}`);
  if (!values.area) throw new UsageError("--area W,S,E,N is required");
  if (!values.hours) throw new UsageError("--hours is required");
  const hours = Number(values.hours);
  if (!(hours > 0 && hours <= 720))
    throw new UsageError(`--hours ${values.hours}: expected a number of hours in (0, 720]`);
  let start: number | undefined;
  if (values.start !== undefined) {
    const t = Date.parse(values.start);
    if (!Number.isFinite(t))
      throw new UsageError(`--start ${values.start}: expected a time such as 2024-06-01T00:00Z`);
    start = t / 1000;
  }
  const dir = values.dir ?? process.env.FORCING_DIR;
  if (!dir) throw new UsageError("give --dir or set FORCING_DIR");
  let kinds: VectorKind[] | undefined;
  if (values.kinds) {
    kinds = values.kinds.split(",").map((k) => k.trim()) as VectorKind[];
    for (const k of kinds)
      if (k !== "wind" && k !== "current") throw new UsageError(`--kinds: ${k} is not wind or current`);
  }
  let retentionDays: number | undefined;
  if (values["retention-days"] !== undefined) {
    retentionDays = Number(values["retention-days"]);
    if (!(retentionDays >= 0))
      throw new UsageError(`--retention-days ${values["retention-days"]}: expected a number ≥ 0`);
  }
  return {
    area: parseArea(values.area),
    hours,
    start,
    providers: values.providers?.split(","),
    kinds,
    dir,
    retentionDays,
    json: values.json === true,
  };
}
