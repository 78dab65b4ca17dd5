// The bundled DejaVu font, registered once, so the pictures look the same on a fresh server.
import { createRequire } from "node:module";
import path from "node:path";
import { GlobalFonts } from "@napi-rs/canvas";

export const FONT_FAMILY = "Driftline Sans";
let fontsRegistered = false;

/** Registers DejaVu Sans (regular and bold) from the npm package under FONT_FAMILY, once per process. */
export function registerFonts(): string {
  if (fontsRegistered) return FONT_FAMILY;
  for (const file of [SANS_TTF, SANS_BOLD_TTF]) {
    if (!GlobalFonts.registerFromPath(file, FONT_FAMILY))
      throw new Error(`map fonts: cannot load font ${file}`);
  }
  fontsRegistered = true;
  return FONT_FAMILY;
}

const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
);
export const SANS_TTF = path.join(FONT_DIR, "DejaVuSans.ttf");
export const SANS_BOLD_TTF = path.join(FONT_DIR, "DejaVuSans-Bold.ttf");

export function font(px: number, bold = false): string {
  return `${bold ? "bold " : ""}${px}px "${FONT_FAMILY}"`;
}
