// The byte-level number formatting of the big text products must give exactly the text toFixed / String give.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixed5 } from "../../src/products/coordinates.js";
import { TextFileWriter } from "../../src/products/text-writer.js";
import { rng } from "./synthetic.js";

const dir = mkdtempSync(path.join(tmpdir(), "driftline-text-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes every value with `write`, one per line, through a small buffer (many flushes); returns the lines. */
async function writeLines(
  values: number[],
  write: (w: TextFileWriter, v: number) => void,
): Promise<string[]> {
  const file = path.join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const fh = await open(file, "w");
  try {
    const w = new TextFileWriter(fh, 1 << 14);
    await w.text("héader ✓\n");
    for (const v of values) {
      write(w, v);
      w.byte(0x0a);
      if (w.full) await w.flush();
    }
    await w.flush();
  } finally {
    await fh.close();
  }
  const lines = readFileSync(file, "utf8").split("\n");
  expect(lines.shift()).toBe("héader ✓");
  expect(lines.pop()).toBe("");
  return lines;
}

describe("TextFileWriter", () => {
  it("fixed5 writes toFixed(5) of float32 values: random, negative, rounding edges, -0, tiny", async () => {
    const random = rng(7);
    const values: number[] = [
      0, -0, 1e-7, -1e-7, 5e-6, -5e-6, 4.9e-6, 0.5, -0.5, 180, -180, 360, 89.999995,
    ].map(Math.fround);
    for (let i = 0; i < 40000; i++) values.push(Math.fround((random() - 0.5) * 720));
    for (let i = 0; i < 40000; i++) values.push(Math.fround((random() - 0.5) * 2e-3));
    // Values right at a half of the fifth decimal, and the float32 neighbours around it.
    for (let i = 0; i < 20000; i++) {
      const half = (Math.floor((random() - 0.5) * 36_000_000) + 0.5) / 1e5;
      const f = Math.fround(half);
      const buf = new Float32Array([f]);
      const bits = new Int32Array(buf.buffer);
      for (const d of [-1, 0, 1]) {
        bits[0] += d;
        values.push(buf[0]);
        bits[0] -= d;
      }
    }
    expect(values.filter((v) => !Object.is(Math.fround(v), v))).toEqual([]);
    const lines = await writeLines(values, (w, v) => w.fixed5(v));
    expect(lines.length).toBe(values.length);
    let bad = 0;
    for (let i = 0; i < values.length; i++) {
      if (lines[i] !== values[i].toFixed(5) || lines[i] !== fixed5(values[i])) {
        if (bad++ < 5) expect(`${values[i]} → ${lines[i]}`).toBe(`${values[i]} → ${values[i].toFixed(5)}`);
      }
    }
    expect(bad).toBe(0);
  });

  it("fixed5 matches the string fixed5 for doubles, huge values and non-finite ones", async () => {
    const random = rng(8);
    const values = [NaN, Infinity, -Infinity, 1e9, -1e9, 123456789.123456, 21474.83647, -21474.83648, 1e21];
    for (let i = 0; i < 20000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 12));
    const lines = await writeLines(values, (w, v) => w.fixed5(v));
    expect(lines).toEqual(values.map(fixed5));
  });

  it("number writes String(v)", async () => {
    const random = rng(9);
    const values = [
      0,
      -0,
      1,
      9,
      10,
      11,
      99,
      100,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 53 - 1,
      2 ** 53,
      -1,
      1.5,
      NaN,
      1e21,
    ];
    for (let i = 0; i < 20000; i++) values.push(Math.floor(random() * 10 ** Math.floor(random() * 16)));
    const lines = await writeLines(values, (w, v) => w.number(v));
    expect(lines).toEqual(values.map((v) => String(v)));
  });

  it("keeps the order of rows and texts longer than the buffer", async () => {
    const file = path.join(dir, "order.txt");
    const fh = await open(file, "w");
    const expected: string[] = [];
    try {
      const w = new TextFileWriter(fh, 1 << 14);
      for (let block = 0; block < 5; block++) {
        const long = `${"x".repeat(40000 * block)}é\n`;
        await w.text(long);
        expected.push(long);
        for (let i = 0; i < 3000; i++) {
          w.number(block * 1e6 + i);
          w.byte(0x0a);
          expected.push(`${block * 1e6 + i}\n`);
          if (w.full) await w.flush();
        }
      }
      await w.flush();
    } finally {
      await fh.close();
    }
    expect(readFileSync(file, "utf8")).toBe(expected.join(""));
  });
});
