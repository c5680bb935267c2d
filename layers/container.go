package layers

import (
	"fmt"
	"slices"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Sequential -----------------------------------------------------------------

// Sequential chains modules: Forward feeds x to the first, its output to
// the second, and so on, y = fₖ(…f₂(f₁(x))). Its parameters and buffers
// are those of its modules, in order, each name prefixed with the module's
// index as PyTorch does: "0.weight", "0.bias", "2.weight", and
// "1.0.weight" for a Sequential inside a Sequential.
type Sequential struct {
	Layers []Module
}

// NewSequential returns the chain of the given modules.
func NewSequential(modules ...Module) *Sequential {
	return &Sequential{Layers: slices.Clone(modules)}
}

// Forward applies the modules in order.
func (s *Sequential) Forward(x *autograd.Var) *autograd.Var {
	for i := 0; i < len(s.Layers); i++ {
		if l, ok := s.Layers[i].(*Linear); ok && i+1 < len(s.Layers) && isReLU(s.Layers[i+1]) {
			// A Linear and the ReLU after it, as one node that does not
			// keep the Linear's output (autograd.LinearReLU): the same
			// values and gradients, less memory.
			l.checkInput("Linear", x)
			x = autograd.LinearReLU(x, l.Weight, l.Bias)
			i++
			continue
		}
		x = s.Layers[i].Forward(x)
	}
	return x
}

func isReLU(m Module) bool {
	switch m.(type) {
	case ReLU, *ReLU:
		return true
	}
	return false
}

// Parameters lists every module's parameters, in order, with index prefixes.
func (s *Sequential) Parameters() []Parameter {
	var out []Parameter
	for i, m := range s.Layers {
		for _, p := range m.Parameters() {
			out = append(out, Parameter{Name: fmt.Sprintf("%d.%s", i, p.Name), Var: p.Var})
		}
	}
	return out
}

// Buffers lists every module's buffers, in order, with index prefixes.
func (s *Sequential) Buffers() []Buffer {
	var out []Buffer
	for i, m := range s.Layers {
		for _, b := range BuffersOf(m) {
			out = append(out, Buffer{Name: fmt.Sprintf("%d.%s", i, b.Name), Tensor: b.Tensor})
		}
	}
	return out
}

// SetTraining switches every module inside to training or evaluation.
func (s *Sequential) SetTraining(training bool) {
	for _, m := range s.Layers {
		SetTraining(m, training)
	}
}

// ---- Flatten and Reshape ------------------------------------------------------------

// Flatten turns each sample into a vector: (N, d₁, d₂, …) → (N, d₁·d₂·…).
// A discriminator uses it between its convolutions and a Linear layer.
type Flatten struct{}

// Forward reshapes x to (N, rest). It panics with tensor.ErrShape if x is
// a scalar.
func (Flatten) Forward(x *autograd.Var) *autograd.Var {
	if x.Value.Dims() < 1 {
		panicf(tensor.ErrShape, "Flatten", "input %s has no batch dimension", tensor.FormatShape(x.Value.Shape()))
	}
	return autograd.Flatten(x)
}

// Parameters returns nil: a Flatten has none.
func (Flatten) Parameters() []Parameter { return nil }

// Reshape gives each sample a new shape: (N, …) → (N, Shape…), keeping the
// values in row-major order. A generator uses it to turn the output of a
// Linear layer into feature maps, e.g. (N, 128·7·7) → (N, 128, 7, 7).
type Reshape struct {
	Shape []int // the per-sample shape
}

// NewReshape returns a Reshape to the given per-sample shape. It panics
// with tensor.ErrArgument if a size is below 1.
func NewReshape(shape ...int) *Reshape {
	for _, d := range shape {
		requirePositive("NewReshape", "dimension", d)
	}
	return &Reshape{Shape: slices.Clone(shape)}
}

// Forward reshapes x (N, …) to (N, Shape…); the result shares x's
// storage. It panics with tensor.ErrShape if a sample of x does not have
// as many values as Shape holds.
func (r Reshape) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	per := 1
	for _, d := range r.Shape {
		per *= d
	}
	if len(xs) < 1 || x.Value.Len() != xs[0]*per {
		panicf(tensor.ErrShape, "Reshape", "input %s to per-sample %s", tensor.FormatShape(xs), tensor.FormatShape(r.Shape))
	}
	return autograd.Reshape(x, append([]int{xs[0]}, r.Shape...)...)
}

// Parameters returns nil: a Reshape has none.
func (Reshape) Parameters() []Parameter { return nil }

// ---- Upsample ------------------------------------------------------------------------

// Upsample enlarges images by nearest-neighbour repetition: every pixel
// becomes a Scale×Scale block, (N, C, H, W) → (N, C, H·Scale, W·Scale),
// y[n,c,i,j] = x[n, c, ⌊i/Scale⌋, ⌊j/Scale⌋]. Followed by a Conv2D it is
// an alternative to a transposed convolution that avoids its checkerboard
// artefacts (Odena, Dumoulin and Olah, Distill 2016).
type Upsample struct {
	Scale int // the integer scale factor
}

// NewUpsample returns nearest-neighbour upsampling by scale. It panics
// with tensor.ErrArgument if scale is below 1.
func NewUpsample(scale int) *Upsample {
	requirePositive("NewUpsample", "scale", scale)
	return &Upsample{Scale: scale}
}

// Forward repeats the pixels of x (N,C,H,W). It panics with
// tensor.ErrShape if x is not 4-D.
func (u Upsample) Forward(x *autograd.Var) *autograd.Var {
	if x.Value.Dims() != 4 {
		panicf(tensor.ErrShape, "Upsample", "input %s is not (N,C,H,W)", tensor.FormatShape(x.Value.Shape()))
	}
	return autograd.UpsampleNearest(x, u.Scale)
}

// Parameters returns nil: an Upsample has none.
func (Upsample) Parameters() []Parameter { return nil }
