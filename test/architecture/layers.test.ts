// The layer rule, measured from the imports of src/**/*.ts: a module imports only from its own layer or
// from layers below it, and no modules import each other in a circle. The order is the one
// docs/architecture.md states (the test reads it from there, so the two cannot drift apart).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

/** Layers bottom-up; layers in one group ("coastline | forcing") are peers and do not import each other. */
function layerOrder(): string[][] {
  const doc = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");
  const m = /^Layer order: `([^`]+)`/m.exec(doc);
  if (!m) throw new Error("docs/architecture.md: no line 'Layer order: `core < …`'");
  return m[1].split("<").map((g) => g.split("|").map((s) => s.trim()));
}

/** Files at the top of src/ (version.ts) belong to the bottom layer: they import nothing of ours. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length === 1 ? "core" : parts[0];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    // AssemblyScript compiles on its own; it imports nothing from the TypeScript side.
    if (e.isDirectory()) return e.name === "assembly" ? [] : sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(e.name) ? [p] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g;

interface Edge {
  from: string;
  to: string;
}

/** Every relative import (static, dynamic, side effect, worker URL) between files under src/. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (!spec.startsWith(".")) continue;
      const to = normalize(join(dirname(file), spec)).replace(/\.js$/, ".ts");
      if (to.startsWith(`${SRC}/`)) edges.push({ from: file, to });
    }
  }
  return edges;
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(relative(ROOT, w));
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("layers", () => {
  const order = layerOrder();
  const rank = new Map(order.flatMap((group, i) => group.map((layer) => [layer, i] as const)));
  const edges = importEdges();

  it("every directory of src/ has a place in the order", () => {
    const layers = new Set(sourceFiles(SRC).map(layerOf));
    expect([...layers].filter((l) => !rank.has(l))).toEqual([]);
    expect(edges.length).toBeGreaterThan(100);
  });

  it("imports point down the layers (or stay within one)", () => {
    const upward = edges
      .filter((e) => layerOf(e.from) !== layerOf(e.to))
      .filter((e) => !(rank.get(layerOf(e.to))! < rank.get(layerOf(e.from))!))
      .map((e) => `${relative(ROOT, e.from)} -> ${relative(ROOT, e.to)}`);
    expect(upward).toEqual([]);
  });

  it("no modules import each other in a circle", () => {
    expect(circles(edges)).toEqual([]);
  });
});
