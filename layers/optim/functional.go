package optim

import (
	"math"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Differentiable optimizer steps --------------------------------------------
//
// These functions compute the same updates as SGD and Adam, but with
// autograd operations on variables instead of loops on raw storage, and
// they return new variables instead of changing the parameters. When the
// gradients were taken with autograd.Grad(..., createGraph=true), the new
// parameters are differentiable functions of the old ones: a loss computed
// after K simulated steps can be backpropagated through all K of them, as
// the unrolled GAN does (arXiv 1611.02163):
//
//	θ1 := optim.SGDStep(θ, autograd.Grad([]*autograd.Var{f(θ)}, θ, true), lr)
//	loss := g(θ1) // ∂loss/∂θ includes how θ1 depends on θ

// SGDStep returns pᵢ − lr·gᵢ for every parameter pᵢ and its gradient gᵢ,
// built with autograd operations. A nil gradient leaves its parameter as it
// is (the same variable is returned). It panics with tensor.ErrArgument if
// the slices differ in length or lr is negative or not finite, and with
// tensor.ErrShape if a gradient's shape differs from its parameter's.
func SGDStep(params, grads []*autograd.Var, lr float64) []*autograd.Var {
	checkFunctional("SGDStep", params, grads)
	checkLR("SGDStep", lr)
	out := make([]*autograd.Var, len(params))
	for i, p := range params {
		if grads[i] == nil {
			out[i] = p
			continue
		}
		out[i] = autograd.Sub(p, autograd.Scale(grads[i], lr))
	}
	return out
}

// AdamState is the state that AdamStep carries from one step to the next:
// the first and second moment estimates m and v (one variable per
// parameter, shaped like it) and the number T of steps taken, with the
// optimizer's L2 weight decay λ (Adam.WeightDecay), which the step adds to
// the gradient as Adam.Step does. The zero value is the state before the
// first step (m = v = 0, T = 0) without weight decay.
type AdamState struct {
	M, V        []*autograd.Var
	T           int
	WeightDecay float64 // λ: the step uses g + λ·p for the gradient g
}

// AdamStep computes one Adam step (see Adam; arXiv 1412.6980) with autograd
// operations and returns the new parameters and the new state: with
// t = st.T + 1 and d = g + λ·p (λ = st.WeightDecay, usually 0),
//
//	m′ = β1·m + (1−β1)·d,  v′ = β2·v + (1−β2)·d⊙d
//	p′ = p − lr·(m′/(1−β1ᵗ)) / (√(v′/(1−β2ᵗ)) + ε)
//
// A nil gradient leaves its parameter, m and v as they are. Where a
// gradient coordinate has been exactly zero in every step so far (v̂ = 0,
// and so m = 0), the step leaves the coordinate alone and its derivative
// has no term through √v̂ (see sqrtAwayFromZero), instead of the 0·∞ = NaN
// that the square root's derivative at 0 would give.
//
// It panics with tensor.ErrArgument if the slices differ in length (st.M
// and st.V may be nil for a fresh state), lr is negative, β1 or β2 is
// outside [0, 1), ε < 0 or λ is negative or not finite, and with
// tensor.ErrShape if a gradient's or a moment's shape differs from its
// parameter's.
func AdamStep(params, grads []*autograd.Var, st AdamState, lr, beta1, beta2, eps float64) ([]*autograd.Var, AdamState) {
	const op = "AdamStep"
	checkFunctional(op, params, grads)
	checkLR(op, lr)
	checkBeta(op, "β1", beta1)
	checkBeta(op, "β2", beta2)
	if !(eps >= 0) {
		panicf(tensor.ErrArgument, op, "ε = %g, want ε ≥ 0", eps)
	}
	if wd := st.WeightDecay; !(wd >= 0) || math.IsInf(wd, 1) {
		panicf(tensor.ErrArgument, op, "weight decay λ = %g, want finite λ ≥ 0", wd)
	}
	m, v := momentsOf(op, "m", st.M, params), momentsOf(op, "v", st.V, params)
	t := float64(st.T + 1)
	bc1 := 1 - math.Pow(beta1, t)
	bc2 := 1 - math.Pow(beta2, t)

	out := make([]*autograd.Var, len(params))
	next := AdamState{M: make([]*autograd.Var, len(params)), V: make([]*autograd.Var, len(params)), T: st.T + 1,
		WeightDecay: st.WeightDecay}
	for i, p := range params {
		g := grads[i]
		if g == nil {
			out[i], next.M[i], next.V[i] = p, m[i], v[i]
			continue
		}
		if st.WeightDecay != 0 {
			g = autograd.Add(g, autograd.Scale(p, st.WeightDecay)) // d = g + λ·p
		}
		mi := autograd.Add(autograd.Scale(m[i], beta1), autograd.Scale(g, 1-beta1))
		vi := autograd.Add(autograd.Scale(v[i], beta2), autograd.Scale(autograd.Mul(g, g), 1-beta2))
		denom := autograd.AddScalar(sqrtAwayFromZero(autograd.Scale(vi, 1/bc2)), eps) // √v̂ + ε
		out[i] = autograd.Sub(p, autograd.Scale(autograd.Div(mi, denom), lr/bc1))
		next.M[i], next.V[i] = mi, vi
	}
	return out, next
}

// sqrtAwayFromZero is √x with the derivative 0 instead of NaN where x = 0.
// In AdamStep, v̂ = 0 only where the gradient has been exactly zero in every
// step so far (a dead ReLU unit, a maxout piece that never wins), and there
// m = 0 too, so the step's true derivative has no term through √v̂; but
// autograd's √ would compute it as 0·∞ = NaN. The square root is therefore
// taken of x where x > 0 and of 1 elsewhere (a value never used), and its
// result replaced by 0 where x = 0: the forward value is √x bit for bit.
func sqrtAwayFromZero(x *autograd.Var) *autograd.Var {
	positive := tensor.Greater(x.Value, tensor.Scalar(0)) // 1 where x > 0, 0 where x = 0
	ones := autograd.Const(tensor.Ones(x.Value.Shape()...))
	root := autograd.Sqrt(autograd.Where(positive, x, ones))
	return autograd.Where(positive, root, autograd.Const(tensor.ZerosLike(x.Value)))
}

// checkFunctional checks that every parameter has a gradient slot, of its
// shape when present.
func checkFunctional(op string, params, grads []*autograd.Var) {
	if len(params) != len(grads) {
		panicf(tensor.ErrArgument, op, "%d parameters, %d gradients", len(params), len(grads))
	}
	for i, p := range params {
		if g := grads[i]; g != nil && !tensor.SameShape(p.Value, g.Value) {
			panicf(tensor.ErrShape, op, "parameter %d has shape %s, its gradient %s",
				i, tensor.FormatShape(p.Value.Shape()), tensor.FormatShape(g.Value.Shape()))
		}
	}
}

// momentsOf returns the moments of a state, or zeros for a fresh state.
func momentsOf(op, name string, moments, params []*autograd.Var) []*autograd.Var {
	if moments == nil {
		zeros := make([]*autograd.Var, len(params))
		for i, p := range params {
			zeros[i] = autograd.Const(tensor.ZerosLike(p.Value))
		}
		return zeros
	}
	if len(moments) != len(params) {
		panicf(tensor.ErrArgument, op, "%d parameters, %d values of %s", len(params), len(moments), name)
	}
	for i, p := range params {
		if !tensor.SameShape(p.Value, moments[i].Value) {
			panicf(tensor.ErrShape, op, "parameter %d has shape %s, its %s %s",
				i, tensor.FormatShape(p.Value.Shape()), name, tensor.FormatShape(moments[i].Value.Shape()))
		}
	}
	return moments
}
