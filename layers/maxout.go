package layers

import (
	"math/rand/v2"

	"ganbook/autograd"
)

// Maxout is a layer of maxout units (Goodfellow et al., arXiv 1302.4389):
// each of its out units computes k affine functions of the input, its
// pieces, and outputs the largest,
//
//	z = x·Wᵀ + b  (N, out·k),   y[n, j] = max_{p<k} z[n, j·k + p],
//
// so unit j owns the k consecutive columns j·k … j·k + k − 1 of z.
// x (N, in) → y (N, out). A maxout unit learns its own convex, piecewise
// linear activation. PacGAN's discriminator (arXiv 1712.04086) uses
// maxout layers with k = 5. The gradient reaches only the winning piece
// (the first one, on a tie).
//
// Parameters: those of the inner Linear, "weight" W (out·k, in) and
// "bias" b (out·k).
type Maxout struct {
	Linear *Linear // in → out·Pieces
	Pieces int     // k, the number of pieces per unit
}

// NewMaxout returns a maxout layer from in inputs to out units of pieces
// pieces each. The inner Linear is made by NewLinear(r, in, out·pieces,
// opts...), so it has the same default initialisation and options. It
// panics with tensor.ErrArgument if a size is below 1 or r is nil.
func NewMaxout(r *rand.Rand, in, out, pieces int, opts ...Option) *Maxout {
	requirePositive("NewMaxout", "in", in)
	requirePositive("NewMaxout", "out", out)
	requirePositive("NewMaxout", "pieces", pieces)
	return &Maxout{Linear: NewLinear(r, in, out*pieces, opts...), Pieces: pieces}
}

// Forward returns the maximum piece of every unit. It panics with
// tensor.ErrShape if x is not (N, in).
func (m *Maxout) Forward(x *autograd.Var) *autograd.Var {
	m.Linear.checkInput("Maxout", x)
	// Linear, then the largest of each unit's k pieces, in one node
	// (autograd.Maxout), which keeps only the winners for the backward pass.
	return autograd.Maxout(x, m.Linear.Weight, m.Linear.Bias, m.Pieces) // (N, out)
}

// Parameters returns the inner Linear's "weight" and "bias".
func (m *Maxout) Parameters() []Parameter { return m.Linear.Parameters() }
