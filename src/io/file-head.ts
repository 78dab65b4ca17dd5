// The first bytes of a file, from which its format is told (not from its name).
import { closeSync, openSync, readSync } from "node:fs";
import { DataFileError } from "./errors.js";

/** Up to `length` bytes from the start of the file (fewer when it is shorter). */
export function readFileHead(path: string, length: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new DataFileError(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    const head = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, head, got, length - got, got);
      if (n === 0) break;
      got += n;
    }
    return head.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
