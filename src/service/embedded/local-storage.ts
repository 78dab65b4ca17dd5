// Object storage in a local directory: <root>/<bucket>/<key>. Stands in for S3 when no S3_ENDPOINT is set,
// with the same bucket and key layout, so products land in ./data/products/driftline-results/<mission>/….
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { ObjectStorage } from "../ports.js";

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class LocalStorage implements ObjectStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async ensureBucket(bucket: string): Promise<void> {
    await mkdir(this.bucketDir(bucket), { recursive: true });
  }

  async put(bucket: string, key: string, body: Uint8Array, _contentType: string): Promise<void> {
    const file = this.fileOf(bucket, key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half a file, even if the process dies mid-write.
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    await writeFile(partial, body);
    await rename(partial, file);
  }

  async openRead(bucket: string, key: string): Promise<{ body: Readable; size: number }> {
    const file = this.fileOf(bucket, key);
    // Opened before it is returned: a missing file is an error here, not on the stream later.
    const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? new ObjectNotFoundError(bucket, key) : error;
    });
    const { size } = await handle.stat();
    return { body: handle.createReadStream(), size };
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    const file = this.fileOf(bucket, key);
    try {
      return new Uint8Array(await readFile(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new ObjectNotFoundError(bucket, key);
      }
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      return (await stat(this.fileOf(bucket, key))).isFile();
    } catch {
      return false;
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    const base = this.bucketDir(bucket);
    const keys: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const key = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          // Only descend where the prefix can still match.
          if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix))
            await walk(path.join(dir, entry.name), key);
        } else if (entry.isFile() && key.startsWith(prefix) && !key.endsWith(".partial")) {
          keys.push(key);
        }
      }
    };
    await walk(base, "");
    return keys.sort();
  }

  async delete(bucket: string, key: string): Promise<void> {
    await rm(this.fileOf(bucket, key), { force: true });
  }

  uri(bucket: string, key: string): string {
    return pathToFileURL(this.fileOf(bucket, key)).href;
  }

  /** Absolute path of an object (for streaming it from disk). */
  pathOf(bucket: string, key: string): string {
    return this.fileOf(bucket, key);
  }

  private bucketDir(bucket: string): string {
    if (!BUCKET_NAME.test(bucket)) {
      throw new Error(
        `bucket name ${JSON.stringify(bucket)}: use 3-63 lower-case letters, digits, '.' or '-'`,
      );
    }
    return path.join(this.root, bucket);
  }

  private fileOf(bucket: string, key: string): string {
    const parts = key.split("/");
    if (key === "" || key.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
      throw new Error(
        `object key ${JSON.stringify(key)}: use relative names separated by '/', without '.' or '..'`,
      );
    }
    return path.join(this.bucketDir(bucket), ...parts);
  }
}

export class ObjectNotFoundError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`object ${bucket}/${key} does not exist`);
    this.name = "ObjectNotFoundError";
  }
}
