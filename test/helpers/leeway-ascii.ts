// Parses the original Leeway ASCII format (OpenDrift's export_ascii) into blocks per output time.
import { readFileSync } from "node:fs";

export interface AsciiBlock {
  time: string;
  nowSeeded: number;
  seededSoFar: number;
  particles: { id: number; lon: number; lat: number; state: number; age: number; orientation: number }[];
}

export function parseLeewayAscii(path: string): AsciiBlock[] {
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  const blocks: AsciiBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("# Date [UTC]:")) continue;
    const time = lines[i + 2].trim().replace("\t", "T");
    const [, , nowSeeded, seededSoFar] = lines[i + 5].trim().split(/\s+/).map(Number);
    const particles: AsciiBlock["particles"] = [];
    let j = i + 11;
    while (j < lines.length && /^\d/.test(lines[j])) {
      const [id, lon, lat, state, age, orientation] = lines[j].trim().split(/\s+/).map(Number);
      particles.push({ id, lon, lat, state, age, orientation });
      j++;
    }
    blocks.push({ time, nowSeeded, seededSoFar, particles });
  }
  return blocks;
}
