/**
 * The k-th largest value (1-based) of `values[0..count)`, found by quickselect in expected
 * linear time; reorders `values`. Used for top-k without sorting the vocabulary.
 */
export function selectKthLargest(values: Float32Array, count: number, k: number): number {
  let left = 0;
  let right = count - 1;
  const target = k - 1; // index in descending order
  while (right > left) {
    // Median of three as pivot keeps sorted inputs linear.
    const mid = (left + right) >>> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (target <= j) right = j;
    else if (target >= i) left = i;
    else return values[target]!;
  }
  return values[target]!;
}
