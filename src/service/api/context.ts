// What every route needs: the three services, the configuration and the caller of the request.
import type { FastifyRequest } from "fastify";
import type { Database, JobQueue, ObjectStorage } from "../ports.js";
import type { Admission, AdmissionLimits } from "./admission.js";
import type { AuthMode, Caller } from "./auth.js";
import type { LandAnswer } from "./coastline-thread.js";
import type { MissionEvents } from "./mission-events.js";

export interface ApiConfig {
  /** Bucket of the products (contract: driftline-results). */
  bucket: string;
  auth: AuthMode;
  /** The address the server listens on: open mode answers only to loopback names and this one. */
  bindHost?: string;
  /** Forcing directory whose coverage GET /forcing/coverage reports. */
  forcingDir?: string;
  /** Directory of the web page (index.html …); no page when undefined. */
  webDir?: string;
  /** Largest accepted request body in bytes (default 1 MB). */
  bodyLimitBytes?: number;
  version: string;
  /** What a key may queue (admission.ts); DEFAULT_LIMITS for what is not given. */
  limits?: Partial<AdmissionLimits>;
  /** Describes the running mode for /health and the page ("embedded: PGlite, local queue, local files"). */
  modeText?: string;
}

/** Area and time one forcing source covers, for GET /forcing/coverage and the page. */
export interface ForcingCoverage {
  name: string;
  variables: ("wind" | "current")[];
  west: number;
  east: number;
  south: number;
  north: number;
  /** RFC 3339. */
  start: string;
  end: string;
  [key: string]: unknown;
}

export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface ApiDeps {
  db: Database;
  queue: JobQueue;
  storage: ObjectStorage;
  config: ApiConfig;
  /** Land polygons for the page's offline basemap (GeoJSON FeatureCollection); empty when absent. */
  coastline?: ((bbox: BBox, zoom: number) => Promise<unknown>) & {
    /** Whether a point is on land by the land mask a run uses, and where it would move; null when unknown. */
    land?(lat: number, lon: number): Promise<LandAnswer | null>;
    /** Which [lon, lat] points are on land by that mask (the admission's release sample); null when unknown. */
    onLand?(points: [number, number][]): Promise<boolean[] | null>;
  };
  /** What the configured forcing covers, and where wind and current overlap; empty when absent. */
  forcingCoverage?: { files(): Promise<ForcingCoverage[]>; overlaps(): Promise<unknown[]> };
  /** Fastify logger options; false (default) keeps the API quiet. */
  logger?: boolean | Record<string, unknown>;
}

export interface ApiContext extends ApiDeps {
  /** The user that open mode acts as. */
  localUserId: string;
  admission: Admission;
  events: MissionEvents;
}

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller;
  }
}

export function callerOf(request: FastifyRequest): Caller {
  return request.caller;
}
