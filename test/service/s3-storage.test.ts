// The S3 adapter against an S3-compatible server started here (s3rver, SigV4, path-style).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3, type TestS3 } from "./helpers.js";

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

describe("S3Storage", () => {
  it("creates buckets on demand and stores, lists, reads back and deletes objects", async () => {
    const { storage } = s3;
    const body = new Uint8Array(300_000).map((_, i) => i % 251);
    await storage.put("driftline-results", "m1/raw/particles.nc", body, "application/x-netcdf");
    await storage.put("driftline-results", "m1/heatmap.png", new Uint8Array([137, 80, 78, 71]), "image/png");
    await storage.ensureBucket("driftline-results"); // again: no error
    expect(await storage.exists("driftline-results", "m1/raw/particles.nc")).toBe(true);
    expect(await storage.exists("driftline-results", "m1/missing")).toBe(false);
    expect((await storage.list("driftline-results", "m1/")).sort()).toEqual([
      "m1/heatmap.png",
      "m1/raw/particles.nc",
    ]);
    expect(await storage.list("no-such-bucket", "")).toEqual([]);
    expect(
      Buffer.from(await storage.get("driftline-results", "m1/raw/particles.nc")).equals(Buffer.from(body)),
    ).toBe(true);
    // Streamed (downloads): the same bytes and the size before reading.
    const { body: stream, size } = await storage.openRead("driftline-results", "m1/raw/particles.nc");
    expect(size).toBe(body.byteLength);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(body))).toBe(true);
    await storage.delete("driftline-results", "m1/heatmap.png");
    expect(await storage.exists("driftline-results", "m1/heatmap.png")).toBe(false);
    expect(storage.uri("driftline-results", "m1/report.pdf")).toBe("s3://driftline-results/m1/report.pdf");
  });
});
