package gan

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// InputGradNorms returns ‖∇ₓ d(x)‖₂ for every sample of x (N, ...): the
// slope of a critic or discriminator d at each point, a first-order
// gradient with nothing recorded. d must map (N, ...) to (N, 1) and treat
// the samples independently (no batch norm), so that the gradient of
// Σᵢ d(xᵢ) with respect to xᵢ is ∇d(xᵢ).
//
// For a network of Linear layers and ReLUs, d is piecewise linear and its
// Lipschitz constant is the largest such slope over the whole input space;
// the largest over a set of points is a lower bound on it, the empirical
// Lipschitz constant. The result is (N). It panics with tensor.ErrShape if
// d's output is not (N, 1).
func InputGradNorms(d func(*autograd.Var) *autograd.Var, x *tensor.Tensor) *tensor.Tensor {
	in := autograd.Param(x)
	out := d(in)
	if s := out.Shape(); len(s) != 2 || s[0] != x.Dim(0) || s[1] != 1 {
		tensor.Panicf(tensor.ErrShape, "InputGradNorms", "d maps %s to %s, want (%d,1)",
			tensor.FormatShape(x.Shape()), tensor.FormatShape(s), x.Dim(0))
	}
	g := autograd.Grad([]*autograd.Var{out}, []*autograd.Var{in}, false)[0].Value // (N, ...)
	flat := tensor.Reshape(g, g.Dim(0), -1)
	return tensor.Sqrt(tensor.Sum(tensor.Mul(flat, flat), 1))
}
