// animation.gif: one frame per output time (or maxFrames), looping; and it weighs its particles (scenarios and ensembles weigh them): a particle of weight 2 draws as
// two particles of weight 1 at the same place, and only relative weights matter.

import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";
import { renderAnimationGif } from "../../src/products/animation.js";
import type { MapInput } from "../../src/products/map-input.js";
import { decodeImage, saveArtifact } from "./pictures.js";
import { makeFixture } from "./pictures-fixture.js";
import { duplicated } from "./synthetic.js";

/** Minimal GIF reader: screen size, frame count, loop extension and frame delays (centiseconds). */
function readGif(bytes: Uint8Array): {
  width: number;
  height: number;
  frames: number;
  loops: boolean;
  delays: number[];
} {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== "GIF89a" && sig !== "GIF87a") throw new Error(`not a GIF: ${sig}`);
  const width = bytes[6] | (bytes[7] << 8);
  const height = bytes[8] | (bytes[9] << 8);
  let p = 13;
  if (bytes[10] & 0x80) p += 3 * 2 ** ((bytes[10] & 7) + 1);
  const skipSubBlocks = () => {
    while (bytes[p] !== 0) p += bytes[p] + 1;
    p++;
  };
  let frames = 0;
  let loops = false;
  const delays: number[] = [];
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) delays.push(bytes[p + 2] | (bytes[p + 3] << 8));
      if (label === 0xff && String.fromCharCode(...bytes.subarray(p + 1, p + 12)) === "NETSCAPE2.0")
        loops = true;
      skipSubBlocks();
    } else if (b === 0x2c) {
      frames++;
      const flags = bytes[p + 8];
      p += 9;
      if (flags & 0x80) p += 3 * 2 ** ((flags & 7) + 1);
      p++; // LZW minimum code size
      skipSubBlocks();
    } else throw new Error(`GIF: unexpected block 0x${b.toString(16)} at ${p - 1}`);
    if (p > bytes.length) throw new Error("GIF: truncated");
  }
  return { width, height, frames, loops, delays };
}

const withWeights = (input: MapInput, t: Trajectory, weight: (i: number) => number): MapInput => ({
  ...input,
  ctx: {
    ...input.ctx,
    trajectory: { ...t, weight: Float64Array.from({ length: t.n }, (_, i) => weight(i)) },
  },
});

describe("renderAnimationGif weighs the particles", () => {
  const input = makeFixture({ n: 300, hours: 6 });
  // Particle n + i is a copy of particle i, at the same place at every time.
  const twice = duplicated(input.ctx.trajectory, () => true);
  const opts = { width: 480, height: 360 };

  it("draws a particle of weight 2 as two of weight 1 at the same place", async () => {
    const ones = await renderAnimationGif(
      withWeights(input, twice, () => 1),
      opts,
    );
    const merged = await renderAnimationGif(
      withWeights(input, twice, (i) => (i < input.ctx.trajectory.n ? 2 : 0)),
      opts,
    );
    expect(Buffer.compare(Buffer.from(merged), Buffer.from(ones))).toBe(0);
  });

  it("depends on relative weights only, and changes when they differ", async () => {
    const t = input.ctx.trajectory;
    const ones = await renderAnimationGif(
      withWeights(input, t, () => 1),
      opts,
    );
    const scaled = await renderAnimationGif(
      withWeights(input, t, () => 0.25),
      opts,
    );
    expect(Buffer.compare(Buffer.from(scaled), Buffer.from(ones))).toBe(0);
    const uneven = await renderAnimationGif(
      withWeights(input, t, (i) => (i % 3 === 0 ? 5 : 1)),
      opts,
    );
    expect(Buffer.compare(Buffer.from(uneven), Buffer.from(ones))).not.toBe(0);
  });
});

describe("animation.gif", () => {
  it("has one 800×600 frame per output time, loops, 0.4 s per frame", async () => {
    const input = makeFixture();
    const gif = await renderAnimationGif(input);
    saveArtifact("animation.gif", gif);
    const info = readGif(gif);
    expect(info.width).toBe(800);
    expect(info.height).toBe(600);
    expect(info.frames).toBe(input.ctx.trajectory.times.length);
    expect(info.loops).toBe(true);
    expect(info.delays[0]).toBe(40);
    expect(info.delays[info.delays.length - 1]).toBe(200);
    const first = await decodeImage(gif);
    expect([first.width, first.height]).toEqual([800, 600]);
  });

  it("samples long runs down to maxFrames", async () => {
    const input = makeFixture({ n: 200, hours: 12 });
    const info = readGif(await renderAnimationGif(input, { maxFrames: 5, width: 400, height: 300 }));
    expect(info.frames).toBe(5);
    expect(info.width).toBe(400);
  });
});
