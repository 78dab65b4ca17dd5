// Fast writing of big text products (particles.csv, the Leeway ASCII file): numbers are formatted straight
// into a byte buffer that goes to the file in large chunks, instead of building millions of small strings.
import type { FileHandle } from "node:fs/promises";
import { fixed5 } from "./coordinates.js";

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * A byte buffer in front of an open file. Rows are written with the synchronous methods; after each row,
 * `if (w.full) await w.flush()`, and `flush()` at the end. A row may be at most `ROW_MAX` bytes.
 */
export class TextFileWriter {
  static readonly ROW_MAX = 4096;
  private readonly buf: Buffer;
  private readonly limit: number;
  pos = 0;

  constructor(
    private readonly fh: FileHandle,
    size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 4 * TextFileWriter.ROW_MAX));
    this.limit = this.buf.length - TextFileWriter.ROW_MAX;
  }

  /** True when the buffer is nearly full: `flush()` before the next row (checked without awaiting). */
  get full(): boolean {
    return this.pos > this.limit;
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    await this.fh.write(this.buf, 0, this.pos);
    this.pos = 0;
  }

  /** Any text (UTF-8), of any length. */
  async text(s: string): Promise<void> {
    const n = Buffer.byteLength(s, "utf8");
    if (this.pos + n > this.buf.length) await this.flush();
    if (n > this.buf.length) {
      await this.fh.write(s, null, "utf8");
      return;
    }
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Bytes, e.g. a pre-encoded field (at most ROW_MAX per row). */
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** ASCII text (one byte per UTF-16 unit; at most ROW_MAX per row). */
  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** A number as String(v) writes it: digits only for non-negative safe integers, else via String(). */
  number(v: number): void {
    if (Number.isSafeInteger(v) && v >= 0) this.uint(v);
    else this.ascii(String(v));
  }

  /** `fixed5(v)` of coordinates.ts (= v.toFixed(5) for float32 values), without building a string. */
  fixed5(v: number): void {
    if (!(Math.abs(v) < 1e9)) {
      this.ascii(fixed5(v)); // NaN, infinities and huge values: rare, the string version
      return;
    }
    // |v| < 1e9 keeps a below 2^53; below 2^31 (|v| < 21474) integer arithmetic does, as it mostly is.
    const a = Math.round(Math.abs(v) * 1e5);
    const buf = this.buf;
    if (v < 0) buf[this.pos++] = MINUS;
    let frac: number;
    if (a < 0x7fffffff) {
      const int = (a / 100000) | 0;
      frac = a - int * 100000;
      this.uint(int);
    } else {
      const int = Math.floor(a / 1e5);
      frac = a - int * 1e5;
      this.uint(int);
    }
    const p = this.pos;
    buf[p] = DOT;
    for (let d = 5; d >= 1; d--) {
      const q = (frac / 10) | 0;
      buf[p + d] = ZERO + (frac - q * 10);
      frac = q;
    }
    this.pos = p + 6;
  }

  /** Decimal digits of a non-negative safe integer. */
  private uint(v: number): void {
    const buf = this.buf;
    if (v < 10) {
      buf[this.pos++] = ZERO + v;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    let pos = this.pos + digits;
    this.pos = pos;
    if (v < 0x7fffffff) {
      while (v >= 10) {
        const q = (v / 10) | 0;
        buf[--pos] = ZERO + (v - q * 10);
        v = q;
      }
    } else {
      while (v >= 10) {
        const q = Math.floor(v / 10);
        buf[--pos] = ZERO + (v - q * 10);
        v = q;
      }
    }
    buf[--pos] = ZERO + v;
  }
}
