// Who calls the API: the owner of the API key presented as `Authorization: Bearer <key>` (or `X-API-Key`),
// or, in open mode (embedded, bound to localhost), the local user without a key. The keys themselves are
// stored by db/api-keys.ts.

export type AuthMode = "open" | "required";

export interface Caller {
  userId: string;
  /** Open mode: the local user sees every mission on this machine (also those enqueued by the CLI). */
  seesAll: boolean;
}

/** The bearer token or X-API-Key header of a request, if any. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === "string") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  const apiKey = headers["x-api-key"];
  return typeof apiKey === "string" && apiKey.trim() !== "" ? apiKey.trim() : undefined;
}
