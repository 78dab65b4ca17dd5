// A single progress line on a terminal (redrawn in place), or plain lines every 10 % when not a TTY.
import type { WriteStream } from "node:tty";

export class ProgressLine {
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream | WriteStream) {}

  update(fraction: number, message: string): void {
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      this.out.write(
        `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(pct).padStart(3)} % ${elapsed} s ${message}\x1b[K`,
      );
      return;
    }
    const decile = Math.floor(pct / 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${String(pct).padStart(3)} % ${elapsed} s ${message}\n`);
    }
  }

  clear(): void {
    if (this.out.isTTY) this.out.write("\r\x1b[K");
  }
}
