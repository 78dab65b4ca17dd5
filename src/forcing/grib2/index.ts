// GRIB edition 2 decoder (our own; no maintained npm decoder exists).
//   scanGrib2(bytes)            fields of every message, headers only (fast)
//   decodeGrib2Field(bytes, f)  values of one listed field
//   decodeGrib2(bytes)          every field with its values
//   readGrib2Wind(bytes, opts)  10 m U/V pairs per valid time, oriented and cut to times/area
// Sections 0–8, several messages per file and several fields per message; grids 3.0 and 3.40; products
// 4.0/4.1/4.2/4.8/4.11/4.12; packings 5.0, 5.2, 5.3, 5.40 (JPEG 2000), 5.41 (PNG), 5.42 (CCSDS); bitmaps.
export { decodeGrib2, decodeGrib2Field, type Grib2Field, type Grib2FieldInfo, scanGrib2 } from "./decode.js";
export { type GridAxes, gaussianLatitudes, gridAxes, type OrientedField, orientField } from "./grid.js";
export { Grib2Error } from "./sections.js";
export type { Grib2Grid } from "./templates.js";
export { type Grib2Wind, type Grib2WindOptions, readGrib2Wind } from "./wind.js";
