// proj4js (a 320 kB CommonJS bundle, ~0.08 s of a fresh process to parse) loads when a grid needs it: the
// common projections are computed by our own code (projection.ts), proj4js is the fallback.
import { createRequire } from "node:module";
import type proj4Type from "proj4";

let loaded: typeof proj4Type | undefined;

export function proj4js(): typeof proj4Type {
  loaded ??= createRequire(import.meta.url)("proj4") as typeof proj4Type;
  return loaded;
}
