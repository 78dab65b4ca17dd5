// Live status for GET /missions/:id/events (Server-Sent Events): one database poll a second for every open
// stream together (one query for all watched missions), and a cap on the streams one user holds open, so
// that a client opening hundreds of streams neither multiplies the database load nor holds sockets forever.
import type { Database } from "../ports.js";

type Row = Record<string, unknown>;

interface Watcher {
  userId: string;
  onRow(row: Row | undefined): void;
  onError(message: string): void;
}

export class MissionEvents {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly perUser = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly db: Database,
    readonly maxPerUser: number,
    private readonly everyMs = 1000,
  ) {}

  /**
   * Watches mission `id` for a stream of `userId`: onRow gets its row after each poll (undefined once it is
   * deleted). Returns the function that ends the watch, or null when the user has maxPerUser streams open.
   */
  watch(
    userId: string,
    id: string,
    onRow: (row: Row | undefined) => void,
    onError: (message: string) => void,
  ): (() => void) | null {
    const open = this.perUser.get(userId) ?? 0;
    if (open >= this.maxPerUser) return null;
    this.perUser.set(userId, open + 1);
    const watcher: Watcher = { userId, onRow, onError };
    let set = this.watchers.get(id);
    if (!set) {
      set = new Set();
      this.watchers.set(id, set);
    }
    set.add(watcher);
    this.schedule();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const s = this.watchers.get(id);
      s?.delete(watcher);
      if (s?.size === 0) this.watchers.delete(id);
      const n = (this.perUser.get(userId) ?? 1) - 1;
      if (n <= 0) this.perUser.delete(userId);
      else this.perUser.set(userId, n);
    };
  }

  /** Streams open in all (for tests and /health). */
  get size(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }

  private schedule(): void {
    if (this.timer || this.polling || this.watchers.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.everyMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const ids = [...this.watchers.keys()];
    if (ids.length === 0) return;
    this.polling = true;
    try {
      const { rows } = await this.db.query<Row>("SELECT * FROM missions WHERE id::text = ANY($1::text[])", [
        ids,
      ]);
      const byId = new Map(rows.map((r) => [String(r.id), r]));
      for (const id of ids) {
        for (const w of [...(this.watchers.get(id) ?? [])]) w.onRow(byId.get(id));
      }
    } catch {
      // The reason goes nowhere near the client (it may name hosts or tables); the next poll tries again.
      const message = "cannot read the mission's status just now; trying again";
      for (const set of this.watchers.values()) for (const w of [...set]) w.onError(message);
    } finally {
      this.polling = false;
      this.schedule();
    }
  }
}
