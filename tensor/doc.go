// Package tensor holds n-dimensional arrays of float64 and every loop that
// does arithmetic on them.
//
// A *Tensor is a shape and a slice of values stored contiguously in
// row-major order: the last index varies fastest, so a (2, 3) tensor holds
// its rows [a b c] and [d e f] as a b c d e f. A tensor with an empty
// shape is a scalar. Nothing here knows about gradients: package autograd
// wraps tensors in graph nodes and differentiates through the functions of
// this package.
//
//	x := tensor.FromRows([][]float64{{1, 2, 3}, {4, 5, 6}}) // (2, 3)
//	w := tensor.Ones(3, 4)                                   // (3, 4)
//	y := tensor.MatMul(x, w)                                 // (2, 4): y_ij = Σ_p x_ip·w_pj
//	s := tensor.SumKeep(y, 0)                                // (1, 4): column sums
//
// # Operations
//
// Functions return new tensors and leave their operands alone; the few
// that write into an existing tensor say so in their names (AddInplace,
// MatMulTInto). Reshape is the one operation whose result shares storage
// with its operand. The families:
//
//   - element-wise arithmetic with NumPy's broadcasting rule (Add, Mul,
//     Maximum, Where, ...), unary functions (Exp, Tanh, Softplus, ReLU, ...)
//     and the fused kernels that backward passes use (ReLUGrad,
//     BatchNormForward, TakeAlong, ...);
//   - reductions over axes (Sum, Mean, Max, LogSumExp, Softmax) and their
//     adjoint, BroadcastTo / SumTo;
//   - shape moves (Reshape, Transpose, Permute, Concat, Slice, Pad,
//     IndexSelect);
//   - the matrix product (MatMul, MatMulT with transpose flags, batched or
//     with an operand shared across a batch), and convolutions expressed
//     as products (Im2Col/Col2Im, Conv2D, ConvTranspose2D);
//   - a little linear algebra (SymEig, SqrtPSD, Cov, Trace) for metrics
//     such as the Fréchet distance.
//
// # Errors
//
// A caller's mistake, such as multiplying a (2,3) by a (4,5), panics with
// an *Error that wraps a sentinel (ErrShape, ErrAxis, ErrIndex,
// ErrArgument) and names the operation and the operands:
//
//	tensor: MatMul: shape mismatch (2,3) x (4,5)
//
// Recover it and test it with errors.Is(err, tensor.ErrShape). Nothing in
// this package reads files or flags, so nothing returns an error value.
//
// # Determinism and speed
//
// Every result is computed in a fixed order, whatever the number of
// goroutines: a sum is added up in the same order on one core or two, so
// the same program gives the same bits. The matrix product, where training
// spends most of its time, is blocked and packed as optimized BLAS
// libraries are and runs assembly micro-kernels where the CPU has AVX-512
// or AVX2 with FMA (the purego build tag keeps the portable Go kernel);
// every kernel computes each entry as the same chain of fused
// multiply-adds, so they all agree to the last bit. Storage that autograd's
// backward pass has finished with is handed back with Recycle and reused by
// later operations, which saves the allocation and the garbage collector's
// work; reuse never changes a value.
package tensor
