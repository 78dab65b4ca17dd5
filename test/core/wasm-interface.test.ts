// The kernel interface is declared once on each side and the two agree: KERNEL_PARAMETERS (what the
// TypeScript callers are type-checked against) names the parameters of assembly/kernels.ts in order and
// the arity of kernels.wasm's exports (the kernels of core, forcing and coastline); the grid slots are one
// table (grid-slots.ts) both compilers read.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as slots from "../../src/core/wasm/grid-slots.js";
import { KERNEL_PARAMETERS, WasmKernels } from "../../src/core/wasm/kernels.js";

const WASM_DIR = path.resolve(import.meta.dirname, "../../src/core/wasm");
const ENTRY = path.join(WASM_DIR, "assembly/kernels.ts");
const entry = readFileSync(ENTRY, "utf8");
/** The module asc compiles and the owners' modules it re-exports (forcing, coastline). */
const sources = [
  entry,
  ...[...entry.matchAll(/^export \{[^}]*\} from "([^"]+)";/gm)].map((m) =>
    readFileSync(`${path.resolve(path.dirname(ENTRY), m[1])}.ts`, "utf8"),
  ),
];
/** The sampler's module, which reads the grid slots. */
const sampler = sources.find((s) => s.includes("export function sampleGrid("))!;

/** Exported functions of the AssemblyScript source: name → parameter names in order. */
function assemblySignatures(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of sources.join("\n").matchAll(/^export function (\w+)\(([^)]*)\)/gm)) {
    out[m[1]] = m[2]
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => p.split(":")[0].trim());
  }
  return out;
}

describe("WebAssembly kernel interface", () => {
  it("KERNEL_PARAMETERS is the AssemblyScript source's signatures", () => {
    const declared = Object.fromEntries(Object.entries(KERNEL_PARAMETERS).map(([k, v]) => [k, [...v]]));
    expect(declared).toEqual(assemblySignatures());
  });

  it("kernels.wasm exports those kernels with those arities", () => {
    const module = new WebAssembly.Module(readFileSync(path.join(WASM_DIR, "kernels.wasm")));
    const exported = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === "function")
      .map((e) => e.name);
    expect(exported.sort()).toEqual(Object.keys(KERNEL_PARAMETERS).sort());
    const kernels = WasmKernels.create();
    expect(kernels).not.toBeNull();
    const functions = kernels!.exports as unknown as Record<string, (...args: number[]) => number>;
    for (const [name, params] of Object.entries(KERNEL_PARAMETERS))
      expect(functions[name].length, name).toBe(params.length);
  });

  it("grid slots: GRID_SLOTS distinct slots from 0, each read by the kernel", () => {
    const { GRID_SLOTS, ...named } = slots;
    expect(Object.values(named).sort((a, b) => a - b)).toEqual(
      Array.from({ length: GRID_SLOTS }, (_, i) => i),
    );
    const body = sampler.slice(sampler.indexOf('wasm/grid-slots";'));
    for (const name of Object.keys(named))
      expect(body.match(new RegExp(`\\b${name}\\b`, "g")), name).not.toBeNull();
  });
});
