// The grid description the sampleGrid kernel reads: one f64 per slot at its `grid` offset, the axes of
// sampleGriddedField (src/forcing/field.ts; arithmetic indexing only) and, for a polar stereographic grid,
// the projection's constants. The one table of the slots: the AssemblyScript kernel
// (assembly/kernels.ts) and the TypeScript that fills them (src/forcing/wasm-sampling.ts) both import it,
// so this file holds integer constants only (asc compiles it as well as tsc).

export const G_X_FIRST = 0;
export const G_X_SCALE = 1;
export const G_X_TOP = 2;
export const G_Y_FIRST = 3;
export const G_Y_SCALE = 4;
export const G_Y_TOP = 5;
export const G_X_MIN = 6;
export const G_X_MAX = 7;
export const G_PERIOD = 8;
export const G_X_STEP_ABS = 9;
export const G_NX_FULL = 10;
export const G_I0 = 11;
export const G_J0 = 12;
export const G_NX = 13;
export const G_NY = 14;
export const G_WRAP_X = 15;
/** 0: lon/lat axes; 1: polar stereographic (from the carried sines and cosines). */
export const G_KIND = 16;
export const G_AKM1 = 17;
export const G_E = 18;
export const G_NORTH = 19;
export const G_SIN_LAM0 = 20;
export const G_COS_LAM0 = 21;
export const G_X0 = 22;
export const G_Y0 = 23;
/** 1 when the projection's ellipsoid is WGS84 (the rotation needs no correction). */
export const G_WGS84 = 24;
/** The projection's eccentricity². */
export const G_ES = 25;
/** Grid-relative vectors: rotate to east/north. */
export const G_ROTATE = 26;
/** How many slots there are. */
export const GRID_SLOTS = 27;
