// Fixture tool (run by scripts/make-grib2-fixtures.sh): re-packs the simple-packed (5.0) fields written by
// ecCodes with the test encoder, keeping the integers X, R, E and D, so that the decoded values are the same.
//   tsx test/forcing/grib2/repack-cli.ts MODE IN OUT
// MODE: sd1 | sd2 (5.3 order 1/2) | complex (5.2) | mvm1-sd2 | mvm2-complex (bitmap turned into missing-value
// codes inside the data, 5.3 order 2 / 5.2) | multi (pairs of messages become one message with two fields; the
// second field's bitmap, if equal to the first's, becomes indicator 254).
import { readFileSync, writeFileSync } from "node:fs";
import { unpackBits } from "../../../src/forcing/grib2/bits.js";
import { scanGrib2 } from "../../../src/forcing/grib2/index.js";
import { parseRepresentation } from "../../../src/forcing/grib2/templates.js";
import { bitmapSection, buildMessage, type ComplexOptions, packComplex, splitMessage } from "./encoder.js";

const [mode, input, output] = process.argv.slice(2);
if (!mode || !input || !output) {
  process.stderr.write("usage: repack-cli.ts sd1|sd2|complex|mvm1-sd2|mvm2-complex|multi IN OUT\n");
  process.exit(2);
}
const bytes = new Uint8Array(readFileSync(input));
const infos = scanGrib2(bytes);
const messages: Uint8Array[] = [];

const sectionNumber = (s: Uint8Array) => s[4];

if (mode === "multi") {
  for (let k = 0; k + 1 < infos.length; k += 2) {
    const a = splitMessage(bytes.subarray(infos[k].offset, infos[k].offset + infos[k].length));
    const b = splitMessage(bytes.subarray(infos[k + 1].offset, infos[k + 1].offset + infos[k + 1].length));
    const bFields = b.sections.filter((s) => sectionNumber(s) >= 4);
    const a6 = a.sections.find((s) => sectionNumber(s) === 6)!;
    const b6 = bFields.find((s) => sectionNumber(s) === 6)!;
    const same = a6[5] === 0 && b6.length === a6.length && b6.every((v, i) => v === a6[i]);
    messages.push(
      buildMessage(a.discipline, [
        ...a.sections,
        ...bFields.map((s) => (s === b6 && same ? bitmapSection(254) : s)),
      ]),
    );
  }
} else {
  for (const info of infos) {
    const msg = splitMessage(bytes.subarray(info.offset, info.offset + info.length));
    const rep = parseRepresentation(bytes, info.layout.s5)!;
    if (rep.template !== 0) throw new Error(`${input}: message ${info.message} is not simple-packed`);
    const x = new Float64Array(rep.numberOfValues);
    unpackBits(bytes, (info.layout.s7.offset + 5) * 8, x.length, rep.bitsPerValue, x, 0);
    const scaling = {
      reference: rep.reference,
      binaryScale: rep.binaryScale,
      decimalScale: rep.decimalScale,
    };
    const options: Record<string, ComplexOptions> = {
      sd1: { template: 3, order: 1, groupLength: 9 },
      sd2: { template: 3, order: 2, groupLength: 11, extraOctets: 3 },
      complex: { template: 2, groupLength: 7 },
      "mvm1-sd2": { template: 3, order: 2, groupLength: 8, missingManagement: 1 },
      "mvm2-complex": { template: 2, groupLength: 6, missingManagement: 2 },
    };
    const opt = options[mode];
    if (!opt) throw new Error(`unknown mode ${mode}`);
    let values: number[] = Array.from(x);
    let kind: number[] | null = null;
    let s6 = msg.sections.find((s) => sectionNumber(s) === 6)!;
    if (opt.missingManagement && info.layout.bitmap) {
      // Spread the packed values over the grid and mark the bitmap's holes as missing codes.
      const bm = info.layout.bitmap;
      values = [];
      kind = [];
      let k = 0;
      let holes = 0;
      for (let i = 0; i < info.grid.numberOfPoints; i++) {
        const set = (bytes[bm.offset + 6 + (i >> 3)] >> (7 - (i & 7))) & 1;
        values.push(set ? x[k++] : 0);
        kind.push(set ? 0 : opt.missingManagement === 2 && holes++ % 2 === 1 ? 2 : 1);
      }
      s6 = bitmapSection(255);
    }
    const packed = packComplex(values, kind, scaling, opt);
    const sections = msg.sections.map((s) => {
      const n = sectionNumber(s);
      return n === 5 ? packed.s5 : n === 6 ? s6 : n === 7 ? packed.s7 : s;
    });
    messages.push(buildMessage(msg.discipline, sections));
  }
}
writeFileSync(output, Buffer.concat(messages));
