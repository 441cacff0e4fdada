/**
 * Typed arrays in shared memory (a SharedArrayBuffer): a worker thread given one reads and writes the same memory,
 * nothing copied. The road searches' graph (CSR offsets and targets, each mode's edge minutes) and the fields' labels
 * are made so, for the searches that run in a worker (road-search.pool.ts); on one thread they behave as any array.
 */
export function sharedFloat64Array(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function sharedInt32Array(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

export function sharedUint32Array(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * Uint32Array.BYTES_PER_ELEMENT));
}

/** Whether the array's memory is shared (a worker thread can be handed it without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}
