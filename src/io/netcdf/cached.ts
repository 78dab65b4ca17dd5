// NetCDF-4 files decoded once into the disk cache (io/disk-cache.ts), so that later processes read them
// without h5wasm: loading it (a 4 MB module, its WebAssembly compiled and HDF5 started) and reading through
// it cost a fresh `driftline simulate` on arctic20's NetCDF-4 wind ~0.3–0.6 s of its start-up.
//
// An entry holds the file's dimensions, attributes and variables (as the HDF5 reader sees them) and every
// variable's values in its own type, uncompressed; it is read slab by slab like a classic file. It is named
// by the source's path, size, modification time and inode, so a changed file gets a new entry. Only files
// whose values are at most MAX_CACHED_BYTES and all numeric (no text or string variables) are cached, and
// the folder keeps the most recently used entries within MAX_ENTRIES and MAX_FOLDER_BYTES.
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { diskCacheDir, pruneCacheFolder, touchCacheEntry, writeCacheEntry } from "../disk-cache.js";
import { DataFileError } from "../errors.js";
import { checkSlab, readWhole } from "./read-classic.js";
import type { NcAttribute, NcDimension, NcFormat, NcType, NcVariable, NetcdfFile } from "./types.js";

/** Largest sum of a file's variables (bytes, in their own types) that is cached. */
export const MAX_CACHED_BYTES = 64 * 2 ** 20;
/** The folder keeps the most recently used entries up to these bounds. */
const MAX_ENTRIES = 64;
const MAX_FOLDER_BYTES = 1024 * 2 ** 20;
const MAGIC = "DLNC4C01";

type Stored =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;
type StoredArray = new (length: number) => Stored;

/** How values of each type are stored (64-bit integers as the numbers the reader gives). */
const STORAGE: Partial<Record<NcType, StoredArray>> = {
  byte: Int8Array,
  ubyte: Uint8Array,
  short: Int16Array,
  ushort: Uint16Array,
  int: Int32Array,
  uint: Uint32Array,
  float: Float32Array,
  double: Float64Array,
  int64: Float64Array,
  uint64: Float64Array,
};

interface StoredVariable {
  name: string;
  dims: string[];
  shape: number[];
  type: NcType;
  attrs: SerialAttribute[];
  /** Byte offset of the values in the entry. */
  offset: number;
}

/** An attribute as JSON: non-finite numbers and -0 as strings. */
type SerialAttribute = [name: string, type: NcType, value: string | (number | string)[]];

interface Header {
  format: NcFormat;
  dims: NcDimension[];
  attrs: SerialAttribute[];
  variables: StoredVariable[];
  bytes: number;
}

/** The entry a NetCDF-4 file has in the cache (existing or not), or undefined when the cache is off. */
export function cacheEntryPath(file: string, dir = diskCacheDir()): string | undefined {
  if (!dir) return undefined;
  try {
    const real = realpathSync(file);
    const s = statSync(real);
    const id = `${real}|${s.size}|${s.mtimeMs}|${s.ino}|${s.dev}|${os.endianness()}`;
    const hash = createHash("sha256").update(id).digest("hex").slice(0, 32);
    return path.join(dir, "netcdf4", `${path.basename(real)}-${hash}.ncc`);
  } catch {
    return undefined;
  }
}

/** The cached copy of a NetCDF-4 file, or null when there is none (or the cache is off). */
export function openCachedNetcdf(file: string): NetcdfFile | null {
  const entry = cacheEntryPath(file);
  if (!entry) return null;
  let fd: number;
  try {
    fd = openSync(entry, "r");
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) !== 12 || head.toString("latin1", 0, 8) !== MAGIC) throw new Error();
    const length = head.readUInt32LE(8);
    const json = Buffer.alloc(length);
    if (readSync(fd, json, 0, length, 12) !== length) throw new Error();
    const header = JSON.parse(json.toString("utf8")) as Header;
    touchCacheEntry(entry);
    return new CachedNetcdf(file, fd, header, 12 + length);
  } catch {
    closeSync(fd);
    return null;
  }
}

/**
 * Writes the cache entry of an open NetCDF-4 file when it is small enough and all numeric; returns whether
 * it did. Reads every variable whole.
 */
export function cacheNetcdf(file: NetcdfFile): boolean {
  const entry = cacheEntryPath(file.path);
  if (!entry) return false;
  const vars = [...file.variables.values()];
  let bytes = 0;
  for (const v of vars) {
    const Storage = STORAGE[v.type];
    if (!Storage) return false;
    bytes += size(v.shape) * new Storage(0).BYTES_PER_ELEMENT;
  }
  if (bytes > MAX_CACHED_BYTES) return false;
  const parts: Uint8Array[] = [];
  const variables: StoredVariable[] = [];
  let offset = 0;
  for (const v of vars) {
    const values = new STORAGE[v.type]!(size(v.shape));
    values.set(file.readAll(v.name));
    variables.push({
      name: v.name,
      dims: v.dims,
      shape: v.shape,
      type: v.type,
      attrs: serial(v.attrs),
      offset,
    });
    parts.push(new Uint8Array(values.buffer));
    offset += values.byteLength;
  }
  const header: Header = {
    format: file.format,
    dims: [...file.dims],
    attrs: serial(file.attrs),
    variables,
    bytes,
  };
  let json = Buffer.from(JSON.stringify(header), "utf8");
  // Values start 8-byte aligned, after the magic, the header's length and the header.
  const pad = (8 - ((12 + json.length) % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  const written = writeCacheEntry(entry, [head, json, ...parts]);
  if (written) pruneCacheFolder(path.dirname(entry), MAX_ENTRIES, MAX_FOLDER_BYTES);
  return written;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function serial(attrs: ReadonlyMap<string, NcAttribute>): SerialAttribute[] {
  return [...attrs.values()].map((a) => [
    a.name,
    a.type,
    typeof a.value === "string"
      ? a.value
      : a.value.map((x) =>
          Number.isFinite(x) && !Object.is(x, -0) ? x : Object.is(x, -0) ? "-0" : String(x),
        ),
  ]);
}

function attributes(list: SerialAttribute[]): Map<string, NcAttribute> {
  return new Map(
    list.map(([name, type, value]) => [
      name,
      { name, type, value: typeof value === "string" ? value : value.map((x) => Number(x)) },
    ]),
  );
}

class CachedNetcdf implements NetcdfFile {
  readonly format: NcFormat;
  readonly dims: readonly NcDimension[];
  readonly variables: ReadonlyMap<string, NcVariable>;
  readonly attrs: ReadonlyMap<string, NcAttribute>;
  private readonly offsets = new Map<string, number>();
  private fd: number | null;

  constructor(
    readonly path: string,
    fd: number,
    header: Header,
    /** Where the values start in the entry. */
    private readonly dataStart: number,
  ) {
    this.fd = fd;
    this.format = header.format;
    this.dims = header.dims;
    this.attrs = attributes(header.attrs);
    const vars = new Map<string, NcVariable>();
    for (const v of header.variables) {
      vars.set(v.name, {
        name: v.name,
        dims: v.dims,
        shape: v.shape,
        type: v.type,
        attrs: attributes(v.attrs),
      });
      this.offsets.set(v.name, v.offset);
    }
    this.variables = vars;
  }

  read(name: string, start: readonly number[], count: readonly number[]): Float64Array {
    const v = this.variables.get(name);
    if (!v) throw new DataFileError(this.path, `no variable ${name}`);
    checkSlab(this.path, v, start, count);
    const n = size(count);
    const out = new Float64Array(n);
    if (n === 0) return out;
    if (this.fd === null) throw new DataFileError(this.path, "file already closed");
    const Storage = STORAGE[v.type]!;
    const width = new Storage(0).BYTES_PER_ELEMENT;
    const rank = v.shape.length;
    // Dims from `k` on are read in one run per index of the outer dims: the ones after k are whole.
    let k = Math.max(0, rank - 1);
    while (k > 0 && count[k] === v.shape[k]) k--;
    let inner = 1;
    for (let d = k + 1; d < rank; d++) inner *= v.shape[d];
    const run = rank === 0 ? 1 : count[k] * inner;
    const buffer = new Storage(run);
    const bytes = new Uint8Array(buffer.buffer);
    const index = start.slice(0, k);
    const base = this.dataStart + this.offsets.get(name)!;
    for (let done = 0; done < n; done += run) {
      let linear = 0;
      for (let d = 0; d < rank; d++)
        linear = linear * v.shape[d] + (d < k ? index[d] : d === k ? start[k] : 0);
      if (readSync(this.fd, bytes, 0, bytes.length, base + linear * width) !== bytes.length) {
        throw new DataFileError(this.path, `the cached copy of ${name} is short`);
      }
      out.set(buffer, done);
      // Next outer index (odometer over dims 0..k-1 within the slab).
      for (let d = k - 1; d >= 0; d--) {
        if (++index[d] < start[d] + count[d]) break;
        index[d] = start[d];
      }
    }
    return out;
  }

  readAll(name: string): Float64Array {
    return readWhole(this, name);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
