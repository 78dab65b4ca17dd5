// The disk cache shared by processes (io/disk-cache.ts): where it is, and that readers only ever see whole
// entries while other processes write the same ones.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskCacheDir, pruneCacheFolder, writeCacheEntry } from "../../src/io/disk-cache.js";
import { ROOT } from "../helpers/cli.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "driftline-disk-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("disk cache", () => {
  it("lives in DRIFTLINE_CACHE_DIR, else the XDG cache folder, and is off with DRIFTLINE_CACHE_DIR=off", () => {
    expect(diskCacheDir({ DRIFTLINE_CACHE_DIR: "/x/y" })).toBe(path.resolve("/x/y"));
    expect(diskCacheDir({ DRIFTLINE_CACHE_DIR: "off" })).toBeUndefined();
    expect(diskCacheDir({ XDG_CACHE_HOME: "/c" })).toBe(path.join("/c", "driftline"));
    expect(diskCacheDir({})).toBe(path.join(os.homedir(), ".cache", "driftline"));
  });

  it("prunes a folder to its newest entries within a count and a size", () => {
    const dir = path.join(tmp, "prune");
    for (let k = 0; k < 6; k++) {
      writeCacheEntry(path.join(dir, `e${k}`), [new Uint8Array(100)]);
      utimesSync(path.join(dir, `e${k}`), new Date(), new Date(1e12 + k * 1000));
    }
    pruneCacheFolder(dir, 4, 1000);
    expect(readdirSync(dir).sort()).toEqual(["e2", "e3", "e4", "e5"]);
    pruneCacheFolder(dir, 4, 250);
    expect(readdirSync(dir).sort()).toEqual(["e4", "e5"]);
  });

  it("does not fail where it cannot write", () => {
    const ro = path.join(tmp, "read-only");
    expect(writeCacheEntry(path.join(ro, "a"), [new Uint8Array(4)])).toBe(true);
    chmodSync(ro, 0o500);
    try {
      // root writes anyway; anyone else gets false and no exception.
      const ok = writeCacheEntry(path.join(ro, "b"), [new Uint8Array(4)]);
      if (!ok) expect(existsSync(path.join(ro, "b"))).toBe(false);
    } finally {
      chmodSync(ro, 0o700);
    }
  });

  it("shows readers whole entries only while four processes write the same entry", async () => {
    const file = path.join(tmp, "shared", "entry.bin");
    // Each writer writes 8 MB of its own byte value, 15 times.
    const writer = (value: number) =>
      new Promise<void>((resolve, reject) => {
        const code = `const { writeCacheEntry } = await import(${JSON.stringify(path.join(ROOT, "src/io/disk-cache.ts"))});
for (let k = 0; k < 15; k++) writeCacheEntry(${JSON.stringify(file)}, [new Uint8Array(8 << 20).fill(${value})]);`;
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
          cwd: ROOT,
        });
        child.on("error", reject);
        child.on("exit", (c) => (c === 0 ? resolve() : reject(new Error(`writer exited ${c}`))));
      });
    const writers = Promise.all([1, 2, 3, 4].map(writer));
    let done = false;
    writers.finally(() => {
      done = true;
    });
    let reads = 0;
    while (!done) {
      if (existsSync(file)) {
        const bytes = readFileSync(file);
        expect(bytes.length).toBe(8 << 20);
        // One writer's bytes throughout.
        expect(bytes.equals(Buffer.alloc(8 << 20, bytes[0]))).toBe(true);
        reads++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await writers;
    expect(reads).toBeGreaterThan(0);
    expect(readdirSync(path.dirname(file))).toEqual(["entry.bin"]);
  }, 120_000);
});
