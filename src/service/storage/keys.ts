// Object keys of a mission's products, per the platform contract. Keys are built only from validated UUIDs
// and the fixed product file names, so no job content can steer a key (no traversal, no other prefix).
import { PRODUCT_FILES, type ProductName, productOfFile } from "../../products/registry.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: unknown): text is string {
  return typeof text === "string" && UUID.test(text);
}

/** The contract's keys: particles.nc under raw/, every other product beside it under the mission's prefix. */
export function productKey(missionId: string, product: ProductName): string {
  if (!isUuid(missionId))
    throw new Error(`mission id ${JSON.stringify(missionId)} is not a UUID; refusing to build an object key`);
  const id = missionId.toLowerCase();
  const file = PRODUCT_FILES[product];
  if (!file) throw new Error(`unknown product ${JSON.stringify(product)}`);
  return product === "netcdf" ? `${id}/raw/${file}` : `${id}/${file}`;
}

/** The product registry's content type for a product's file (a path or a name), else octet-stream. */
export function contentTypeFor(fileName: string): string {
  return productOfFile(fileName)?.contentType ?? "application/octet-stream";
}
