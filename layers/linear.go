package layers

import (
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// Linear is a fully connected layer: every output is an affine function of
// every input,
//
//	y = x·Wᵀ + b,   x (N, in) → y (N, out),
//
// with weight W (out, in) and bias b (out), added to every row. Its
// parameters are "weight" and, unless built WithoutBias, "bias".
type Linear struct {
	Weight *autograd.Var // W, (out, in)
	Bias   *autograd.Var // b, (out); nil without a bias
}

// NewLinear returns a Linear layer from in to out features. By default W
// and b are drawn uniformly from ±1/√in, PyTorch's default; WithInit
// chooses another scheme for W (and zeros for b), WithoutBias drops b.
// It panics with tensor.ErrArgument if in or out is below 1 or r is nil.
func NewLinear(r *rand.Rand, in, out int, opts ...Option) *Linear {
	requirePositive("NewLinear", "in", in)
	requirePositive("NewLinear", "out", out)
	w, b := newWeightAndBias("NewLinear", r, opts, []int{out, in}, out)
	return &Linear{Weight: w, Bias: b}
}

// Forward returns x·Wᵀ + b for x (N, in). The product reads W transposed
// in place (MatMulT), without a transposed copy. It panics with
// tensor.ErrShape if x is not (N, in).
func (l *Linear) Forward(x *autograd.Var) *autograd.Var {
	l.checkInput("Linear", x)
	return l.affine(x)
}

// Parameters returns "weight" and, if present, "bias".
func (l *Linear) Parameters() []Parameter { return weightAndBias(l.Weight, l.Bias) }

// affine computes x·Wᵀ + b without checking shapes.
func (l *Linear) affine(x *autograd.Var) *autograd.Var {
	return autograd.Linear(x, l.Weight, l.Bias) // (N, out)
}

// checkInput panics, naming op, unless x is (N, in).
func (l *Linear) checkInput(op string, x *autograd.Var) {
	xs, ws := x.Value.Shape(), l.Weight.Value.Shape()
	if len(xs) != 2 || xs[1] != ws[1] {
		panicf(tensor.ErrShape, op, "input %s for weight %s", tensor.FormatShape(xs), tensor.FormatShape(ws))
	}
}
