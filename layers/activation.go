package layers

import "ganbook/autograd"

// Activations are element-wise functions with no parameters, wrapped as
// modules so that they can sit in a Sequential. Each keeps the shape of
// its input. They have value receivers: ReLU{} and &ReLU{} are both
// modules.

// ReLU is the rectifier y = max(x, 0).
type ReLU struct{}

// Forward returns max(x, 0) element-wise.
func (ReLU) Forward(x *autograd.Var) *autograd.Var { return autograd.ReLU(x) }

// Parameters returns nil: a ReLU has none.
func (ReLU) Parameters() []Parameter { return nil }

// LeakyReLU is y = x for x > 0 and y = Slope·x otherwise (Maas et al.
// 2013). GAN discriminators usually take Slope = 0.2 (DCGAN, arXiv
// 1511.06434).
type LeakyReLU struct {
	Slope float64 // the slope for negative inputs
}

// Forward returns x where x > 0 and Slope·x elsewhere.
func (l LeakyReLU) Forward(x *autograd.Var) *autograd.Var { return autograd.LeakyReLU(x, l.Slope) }

// Parameters returns nil: a LeakyReLU has none.
func (LeakyReLU) Parameters() []Parameter { return nil }

// Tanh is y = tanh x, with values in (−1, 1): the usual last layer of a
// generator of images scaled to [−1, 1].
type Tanh struct{}

// Forward returns tanh x element-wise.
func (Tanh) Forward(x *autograd.Var) *autograd.Var { return autograd.Tanh(x) }

// Parameters returns nil: a Tanh has none.
func (Tanh) Parameters() []Parameter { return nil }

// Sigmoid is y = σ(x) = 1/(1 + e⁻ˣ), with values in (0, 1): a probability.
// GAN losses are better computed from the logits x directly (see the
// softplus forms in package autograd), so a discriminator rarely ends with
// it.
type Sigmoid struct{}

// Forward returns σ(x) element-wise.
func (Sigmoid) Forward(x *autograd.Var) *autograd.Var { return autograd.Sigmoid(x) }

// Parameters returns nil: a Sigmoid has none.
func (Sigmoid) Parameters() []Parameter { return nil }
