// Trajectories compared byte for byte (threads and kernels must not change a single bit).
import { expect } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";

function bytesOf(t: Trajectory): Buffer[] {
  const arrays = [
    t.times,
    t.lon,
    t.lat,
    t.status,
    t.orientation,
    t.capsized,
    t.windU,
    t.windV,
    t.currentU,
    t.currentV,
  ];
  return arrays.map((a) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : Buffer.alloc(0)));
}

export function expectSameBytes(a: Trajectory, b: Trajectory): void {
  const x = bytesOf(a);
  const y = bytesOf(b);
  const names = [
    "times",
    "lon",
    "lat",
    "status",
    "orientation",
    "capsized",
    "windU",
    "windV",
    "currentU",
    "currentV",
  ];
  for (let k = 0; k < x.length; k++) expect(x[k].equals(y[k]), names[k]).toBe(true);
}
