package autograd

import "ganbook/tensor"

// panicf panics with a *tensor.Error for a caller's mistake in this
// package, naming it, the operation and the operands:
// "autograd: Op: shape mismatch ...". Test it with errors.Is(err, tensor.ErrShape).
func panicf(kind error, op, format string, args ...any) {
	panic(tensor.NewError("autograd", kind, op, format, args...))
}
