package layers

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// Module is a piece of a network: a function of its input and of its
// parameters. Parameters lists them in a stable order with stable names,
// which is what optimizers and checkpoints rely on.
type Module interface {
	Forward(x *autograd.Var) *autograd.Var
	Parameters() []Parameter
}

// Parameter is a trainable tensor with its name, as PyTorch's state_dict
// names it ("weight", "bias"; inside a Sequential "0.weight", ...).
type Parameter struct {
	Name string
	Var  *autograd.Var
}

// Buffer is a tensor a module keeps that is not trained by gradients but is
// part of its state: batch norm's running mean and variance, a spectral
// norm's power-iteration vector.
type Buffer struct {
	Name   string
	Tensor *tensor.Tensor
}

// Buffered is implemented by modules with buffers.
type Buffered interface {
	Buffers() []Buffer
}

// Switchable is implemented by modules that behave differently in training
// and in evaluation (batch norm: batch statistics vs running statistics).
type Switchable interface {
	SetTraining(training bool)
}

// Vars returns the parameters' variables, in order: what an optimizer takes.
func Vars(m Module) []*autograd.Var {
	ps := m.Parameters()
	out := make([]*autograd.Var, len(ps))
	for i, p := range ps {
		out[i] = p.Var
	}
	return out
}

// BuffersOf returns m's buffers, or nil if it has none.
func BuffersOf(m Module) []Buffer {
	if b, ok := m.(Buffered); ok {
		return b.Buffers()
	}
	return nil
}

// SetTraining switches m (and, for containers, every module inside) between
// training and evaluation behaviour. Modules without a difference ignore it.
func SetTraining(m Module, training bool) {
	if s, ok := m.(Switchable); ok {
		s.SetTraining(training)
	}
}
