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
export function authHeaders() {
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
 * Reads a Server-Sent Events stream with fetch (which, unlike EventSource, can send the API key), calling
 * onEvent(name, data) for each event; resolves when the stream ends.
 * @param {string} path
 * @param {(event: string, data: string) => void} onEvent
 * @param {AbortSignal} signal
 */
async function readEventStream(path, onEvent, signal) {
  const response = await fetch(path, { headers: { accept: "text/event-stream", ...authHeaders() }, signal });
  if (!response.ok || !response.body) throw new ApiError(response.status, `events: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      /** @type {string[]} */
      const data = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) onEvent(event, data.join("\n"));
    }
  }
}

/**
 * Follows a mission's status by Server-Sent Events (EventSource without a key; a fetch stream with one,
 * since EventSource cannot send headers); falls back to polling every 2 s if the stream fails.
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
  const path = `/api/v1/missions/${id}/events`;
  if (key || typeof EventSource === "undefined") {
    const controller = new AbortController();
    let ended = false;
    readEventStream(
      path,
      (event, data) => {
        if (event === "deleted") ended = true;
        if (event !== "status") return;
        const status = JSON.parse(data);
        onStatus(status);
        if (done(status)) ended = true;
      },
      controller.signal,
    )
      .catch(() => undefined)
      .then(() => {
        // The server ends the stream when the mission ends; otherwise it broke off: poll from here.
        if (!ended && !stopped) poll();
      });
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }
  const source = new EventSource(path);
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
