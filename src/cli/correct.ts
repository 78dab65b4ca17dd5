// `driftline correct SPEC.json --drifter TRACK --out CORRECTED.json`: a drifter's current correction (see
// src/validation/correction.ts) written into a copy of the spec.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SpecError } from "../pipeline/spec.js";
import {
  correctedSpec,
  estimateCurrentBias,
  reweightEnsemble,
  SLDMB_OBJECT_TYPE,
} from "../validation/correction.js";
import { TrackError } from "../validation/track.js";
import { readTracks } from "../validation/tracks/index.js";
import { parseOptions, UsageError } from "./args.js";

const USAGE = `usage: driftline correct SPEC.json --drifter TRACK --out CORRECTED.json [--hours H] [--id ID] [--reweight]
  SPEC.json           the mission's simulation spec
  --drifter TRACK     the drifter's (SLDMB's) reported track: CSV, GPX, GeoJSON or CF trajectory NetCDF
  -o, --out FILE      the spec with the current bias added after its current sources
  --hours H           hours of the track, back from its last fix, to estimate over (default 6)
  --id ID             which drifter of the file (default: the first)
  --drifter-type T    Leeway object type of the drifter (default ${SLDMB_OBJECT_TYPE}, SLDMB: no windage)
  --forcing-dir DIR   where the spec's forcing files are (default: the spec's folder)
  --reweight          for a current ensemble: reweight its members by how well each explains the drifter
                      (Gaussian likelihood of the mean separation) instead of adding a bias
The correction (bias m/s east and north, window, method) goes to stdout as JSON.
Exit codes: 0 done, 2 bad spec, track or usage, 1 failed.`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    drifter: { type: "string" },
    out: { type: "string", short: "o" },
    hours: { type: "string" },
    id: { type: "string" },
    "drifter-type": { type: "string" },
    "forcing-dir": { type: "string" },
    reweight: { type: "boolean" },
  });
  if (positionals.length !== 1 || !values.drifter || !values.out) {
    throw new UsageError("give one SPEC.json, --drifter TRACK and --out FILE");
  }
  const hours = values.hours === undefined ? 6 : Number(values.hours);
  if (!(hours > 0 && hours <= 72)) throw new UsageError("--hours must be a number of hours, 0 < H ≤ 72");
  const specPath = positionals[0];
  const scratch = await mkdtemp(path.join(os.tmpdir(), "driftline-correct-"));
  try {
    const spec = JSON.parse(await readFile(specPath, "utf8")) as Record<string, unknown>;
    const tracks = await readTracks(path.resolve(values.drifter));
    const track = values.id === undefined ? tracks[0] : tracks.find((t) => t.id === values.id);
    if (!track)
      throw new TrackError(
        values.drifter,
        `no drifter "${values.id}" (has ${tracks.map((t) => t.id).join(", ")})`,
      );
    const type = values["drifter-type"];
    const options = {
      hours,
      objectType: type === undefined ? undefined : /^\d+$/.test(type) ? Number(type) : type,
      forcingDir: values["forcing-dir"]
        ? path.resolve(values["forcing-dir"])
        : path.dirname(path.resolve(specPath)),
      scratchDir: scratch,
    };
    if (values.reweight) {
      const { members, spec: reweighted } = await reweightEnsemble(spec, track, options);
      await writeFile(path.resolve(values.out), `${JSON.stringify(reweighted, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify({ drifter: track.id, members }, null, 2)}\n`);
      return 0;
    }
    const correction = await estimateCurrentBias(spec, track, options);
    await writeFile(
      path.resolve(values.out),
      `${JSON.stringify(correctedSpec(spec, correction), null, 2)}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ ...correction, from: new Date(correction.from * 1000).toISOString(), to: new Date(correction.to * 1000).toISOString() }, null, 2)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SpecError || error instanceof TrackError || error instanceof SyntaxError) {
      process.stderr.write(`driftline correct: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`driftline correct: failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
