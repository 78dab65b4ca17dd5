// Redis connections that ride out outages: reconnect forever with capped backoff, and hold commands
// while disconnected instead of failing them (so a job in progress simply waits for Redis to return).
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { redactUrl } from "../config.js";

export function connectRedis(url: string, options: { name: string; log?: Logger }): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) =>
      Math.min(5000, 100 * 2 ** Math.min(times, 10)) + Math.floor(Math.random() * 100),
    // A failover leaves us on a replica: reconnect to find the new primary.
    reconnectOnError: (err) => err.message.startsWith("READONLY"),
  });
  let down = false;
  redis.on("error", (err: Error) => {
    if (!down)
      options.log?.warn({ err: err.message, redis: redactUrl(url) }, "redis connection error; reconnecting");
    down = true;
  });
  redis.on("ready", () => {
    if (down) options.log?.info({ redis: redactUrl(url) }, "redis connection restored");
    down = false;
  });
  return redis;
}
