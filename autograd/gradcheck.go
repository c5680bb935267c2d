package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/tensor"
)

// Tolerance sets how a gradient check compares analytic with numeric
// derivatives: they agree when |analytic − numeric| ≤ Atol + Rtol·|numeric|.
// Eps is the central-difference step.
type Tolerance struct {
	Eps, Atol, Rtol float64
}

// DefaultTolerance is PyTorch's gradcheck default: eps 1e-6, atol 1e-5,
// rtol 1e-3, meaningful in float64.
var DefaultTolerance = Tolerance{Eps: 1e-6, Atol: 1e-5, Rtol: 1e-3}

// GradCheck compares the gradients that Grad computes for f with central
// finite differences, (L(x + ε) − L(x − ε)) / 2ε, one input element at a
// time. f may return any shape: the check differentiates the scalar
// L = Σ w ⊙ f(x) for a fixed random w, which exercises every output element.
//
// The inputs are copied, and f receives them as variables that require
// gradients; f must compute the same function every time (no fresh
// randomness inside). On the first disagreement GradCheck returns an error
// naming the check, the argument, the index, the analytic and the numeric
// value; it returns nil when all agree.
func GradCheck(name string, f func(xs []*Var) *Var, inputs []*tensor.Tensor, tol Tolerance) error {
	return gradCheck(name, f, inputs, tol, false)
}

// gradCheck is GradCheck, with the analytic gradient built with or
// without recording its own graph.
func gradCheck(name string, f func(xs []*Var) *Var, inputs []*tensor.Tensor, tol Tolerance, createGraph bool) error {
	xs := make([]*Var, len(inputs))
	for i, in := range inputs {
		xs[i] = Param(in.Clone())
	}
	w := Const(tensor.RandN(rand.New(rand.NewPCG(7, 11)), f(xs).Value.Shape()...))
	loss := func() *Var { return Sum(Mul(f(xs), w)) }

	analytic := Grad([]*Var{loss()}, xs, createGraph)
	for i, x := range xs {
		data := x.Value.Data()
		for j := range data {
			saved := data[j]
			data[j] = saved + tol.Eps
			plus := loss().Item()
			data[j] = saved - tol.Eps
			minus := loss().Item()
			data[j] = saved
			numeric := (plus - minus) / (2 * tol.Eps)
			got := analytic[i].Value.Data()[j]
			if !(math.Abs(got-numeric) <= tol.Atol+tol.Rtol*math.Abs(numeric)) {
				return fmt.Errorf("autograd: GradCheck %s: argument %d index %v: analytic %.10g, numeric %.10g",
					name, i, unravel(j, x.Value.Shape()), got, numeric)
			}
		}
	}
	return nil
}

// GradGradCheck checks second derivatives: it builds the gradient of
// L = Σ w ⊙ f(x) with createGraph, projects it on fixed random directions v,
// h(x) = Σᵢ Σ vᵢ ⊙ ∂L/∂xᵢ, and runs GradCheck on h. This is a
// Hessian-vector product checked against finite differences of the
// gradient, as PyTorch's gradgradcheck does. Before that, it checks the
// recorded gradient itself against finite differences of f: an operation
// may compute its gradient one way when recording and another way when not
// (BatchNorm does), and h is only as right as the gradient it is built on.
func GradGradCheck(name string, f func(xs []*Var) *Var, inputs []*tensor.Tensor, tol Tolerance) error {
	if err := gradCheck(name+" (recorded first order)", f, inputs, tol, true); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(13, 17))
	probe := make([]*Var, len(inputs))
	for i, in := range inputs {
		probe[i] = Param(in.Clone())
	}
	w := Const(tensor.RandN(r, f(probe).Value.Shape()...))
	v := make([]*Var, len(inputs))
	for i, in := range inputs {
		v[i] = Const(tensor.RandN(r, in.Shape()...))
	}
	h := func(xs []*Var) *Var {
		grads := Grad([]*Var{Sum(Mul(f(xs), w))}, xs, true)
		total := Scalar(0)
		for i, g := range grads {
			total = Add(total, Sum(Mul(g, v[i])))
		}
		return total
	}
	return GradCheck(name+" (second order)", h, inputs, tol)
}

// unravel turns a flat row-major index into one index per dimension.
func unravel(flat int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = flat % shape[d]
			flat /= shape[d]
		}
	}
	return idx
}
