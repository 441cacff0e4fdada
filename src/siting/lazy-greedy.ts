import { MaxHeap } from './max-heap';

export interface LazyGreedyStep {
  readonly candidate: number;
  /** Its marginal gain when taken. */
  readonly gain: number;
}

export interface LazyGreedySpec {
  /** The candidates to choose from. */
  readonly candidates: readonly number[];
  /** Marginal gain of a candidate given everything taken so far (>= 0). */
  gain(candidate: number): number;
  take(candidate: number): void;
  /** Asked before each step with the number taken so far: true stops. */
  done(taken: number): boolean;
  /**
   * Called before each step with the heap: every key is an upper bound on its candidate's marginal gain given
   * what is taken now, and the top key is exact (and the largest gain). The solvers sum the largest keys for
   * their bounds.
   */
  beforeTake?(heap: MaxHeap, taken: number): void;
}

/**
 * Greedy with lazy marginal gains (CELF, Leskovec et al. 2007): a candidate's gain can only shrink as others are
 * taken (the objectives here are submodular), so a gain computed earlier is an upper bound; the candidate on top
 * of the heap is re-evaluated, and taken when its fresh gain still tops every other, possibly stale, bound.
 * Chooses exactly what plain greedy would (the largest gain, ties to the smaller index) with far fewer
 * evaluations.
 */
export function lazyGreedy(spec: LazyGreedySpec): LazyGreedyStep[] {
  const heap = new MaxHeap();
  // The step at which each candidate's key was computed; fresh when it equals the number taken.
  const stamp = new Map<number, number>();
  for (const c of spec.candidates) {
    heap.push(c, spec.gain(c));
    stamp.set(c, 0);
  }
  const steps: LazyGreedyStep[] = [];
  while (heap.size > 0 && !spec.done(steps.length)) {
    while (stamp.get(heap.topId) !== steps.length) {
      const { id } = heap.pop();
      heap.push(id, spec.gain(id));
      stamp.set(id, steps.length);
    }
    spec.beforeTake?.(heap, steps.length);
    const { id, key } = heap.pop();
    spec.take(id);
    steps.push({ candidate: id, gain: key });
  }
  return steps;
}
