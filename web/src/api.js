// Talking to the Driftline API: JSON in and out, errors as ApiError with the field details, an optional
// API key (kept in this browser's localStorage) for servers that require one.

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{ field: string, message: string }[]} [details]
   */
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details ?? [];
  }
}

const KEY_STORAGE = "driftline.apiKey";

export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? "";
  } catch {
    return "";
  }
}

/** @param {string} key */
export function setApiKey(key) {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // private mode: the key lasts for this page only
  }
}

/** @returns {Record<string, string>} */
function authHeaders() {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/**
 * @param {string} path  e.g. "/api/v1/missions"
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json", ...authHeaders() };
  /** @type {RequestInit} */
  const init = { method: options.method ?? "GET", headers, signal: options.signal };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `cannot reach the Driftline server (${/** @type {Error} */ (error).message})`);
  }
  const text = await response.text();
  /** @type {any} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.error ?? `${response.status} ${response.statusText}`,
      json?.details,
    );
  }
  return json;
}

/**
 * Follows a mission's status by Server-Sent Events; falls back to polling every 2 s if the stream fails.
 * @param {string} id
 * @param {(status: any) => void} onStatus
 * @returns {() => void} stop
 */
export function followMission(id, onStatus) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const key = apiKey();
  const done = (/** @type {any} */ s) => s.status === "completed" || s.status === "failed";
  const poll = async () => {
    if (stopped) return;
    try {
      const { data } = await api(`/api/v1/missions/${id}/status`);
      onStatus(data);
      if (done(data)) return;
    } catch {
      // keep trying: the server may be restarting
    }
    timer = setTimeout(poll, 2000);
  };
  // EventSource cannot send headers: with an API key, poll instead.
  if (key || typeof EventSource === "undefined") {
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
  const source = new EventSource(`/api/v1/missions/${id}/events`);
  source.addEventListener("status", (event) => {
    const status = JSON.parse(/** @type {MessageEvent} */ (event).data);
    onStatus(status);
    if (done(status)) source.close();
  });
  source.addEventListener("deleted", () => source.close());
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED && !stopped) {
      source.close();
      poll();
    }
  };
  return () => {
    stopped = true;
    source.close();
    clearTimeout(timer);
  };
}
