// A forcing-ensemble run in parts (issue 21 item 4): each part runs a contiguous range of members
// (runMembers with a range) and is stored as bytes; whoever has every part joins them back, member after
// member, into exactly the run one worker would have made (service/worker/split-merge.ts runs the parts on
// the queue).
import type { Trajectory } from "../core/trajectory.js";
import { concatTrajectories } from "../core/trajectory-merge.js";
import type { ForcingProvenance } from "../forcing/index.js";
import type { MembersResult } from "./ensemble.js";

/** Members [from, to) of each of `parts` parts of `count` members: contiguous, sizes differing by one at most. */
export function memberRanges(count: number, parts: number): [number, number][] {
  const p = Math.max(1, Math.min(parts, count));
  return Array.from({ length: p }, (_, j) => [
    Math.floor((j * count) / p),
    Math.floor(((j + 1) * count) / p),
  ]);
}

const MAGIC = "DLPART1\n";
type Typed = Float64Array | Float32Array | Uint8Array | Uint16Array;
const KINDS: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => Typed> = {
  Float64Array,
  Float32Array,
  Uint8Array,
  Uint16Array,
};

interface PartHeader {
  n: number;
  /** Typed arrays of the trajectory in order: key, kind, length. */
  arrays: { key: string; kind: string; length: number }[];
  result: Omit<MembersResult, "trajectory">;
}

/** A part's result as bytes: a JSON header (members, forcing records, counts) and the trajectory's arrays. */
export function encodePart(result: MembersResult): Uint8Array {
  const { trajectory, ...rest } = result;
  const arrays: { key: string; array: Typed }[] = [];
  for (const [key, value] of Object.entries(trajectory)) {
    if (ArrayBuffer.isView(value)) arrays.push({ key, array: value as Typed });
  }
  const header: PartHeader = {
    n: trajectory.n,
    arrays: arrays.map(({ key, array }) => ({ key, kind: array.constructor.name, length: array.length })),
    result: rest,
  };
  const head = new TextEncoder().encode(`${MAGIC}${JSON.stringify(header)}\n`);
  // Each array starts on 8 bytes, so that it can be viewed in place when read back.
  let size = Math.ceil(head.length / 8) * 8;
  const offsets = arrays.map(({ array }) => {
    const at = size;
    size += Math.ceil(array.byteLength / 8) * 8;
    return at;
  });
  const out = new Uint8Array(size);
  out.set(head);
  arrays.forEach(({ array }, k) => {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offsets[k]);
  });
  return out;
}

/** The part encodePart wrote. */
export function decodePart(bytes: Uint8Array): MembersResult {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  if (!text.startsWith(MAGIC)) throw new Error("not a Driftline mission part (bad magic)");
  const end = text.indexOf("\n", MAGIC.length);
  const header = JSON.parse(text.slice(MAGIC.length, end)) as PartHeader;
  const headBytes = new TextEncoder().encode(text.slice(0, end + 1)).length;
  // A copy on an 8-byte boundary (the bytes may come from a Buffer at any offset).
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  let at = Math.ceil(headBytes / 8) * 8;
  const trajectory: Record<string, unknown> = { n: header.n };
  for (const { key, kind, length } of header.arrays) {
    const Kind = KINDS[kind];
    if (!Kind) throw new Error(`mission part: unknown array kind ${kind}`);
    const array = new Kind(buffer, at, length);
    at += Math.ceil(array.byteLength / 8) * 8;
    trajectory[key] = array;
  }
  return { ...header.result, trajectory: trajectory as unknown as Trajectory };
}

/**
 * The parts of a mission (in member order) joined into the result of running every member at once: the
 * trajectories one after the other, counts summed, forcing records merged (a record serving every member
 * loses its `members` list, as in one worker's run).
 */
export function mergeParts(parts: readonly MembersResult[], memberCount: number): MembersResult {
  const records = new Map<string, { record: ForcingProvenance; members: number[] }>();
  for (const part of parts) {
    const inPart = part.members.map((m) => m.index);
    for (const r of part.forcing) {
      const { members, ...record } = r;
      const served =
        typeof members === "string" ? members.split(", ").map(Number) : members === undefined ? inPart : [];
      const key = JSON.stringify(record);
      const seen = records.get(key) ?? { record: record as ForcingProvenance, members: [] };
      seen.members.push(...served);
      records.set(key, seen);
    }
  }
  const reasons = parts.map((p) => p.singleThreadReason).filter((r) => r !== undefined);
  return {
    trajectory: concatTrajectories(parts.map((p) => p.trajectory)),
    releaseOnLand: {
      moved: parts.reduce((a, p) => a + p.releaseOnLand.moved, 0),
      maxDistanceM: Math.max(...parts.map((p) => p.releaseOnLand.maxDistanceM)),
      unresolved: parts.reduce((a, p) => a + p.releaseOnLand.unresolved, 0),
    },
    particleSteps: parts.reduce((a, p) => a + p.particleSteps, 0),
    forcing: [...records.values()].map(({ record, members }) =>
      members.length === memberCount ? record : { ...record, members: members.join(", ") },
    ),
    members: parts.flatMap((p) => p.members),
    ...(reasons.length > 0 ? { singleThreadReason: reasons[0] } : {}),
  };
}
