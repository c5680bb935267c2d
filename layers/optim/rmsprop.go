package optim

import (
	"math"

	"ganbook/autograd"
)

// RMSprop divides each gradient coordinate by a running root mean square of
// its recent values (Tieleman and Hinton, 2012), in the form PyTorch's
// torch.optim.RMSprop computes by default (not centred, no momentum). For
// every parameter p with gradient g, each Step does
//
//	d ← g + λ·p               (λ = WeightDecay, usually 0)
//	s ← α·s + (1−α)·d²        (s starts at 0; α = Alpha, 0.99)
//	p ← p − lr·d/(√s + ε)     (ε = Eps, 1e-8)
//
// The WGAN critic and generator are trained with it at lr = 5e-5
// (arXiv 1701.07875). There is no bias correction: the first steps are
// large, about lr·d/√(1−α) = 10·lr·sign(d) for the first one. Its state is
// "rmsprop.step" and "rmsprop.s.0", "rmsprop.s.1", ... in parameter order.
type RMSprop struct {
	base

	// Alpha α is the decay rate of the running mean of squares; 0.99 by
	// default. Set it before training.
	Alpha float64
	// Eps ε keeps the denominator away from zero; 1e-8 by default.
	Eps float64
	// WeightDecay λ adds λ·p to every gradient. Zero by default.
	WeightDecay float64
}

// NewRMSprop returns an RMSprop optimizer over params (layers.Vars(model))
// with learning rate lr and PyTorch's defaults α = 0.99, ε = 1e-8. It
// panics with tensor.ErrArgument if lr is negative or not finite, or a
// parameter is nil.
func NewRMSprop(params []*autograd.Var, lr float64) *RMSprop {
	return &RMSprop{base: newBase("RMSprop", "rmsprop", params, lr, "s"), Alpha: 0.99, Eps: 1e-8}
}

// Step updates, in place, every parameter whose Grad is not nil; the others
// are left alone (their s too). It panics with tensor.ErrShape if a
// gradient's shape differs from its parameter's, and with
// tensor.ErrArgument if Alpha is outside [0, 1).
func (o *RMSprop) Step() {
	checkBeta("RMSprop.Step", "α", o.Alpha)
	o.steps++
	alpha, eps, wd, lr := o.Alpha, o.Eps, o.WeightDecay, o.lr
	for i, param := range o.params {
		g := o.gradOf(i)
		if g == nil {
			continue
		}
		p := param.Value.Data()
		s := o.slots[0][i].Data()
		g, s = g[:len(p)], s[:len(p)]
		for j := range p {
			d := g[j] + wd*p[j]
			s[j] = alpha*s[j] + (1-alpha)*d*d
			p[j] -= lr * (d / (math.Sqrt(s[j]) + eps))
		}
	}
}
