package optim

import (
	"math"

	"ganbook/autograd"
	"ganbook/tensor"
)

// Adam is the optimizer of Kingma and Ba (arXiv 1412.6980) as PyTorch's
// torch.optim.Adam computes it. For every parameter p with gradient g, step
// t (counting from 1) does
//
//	d  ← g + λ·p                 (λ = WeightDecay, usually 0)
//	m  ← β1·m + (1−β1)·d         (mean of gradients, starts at 0)
//	v  ← β2·v + (1−β2)·d²        (mean of squared gradients, starts at 0)
//	m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ) (bias correction)
//	p  ← p − lr·m̂/(√v̂ + ε)
//
// Because m and v start at zero they underestimate the means in early
// steps; dividing by 1−βᵗ corrects that exactly for a constant gradient.
// A consequence: the first step moves every coordinate by almost exactly
// lr·sign(g), whatever the gradient's size.
//
// β1 = 0 is allowed (then m = g), as TTUR and SAGAN use (arXiv 1706.08500,
// 1805.08318). The step count t is the optimizer's: a parameter skipped in
// some steps (nil gradient) still gets the bias correction of the current
// t, where PyTorch counts steps per parameter. Its state is "adam.step",
// then "adam.m.0", "adam.m.1", ..., then "adam.v.0", "adam.v.1", ....
type Adam struct {
	base
	beta1, beta2 float64

	// Eps ε keeps the denominator away from zero; 1e-8 by default.
	Eps float64
	// WeightDecay λ adds λ·p to every gradient (L2 regularisation, as
	// PyTorch's Adam, not AdamW's decoupled decay). Zero by default.
	WeightDecay float64
}

// NewAdam returns an Adam optimizer over params (layers.Vars(model)) with
// learning rate lr and decay rates β1, β2 (PyTorch's defaults are 1e-3,
// 0.9, 0.999; DCGAN uses 2e-4, 0.5, 0.999). It panics with
// tensor.ErrArgument if lr is negative or not finite, β1 or β2 is outside
// [0, 1), or a parameter is nil.
func NewAdam(params []*autograd.Var, lr, beta1, beta2 float64) *Adam {
	checkBeta("NewAdam", "β1", beta1)
	checkBeta("NewAdam", "β2", beta2)
	return &Adam{base: newBase("Adam", "adam", params, lr, "m", "v"), beta1: beta1, beta2: beta2, Eps: 1e-8}
}

func checkBeta(op, name string, beta float64) {
	if !(beta >= 0 && beta < 1) {
		panicf(tensor.ErrArgument, op, "%s = %g, want 0 ≤ %s < 1", name, beta, name)
	}
}

// Betas returns β1 and β2.
func (o *Adam) Betas() (beta1, beta2 float64) { return o.beta1, o.beta2 }

// Step updates, in place, every parameter whose Grad is not nil; the others
// are left alone (their m and v too). It panics with tensor.ErrShape if a
// gradient's shape differs from its parameter's.
func (o *Adam) Step() {
	o.steps++
	t := float64(o.steps)
	b1, b2, eps, wd := o.beta1, o.beta2, o.Eps, o.WeightDecay
	// lr·m̂/(√v̂ + ε) = (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε): the corrections are
	// folded into two scalars, computed once per step.
	stepSize := o.lr / (1 - math.Pow(b1, t))
	sqrtBC2 := math.Sqrt(1 - math.Pow(b2, t))
	for i, param := range o.params {
		g := o.gradOf(i)
		if g == nil {
			continue
		}
		p := param.Value.Data()
		m, v := o.slots[0][i].Data(), o.slots[1][i].Data()
		g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
		for j := range p {
			d := g[j] + wd*p[j]
			m[j] = b1*m[j] + (1-b1)*d
			v[j] = b2*v[j] + (1-b2)*d*d
			p[j] -= stepSize * (m[j] / (math.Sqrt(v[j])/sqrtBC2 + eps))
		}
	}
}

// FunctionalState returns a copy of the optimizer's m, v and step count as
// constants, with its weight decay, to continue from where the optimizer
// stands with the differentiable AdamStep (unrolled GANs simulate the
// discriminator's next steps this way).
func (o *Adam) FunctionalState() AdamState {
	st := AdamState{M: make([]*autograd.Var, len(o.params)), V: make([]*autograd.Var, len(o.params)), T: o.steps,
		WeightDecay: o.WeightDecay}
	for i := range o.params {
		st.M[i] = autograd.Const(o.slots[0][i].Clone())
		st.V[i] = autograd.Const(o.slots[1][i].Clone())
	}
	return st
}
