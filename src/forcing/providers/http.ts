// HTTP GET for forcing downloads: a timeout per try (global fetch + AbortSignal), retries with exponential
// backoff for what can heal (timeouts, dropped connections, truncated bodies, 5xx, 429, content that fails
// its check), none for what cannot (404, 401/403, other 4xx). URLs in errors never carry credentials.

export interface HttpOptions {
  /** Per try, for the whole response including the body. */
  timeoutMs: number;
  /** Tries in total (≥ 1). */
  attempts: number;
  /** First backoff delay; doubles after each failed try (with ±25 % jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_HTTP: HttpOptions = {
  timeoutMs: 60_000,
  attempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** HTTP options from the environment: FORCING_HTTP_TIMEOUT_SECONDS, FORCING_HTTP_ATTEMPTS. */
export function httpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpOptions {
  const num = (name: string, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const v = Number(text);
    if (!Number.isFinite(v) || v < min) throw new Error(`${name}=${text}: expected a number ≥ ${min}`);
    return v;
  };
  const timeout = num("FORCING_HTTP_TIMEOUT_SECONDS", 0.001);
  const attempts = num("FORCING_HTTP_ATTEMPTS", 1);
  return {
    ...DEFAULT_HTTP,
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(attempts !== undefined ? { attempts: Math.floor(attempts) } : {}),
  };
}

export type HttpFailure = "status" | "timeout" | "network" | "truncated" | "invalid" | "unavailable";

export class HttpError extends Error {
  /** The URL without credentials. */
  readonly url: string;
  readonly status: number | undefined;
  readonly failure: HttpFailure;
  readonly retryable: boolean;
  /** Tries made before giving up. */
  tries = 1;
  constructor(url: string, failure: HttpFailure, message: string, status?: number) {
    super(message);
    this.name = "HttpError";
    this.url = redactUrl(url);
    this.status = status;
    this.failure = failure;
    this.retryable =
      failure === "timeout" ||
      failure === "network" ||
      failure === "truncated" ||
      failure === "invalid" ||
      (failure === "status" && status !== undefined && (status >= 500 || status === 408 || status === 429));
  }
  /** 404/410 or a service saying the file is not there (yet): try an older run. */
  get notFound(): boolean {
    return this.failure === "unavailable" || this.status === 404 || this.status === 410;
  }
}

const SECRET_PARAMS =
  /^(password|passwd|pwd|token|access_token|api[-_]?key|key|secret|x-cop-user|user(name)?)$/i;

/** The URL with user:password@ and secret-looking query values replaced by "***". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "";
      u.password = "";
    }
    for (const name of [...u.searchParams.keys()])
      if (SECRET_PARAMS.test(name)) u.searchParams.set(name, "***");
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
}

export interface GetOptions {
  headers?: Record<string, string>;
  /** e.g. "bytes=0-99": the server must answer 206 with exactly those bytes. */
  range?: { start: number; end?: number };
  /** Throws (an HttpError, or any Error = invalid content, retried) when the body is not what was asked for. */
  check?: (bytes: Uint8Array, response: Response) => void;
  method?: "GET" | "POST";
  body?: string;
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function statusText(status: number): string {
  if (status === 401 || status === 403) return `HTTP ${status} (credentials missing or rejected)`;
  if (status === 404) return "HTTP 404 (not found)";
  if (status === 429) return "HTTP 429 (rate limited)";
  if (status >= 500) return `HTTP ${status} (service error)`;
  return `HTTP ${status}`;
}

async function tryOnce(url: string, opts: GetOptions, http: HttpOptions): Promise<Uint8Array> {
  const headers: Record<string, string> = { "user-agent": "driftline-forcing", ...(opts.headers ?? {}) };
  if (opts.range) headers.range = `bytes=${opts.range.start}-${opts.range.end ?? ""}`;
  const timeout = AbortSignal.timeout(http.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const seconds = `${+(http.timeoutMs / 1000).toPrecision(3)} s`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body,
      signal,
      redirect: "follow",
    });
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted) throw new HttpError(url, "timeout", `no answer within ${seconds}`);
    throw new HttpError(url, "network", `connection failed: ${causeText(e)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted)
      throw new HttpError(url, "timeout", `download not finished within ${seconds}`, response.status);
    throw new HttpError(url, "truncated", `download cut off: ${causeText(e)}`, response.status);
  }
  if (!response.ok) {
    const text = new TextDecoder()
      .decode(bytes.subarray(0, 300))
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    throw new HttpError(
      url,
      "status",
      `${statusText(response.status)}${text ? `: ${text.slice(0, 160)}` : ""}`,
      response.status,
    );
  }
  const length = response.headers.get("content-length");
  if (length !== null && !response.headers.get("content-encoding") && Number(length) !== bytes.length) {
    throw new HttpError(
      url,
      "truncated",
      `download cut off: ${bytes.length} of ${length} bytes`,
      response.status,
    );
  }
  if (opts.range) {
    const want = opts.range.end !== undefined ? opts.range.end - opts.range.start + 1 : undefined;
    if (response.status !== 206) {
      throw new HttpError(
        url,
        "invalid",
        `asked for bytes ${headers.range.slice(6)} but the server sent the whole file (HTTP ${response.status})`,
        response.status,
      );
    }
    if (want !== undefined && bytes.length !== want) {
      throw new HttpError(
        url,
        "truncated",
        `byte range cut off: ${bytes.length} of ${want} bytes`,
        response.status,
      );
    }
  }
  if (opts.check) {
    try {
      opts.check(bytes, response);
    } catch (e) {
      if (e instanceof HttpError) throw e.url ? e : new HttpError(url, e.failure, e.message, response.status);
      throw new HttpError(url, "invalid", `unusable content: ${(e as Error).message}`, response.status);
    }
  }
  return bytes;
}

function causeText(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/**
 * GET (or POST) with retries. Throws the last HttpError (with `tries` set) when every try failed or the
 * failure cannot heal.
 */
export async function httpGet(url: string, http: HttpOptions, opts: GetOptions = {}): Promise<Uint8Array> {
  let delay = http.baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryOnce(url, opts, http);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      e.tries = attempt;
      if (!e.retryable || attempt >= http.attempts) throw e;
      await sleep(Math.min(http.maxDelayMs, delay) * (0.75 + Math.random() * 0.5), opts.signal);
      delay *= 2;
    }
  }
}

/** "HTTP 503 (service error) after 3 tries" style text of any error from httpGet. */
export function failureText(e: unknown): string {
  if (e instanceof HttpError) return `${e.message}${e.tries > 1 ? ` (after ${e.tries} tries)` : ""}`;
  return (e as Error).message ?? String(e);
}
