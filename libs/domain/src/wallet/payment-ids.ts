/**
 * The payment ids a wallet has been credited for: an immutable set whose `with` is O(1) on the
 * usual path (folding a stream forward), so loading a wallet with many purchases stays linear.
 * States share one index; a state sees only the entries added before it (index < size).
 */
export class PaymentIds implements Iterable<string> {
  private constructor(
    private readonly index: Map<string, number>,
    readonly size: number,
  ) {}

  static empty(): PaymentIds {
    return new PaymentIds(new Map(), 0);
  }

  has(paymentId: string): boolean {
    const at = this.index.get(paymentId);
    return at !== undefined && at < this.size;
  }

  with(paymentId: string): PaymentIds {
    if (this.has(paymentId)) return this;
    // This is the newest state of the shared index: extending it cannot change what older states see.
    if (this.index.size === this.size) {
      this.index.set(paymentId, this.size);
      return new PaymentIds(this.index, this.size + 1);
    }
    // Branching from an older state: copy what it sees so the newer states stay untouched.
    const copy = new Map([...this.index].filter(([, at]) => at < this.size));
    copy.set(paymentId, this.size);
    return new PaymentIds(copy, this.size + 1);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const [paymentId, at] of this.index) if (at < this.size) yield paymentId;
  }
}
