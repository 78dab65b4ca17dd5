// A small NetCDF classic (CDF-1) and 64-bit-offset (CDF-2) writer. The whole file is described up front
// (dimensions, attributes, variables) and written in one sequential pass; large variables supply their data
// in blocks of rows through a callback, so a trajectory × time variable can be transposed from the time-major
// arrays of a run without building the whole transposed array. Format: NetCDF Classic Format Specification
// (https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html).
import { open } from "node:fs/promises";
import type {
  NcArray,
  NcAttributes,
  NcClassicType,
  NcFileDef,
  NcNumericType,
  NcTypedValue,
  NcVariableDef,
} from "./types.js";

/** A typed numeric attribute value, e.g. `ncValues("float", [0, 1])`. */
export function ncValues(type: NcNumericType, values: ArrayLike<number> | number): NcTypedValue {
  return { type, values: typeof values === "number" ? [values] : values };
}

/** The NetCDF default fill values, used where a variable needs a _FillValue. */
export const NC_FILL = {
  byte: -127,
  char: 0,
  short: -32767,
  int: -2147483647,
  float: 9.969209968386869e36,
  double: 9.969209968386869e36,
} as const;

const TYPE_CODE: Record<NcClassicType, number> = { byte: 1, char: 2, short: 3, int: 4, float: 5, double: 6 };
const TYPE_SIZE: Record<NcClassicType, number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };

const NC_DIMENSION = 10;
const NC_VARIABLE = 11;
const NC_ATTRIBUTE = 12;
/** Largest begin offset CDF-1 can store. */
const CDF1_MAX_OFFSET = 2 ** 31 - 1;
/** About 1 MiB of data per write. */
const BLOCK_BYTES = 1 << 20;

export function ncTypeSize(type: NcClassicType): number {
  return TYPE_SIZE[type];
}

/** A typed array of `type` over `buffer` (used for the data blocks, then byte-swapped to big-endian). */
export function ncArray(type: NcClassicType, buffer: ArrayBuffer, length: number): NcArray {
  switch (type) {
    case "byte":
      return new Int8Array(buffer, 0, length);
    case "char":
      return new Uint8Array(buffer, 0, length);
    case "short":
      return new Int16Array(buffer, 0, length);
    case "int":
      return new Int32Array(buffer, 0, length);
    case "float":
      return new Float32Array(buffer, 0, length);
    case "double":
      return new Float64Array(buffer, 0, length);
  }
}

/** Grows as the header is serialised; big-endian as the format requires. */
class HeaderBuilder {
  private buf = Buffer.alloc(4096);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  int(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.length);
    this.length += 4;
  }
  uint(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.length);
    this.length += 4;
  }
  offset(v: number, version: 1 | 2): void {
    if (version === 1) {
      this.int(v);
      return;
    }
    this.ensure(8);
    this.buf.writeBigUInt64BE(BigInt(v), this.length);
    this.length += 8;
  }
  pad(): void {
    const n = (4 - (this.length % 4)) % 4;
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  name(s: string): void {
    const b = Buffer.from(s.normalize("NFC"), "utf8");
    this.int(b.length);
    this.bytes(b);
    this.pad();
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function checkName(what: string, name: string): void {
  // Classic names: a letter or underscore first, no '/' or control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the check rejects
  if (!/^[A-Za-z_][^/\u0000-\u001f\u007f]*$/.test(name) || name.endsWith(" ")) {
    throw new Error(`NetCDF ${what} name "${name}": must start with a letter or '_' and contain no '/'`);
  }
}

function writeAttributes(h: HeaderBuilder, atts: NcAttributes | undefined, owner: string): void {
  const entries = Object.entries(atts ?? {});
  if (entries.length === 0) {
    h.int(0);
    h.int(0);
    return;
  }
  h.int(NC_ATTRIBUTE);
  h.int(entries.length);
  for (const [name, value] of entries) {
    checkName(`attribute (of ${owner})`, name);
    h.name(name);
    if (typeof value === "string") {
      const b = Buffer.from(value, "utf8");
      h.int(TYPE_CODE.char);
      h.int(b.length);
      h.bytes(b);
      h.pad();
      continue;
    }
    const typed: NcTypedValue = typeof value === "number" ? { type: "double", values: [value] } : value;
    if (!typed || !(typed.type in TYPE_CODE) || typed.type === ("char" as NcClassicType)) {
      throw new Error(
        `NetCDF attribute ${owner}:${name}: value must be a string, a number or ncValues(type, …)`,
      );
    }
    const n = typed.values.length;
    if (n === 0) throw new Error(`NetCDF attribute ${owner}:${name}: needs at least one value`);
    const size = TYPE_SIZE[typed.type];
    const ab = new ArrayBuffer(n * size);
    const arr = ncArray(typed.type, ab, n);
    for (let i = 0; i < n; i++) arr[i] = typed.values[i];
    const b = Buffer.from(ab);
    swapToBigEndian(b, size);
    h.int(TYPE_CODE[typed.type]);
    h.int(n);
    h.bytes(b);
    h.pad();
  }
}

function swapToBigEndian(b: Buffer, size: number): void {
  if (size === 2) b.swap16();
  else if (size === 4) b.swap32();
  else if (size === 8) b.swap64();
}

interface Layout {
  shape: number[];
  count: number;
  /** Data bytes before padding. */
  bytes: number;
  begin: number;
}

function layoutOf(file: NcFileDef): { dimIds: Map<string, number>; layouts: Layout[] } {
  const dimIds = new Map<string, number>();
  for (const [name, size] of Object.entries(file.dimensions)) {
    checkName("dimension", name);
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`NetCDF dimension ${name}: length must be a positive integer, got ${size}`);
    }
    dimIds.set(name, dimIds.size);
  }
  const seen = new Set<string>();
  const layouts = file.variables.map((v) => {
    checkName("variable", v.name);
    if (seen.has(v.name)) throw new Error(`NetCDF variable ${v.name}: defined twice`);
    seen.add(v.name);
    if (!(v.type in TYPE_CODE)) throw new Error(`NetCDF variable ${v.name}: unknown type ${v.type}`);
    const shape = v.dims.map((d) => {
      const size = file.dimensions[d];
      if (size === undefined) throw new Error(`NetCDF variable ${v.name}: unknown dimension ${d}`);
      return size;
    });
    const count = shape.reduce((a, b) => a * b, 1);
    if ((v.data === undefined) === (v.rows === undefined)) {
      throw new Error(`NetCDF variable ${v.name}: give exactly one of data or rows`);
    }
    if (v.data !== undefined && v.data.length !== count) {
      throw new Error(
        `NetCDF variable ${v.name}: data has ${v.data.length} values, shape [${shape}] needs ${count}`,
      );
    }
    return { shape, count, bytes: count * TYPE_SIZE[v.type], begin: 0 };
  });
  return { dimIds, layouts };
}

function buildHeader(
  file: NcFileDef,
  version: 1 | 2,
  dimIds: Map<string, number>,
  layouts: Layout[],
): Buffer {
  const h = new HeaderBuilder();
  h.bytes(Buffer.from([0x43, 0x44, 0x46, version]));
  h.int(0); // numrecs: no record dimension
  const dims = Object.entries(file.dimensions);
  h.int(NC_DIMENSION);
  h.int(dims.length);
  for (const [name, size] of dims) {
    h.name(name);
    h.int(size);
  }
  writeAttributes(h, file.attributes, "global");
  if (file.variables.length === 0) {
    h.int(0);
    h.int(0);
  } else {
    h.int(NC_VARIABLE);
    h.int(file.variables.length);
  }
  file.variables.forEach((v, k) => {
    h.name(v.name);
    h.int(v.dims.length);
    for (const d of v.dims) h.int(dimIds.get(d)!);
    writeAttributes(h, v.attributes, v.name);
    h.int(TYPE_CODE[v.type]);
    const vsize = padded(layouts[k].bytes);
    h.uint(vsize > 0xfffffffc ? 0xffffffff : vsize);
    h.offset(layouts[k].begin, version);
  });
  return h.result();
}

function padded(n: number): number {
  return Math.ceil(n / 4) * 4;
}

export interface NetcdfWriteResult {
  /** 1 = classic, 2 = 64-bit offset. */
  version: 1 | 2;
  bytes: number;
}

/**
 * Writes `file` to `path` as NetCDF classic. `version` 1 (classic) or 2 (64-bit offset); by default the
 * smallest that can hold the file.
 */
export async function writeNetcdf3(
  path: string,
  file: NcFileDef,
  opts: { version?: 1 | 2 } = {},
): Promise<NetcdfWriteResult> {
  const { dimIds, layouts } = layoutOf(file);
  let version: 1 | 2 = opts.version ?? 1;
  let headerLength = buildHeader(file, version, dimIds, layouts).length;
  let end = place(layouts, headerLength);
  if (opts.version === undefined && lastBegin(layouts) > CDF1_MAX_OFFSET) {
    version = 2;
    headerLength = buildHeader(file, version, dimIds, layouts).length;
    end = place(layouts, headerLength);
  }
  if (version === 1 && lastBegin(layouts) > CDF1_MAX_OFFSET) {
    throw new Error(`NetCDF ${path}: too large for the classic format (CDF-1); use version 2`);
  }
  for (let k = 0; k < layouts.length - 1; k++) {
    if (layouts[k].bytes > 0xfffffffc) {
      throw new Error(
        `NetCDF variable ${file.variables[k].name}: larger than 4 GiB, not possible in CDF-${version}`,
      );
    }
  }
  const header = buildHeader(file, version, dimIds, layouts);

  const fh = await open(path, "w");
  try {
    await fh.write(header, 0, header.length, 0);
    let pos = header.length;
    for (let k = 0; k < file.variables.length; k++) {
      pos = await writeVariable(fh, file.variables[k], layouts[k], pos);
    }
    if (pos !== end) throw new Error(`NetCDF ${path}: internal error, wrote ${pos} bytes, expected ${end}`);
  } finally {
    await fh.close();
  }
  return { version, bytes: end };
}

function place(layouts: Layout[], headerLength: number): number {
  let pos = headerLength;
  for (const l of layouts) {
    l.begin = pos;
    pos += padded(l.bytes);
  }
  return pos;
}

function lastBegin(layouts: Layout[]): number {
  return layouts.length ? layouts[layouts.length - 1].begin : 0;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function writeVariable(fh: FileHandle, v: NcVariableDef, l: Layout, pos: number): Promise<number> {
  const size = TYPE_SIZE[v.type];
  const rowSize = l.shape.length ? l.count / l.shape[0] : 1;
  const rowCount = l.shape.length ? l.shape[0] : 1;
  const rowsPerBlock = Math.max(1, Math.min(rowCount, Math.floor(BLOCK_BYTES / (rowSize * size))));
  const ab = new ArrayBuffer(padded(rowsPerBlock * rowSize * size));
  const bytes = Buffer.from(ab);
  for (let row0 = 0; row0 < rowCount; row0 += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, rowCount - row0);
    const n = rows * rowSize;
    const out = ncArray(v.type, ab, n);
    if (v.rows) {
      v.rows(row0, rows, out);
    } else {
      const data = v.data!;
      const from = row0 * rowSize;
      for (let i = 0; i < n; i++) out[i] = data[from + i];
    }
    const chunk = bytes.subarray(0, n * size);
    swapToBigEndian(chunk, size);
    await fh.write(chunk, 0, chunk.length, pos);
    pos += chunk.length;
  }
  // Pad the variable to a 4-byte boundary with zeros.
  const pad = padded(l.bytes) - l.bytes;
  if (pad > 0) {
    await fh.write(Buffer.alloc(pad), 0, pad, pos);
    pos += pad;
  }
  return pos;
}
