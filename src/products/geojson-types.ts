// Minimal RFC 7946 geometry types (we only write these; no dependency needed).
export type Position = [number, number];
export interface Point {
  type: "Point";
  coordinates: Position;
}
export interface LineString {
  type: "LineString";
  coordinates: Position[];
}
export interface Polygon {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygon {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export type Geometry = Point | LineString | Polygon | MultiPolygon;
export interface Feature<G extends Geometry = Geometry> {
  type: "Feature";
  geometry: G;
  properties: Record<string, unknown>;
}
export interface FeatureCollection<G extends Geometry = Geometry> {
  type: "FeatureCollection";
  features: Feature<G>[];
}
