/**
 * A binary max-heap of (id, key), ties broken by the smaller id, so that every greedy choice is reproducible.
 * Written here rather than taken from a package: the lazy greedy needs to read every key in place (its bounds
 * are sums of the largest keys), which the small heap packages do not expose.
 */
export class MaxHeap {
  private ids: number[] = [];
  private keyValues: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Every key now held, in heap order (not sorted). */
  get keys(): readonly number[] {
    return this.keyValues;
  }

  get topId(): number {
    if (this.ids.length === 0) throw new Error('MaxHeap.topId: the heap is empty');
    return this.ids[0]!;
  }

  get topKey(): number {
    if (this.ids.length === 0) throw new Error('MaxHeap.topKey: the heap is empty');
    return this.keyValues[0]!;
  }

  push(id: number, key: number): void {
    this.ids.push(id);
    this.keyValues.push(key);
    this.up(this.ids.length - 1);
  }

  pop(): { id: number; key: number } {
    if (this.ids.length === 0) throw new Error('MaxHeap.pop: the heap is empty');
    const top = { id: this.ids[0]!, key: this.keyValues[0]! };
    const lastId = this.ids.pop()!;
    const lastKey = this.keyValues.pop()!;
    if (this.ids.length > 0) {
      this.ids[0] = lastId;
      this.keyValues[0] = lastKey;
      this.down(0);
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.keyValues[i]!;
    const b = this.keyValues[j]!;
    return a > b || (a === b && this.ids[i]! < this.ids[j]!);
  }

  private swap(i: number, j: number): void {
    [this.ids[i], this.ids[j]] = [this.ids[j]!, this.ids[i]!];
    [this.keyValues[i], this.keyValues[j]] = [this.keyValues[j]!, this.keyValues[i]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
