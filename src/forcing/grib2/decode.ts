// scanGrib2 lists the fields of a GRIB2 file from their headers; decodeGrib2Field unpacks one field's values;
// decodeGrib2 does both for every field.
import { uint } from "./bits.js";
import { unpackCcsds } from "./ccsds.js";
import { toRows } from "./grid.js";
import { unpackJpeg2000 } from "./jpeg2000.js";
import { parameterNames } from "./names.js";
import { unpackPng } from "./png.js";
import { type FieldLayout, Grib2Error, type SectionSpan, scanLayouts } from "./sections.js";
import {
  DATA_TEMPLATES,
  GRID_TEMPLATES,
  type Grib2Grid,
  type Grib2Representation,
  parseGrid,
  parseProduct,
  parseRepresentation,
  referenceTime,
} from "./templates.js";
import { unpackComplex } from "./unpack-complex.js";
import { expandBitmap, unpackSimple } from "./unpack-simple.js";

export { type GridAxes, gaussianLatitudes, gridAxes, type OrientedField, orientField } from "./grid.js";
export { Grib2Error } from "./sections.js";
export type { Grib2Grid } from "./templates.js";

/** One field as listed by scanGrib2: everything but the values. */
export interface Grib2FieldInfo {
  /** 1-based message number, 1-based field number within the message. */
  message: number;
  field: number;
  /** Byte offset and length of the whole message in the file. */
  offset: number;
  length: number;
  discipline: number;
  category: number;
  number: number;
  /** ecCodes-style short name ("10u", "u", "msl", "unknown") and NCEP/WMO abbreviation ("UGRD", "var0_2_99"). */
  shortName: string;
  abbrev: string;
  /** Code table 4.5 (1 surface, 103 height above ground, 100 isobaric in Pa…) and the level in its units. */
  levelType: number;
  levelValue: number;
  /** Unix seconds. */
  referenceTime: number;
  forecastSeconds: number;
  validTime: number;
  productTemplate: number;
  /** Ensemble member (perturbation number, templates 4.1 and 4.11), or null for a single forecast. */
  member: number | null;
  /** Data representation template (0, 2, 3, 40, 41, 42 decode; others are listed only). */
  packing: number;
  /** Packed values (points with a value when there is a bitmap). */
  numberOfValues: number;
  hasBitmap: boolean;
  grid: Grib2Grid;
  /** Section positions, for decodeGrib2Field. */
  layout: FieldLayout;
}

export interface Grib2Field extends Grib2FieldInfo {
  /** grid.ni × grid.nj values in rows: values[j*ni + i]; see gridAxes for the coordinates. NaN = missing. */
  values: Float64Array;
}

type Unpacker = (
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
) => Float64Array;

/** Section 7 decoders by data representation template (keys = DATA_TEMPLATES). */
const UNPACK: Record<number, Unpacker> = {
  0: unpackSimple,
  2: unpackComplex,
  3: unpackComplex,
  40: unpackJpeg2000,
  41: unpackPng,
  42: unpackCcsds,
};

/** Lists every field of every message without unpacking data: fast (headers only). */
export function scanGrib2(bytes: Uint8Array): Grib2FieldInfo[] {
  return scanLayouts(bytes).map((layout) => {
    const reference = referenceTime(bytes, layout.s1);
    const product = parseProduct(bytes, layout.s4, reference);
    const grid = parseGrid(bytes, layout.s3);
    const s5 = layout.s5.offset;
    const names = parameterNames(
      layout.discipline,
      product.category,
      product.number,
      product.levelType,
      product.levelValue,
    );
    return {
      message: layout.message,
      field: layout.field,
      offset: layout.messageOffset,
      length: layout.messageLength,
      discipline: layout.discipline,
      category: product.category,
      number: product.number,
      shortName: names.shortName,
      abbrev: names.abbrev,
      levelType: product.levelType,
      levelValue: product.levelValue,
      referenceTime: reference,
      forecastSeconds: product.forecastSeconds,
      validTime: product.validTime,
      productTemplate: product.template,
      member: product.member,
      packing: layout.s5.length >= 11 ? uint(bytes, s5 + 9, 2) : -1,
      numberOfValues: layout.s5.length >= 9 ? uint(bytes, s5 + 5, 4) : 0,
      hasBitmap: layout.bitmap !== null,
      grid,
      layout,
    };
  });
}

/** Unpacks the values of one field listed by scanGrib2 from the same bytes. */
export function decodeGrib2Field(bytes: Uint8Array, info: Grib2FieldInfo): Float64Array {
  const { layout, grid } = info;
  const failIn =
    (section: number) =>
    (what: string): never => {
      const field = layout.field > 1 ? `field ${layout.field}: ` : "";
      throw new Grib2Error(layout.message, layout.messageOffset, section, field + what);
    };
  if (!GRID_TEMPLATES.includes(grid.template)) {
    failIn(3)(
      `grid definition template 3.${grid.template} is not supported (3.0 regular lat/lon, 3.40 Gaussian)`,
    );
  }
  if (grid.ni === 0 || grid.nj === 0) {
    failIn(3)(
      `grid template 3.${grid.template} with a list of points per row (reduced grid) is not supported`,
    );
  }
  if (grid.ni * grid.nj !== grid.numberOfPoints) {
    failIn(3)(`Ni×Nj = ${grid.ni}×${grid.nj} does not match the ${grid.numberOfPoints} data points`);
  }
  const rep =
    parseRepresentation(bytes, layout.s5) ??
    failIn(5)(
      `data representation template 5.${info.packing} is not supported (${DATA_TEMPLATES.map((t) => `5.${t}`).join(", ")})`,
    );
  const fail7 = failIn(7);
  const unpack = UNPACK[rep.template];
  const packed = unpack(bytes, layout.s7, rep, fail7);
  if (packed.length !== rep.numberOfValues) {
    fail7(`${packed.length} values unpacked, section 5 announces ${rep.numberOfValues}`);
  }
  const values = expandBitmap(bytes, layout.bitmap, packed, grid.numberOfPoints, failIn(6));
  return toRows(values, grid);
}

/** Decodes every field of every message. */
export function decodeGrib2(bytes: Uint8Array): Grib2Field[] {
  return scanGrib2(bytes).map((info) => ({ ...info, values: decodeGrib2Field(bytes, info) }));
}
