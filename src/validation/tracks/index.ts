// Observed-track formats: one file each in this folder and one row here. A file's format is recognised from
// its first bytes, never its name.
import { open, readFile } from "node:fs/promises";
import { netcdfContainer } from "../../io/netcdf/open.js";
import { type ObservedTrack, TrackError } from "../track.js";
import { readCsvTrack } from "./csv.js";
import { readGeojsonTrack } from "./geojson.js";
import { readGpxTrack } from "./gpx.js";
import { readNetcdfTrack } from "./netcdf.js";

export interface TrackFormat {
  name: "netcdf" | "gpx" | "geojson" | "csv";
  label: string;
  /** True when the file's leading bytes are this format. */
  sniff(head: Uint8Array): boolean;
  read(file: string): Promise<ObservedTrack[]>;
}

const HEAD_BYTES = 8192 + 8;
const text = (head: Uint8Array) =>
  new TextDecoder()
    .decode(head)
    .replace(/^\uFEFF/, "")
    .trimStart();
const readText = (file: string) => readFile(file, "utf8");

export const TRACK_FORMATS: readonly TrackFormat[] = [
  {
    name: "netcdf",
    label: "CF trajectory NetCDF",
    sniff: (head) => netcdfContainer(head) !== null,
    read: readNetcdfTrack,
  },
  {
    name: "gpx",
    label: "GPX",
    sniff: (head) => /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<gpx[\s>]/.test(text(head)),
    read: async (file) => readGpxTrack(file, await readText(file)),
  },
  {
    name: "geojson",
    label: "GeoJSON",
    sniff: (head) => text(head).startsWith("{"),
    read: async (file) => readGeojsonTrack(file, await readText(file)),
  },
  {
    name: "csv",
    label: "CSV",
    sniff: () => true,
    read: async (file) => readCsvTrack(file, await readText(file)),
  },
];

/** The tracks of one observation file, whichever format it is. */
export async function readTracks(file: string): Promise<ObservedTrack[]> {
  let head: Uint8Array;
  try {
    const h = await open(file, "r");
    try {
      const buf = new Uint8Array(HEAD_BYTES);
      const { bytesRead } = await h.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await h.close();
    }
  } catch (e) {
    throw new TrackError(
      file,
      `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const format = TRACK_FORMATS.find((f) => f.sniff(head))!;
  return format.read(file);
}
