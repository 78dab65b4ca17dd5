// What the picture tests share: keeping a rendered file under test-artifacts/ to look at, and decoding a PNG
// or GIF (its first frame) to RGBA pixels.
import { mkdirSync, writeFileSync } from "node:fs";
import { createCanvas, loadImage } from "@napi-rs/canvas";

const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);

/** Writes the bytes to test-artifacts/<name>. */
export function saveArtifact(name: string, bytes: Uint8Array): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(new URL(name, ARTIFACTS), bytes);
}

/** The image's size and RGBA pixels (a GIF's first frame). */
export async function decodeImage(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(Buffer.from(bytes));
  const c = createCanvas(img.width, img.height);
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: g.getImageData(0, 0, img.width, img.height).data };
}
