// GRIB2 framing: finds messages (section 0 … 8) in a byte buffer and the sections of every field in them.
// A message may repeat sections 2–7, 3–7 or 4–7 to carry several fields; each section 7 ends one field.
import { uint } from "./bits.js";

/** Byte range of one section inside the file buffer (offset of its first octet, total length). */
export interface SectionSpan {
  offset: number;
  length: number;
}

/** Where the sections of one field are; everything needed to decode it later without rescanning. */
export interface FieldLayout {
  /** 1-based message number in the file. */
  message: number;
  /** 1-based field number inside the message. */
  field: number;
  messageOffset: number;
  messageLength: number;
  discipline: number;
  s1: SectionSpan;
  s2: SectionSpan | null;
  s3: SectionSpan;
  s4: SectionSpan;
  s5: SectionSpan;
  s6: SectionSpan;
  s7: SectionSpan;
  /** Section 6 that holds the bitmap in force (itself, or an earlier one for indicator 254), or null. */
  bitmap: SectionSpan | null;
}

/** An Error that names where in the file the problem is. */
export class Grib2Error extends Error {
  constructor(message: number, offset: number, section: number | null, what: string) {
    const where = section === null ? "" : `, section ${section}`;
    super(`GRIB2 message ${message} (byte ${offset})${where}: ${what}`);
    this.name = "Grib2Error";
  }
}

function isGrib(b: Uint8Array, p: number): boolean {
  return b[p] === 0x47 && b[p + 1] === 0x52 && b[p + 2] === 0x49 && b[p + 3] === 0x42;
}

function is7777(b: Uint8Array, p: number): boolean {
  return b[p] === 0x37 && b[p + 1] === 0x37 && b[p + 2] === 0x37 && b[p + 3] === 0x37;
}

/** Offset of the next "GRIB" at or after `from`, or -1. Bytes between messages (WMO headers, padding) are skipped. */
function nextGrib(b: Uint8Array, from: number): number {
  let p = b.indexOf(0x47, from);
  while (p >= 0 && p + 4 <= b.length) {
    if (isGrib(b, p)) return p;
    p = b.indexOf(0x47, p + 1);
  }
  return -1;
}

/** All fields of all messages in `b`, in file order. Reads headers only. */
export function scanLayouts(b: Uint8Array): FieldLayout[] {
  const out: FieldLayout[] = [];
  let message = 0;
  let at = nextGrib(b, 0);
  while (at >= 0) {
    message++;
    const end = scanMessage(b, at, message, out);
    at = nextGrib(b, end);
  }
  return out;
}

/** Scans one message starting at `o`; appends its fields to `out`; returns the offset after the message. */
function scanMessage(b: Uint8Array, o: number, message: number, out: FieldLayout[]): number {
  const fail = (section: number | null, what: string): never => {
    throw new Grib2Error(message, o, section, what);
  };
  if (o + 16 > b.length) fail(0, `truncated: ${b.length - o} bytes left, the indicator section needs 16`);
  const edition = b[o + 7];
  if (edition !== 2) fail(0, `GRIB edition ${edition} is not supported (only edition 2)`);
  const discipline = b[o + 6];
  const length = uint(b, o + 8, 8);
  if (length < 16 + 21 + 4) fail(0, `total length ${length} is too small for a GRIB2 message`);
  if (o + length > b.length) {
    fail(0, `truncated: total length is ${length} bytes but only ${b.length - o} remain in the file`);
  }
  const end = o + length;
  if (!is7777(b, end - 4))
    fail(8, `end section "7777" not found at byte ${end - 4} (corrupt length or data)`);

  let s1: SectionSpan | null = null;
  let s2: SectionSpan | null = null;
  let s3: SectionSpan | null = null;
  let s4: SectionSpan | null = null;
  let s5: SectionSpan | null = null;
  let s6: SectionSpan | null = null;
  let bitmap: SectionSpan | null = null;
  let field = 0;
  let p = o + 16;
  while (p < end - 4) {
    if (p + 5 > end - 4) fail(null, `section header at byte ${p} runs into the end section`);
    const len = uint(b, p, 4);
    const num = b[p + 4];
    if (len < 5 || p + len > end - 4) {
      fail(num, `section length ${len} at byte ${p} does not fit in the message (ends at byte ${end})`);
    }
    const span = { offset: p, length: len };
    switch (num) {
      case 1:
        s1 = span;
        break;
      case 2:
        s2 = span;
        break;
      case 3:
        s3 = span;
        break;
      case 4:
        s4 = span;
        break;
      case 5:
        s5 = span;
        break;
      case 6: {
        if (len < 6) fail(6, `section length ${len} is too short (at least 6)`);
        const indicator = b[p + 5];
        if (indicator === 0) bitmap = span;
        else if (indicator === 254) {
          if (!bitmap)
            fail(6, "bitmap indicator 254 (previously defined bitmap) but no earlier bitmap in the message");
        } else if (indicator !== 255) {
          fail(6, `predefined bitmap ${indicator} is not supported (allowed indicators: 0, 254, 255)`);
        }
        s6 = span;
        break;
      }
      case 7: {
        field++;
        if (!s1 || !s3 || !s4 || !s5 || !s6) {
          const missing = [s1 ? "" : "1", s3 ? "" : "3", s4 ? "" : "4", s5 ? "" : "5", s6 ? "" : "6"];
          fail(7, `field ${field}: data section without section(s) ${missing.filter(Boolean).join(", ")}`);
        }
        out.push({
          message,
          field,
          messageOffset: o,
          messageLength: length,
          discipline,
          s1: s1!,
          s2,
          s3: s3!,
          s4: s4!,
          s5: s5!,
          s6: s6!,
          s7: span,
          bitmap: b[s6!.offset + 5] === 255 ? null : bitmap,
        });
        // Sections 4–6 belong to one field; a following field must bring its own.
        s4 = s5 = s6 = null;
        break;
      }
      default:
        fail(num, `unknown section number ${num} at byte ${p}`);
    }
    p += len;
  }
  if (field === 0) fail(null, "message holds no data section (section 7)");
  return end;
}
