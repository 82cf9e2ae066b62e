import type { Tensor } from 'onnxruntime-common';

/**
 * The part of an onnxruntime package (onnxruntime-node or onnxruntime-web) the shared code
 * calls at run time: its `Tensor` class. Passed in by each backend, so tensors are always
 * made by the runtime that runs them.
 */
export interface OnnxRuntime {
  readonly Tensor: typeof Tensor;
}
