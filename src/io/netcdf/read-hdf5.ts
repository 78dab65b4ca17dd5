// NetCDF-4 files (HDF5 containers) through h5wasm, whose Node build reads the host file system directly
// (NODERAWFS), so a hyperslab read touches only the chunks it needs. NetCDF-4 conventions used here:
// dimensions are HDF5 dimension scales (a pure dimension carries NAME "This is a netCDF dimension but
// not a netCDF variable"), variables name their dimensions through attached scales.
import { existsSync } from "node:fs";
import { DataFileError } from "../errors.js";
import { checkSlab, readWhole } from "./read-classic.js";
import type { NcAttribute, NcDimension, NcFormat, NcType, NcVariable, NetcdfFile } from "./types.js";

type H5wasm = typeof import("h5wasm/node").default;
type H5File = InstanceType<H5wasm["File"]>;
type H5Dataset = InstanceType<H5wasm["Dataset"]>;

/** Attributes that are HDF5/netCDF-4 bookkeeping, not CF metadata. */
const HIDDEN_ATTRS = new Set([
  "DIMENSION_LIST",
  "REFERENCE_LIST",
  "CLASS",
  "NAME",
  "_Netcdf4Dimid",
  "_Netcdf4Coordinates",
  "_nc3_strict",
  "_NCProperties",
]);
const PURE_DIMENSION = "This is a netCDF dimension but not a netCDF variable";

let ready: Promise<H5wasm> | null = null;
/** Set once hdf5Ready() resolves. */
let h5wasm: H5wasm;
/**
 * h5wasm compiles its WebAssembly once per process, loaded on the first NetCDF-4 file only (read or
 * written): importing it compiles and starts the HDF5 library, ~0.2 s that a process reading and writing
 * only classic files should not pay.
 */
export function h5wasmReady(): Promise<H5wasm> {
  ready ??= import("h5wasm/node").then(async (m) => {
    await m.default.ready;
    h5wasm = m.default;
    return h5wasm;
  });
  return ready;
}

/** Resolves once Hdf5Netcdf.openSync can open files. */
export const hdf5Ready: () => Promise<unknown> = h5wasmReady;

function ncType(dtype: unknown): NcType {
  if (typeof dtype !== "string") return "string";
  const code = dtype.replace(/^[<>|=]/, "");
  switch (code) {
    case "b":
      return "byte";
    case "B":
      return "ubyte";
    case "h":
      return "short";
    case "H":
      return "ushort";
    case "i":
      return "int";
    case "I":
      return "uint";
    case "q":
      return "int64";
    case "Q":
      return "uint64";
    case "f":
      return "float";
    case "d":
      return "double";
    default:
      return code.startsWith("S") || code.startsWith("A") || code.startsWith("U") ? "string" : "string";
  }
}

function attrValue(v: unknown): string | number[] {
  if (typeof v === "string") return v;
  if (typeof v === "number") return [v];
  if (typeof v === "bigint") return [Number(v)];
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return v.join("");
    return v.map((x) => Number(x));
  }
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => Number(x));
  return String(v);
}

function toFloat64(data: unknown, n: number): Float64Array {
  if (data instanceof Float64Array) return data;
  // A typed array converts in one native copy; only 64-bit integers need Number() per value.
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView))
    return new Float64Array(data as unknown as ArrayLike<number>);
  if (typeof data === "number" || typeof data === "bigint") return Float64Array.of(Number(data));
  if (Array.isArray(data)) return Float64Array.from(data.flat(Number.POSITIVE_INFINITY) as number[], Number);
  return new Float64Array(n).fill(Number.NaN);
}

export class Hdf5Netcdf implements NetcdfFile {
  readonly format: NcFormat = "netCDF-4 (HDF5)";
  readonly dims: readonly NcDimension[];
  readonly variables: ReadonlyMap<string, NcVariable>;
  readonly attrs: ReadonlyMap<string, NcAttribute>;
  private file: H5File | null;

  private constructor(
    readonly path: string,
    file: H5File,
  ) {
    this.file = file;
    const dims: NcDimension[] = [];
    const vars = new Map<string, NcVariable>();
    const datasets: [string, H5Dataset][] = [];
    for (const name of file.keys()) {
      const entity = file.get(name);
      if (entity instanceof h5wasm.Dataset) datasets.push([name, entity]);
    }
    // Dimension scales first: they define the dimension names and sizes.
    for (const [name, ds] of datasets) {
      const cls = ds.attrs.CLASS ? attrValue(ds.attrs.CLASS.value) : "";
      if (cls === "DIMENSION_SCALE") {
        const shape = ds.shape ?? [];
        const max = ds.metadata.maxshape ?? shape;
        dims.push({ name, size: shape[0] ?? 0, unlimited: (max[0] ?? 0) > 2 ** 52 });
      }
    }
    for (const [name, ds] of datasets) {
      const attrs = readAttrs(ds);
      const nameAttr = ds.attrs.NAME ? attrValue(ds.attrs.NAME.value) : "";
      if (typeof nameAttr === "string" && nameAttr.startsWith(PURE_DIMENSION)) continue;
      const shape = ds.shape ?? [];
      const vdims: string[] = [];
      for (let d = 0; d < shape.length; d++) {
        let dim: string | undefined;
        try {
          const scales = ds.get_attached_scales(d);
          if (scales.length > 0) dim = scales[0].replace(/^.*\//, "");
        } catch {
          dim = undefined;
        }
        if (dim === undefined && shape.length === 1 && dims.some((x) => x.name === name)) dim = name;
        if (dim === undefined) {
          dim = `phony_dim_${name}_${d}`;
          dims.push({ name: dim, size: shape[d], unlimited: false });
        }
        vdims.push(dim);
      }
      vars.set(name, { name, dims: vdims, shape: [...shape], type: ncType(ds.dtype), attrs });
    }
    this.dims = dims;
    this.variables = vars;
    this.attrs = readAttrs(file);
  }

  static async open(path: string): Promise<Hdf5Netcdf> {
    await hdf5Ready();
    return Hdf5Netcdf.openSync(path);
  }

  /** Opens once hdf5Ready() has resolved (the forcing sources reopen files inside the step loop). */
  static openSync(path: string): Hdf5Netcdf {
    if (!h5wasm) throw new Error("Hdf5Netcdf.openSync before hdf5Ready() resolved");
    if (!existsSync(path)) throw new DataFileError(path, "cannot open: no such file");
    let file: H5File;
    try {
      file = new h5wasm.File(path, "r");
    } catch (e) {
      throw new DataFileError(path, `not a readable NetCDF-4/HDF5 file: ${(e as Error).message ?? e}`);
    }
    if (!file.file_id || file.file_id < 0n) {
      throw new DataFileError(path, "not a readable NetCDF-4/HDF5 file (HDF5 could not open it)");
    }
    try {
      return new Hdf5Netcdf(path, file);
    } catch (e) {
      try {
        file.close();
      } catch {
        // already broken
      }
      throw new DataFileError(path, `damaged NetCDF-4/HDF5 file: ${(e as Error).message ?? e}`);
    }
  }

  read(name: string, start: readonly number[], count: readonly number[]): Float64Array {
    const v = this.variables.get(name);
    if (!v) throw new DataFileError(this.path, `no variable ${name}`);
    checkSlab(this.path, v, start, count);
    const n = count.reduce((a, b) => a * b, 1);
    if (n === 0) return new Float64Array(0);
    const ds = this.dataset(name);
    try {
      if (v.shape.length === 0) return toFloat64(ds.value, 1);
      const data = ds.slice(start.map((s, d) => [s, s + count[d]]));
      const out = toFloat64(data, n);
      if (out.length !== n) throw new Error(`got ${out.length} values, expected ${n}`);
      return out;
    } catch (e) {
      if (e instanceof DataFileError) throw e;
      throw new DataFileError(this.path, `cannot read ${name}: ${(e as Error).message ?? e} (damaged file?)`);
    }
  }

  readAll(name: string): Float64Array {
    return readWhole(this, name);
  }

  readText(name: string): string[] {
    const value = this.dataset(name).value;
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.map(String);
    throw new DataFileError(this.path, `variable ${name} is not text`);
  }

  close(): void {
    if (this.file) {
      try {
        this.file.close();
      } catch {
        // closing a damaged file may fail; nothing to do
      }
    }
    this.file = null;
  }

  private dataset(name: string): H5Dataset {
    if (!this.file) throw new DataFileError(this.path, "file already closed");
    const ds = this.file.get(name);
    if (!(ds instanceof h5wasm.Dataset)) throw new DataFileError(this.path, `no variable ${name}`);
    return ds;
  }
}

function readAttrs(obj: {
  attrs: Record<string, { value: unknown; dtype: unknown }>;
}): Map<string, NcAttribute> {
  const out = new Map<string, NcAttribute>();
  for (const [name, a] of Object.entries(obj.attrs)) {
    if (HIDDEN_ATTRS.has(name)) continue;
    let value: string | number[];
    try {
      value = attrValue(a.value);
    } catch {
      continue; // an attribute of a type we do not read (references, compounds)
    }
    const type = typeof value === "string" ? "string" : ncType(a.dtype);
    out.set(name, { name, type, value });
  }
  return out;
}
