// A forcing file format: how a file of it is recognised, described and opened. Each format is one
// ForcingFormat (netcdf-format.ts, grib-source.ts) and one row of FORCING_FORMATS (formats.ts); nothing
// else in the code asks which format a file is.
import type { Compatibility, ForcingSource } from "../core/types.js";
import type { LonLatBox } from "./area.js";
import type { VectorKind } from "./discover.js";

export interface ForcingFormat {
  /** How descriptions and errors name files of this format ("NetCDF file (…)", "GRIB2 file"). */
  label: string;
  /** True when a file's first bytes (up to FORMAT_HEAD_BYTES) are this format. */
  sniff(head: Uint8Array): boolean;
  /** What a file holds, from its headers and coordinates; throws ForcingFileError when unreadable. */
  describe(path: string, size: number): Promise<FileDescription>;
  /**
   * Sources for files of this format, in the order given; files on one grid form one time series.
   * `skipBad` drops unusable files instead of throwing (catalog use).
   */
  /** `compatibility` "opendrift": read as OpenDrift does where its readers deviate (ROMS grids). */
  open(
    paths: string[],
    kind: VectorKind,
    skipBad: boolean,
    compatibility?: Compatibility,
  ): Promise<ForcingSource[]>;
}

/** How many leading bytes a format's sniff may look at. */
export const FORMAT_HEAD_BYTES = 8192 + 8;

export interface VectorDescription {
  kind: VectorKind;
  u: string;
  v: string;
  standardNames: [string, string];
  gridRelative: boolean;
  stagger: "none" | "roms";
  /** "time×depth×Y×X" */
  dims: string;
  level?: string;
  grid: string;
  projection?: string;
  projectionSource?: string;
  area: LonLatBox;
  /** The grid's outline in lon/lat (closed ring) when its box is not its shape (projected, curvilinear). */
  outline?: [number, number][];
  timeStart: number;
  timeEnd: number;
  timeSteps: number;
  /** Seconds between fields when constant. */
  timeStepSeconds?: number;
  /** Typical grid spacing in metres (to prefer finer models). */
  resolutionM: number;
  /** Equal for files that can be joined along time. */
  signature: string;
}

export interface FileDescription {
  path: string;
  size: number;
  format: string;
  title: string;
  vectors: VectorDescription[];
  /** Why wind or current is not there (for inspect). */
  notes: string[];
  /** Every variable: "name(dims) standard_name". */
  variables: string[];
}
