// The actions ready to start, highest priority first (ties: the highest `then`, then the lowest
// index, i.e. graph order). A binary heap, so picking the next action stays O(log n) in projects of
// thousands of models.
export class ReadyQueue {
  private readonly heap: number[] = [];

  constructor(
    private readonly priority: number[],
    private readonly then: number[] = [],
  ) {}

  get size(): number {
    return this.heap.length;
  }

  push(i: number): void {
    const heap = this.heap;
    heap.push(i);
    for (let at = heap.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (!this.before(heap[at], heap[parent])) break;
      [heap[at], heap[parent]] = [heap[parent], heap[at]];
      at = parent;
    }
  }

  pop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    heap[0] = last;
    for (let at = 0; ; ) {
      const [left, right] = [2 * at + 1, 2 * at + 2];
      let first = at;
      if (left < heap.length && this.before(heap[left], heap[first])) first = left;
      if (right < heap.length && this.before(heap[right], heap[first])) first = right;
      if (first === at) return top;
      [heap[at], heap[first]] = [heap[first], heap[at]];
      at = first;
    }
  }

  /** Whether action `a` starts before action `b`. */
  private before(a: number, b: number): boolean {
    if (this.priority[a] !== this.priority[b]) return this.priority[a] > this.priority[b];
    const [thenA, thenB] = [this.then[a] ?? 0, this.then[b] ?? 0];
    return thenA !== thenB ? thenA > thenB : a < b;
  }
}
