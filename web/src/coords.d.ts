// Types of coords.js for the TypeScript tests (the page itself is plain JavaScript checked with JSDoc).
export function parseCoordinate(text: string, axis: "lat" | "lon"): { value: number } | { error: string };
export function formatDegreesMinutes(value: number, axis: "lat" | "lon", decimals?: number): string;
export function formatPosition(lat: number, lon: number): string;
export function formatDecimal(lat: number, lon: number): string;
