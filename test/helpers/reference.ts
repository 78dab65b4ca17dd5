// Reads OpenDrift's reference runs (NetCDF-4) from ../shared/reference/opendrift with h5wasm.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import h5wasm, { type Dataset } from "h5wasm/node";

export const SHARED_DIR = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const REFERENCE_DIR = `${SHARED_DIR}reference/opendrift/`;
/** The demo forcing that ships with the package (the same files as ../shared/data/forcing). */
export const FORCING_DIR = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
/** The reference scenarios (copies of ../shared/reference/opendrift/scenarios, kept equal by test/fixtures/scenarios.test.ts). */
export const SCENARIO_DIR = fileURLToPath(new URL("../fixtures/scenarios/", import.meta.url));

export interface ReferenceRun {
  /** trajectory × time, row-major (index = i * nt + k); NaN where masked. */
  vars: Record<string, Float64Array>;
  n: number;
  nt: number;
  time: Float64Array;
}

export async function readReferenceRun(file: string, names: string[]): Promise<ReferenceRun> {
  await h5wasm.ready;
  const path = `${REFERENCE_DIR}${file}`;
  if (!existsSync(path)) throw new Error(`reference file missing: ${path}`);
  const f = new h5wasm.File(path, "r");
  try {
    const time = Float64Array.from((f.get("time") as Dataset).value as ArrayLike<number>);
    const vars: Record<string, Float64Array> = {};
    let n = 0;
    for (const name of names) {
      const ds = f.get(name) as Dataset;
      const shape = ds.shape as number[];
      n = shape[0];
      const raw = ds.value as ArrayLike<number>;
      const fill = ds.attrs._FillValue?.value as number | undefined;
      const out = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const x = Number(raw[i]);
        out[i] =
          fill !== undefined && (x === Number(fill) || (Number.isNaN(Number(fill)) && Number.isNaN(x)))
            ? Number.NaN
            : x;
      }
      vars[name] = out;
    }
    return { vars, n, nt: time.length, time };
  } finally {
    f.close();
  }
}
