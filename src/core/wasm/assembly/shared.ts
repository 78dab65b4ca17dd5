// What the kernels of every owner share (core drift, forcing sampleGrid, coastline landHits): reads and
// writes of the one memory, the status code of an active particle and the WGS84 ellipsoid.

// @ts-ignore: decorator
@inline export function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline export function f32At(base: usize, i: i32): f64 {
  return <f64>load<f32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function u8At(base: usize, i: i32): u32 {
  return load<u8>(base + <usize>i);
}
// @ts-ignore: decorator
@inline export function setU8(base: usize, i: i32, v: u8): void {
  store<u8>(base + <usize>i, v);
}

/** Status.active (src/core/types.ts). */
export const ACTIVE: u32 = 0;
export const WGS84_F: f64 = 1.0 / 298.257223563;
export const E2: f64 = WGS84_F * (2.0 - WGS84_F);
export const WGS84_A: f64 = 6378137.0;
