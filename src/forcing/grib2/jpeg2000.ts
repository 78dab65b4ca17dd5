// JPEG 2000 packing (template 5.40): section 7 is a JPEG 2000 code stream of the integers X.
// Decoded with OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg). The module is loaded
// synchronously on first use (WebAssembly.Module + Instance on the .wasm bytes), so that decoding stays a
// plain synchronous call; it costs ~50 ms once per process.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { SectionSpan } from "./sections.js";
import type { Grib2Representation } from "./templates.js";
import { constantValues, scaleInPlace } from "./unpack-simple.js";

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

let openjpeg: OpenJpegModule | null = null;

function loadOpenJpeg(): OpenJpegModule {
  if (openjpeg) return openjpeg;
  const require = createRequire(import.meta.url);
  const factory = require("@cornerstonejs/codec-openjpeg/decodewasmjs") as (m: object) => Promise<unknown>;
  const wasm = new WebAssembly.Module(
    readFileSync(require.resolve("@cornerstonejs/codec-openjpeg/decodewasm")),
  );
  const module: Partial<OpenJpegModule> & { instantiateWasm: unknown; print: unknown; printErr: unknown } = {
    // OpenJPEG reports progress ("[INFO] …") on stdout; errors surface as exceptions from decode().
    print: () => {},
    printErr: () => {},
    // Emscripten hook: instantiate now instead of through the asynchronous default path.
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => unknown,
    ) {
      return receive(new WebAssembly.Instance(wasm, imports), wasm);
    },
  };
  // The returned promise only repeats what the synchronous check below sees; keep it from going unhandled.
  factory(module).catch(() => {});
  if (typeof module.J2KDecoder !== "function") {
    throw new Error(
      "OpenJPEG WebAssembly module did not initialise synchronously (@cornerstonejs/codec-openjpeg)",
    );
  }
  openjpeg = module as OpenJpegModule;
  return openjpeg;
}

/** Template 5.40: numberOfValues values, scaled. */
export function unpackJpeg2000(
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
): Float64Array {
  const n = rep.numberOfValues;
  if (rep.bitsPerValue === 0 || s7.length <= 5) return constantValues(n, rep);
  const decoder = new (loadOpenJpeg().J2KDecoder)();
  try {
    const stream = b.subarray(s7.offset + 5, s7.offset + s7.length);
    decoder.getEncodedBuffer(stream.length).set(stream);
    try {
      decoder.decode();
    } catch (e) {
      fail(`JPEG 2000 code stream does not decode (${e instanceof Error ? e.message : String(e)})`);
    }
    const info = decoder.getFrameInfo();
    if (info.componentCount === 0 || info.width === 0)
      fail("JPEG 2000 code stream does not decode (no image)");
    if (info.componentCount !== 1) fail(`JPEG 2000 image has ${info.componentCount} components (expected 1)`);
    if (info.width * info.height !== n) {
      fail(`JPEG 2000 image is ${info.width}×${info.height} for ${n} values`);
    }
    const raw = decoder.getDecodedBuffer();
    const x = new Float64Array(n);
    // The codec returns 8-bit samples up to 8 bits per sample and 16-bit (native little endian) above.
    if (info.bitsPerSample <= 8) {
      for (let k = 0; k < n; k++) x[k] = raw[k];
    } else if (info.bitsPerSample <= 16) {
      const view = new DataView(raw.buffer, raw.byteOffset, n * 2);
      for (let k = 0; k < n; k++)
        x[k] = info.isSigned ? view.getInt16(2 * k, true) : view.getUint16(2 * k, true);
    } else {
      fail(
        `JPEG 2000 image with ${info.bitsPerSample} bits per sample is not supported by the codec (at most 16)`,
      );
    }
    scaleInPlace(x, rep);
    return x;
  } finally {
    decoder.delete();
  }
}
