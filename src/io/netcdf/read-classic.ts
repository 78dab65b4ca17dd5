// Reader for the NetCDF classic formats (CDF-1 classic, CDF-2 64-bit offset, CDF-5 64-bit data).
// It reads the header, then only the byte ranges of the hyperslabs asked for (positioned reads), so a
// catalog scan touches a few kilobytes per file and a forcing slice never loads the whole file.
// Format: https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { DataFileError } from "../errors.js";
import type { NcAttribute, NcDimension, NcFormat, NcType, NcVariable, NetcdfFile } from "./types.js";

const TYPES: Record<number, { type: NcType; size: number }> = {
  1: { type: "byte", size: 1 },
  2: { type: "char", size: 1 },
  3: { type: "short", size: 2 },
  4: { type: "int", size: 4 },
  5: { type: "float", size: 4 },
  6: { type: "double", size: 8 },
  7: { type: "ubyte", size: 1 },
  8: { type: "ushort", size: 2 },
  9: { type: "uint", size: 4 },
  10: { type: "int64", size: 8 },
  11: { type: "uint64", size: 8 },
};
const TAG_DIMENSION = 10;
const TAG_VARIABLE = 11;
const TAG_ATTRIBUTE = 12;

/** Raised inside the header parser when the buffer read so far is too short; the caller reads more. */
class NeedMore extends Error {}

class Cursor {
  pos = 0;
  constructor(
    readonly view: DataView,
    readonly wide: boolean,
    readonly complete: boolean,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.view.byteLength) {
      if (this.complete) throw new Error("header runs past the end of the file (truncated?)");
      throw new NeedMore();
    }
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = Number(this.view.getBigUint64(this.pos));
    this.pos += 8;
    return v;
  }
  /** NON_NEG: 4 bytes, 8 in CDF-5. */
  count(): number {
    return this.wide ? this.u64() : this.u32();
  }
  name(): string {
    const n = this.count();
    if (n > 1 << 20) throw new Error(`implausible name length ${n}`);
    this.need(pad4(n));
    const bytes = new Uint8Array(this.view.buffer, this.view.byteOffset + this.pos, n);
    this.pos += pad4(n);
    return new TextDecoder().decode(bytes);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

interface ClassicVar extends NcVariable {
  typeSize: number;
  begin: number;
  isRecord: boolean;
  /** Bytes of one record (record variables) or of the whole variable. */
  slabBytes: number;
}

interface Header {
  format: NcFormat;
  numrecs: number;
  dims: NcDimension[];
  attrs: Map<string, NcAttribute>;
  vars: ClassicVar[];
  /** Bytes from one record to the next. */
  recSize: number;
}

function readAttrs(c: Cursor): Map<string, NcAttribute> {
  const attrs = new Map<string, NcAttribute>();
  const tag = c.u32();
  const n = c.count();
  if (tag === 0 && n === 0) return attrs;
  if (tag !== TAG_ATTRIBUTE) throw new Error(`bad attribute list tag ${tag}`);
  for (let k = 0; k < n; k++) {
    const name = c.name();
    const code = c.u32();
    const t = TYPES[code];
    if (!t) throw new Error(`attribute ${name} has unknown type ${code}`);
    const len = c.count();
    const bytes = len * t.size;
    c.need(pad4(bytes));
    let value: string | number[];
    if (t.type === "char") {
      value = new TextDecoder().decode(new Uint8Array(c.view.buffer, c.view.byteOffset + c.pos, len));
    } else {
      value = new Array(len);
      for (let i = 0; i < len; i++) value[i] = decodeOne(c.view, c.pos + i * t.size, t.type);
    }
    c.pos += pad4(bytes);
    attrs.set(name, { name, type: t.type, value });
  }
  return attrs;
}

function decodeOne(view: DataView, p: number, type: NcType): number {
  switch (type) {
    case "byte":
      return view.getInt8(p);
    case "char":
    case "ubyte":
      return view.getUint8(p);
    case "short":
      return view.getInt16(p);
    case "ushort":
      return view.getUint16(p);
    case "int":
      return view.getInt32(p);
    case "uint":
      return view.getUint32(p);
    case "float":
      return view.getFloat32(p);
    case "double":
      return view.getFloat64(p);
    case "int64":
      return Number(view.getBigInt64(p));
    case "uint64":
      return Number(view.getBigUint64(p));
    default:
      return Number.NaN;
  }
}

/** Decodes n consecutive big-endian values; the type switch sits outside the loop. */
function decodeRun(view: DataView, p: number, type: NcType, n: number, out: Float64Array, o: number): void {
  switch (type) {
    case "short":
      for (let i = 0; i < n; i++) out[o + i] = view.getInt16(p + 2 * i);
      return;
    case "float":
      for (let i = 0; i < n; i++) out[o + i] = view.getFloat32(p + 4 * i);
      return;
    case "double":
      for (let i = 0; i < n; i++) out[o + i] = view.getFloat64(p + 8 * i);
      return;
    case "int":
      for (let i = 0; i < n; i++) out[o + i] = view.getInt32(p + 4 * i);
      return;
    default: {
      const size = TYPE_SIZE[type];
      for (let i = 0; i < n; i++) out[o + i] = decodeOne(view, p + size * i, type);
    }
  }
}

const TYPE_SIZE: Record<NcType, number> = {
  byte: 1,
  char: 1,
  ubyte: 1,
  short: 2,
  ushort: 2,
  int: 4,
  uint: 4,
  float: 4,
  double: 8,
  int64: 8,
  uint64: 8,
  string: 0,
};

function parseHeader(buf: Uint8Array, complete: boolean, fileSize: number): Header {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4) throw complete ? new Error("file too short for a NetCDF header") : new NeedMore();
  if (buf[0] !== 0x43 || buf[1] !== 0x44 || buf[2] !== 0x46) throw new Error("not a NetCDF classic file");
  const version = buf[3];
  if (version !== 1 && version !== 2 && version !== 5)
    throw new Error(`unknown NetCDF classic version ${version}`);
  const wide = version === 5;
  const c = new Cursor(view, wide, complete);
  c.pos = 4;
  let numrecs = c.count();
  const streaming = wide ? numrecs === Number(0xffffffffffffffffn) : numrecs === 0xffffffff;

  const dims: NcDimension[] = [];
  {
    const tag = c.u32();
    const n = c.count();
    if (!(tag === 0 && n === 0)) {
      if (tag !== TAG_DIMENSION) throw new Error(`bad dimension list tag ${tag}`);
      for (let k = 0; k < n; k++) {
        const name = c.name();
        const size = c.count();
        dims.push({ name, size, unlimited: size === 0 });
      }
    }
  }
  const attrs = readAttrs(c);
  const vars: ClassicVar[] = [];
  {
    const tag = c.u32();
    const n = c.count();
    if (!(tag === 0 && n === 0)) {
      if (tag !== TAG_VARIABLE) throw new Error(`bad variable list tag ${tag}`);
      for (let k = 0; k < n; k++) {
        const name = c.name();
        const ndims = c.count();
        if (ndims > 1024) throw new Error(`variable ${name} has implausible rank ${ndims}`);
        const dimIds: number[] = [];
        for (let d = 0; d < ndims; d++) dimIds.push(c.count());
        const vattrs = readAttrs(c);
        const code = c.u32();
        const t = TYPES[code];
        if (!t) throw new Error(`variable ${name} has unknown type ${code}`);
        c.count(); // vsize: recomputed below (it is wrong for very large variables)
        const begin = version === 1 ? c.u32() : c.u64();
        for (const id of dimIds) {
          if (id >= dims.length)
            throw new Error(`variable ${name} refers to dimension #${id} of ${dims.length}`);
        }
        const vdims = dimIds.map((id) => dims[id]);
        const isRecord = vdims.length > 0 && vdims[0].unlimited;
        vdims.forEach((d, i) => {
          if (d.unlimited && i > 0)
            throw new Error(`variable ${name}: unlimited dimension ${d.name} not first`);
        });
        let slab = t.size;
        for (let i = isRecord ? 1 : 0; i < vdims.length; i++) slab *= vdims[i].size;
        vars.push({
          name,
          dims: vdims.map((d) => d.name),
          shape: vdims.map((d) => d.size),
          type: t.type,
          attrs: vattrs,
          typeSize: t.size,
          begin,
          isRecord,
          slabBytes: slab,
        });
      }
    }
  }
  const headerEnd = c.pos;
  const recVars = vars.filter((v) => v.isRecord);
  // A lone record variable is not padded; otherwise each record slab is padded to 4 bytes.
  const recSize =
    recVars.length === 1 ? recVars[0].slabBytes : recVars.reduce((s, v) => s + pad4(v.slabBytes), 0);
  if (streaming) {
    const firstRec = recVars.length ? Math.min(...recVars.map((v) => v.begin)) : fileSize;
    numrecs = recSize > 0 ? Math.floor((fileSize - firstRec) / recSize) : 0;
  }
  for (const d of dims) if (d.unlimited) d.size = numrecs;
  for (const v of vars) {
    if (v.isRecord) v.shape[0] = numrecs;
    if (v.begin < headerEnd && (v.slabBytes > 0 || v.isRecord) && v.shape.every((s) => s > 0)) {
      throw new Error(
        `variable ${v.name} starts at byte ${v.begin}, inside the header (ends at ${headerEnd})`,
      );
    }
  }
  // Truncation: every variable's last byte must be in the file.
  let needEnd = headerEnd;
  for (const v of vars) {
    const end = v.isRecord
      ? numrecs > 0
        ? v.begin + (numrecs - 1) * recSize + v.slabBytes
        : 0
      : v.begin + v.slabBytes;
    if (end > needEnd) needEnd = end;
  }
  if (needEnd > fileSize) {
    throw new Error(`truncated: the header promises ${needEnd} bytes of data, the file has ${fileSize}`);
  }
  const format: NcFormat =
    version === 1 ? "classic" : version === 2 ? "64-bit offset" : "64-bit data (CDF-5)";
  return { format, numrecs, dims, attrs, vars, recSize };
}

export class ClassicNetcdf implements NetcdfFile {
  readonly format: NcFormat;
  readonly dims: readonly NcDimension[];
  readonly variables: ReadonlyMap<string, NcVariable>;
  readonly attrs: ReadonlyMap<string, NcAttribute>;
  private fd: number | null;
  private readonly recSize: number;

  private constructor(
    readonly path: string,
    fd: number,
    header: Header,
  ) {
    this.fd = fd;
    this.format = header.format;
    this.dims = header.dims;
    this.attrs = header.attrs;
    this.variables = new Map(header.vars.map((v) => [v.name, v]));
    this.recSize = header.recSize;
  }

  static open(path: string): ClassicNetcdf {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      throw new DataFileError(path, `cannot open: ${(e as Error).message}`);
    }
    try {
      const size = fstatSync(fd).size;
      let want = Math.min(size, 64 * 1024);
      for (;;) {
        const buf = new Uint8Array(want);
        const got = readSync(fd, buf, 0, want, 0);
        const complete = got >= size;
        try {
          const header = parseHeader(buf.subarray(0, got), complete, size);
          return new ClassicNetcdf(path, fd, header);
        } catch (e) {
          if (e instanceof NeedMore && !complete) {
            want = Math.min(size, want * 4);
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      closeSync(fd);
      if (e instanceof DataFileError) throw e;
      throw new DataFileError(path, `not a readable NetCDF file: ${(e as Error).message}`);
    }
  }

  readAll(name: string): Float64Array {
    const v = this.variable(name);
    return this.read(
      name,
      v.shape.map(() => 0),
      v.shape,
    );
  }

  readText(name: string): string[] {
    const v = this.variable(name);
    if (v.type !== "char") throw new DataFileError(this.path, `variable ${name} is not text`);
    const codes = this.readAll(name);
    const width = v.shape.length ? v.shape[v.shape.length - 1] : 1;
    const out: string[] = [];
    for (let o = 0; o < codes.length; o += width) {
      out.push(String.fromCharCode(...codes.subarray(o, o + width)).replace(/\0+$/, ""));
    }
    return out;
  }

  read(name: string, start: readonly number[], count: readonly number[]): Float64Array {
    const v = this.variable(name);
    checkSlab(this.path, v, start, count);
    const total = count.reduce((a, b) => a * b, 1);
    const out = new Float64Array(total);
    if (total === 0) return out;
    const rank = v.shape.length;
    if (rank === 0) {
      this.readRun(v, v.begin, 1, out, 0);
      return out;
    }
    // Strides in elements within one record (or the whole variable).
    const inner = v.isRecord ? 1 : 0;
    const strides = new Array<number>(rank).fill(0);
    let s = 1;
    for (let d = rank - 1; d >= inner; d--) {
      strides[d] = s;
      s *= v.shape[d];
    }
    const recs = v.isRecord ? count[0] : 1;
    const perRec = v.isRecord ? total / count[0] : total;
    for (let r = 0; r < recs; r++) {
      const base = v.isRecord ? v.begin + (start[0] + r) * this.recSize : v.begin;
      if (rank === inner) {
        // A 1-D record variable: one value per record.
        this.readRun(v, base, 1, out, r);
        continue;
      }
      // First and last element of the slab inside this record → one positioned read for the span.
      let first = 0;
      let last = 0;
      for (let d = inner; d < rank; d++) {
        first += start[d] * strides[d];
        last += (start[d] + count[d] - 1) * strides[d];
      }
      const span = (last - first + 1) * v.typeSize;
      const buf = new Uint8Array(span);
      this.readBytes(buf, base + first * v.typeSize);
      const view = new DataView(buf.buffer);
      // Walk the slab as runs along the last dimension, which are contiguous in the file.
      const last1 = rank - 1;
      const run = count[last1];
      const runs = perRec / run;
      const idx = new Array<number>(rank).fill(0);
      let o = r * perRec;
      for (let k = 0; k < runs; k++) {
        let off = start[last1] * strides[last1];
        for (let d = inner; d < last1; d++) off += (start[d] + idx[d]) * strides[d];
        decodeRun(view, (off - first) * v.typeSize, v.type, run, out, o);
        o += run;
        for (let d = last1 - 1; d >= inner; d--) {
          if (++idx[d] < count[d]) break;
          idx[d] = 0;
        }
      }
    }
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private variable(name: string): ClassicVar {
    const v = this.variables.get(name) as ClassicVar | undefined;
    if (!v) throw new DataFileError(this.path, `no variable ${name}`);
    return v;
  }

  private readRun(v: ClassicVar, at: number, n: number, out: Float64Array, o: number): void {
    const buf = new Uint8Array(n * v.typeSize);
    this.readBytes(buf, at);
    const view = new DataView(buf.buffer);
    for (let i = 0; i < n; i++) out[o + i] = decodeOne(view, i * v.typeSize, v.type);
  }

  private readBytes(buf: Uint8Array, at: number): void {
    if (this.fd === null) throw new DataFileError(this.path, "file already closed");
    let done = 0;
    while (done < buf.length) {
      const got = readSync(this.fd, buf, done, buf.length - done, at + done);
      if (got <= 0) throw new DataFileError(this.path, `truncated: no data at byte ${at + done}`);
      done += got;
    }
  }
}

/** A whole variable through the file's own slab reader (every reader's readAll). */
export function readWhole(file: NetcdfFile, name: string): Float64Array {
  const v = file.variables.get(name);
  if (!v) throw new DataFileError(file.path, `no variable ${name}`);
  return file.read(
    name,
    v.shape.map(() => 0),
    v.shape,
  );
}

export function checkSlab(
  path: string,
  v: NcVariable,
  start: readonly number[],
  count: readonly number[],
): void {
  if (start.length !== v.shape.length || count.length !== v.shape.length) {
    throw new DataFileError(path, `read of ${v.name}: rank ${v.shape.length}, got ${start.length} indices`);
  }
  for (let d = 0; d < v.shape.length; d++) {
    if (start[d] < 0 || count[d] < 0 || start[d] + count[d] > v.shape[d]) {
      throw new DataFileError(
        path,
        `read of ${v.name}: ${v.dims[d]} ${start[d]}..${start[d] + count[d] - 1} outside 0..${v.shape[d] - 1}`,
      );
    }
  }
}
