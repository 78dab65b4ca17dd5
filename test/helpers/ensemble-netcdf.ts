// An ensemble forcing file made from a real one: the vector variables get an `ensemble_member` dimension
// after time (as MEPS files have), member m holding the original values times `scale(m)` plus `shift(m)`
// (in packed units). Written with our own NetCDF writer; used by the ensemble tests and the bench.
import { readFileSync } from "node:fs";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import type { NcAttributes, NcAttValue, NcNumericType, NcVariableDef } from "../../src/io/netcdf/types.js";
import { ncValues, writeNetcdf3 } from "../../src/io/netcdf/write-classic.js";

const NUMERIC = new Set(["byte", "short", "int", "float", "double"]);

export interface EnsembleCopyOptions {
  members: number;
  /** Variables that get the member dimension (e.g. ["u", "v"]). */
  vary: string[];
  /** Variables left out (large ones the forcing does not read). */
  drop?: string[];
  /** Factor on member m's raw values (default 1). */
  scale?: (m: number, variable: string) => number;
  /** Added to member m's raw (packed) values (default 0). */
  shift?: (m: number, variable: string) => number;
}

/** Writes a copy of `source` at `out` whose `vary` variables are an ensemble of `members` members. */
export async function writeEnsembleCopy(
  source: string,
  out: string,
  opts: EnsembleCopyOptions,
): Promise<void> {
  const file = await openNetcdf(source);
  try {
    const drop = new Set(opts.drop ?? []);
    const vary = new Set(opts.vary);
    const dimensions: Record<string, number> = {};
    for (const d of file.dims) dimensions[d.name] = d.size;
    dimensions.ensemble_member = opts.members;
    const attributesOf = (attrs: ReadonlyMap<string, { type: string; value: string | number[] }>) => {
      const out: NcAttributes = {};
      for (const [name, a] of attrs) {
        if (typeof a.value === "string") out[name] = a.value;
        else if (NUMERIC.has(a.type)) out[name] = ncValues(a.type as NcNumericType, a.value) as NcAttValue;
      }
      return out;
    };
    const variables: NcVariableDef[] = [
      {
        name: "ensemble_member",
        type: "int",
        dims: ["ensemble_member"],
        attributes: { standard_name: "realization", long_name: "ensemble member" },
        data: Array.from({ length: opts.members }, (_, m) => m),
      },
    ];
    for (const v of file.variables.values()) {
      if (drop.has(v.name) || !(NUMERIC.has(v.type) || v.type === "char")) continue;
      const attributes = attributesOf(v.attrs);
      if (!vary.has(v.name)) {
        variables.push({
          name: v.name,
          type: v.type as NcVariableDef["type"],
          dims: v.dims,
          attributes,
          data: v.type === "char" ? new Uint8Array(v.shape.reduce((a, b) => a * b, 1)) : file.readAll(v.name),
        });
        continue;
      }
      const values = file.readAll(v.name);
      const t = v.dims.indexOf("time");
      const outer = v.shape.slice(0, t + 1).reduce((a, b) => a * b, 1);
      const inner = v.shape.slice(t + 1).reduce((a, b) => a * b, 1);
      const fill = v.attrs.get("_FillValue");
      const fillValue = fill && typeof fill.value !== "string" ? fill.value[0] : Number.NaN;
      const data = new Float64Array(outer * opts.members * inner);
      for (let o = 0; o < outer; o++) {
        for (let m = 0; m < opts.members; m++) {
          const a = opts.scale?.(m, v.name) ?? 1;
          const b = opts.shift?.(m, v.name) ?? 0;
          const at = (o * opts.members + m) * inner;
          for (let i = 0; i < inner; i++) {
            const x = values[o * inner + i];
            data[at + i] = x === fillValue ? x : Math.max(-32766, Math.min(32767, Math.round(a * x + b)));
          }
        }
      }
      variables.push({
        name: v.name,
        type: v.type as NcVariableDef["type"],
        dims: [...v.dims.slice(0, t + 1), "ensemble_member", ...v.dims.slice(t + 1)],
        attributes,
        data,
      });
    }
    await writeNetcdf3(out, { dimensions, attributes: attributesOf(file.attrs), variables });
  } finally {
    file.close();
  }
}

/**
 * The benches' ensemble: `members` members of the Arctic20 current in `dir`, member m scaled by 0.8 … 1.2 and
 * turned by up to ±0.05 m/s across (packed units of 0.000305 m/s); returns the file's path.
 */
export async function writeArcticEnsemble(forcingDir: string, dir: string, members: number): Promise<string> {
  const file = `${dir}/arctic20_ens${members}.nc`;
  await writeEnsembleCopy(`${forcingDir}/Arctic20_1to5Feb_2016.nc`, file, {
    members,
    vary: ["u", "v"],
    drop: ["salinity", "temperature"],
    scale: (m) => 0.8 + (0.4 * m) / Math.max(1, members - 1),
    shift: (m, v) => (v === "v" ? Math.round(((m % 5) - 2) * 80) : 0),
  });
  return file;
}

/** The arctic20 reference spec on that ensemble: members × perMember particles for `hours`. */
export async function arcticEnsembleSpec(
  sharedDir: string,
  dir: string,
  members: number,
  perMember: number,
  hours: number,
): Promise<{ seed: { number: number }; duration_hours: number; forcing: { current: unknown } }> {
  const file = await writeArcticEnsemble(`${sharedDir}/data/forcing`, dir, members);
  const spec = JSON.parse(readFileSync(`${sharedDir}/reference/opendrift/scenarios/arctic20.json`, "utf8"));
  spec.seed.number = members * perMember;
  spec.duration_hours = hours;
  spec.forcing.current = { files: [file] };
  return spec;
}
