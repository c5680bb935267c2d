package optim

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// SGD is stochastic gradient descent with momentum, as PyTorch's
// torch.optim.SGD computes it (no dampening, no Nesterov). For every
// parameter p with gradient g, each Step does
//
//	d ← g + λ·p          (λ = WeightDecay, usually 0)
//	v ← μ·v + d          (v starts at 0; μ = momentum)
//	p ← p − lr·v
//
// With μ = 0 this is plain gradient descent p ← p − lr·d. Its state is
// "sgd.step" and the velocities "sgd.v.0", "sgd.v.1", ... in parameter order.
type SGD struct {
	base
	momentum float64

	// WeightDecay λ adds λ·p to every gradient, the gradient of the L2
	// penalty ½λ‖p‖². Zero by default; set it before training.
	WeightDecay float64
}

// NewSGD returns an SGD optimizer over params (layers.Vars(model)) with
// learning rate lr and momentum μ. It panics with tensor.ErrArgument if lr
// is negative or not finite, μ is outside [0, 1), or a parameter is nil.
func NewSGD(params []*autograd.Var, lr, momentum float64) *SGD {
	if !(momentum >= 0 && momentum < 1) {
		panicf(tensor.ErrArgument, "NewSGD", "momentum %g, want 0 ≤ μ < 1", momentum)
	}
	return &SGD{base: newBase("SGD", "sgd", params, lr, "v"), momentum: momentum}
}

// Momentum returns μ.
func (o *SGD) Momentum() float64 { return o.momentum }

// Step updates, in place, every parameter whose Grad is not nil; the others
// are left alone (their velocity too). It panics with tensor.ErrShape if a
// gradient's shape differs from its parameter's.
func (o *SGD) Step() {
	o.steps++
	mu, wd, lr := o.momentum, o.WeightDecay, o.lr
	for i, param := range o.params {
		g := o.gradOf(i)
		if g == nil {
			continue
		}
		p := param.Value.Data()
		v := o.slots[0][i].Data()
		g, v = g[:len(p)], v[:len(p)] // one bounds check here instead of three in the loop
		for j := range p {
			d := g[j] + wd*p[j]
			v[j] = mu*v[j] + d
			p[j] -= lr * v[j]
		}
	}
}
