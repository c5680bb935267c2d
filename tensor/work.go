package tensor

import "sync/atomic"

// multiplyAdds counts the scalar multiply-adds of every matrix product
// since the program started (see MultiplyAdds).
var multiplyAdds atomic.Int64

// MultiplyAdds returns how many scalar multiply-adds the matrix products of
// this package have done since the program started: batch·m·n·k for each
// product of op(A) (m×k) by op(B) (k×n), whichever kernel ran it and however
// many goroutines shared it. MatMul, MatMulT and MatMulTInto count, and so
// do Conv2D, ConvTranspose2D and Conv2DWeightGrad, one product each (see
// Conv2D): linear layers, convolutions and their backward passes.
//
// The count is a measure of work that does not depend on the machine, its
// load or GOMAXPROCS: two pieces of code can be compared by the products
// they run rather than by their wall time. Element-wise work (activations,
// additions, optimizer updates) is not counted. Read the count before and
// after the code being measured and subtract; it is process-wide, so
// products run meanwhile by other goroutines count too.
func MultiplyAdds() int64 { return multiplyAdds.Load() }

// countMultiplyAdds adds one product's work to the count.
func countMultiplyAdds(batch, m, n, k int) {
	multiplyAdds.Add(int64(batch) * int64(m) * int64(n) * int64(k))
}
