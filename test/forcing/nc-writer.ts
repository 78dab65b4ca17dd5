// A minimal NetCDF classic (CDF-1) writer for test fixtures: fixed-size dimensions, non-record
// variables, text and numeric attributes. Enough to make small grids of every kind the forcing layer
// must read, and broken ones.
import { writeFileSync } from "node:fs";

export type WType = "byte" | "char" | "short" | "int" | "float" | "double";
const CODE: Record<WType, number> = { byte: 1, char: 2, short: 3, int: 4, float: 5, double: 6 };
const SIZE: Record<WType, number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };

export type WAttr = string | number | number[] | { type: WType; value: number[] };

export interface WVar {
  name: string;
  dims: string[];
  type: WType;
  attrs?: Record<string, WAttr>;
  /** Row-major values (already packed for short/int); a function gets the flat index. */
  data: ArrayLike<number> | ((k: number) => number);
}

export interface WFile {
  dims: Record<string, number>;
  attrs?: Record<string, WAttr>;
  vars: WVar[];
}

class Bytes {
  parts: number[] = [];
  u32(v: number) {
    this.parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  raw(b: ArrayLike<number>) {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
  }
  pad() {
    while (this.parts.length % 4) this.parts.push(0);
  }
  name(s: string) {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.raw(b);
    this.pad();
  }
}

function encode(type: WType, values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * SIZE[type]);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (type === "byte" || type === "char") dv.setInt8(i, v);
    else if (type === "short") dv.setInt16(2 * i, v);
    else if (type === "int") dv.setInt32(4 * i, v);
    else if (type === "float") dv.setFloat32(4 * i, v);
    else dv.setFloat64(8 * i, v);
  }
  return out;
}

function attrs(b: Bytes, a: Record<string, WAttr> | undefined) {
  const entries = Object.entries(a ?? {});
  if (entries.length === 0) {
    b.u32(0);
    b.u32(0);
    return;
  }
  b.u32(12);
  b.u32(entries.length);
  for (const [name, value] of entries) {
    b.name(name);
    if (typeof value === "string") {
      const t = new TextEncoder().encode(value);
      b.u32(CODE.char);
      b.u32(t.length);
      b.raw(t);
    } else {
      const { type, value: nums } =
        typeof value === "number"
          ? { type: "double" as WType, value: [value] }
          : Array.isArray(value)
            ? { type: "double" as WType, value }
            : value;
      b.u32(CODE[type]);
      b.u32(nums.length);
      b.raw(encode(type, nums));
    }
    b.pad();
  }
}

export function ncBytes(f: WFile): Uint8Array {
  const dimNames = Object.keys(f.dims);
  const sizes = f.vars.map((v) => v.dims.reduce((n, d) => n * f.dims[d], 1));
  const data = f.vars.map((v, i) => {
    const n = sizes[i];
    const vals =
      typeof v.data === "function"
        ? Array.from({ length: n }, (_, k) => (v.data as (k: number) => number)(k))
        : v.data;
    if (vals.length !== n) throw new Error(`${v.name}: ${vals.length} values for ${n}`);
    return encode(v.type, vals);
  });
  const header = (begins: number[]) => {
    const b = new Bytes();
    b.raw([0x43, 0x44, 0x46, 1]);
    b.u32(0);
    if (dimNames.length) {
      b.u32(10);
      b.u32(dimNames.length);
      for (const d of dimNames) {
        b.name(d);
        b.u32(f.dims[d]);
      }
    } else {
      b.u32(0);
      b.u32(0);
    }
    attrs(b, f.attrs);
    b.u32(11);
    b.u32(f.vars.length);
    f.vars.forEach((v, i) => {
      b.name(v.name);
      b.u32(v.dims.length);
      for (const d of v.dims) b.u32(dimNames.indexOf(d));
      attrs(b, v.attrs);
      b.u32(CODE[v.type]);
      b.u32((data[i].length + 3) & ~3);
      b.u32(begins[i]);
    });
    return b.parts;
  };
  const hlen = header(f.vars.map(() => 0)).length;
  const begins: number[] = [];
  let at = hlen;
  for (const d of data) {
    begins.push(at);
    at += (d.length + 3) & ~3;
  }
  const out = new Uint8Array(at);
  out.set(header(begins), 0);
  data.forEach((d, i) => {
    out.set(d, begins[i]);
  });
  return out;
}

export function writeNc(path: string, f: WFile): void {
  writeFileSync(path, ncBytes(f));
}

/** Shorthand for a float32 attribute. */
export const f32 = (...value: number[]): WAttr => ({ type: "float", value });
export const i16 = (...value: number[]): WAttr => ({ type: "short", value });
