// Makes data-bundled/coastline/gshhs_f.bin, the shoreline that ships with the package, from GMT's binned
// GSHHG file (run once; the output is committed):
//
//   npx tsx scripts/bundle-gshhg.ts [/usr/share/gmt-gshhg/binned_GSHHS_f.nc]
//
// Why our own file: GMT's is NetCDF-4 (32 MB) and needs an HDF5 library to read; ours is 23 MB, read with
// Node's own zlib, and holds exactly the same numbers (checked below, bin by bin). Layout:
//
//   "DLGSHHG1", u32 LE header length, JSON header (BundledHeader in src/coastline/gshhg.ts),
//   index (raw deflate): binFirstSegment i32[bins], segmentInfo i32[segments], segmentFirstPoint
//     i32[segments], chunkEnd u32[chunks] (end of each chunk's bytes after the index), binCorners
//     i16[bins], binSegmentCount i16[bins] (little-endian, GMT's meaning),
//   chunks of chunkPoints points each (raw deflate of deltaChunk: byte planes of zigzag differences).
//
// Chunks keep reads lazy: a mission decodes only the chunks holding its bins' points.
import { renameSync, writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import {
  BIN_COUNT,
  BUNDLED_GSHHG_FILE,
  BUNDLED_MAGIC,
  type BundledHeader,
  DEBIAN_GSHHG_FILE,
  deltaChunk,
  GshhgFile,
} from "../src/coastline/gshhg.js";

const CHUNK_POINTS = 16384;

async function main(): Promise<void> {
  const source = process.argv[2] ?? DEBIAN_GSHHG_FILE;
  const gmt = await GshhgFile.open(source);
  const segments = gmt.segmentInfo.length;
  const points = gmt.pointCount;
  const chunks: Uint8Array[] = [];
  const chunkEnd = new Uint32Array(Math.ceil(points / CHUNK_POINTS));
  let bytes = 0;
  for (let k = 0; k * CHUNK_POINTS < points; k++) {
    const [xs, ys] = gmt.points(k * CHUNK_POINTS, Math.min(points, (k + 1) * CHUNK_POINTS));
    const c = deflateRawSync(deltaChunk(xs, ys), { level: 9 });
    chunks.push(c);
    bytes += c.length;
    chunkEnd[k] = bytes;
  }
  const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const index = deflateRawSync(
    Buffer.concat([
      u8(gmt.binFirstSegment),
      u8(gmt.segmentInfo),
      u8(gmt.segmentFirstPoint),
      u8(chunkEnd),
      u8(gmt.binCorners),
      u8(gmt.binSegmentCount),
    ]),
    { level: 9 },
  );
  const header: BundledHeader = {
    format: 1,
    version: gmt.version,
    bins: BIN_COUNT,
    segments,
    points,
    chunkPoints: CHUNK_POINTS,
    indexBytes: index.length,
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  const tmp = `${BUNDLED_GSHHG_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(BUNDLED_MAGIC, "latin1"), length, json, index, ...chunks]));
  await check(gmt, tmp);
  renameSync(tmp, BUNDLED_GSHHG_FILE);
  const total = BUNDLED_MAGIC.length + 4 + json.length + index.length + bytes;
  console.log(`${BUNDLED_GSHHG_FILE}: GSHHG ${gmt.version}, ${points} points, ${(total / 1e6).toFixed(1)} MB`);
}

/** Every array and every bin's points must match GMT's file exactly. */
async function check(gmt: GshhgFile, path: string): Promise<void> {
  const ours = await GshhgFile.open(path);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    if (a.length !== b.length) throw new Error(`${what}: ${a.length} values, GMT's file ${b.length}`);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`${what}[${i}] differs`);
  };
  same(ours.binCorners, gmt.binCorners, "binCorners");
  same(ours.binSegmentCount, gmt.binSegmentCount, "binSegmentCount");
  same(ours.binFirstSegment, gmt.binFirstSegment, "binFirstSegment");
  same(ours.segmentInfo, gmt.segmentInfo, "segmentInfo");
  same(ours.segmentFirstPoint, gmt.segmentFirstPoint, "segmentFirstPoint");
  if (ours.version !== gmt.version) throw new Error(`version ${ours.version}, GMT's file ${gmt.version}`);
  const step = 2000;
  for (let b0 = 0; b0 < BIN_COUNT; b0 += step) {
    const bins = Array.from({ length: Math.min(step, BIN_COUNT - b0) }, (_, i) => b0 + i);
    const a = ours.bins(bins);
    const b = gmt.bins(bins);
    for (const bin of bins) {
      const sa = a.get(bin)!.segments;
      const sb = b.get(bin)!.segments;
      if (sa.length !== sb.length) throw new Error(`bin ${bin}: ${sa.length} segments, GMT's file ${sb.length}`);
      for (let s = 0; s < sa.length; s++) {
        same(sa[s].x, sb[s].x, `bin ${bin} segment ${s} x`);
        same(sa[s].y, sb[s].y, `bin ${bin} segment ${s} y`);
      }
    }
  }
  ours.close();
}

await main();
