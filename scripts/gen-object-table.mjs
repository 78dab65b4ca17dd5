// Regenerates src/core/object-table.ts from OBJECTPROP.DAT (run: node scripts/gen-object-table.mjs [path]).
import { readFileSync, writeFileSync } from "node:fs";

const src = process.argv[2] ?? new URL("../../shared/data/leeway/OBJECTPROP.DAT", import.meta.url).pathname;
const lines = readFileSync(src, "latin1").split(/\r?\n/);
const rows = [];
for (let i = 0; i + 2 < lines.length; i += 3) {
  if (!lines[i].trim()) break;
  const [key, id] = lines[i].trim().split(/\s+/);
  const rawDesc = lines[i + 1].trim();
  const level = rawDesc.match(/^>*/)[0].length;
  const c = lines[i + 2].trim().split(/\s+/).map(Number);
  if (c.length !== 9 || c.some(Number.isNaN)) throw new Error(`bad coefficients for ${key}`);
  rows.push({ id: Number(id), key, description: rawDesc.replace(/^>+/, "").trim(), level, c });
}
let out = "// Generated from OBJECTPROP.DAT by scripts/gen-object-table.mjs — do not edit by hand.\n";
out += "// Columns: id, key, description, class level (number of leading '>'), then\n";
out += "// DWSLOPE DWOFFSET DWSTD CWRSLOPE CWROFFSET CWRSTD CWLSLOPE CWLOFFSET CWLSTD.\n";
out += "export const OBJECT_TABLE: readonly (readonly [number, string, string, number, ...number[]])[] = [\n";
for (const r of rows) out += `  [${r.id}, ${JSON.stringify(r.key)}, ${JSON.stringify(r.description)}, ${r.level}, ${r.c.join(", ")}],\n`;
out += "];\n";
writeFileSync(new URL("../src/core/object-table.ts", import.meta.url), out);
console.log(`wrote ${rows.length} categories`);
