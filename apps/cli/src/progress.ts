/**
 * Progress of a long job on stderr: a bar redrawn in place on a terminal, a JSON line every
 * few seconds otherwise (CI logs, pipes), so output stays parseable.
 */
export class Progress {
  private lastDraw = 0;
  private lastDone = -1;
  private readonly startedAt = Date.now();

  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, extra = ''): void {
    const now = Date.now();
    const interactive = this.stream.isTTY === true;
    if (now - this.lastDraw < (interactive ? 100 : 5_000) && done < total) return;
    // The end is drawn once, however many parts of the job report it (a rebuild: each projection).
    if (done >= total && done === this.lastDone) return;
    this.lastDraw = now;
    this.lastDone = done;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const rate = Math.round((done * 1000) / Math.max(1, now - this.startedAt));
    if (interactive) {
      const width = 30;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1)}% ${done}/${total} ${rate}/s ${extra}`);
    } else {
      this.stream.write(`${JSON.stringify({ progress: this.label, done, total, percent: Number((fraction * 100).toFixed(1)), perSecond: rate, ...(extra && { note: extra }) })}\n`);
    }
  }

  finish(message: string): void {
    if (this.stream.isTTY) this.stream.write('\n');
    this.stream.write(`${message}\n`);
  }
}
