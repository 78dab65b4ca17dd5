// Coastline: GSHHG full-resolution land mask, land polygons for maps, and the GSHHG reader.
export { areaBins, type GeoArea, normaliseArea } from "./area.js";
export type { LakeRule } from "./bin-shape.js";
export {
  BUNDLED_GSHHG_FILE,
  DEBIAN_GSHHG_FILE,
  DEFAULT_GSHHG_FILE,
  GshhgFile,
  GshhgMissingError,
  gshhgPath,
  openGshhg,
} from "./gshhg.js";
export {
  coastlinePolygons,
  haversineM,
  type LandMaskData,
  type LandMaskOptions,
  type LandMaskStats,
  prepareLandMask,
  RasterLandMask,
  setTileCacheBudget,
} from "./landmask.js";
export type { Position } from "./polygons.js";
