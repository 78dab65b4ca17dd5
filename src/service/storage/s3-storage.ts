// The ObjectStorage port on S3-compatible services (MinIO, AWS S3, …): path-style, SigV4, region from env,
// buckets created on demand.

import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { ObjectStorage } from "../ports.js";

export interface S3StorageOptions {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  /** SDK attempts per request (its own retry with backoff); default 3. */
  maxAttempts?: number;
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return statusOf(err) === 404 || name === "NotFound" || name === "NoSuchKey" || name === "NoSuchBucket";
}

export class S3Storage implements ObjectStorage {
  readonly client: S3Client;
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(options: S3StorageOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: options.maxAttempts ?? 3,
      // MinIO releases and other S3 look-alikes predate the SDK's default CRC32 trailers.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000 },
    });
  }

  ensureBucket(bucket: string): Promise<void> {
    let pending = this.ensured.get(bucket);
    if (!pending) {
      pending = this.createIfMissing(bucket);
      this.ensured.set(bucket, pending);
      // Forget failures so that the next call tries again (the service may be coming back).
      pending.catch(() => this.ensured.delete(bucket));
    }
    return pending;
  }

  private async createIfMissing(bucket: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      // Another worker created it in between.
      if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists" && statusOf(err) !== 409)
        throw err;
    }
  }

  async put(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.ensureBucket(bucket);
    await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.byteLength,
      }),
    );
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!r.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
    return await r.Body.transformToByteArray();
  }

  async openRead(bucket: string, key: string): Promise<{ body: Readable; size?: number }> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!(r.Body instanceof Readable)) throw new Error(`s3://${bucket}/${key}: no response stream`);
    return { body: r.Body, size: r.ContentLength };
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Keys under a prefix; an absent bucket lists as empty. */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return keys;
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  uri(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
  }

  close(): void {
    this.client.destroy();
  }
}
