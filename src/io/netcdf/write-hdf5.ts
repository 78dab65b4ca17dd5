// NetCDF-4 (HDF5) writer with deflate, for the same file description as the classic writer (write-classic.ts).
// HDF5 comes from h5wasm (the HDF5 C library in WebAssembly). The file follows the netCDF-4 conventions that
// netCDF-C reads: every dimension is an HDF5 dimension scale (a coordinate variable when one has the name
// of the dimension, otherwise a hidden "dimension without variable" scale), variables attach their scales,
// text attributes are fixed-length strings (read as NC_CHAR), _FillValue is an attribute of the variable type.
// h5wasm can set only one filter, so no shuffle: deflate alone, at level 1 by default (the gain of higher
// levels is small on float positions and costs several times the time).
import path from "node:path";
import type { Dataset, File as H5File } from "h5wasm/node";
import { h5wasmReady } from "./read-hdf5.js";
import type {
  NcArray,
  NcAttributes,
  NcClassicType,
  NcFileDef,
  NcNumericType,
  NcVariableDef,
} from "./types.js";
import { ncArray, ncTypeSize } from "./write-classic.js";

/** The name netCDF-C gives the scale of a dimension that has no coordinate variable. */
const DIM_WITHOUT_VARIABLE = "This is a netCDF dimension but not a netCDF variable.";
/** Target chunk size (bytes): big enough for deflate, small enough for readers of a few trajectories. */
const CHUNK_BYTES = 1 << 20;

const DTYPE: Record<NcNumericType, string> = {
  byte: "<b",
  short: "<h",
  int: "<i",
  float: "<f",
  double: "<d",
};

export interface Netcdf4Options {
  /** zlib level 0..9 (0 = no compression); default 1. */
  deflateLevel?: number;
  /** Variables smaller than this many bytes are stored contiguous and uncompressed; default 16 KiB. */
  minDeflateBytes?: number;
}

function typedValues(type: NcNumericType, values: ArrayLike<number>): NcArray {
  const arr = ncArray(type, new ArrayBuffer(values.length * ncTypeSize(type)), values.length);
  for (let i = 0; i < values.length; i++) arr[i] = values[i];
  return arr;
}

type HasAttrs = Pick<Dataset, "create_attribute">;

function writeAttributes(target: HasAttrs, atts: NcAttributes | undefined): void {
  for (const [name, value] of Object.entries(atts ?? {})) {
    if (typeof value === "string") {
      // Fixed-length strings are read by netCDF-C as NC_CHAR; variable-length ones would become NC_STRING.
      const bytes = Math.max(1, Buffer.byteLength(value, "utf8"));
      target.create_attribute(name, value, null, `S${bytes}`);
    } else if (typeof value === "number") {
      target.create_attribute(name, new Float64Array([value]));
    } else {
      target.create_attribute(name, typedValues(value.type, value.values));
    }
  }
}

function numericType(v: NcVariableDef): NcNumericType {
  if (v.type === "char") throw new Error(`NetCDF-4 variable ${v.name}: char variables are not supported`);
  return v.type as NcNumericType;
}

/** Writes `file` to `target` as NetCDF-4 (HDF5) with deflated chunks. */
export async function writeNetcdf4(
  target: string,
  file: NcFileDef,
  opts: Netcdf4Options = {},
): Promise<void> {
  const level = opts.deflateLevel ?? 1;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new Error(`NetCDF-4 deflate level: must be an integer 0..9, got ${level}`);
  }
  const minDeflate = opts.minDeflateBytes ?? 16384;
  const h5wasm = await h5wasmReady();
  for (const [name, size] of Object.entries(file.dimensions)) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`NetCDF dimension ${name}: length must be a positive integer, got ${size}`);
    }
  }
  const byName = new Map(file.variables.map((v) => [v.name, v]));
  const f = new h5wasm.File(path.resolve(target), "w", { track_order: true, libver: ["v108", "latest"] });
  try {
    writeAttributes(f, file.attributes);
    // Dimension scales first, in dimension order, so that netCDF-C numbers the dimensions as defined.
    const coordinate = new Set<string>();
    for (const [dim, size] of Object.entries(file.dimensions)) {
      const v = byName.get(dim);
      if (v && v.dims.length === 1 && v.dims[0] === dim) {
        const ds = createVariable(f, v, [size], level, minDeflate);
        ds.make_scale(dim);
        coordinate.add(dim);
      } else {
        const ds = f.create_dataset({ name: dim, data: new Float32Array(size) });
        ds.make_scale(`${DIM_WITHOUT_VARIABLE}${String(size).padStart(10)}`);
      }
    }
    for (const v of file.variables) {
      const shape = v.dims.map((d) => {
        const size = file.dimensions[d];
        if (size === undefined) throw new Error(`NetCDF variable ${v.name}: unknown dimension ${d}`);
        return size;
      });
      const ds = coordinate.has(v.name)
        ? (f.get(v.name) as Dataset)
        : createVariable(f, v, shape, level, minDeflate);
      v.dims.forEach((d, i) => {
        if (!(coordinate.has(v.name) && i === 0)) ds.attach_scale(i, `/${d}`);
      });
      writeAttributes(ds, v.attributes);
    }
  } finally {
    f.close();
  }
}

function createVariable(
  f: H5File,
  v: NcVariableDef,
  shape: number[],
  level: number,
  minDeflate: number,
): Dataset {
  const type = numericType(v);
  const size = ncTypeSize(type);
  const count = shape.reduce((a, b) => a * b, 1);
  if ((v.data === undefined) === (v.rows === undefined)) {
    throw new Error(`NetCDF variable ${v.name}: give exactly one of data or rows`);
  }
  if (v.data !== undefined && v.data.length !== count) {
    throw new Error(
      `NetCDF variable ${v.name}: data has ${v.data.length} values, shape [${shape}] needs ${count}`,
    );
  }
  const deflate = level > 0 && count * size >= minDeflate && shape.length > 0;
  if (!deflate && v.data !== undefined) {
    return f.create_dataset({
      name: v.name,
      data: typedValues(type, v.data),
      shape,
      dtype: DTYPE[type],
    });
  }
  const rowCount = shape.length ? shape[0] : 1;
  const rowSize = shape.length ? count / rowCount : 1;
  const rowsPerChunk = Math.max(1, Math.min(rowCount, Math.floor(CHUNK_BYTES / (rowSize * size))));
  const empty = typedValues(type, []);
  const ds = f.create_dataset({
    name: v.name,
    data: empty,
    shape: [0, ...shape.slice(1)],
    maxshape: shape,
    dtype: DTYPE[type],
    chunks: [rowsPerChunk, ...shape.slice(1)],
    ...(deflate ? { compression: level } : {}),
  });
  ds.resize(shape);
  // Whole chunks per write, so HDF5 never reads a compressed chunk back to complete it.
  const block = ncArray(type, new ArrayBuffer(rowsPerChunk * rowSize * size), rowsPerChunk * rowSize);
  for (let row0 = 0; row0 < rowCount; row0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, rowCount - row0);
    const out = rows === rowsPerChunk ? block : block.subarray(0, rows * rowSize);
    if (v.rows) v.rows(row0, rows, out);
    else {
      const from = row0 * rowSize;
      for (let i = 0; i < out.length; i++) out[i] = v.data![from + i];
    }
    const ranges: [number, number][] = [
      [row0, row0 + rows],
      ...shape.slice(1).map((s): [number, number] => [0, s]),
    ];
    ds.write_slice(ranges, out);
  }
  return ds;
}

/** Size in bytes of the data of `file` without compression (to decide whether to compress). */
export function ncDataBytes(file: NcFileDef): number {
  let total = 0;
  for (const v of file.variables) {
    let count = 1;
    for (const d of v.dims) count *= file.dimensions[d] ?? 0;
    total += count * ncTypeSize(v.type as NcClassicType);
  }
  return total;
}
