// An object store (S3 or local files): the products bucket of the service, and the bucket of shared
// forcing files. Declared here, below forcing and the service, so both can take one without an upward
// import; the adapters live in src/service/storage and src/service/embedded.

import type { Readable } from "node:stream";

export interface ObjectStorage {
  /** Creates the bucket if it does not exist. */
  ensureBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(bucket: string, key: string): Promise<Uint8Array>;
  /**
   * The object as a stream, for large objects that must not be held whole in memory (downloads). Optional:
   * a store without it is read with get().
   */
  openRead?(bucket: string, key: string): Promise<{ body: Readable; size?: number }>;
  exists(bucket: string, key: string): Promise<boolean>;
  list(bucket: string, prefix: string): Promise<string[]>;
  delete(bucket: string, key: string): Promise<void>;
  /** `s3://bucket/key` for S3, a `file://` URI for local storage. */
  uri(bucket: string, key: string): string;
}
