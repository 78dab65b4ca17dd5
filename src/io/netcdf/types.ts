// The types of NetCDF reading and writing. Reading: one view of a NetCDF file whatever its container:
// classic / 64-bit offset / CDF-5 (our own reader) or NetCDF-4 (HDF5, through h5wasm); only the root
// group; values come back raw (packed), CF decoding is the forcing layer's job (src/forcing/cf.ts).
// Writing: a file is defined up front (NcFileDef: dimensions, attributes, variables) and written in one
// pass, as classic (write-classic.ts) or NetCDF-4 (write-hdf5.ts).

export type NcType =
  | "byte"
  | "char"
  | "short"
  | "int"
  | "float"
  | "double"
  | "ubyte"
  | "ushort"
  | "uint"
  | "int64"
  | "uint64"
  | "string";

export interface NcAttribute {
  name: string;
  type: NcType;
  /** Text for char/string attributes, numbers otherwise (64-bit integers converted to number). */
  value: string | number[];
}

export interface NcDimension {
  name: string;
  size: number;
  unlimited: boolean;
}

export interface NcVariable {
  name: string;
  dims: string[];
  shape: number[];
  type: NcType;
  attrs: Map<string, NcAttribute>;
}

export type NcFormat = "classic" | "64-bit offset" | "64-bit data (CDF-5)" | "netCDF-4 (HDF5)";

export interface NetcdfFile {
  readonly path: string;
  readonly format: NcFormat;
  readonly dims: readonly NcDimension[];
  readonly variables: ReadonlyMap<string, NcVariable>;
  readonly attrs: ReadonlyMap<string, NcAttribute>;
  /**
   * Reads the hyperslab start[k] .. start[k]+count[k]-1 of a variable, row-major, as raw (packed)
   * numbers. Throws DataFileError when the file is damaged.
   */
  read(variable: string, start: readonly number[], count: readonly number[]): Float64Array;
  /** Reads a whole variable (use for coordinates only). */
  readAll(variable: string): Float64Array;
  /** Text of a char variable (e.g. ISO time strings), one string per outer index. */
  readText?(variable: string): string[];
  close(): void;
}

/** A numeric attribute's first value, or undefined when absent or textual. */
export function numAttr(v: { attrs: ReadonlyMap<string, NcAttribute> }, name: string): number | undefined {
  const a = v.attrs.get(name);
  if (!a || typeof a.value === "string" || a.value.length === 0) return undefined;
  return a.value[0];
}

/** All numbers of a numeric attribute, or undefined. */
export function numsAttr(v: { attrs: ReadonlyMap<string, NcAttribute> }, name: string): number[] | undefined {
  const a = v.attrs.get(name);
  if (!a || typeof a.value === "string") return undefined;
  return a.value;
}

/** A text attribute, trimmed; undefined when absent or numeric. */
export function strAttr(v: { attrs: ReadonlyMap<string, NcAttribute> }, name: string): string | undefined {
  const a = v.attrs.get(name);
  if (!a || typeof a.value !== "string") return undefined;
  return a.value.replace(/\0+$/, "").trim();
}

/** The types the classic formats (CDF-1, CDF-2) can hold, which are the ones the writers write. */
export type NcClassicType = Extract<NcType, "byte" | "char" | "short" | "int" | "float" | "double">;
export type NcNumericType = Exclude<NcClassicType, "char">;

/** The typed array a variable's data block is filled into (char data is bytes). */
export type NcArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A numeric attribute of an explicit type (a plain number is written as double, a string as char). */
export interface NcTypedValue {
  type: NcNumericType;
  values: ArrayLike<number>;
}
export type NcAttValue = string | number | NcTypedValue;
/** Attributes in the order they are written. */
export type NcAttributes = Record<string, NcAttValue>;

export interface NcVariableDef {
  name: string;
  type: NcClassicType;
  /** Dimension names, slowest varying first; [] for a scalar. */
  dims: readonly string[];
  attributes?: NcAttributes;
  /** The whole data in C order (bytes for a char variable) … */
  data?: ArrayLike<number>;
  /**
   * … or a producer for large variables: fill `out` (C order) with rows [row0, row0 + rowCount) along the
   * first dimension. `out` has exactly rowCount × (product of the other dimensions) elements.
   */
  rows?: (row0: number, rowCount: number, out: NcArray) => void;
}

export interface NcFileDef {
  /** Dimension name → length (> 0), in the order they are defined. */
  dimensions: Record<string, number>;
  attributes: NcAttributes;
  variables: NcVariableDef[];
}
