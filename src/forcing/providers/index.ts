// Live forcing: the wind and current a mission needs, fetched from the services that publish them and kept
// in the forcing catalog (docs/forcing-providers.md).
//   gfs.ts         NOAA GFS 0.25° 10 m wind (NOMADS grib filter, or .idx byte ranges of the pgrb2 files)
//   copernicus.ts  Copernicus Marine global physics surface currents (ARCO Zarr through zarrita)
//   thredds.ts     any THREDDS dataset through the NetCDF Subset Service (NorKyst800, MEPS, RTOFS …)
//   config.ts      which providers, from the environment or a JSON list
//   fetch.ts       fetchForcingFor(window): choice, cache, locks, checks, provenance, failures
//   prefetch.ts    the worker's schedule and retention
//   cache.ts, lock.ts, http.ts, lonlat-netcdf.ts: the parts they share
export { type CacheManifest, dataTypeOf, pruneFetched } from "./cache.js";
export {
  GFS_BUCKET_DEFAULT,
  GFS_NOMADS_DEFAULT,
  type ProviderConfig,
  providersFromConfig,
  providersFromEnv,
  readProvidersConfig,
  selectProviders,
} from "./config.js";
export { CMEMS_DEFAULTS, CopernicusMarineProvider, type CopernicusOptions } from "./copernicus.js";
export {
  type FetchForcingOptions,
  FetchState,
  type ForcingFetchResult,
  fetchForcingFor,
  requestWindow,
} from "./fetch.js";
export { type GfsOptions, GfsProvider } from "./gfs.js";
export { DEFAULT_HTTP, HttpError, type HttpOptions, httpOptionsFromEnv, redactUrl } from "./http.js";
export { KeyedLocks } from "./lock.js";
export {
  type PrefetchArea,
  type PrefetchSchedule,
  type PrefetchScheduleOptions,
  parseArea,
  prefetchOptionsFromEnv,
  prefetchWindow,
  startPrefetchSchedule,
} from "./prefetch.js";
export { ThreddsNcssProvider, type ThreddsOptions } from "./thredds.js";
export {
  type FetchAttempt,
  type FetchedForcing,
  ForcingFetchError,
  type ForcingProvider,
  provenanceRecord,
  type RunChoice,
} from "./types.js";
