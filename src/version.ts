// The package version, read once from package.json (stored in every product's metadata).
import { readFileSync } from "node:fs";

export const SOFTWARE_VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version as string;
  } catch {
    return "unknown";
  }
})();
