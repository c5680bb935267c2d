package layers

// Shape legend for this file:
//
//	N      batch size
//	C      channels of the input and of the output
//	C̄      channels of the query and key maps, max(C/8, 1)
//	H, W   height and width; P = H·W positions

import (
	"fmt"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// SelfAttention is the self-attention block of SAGAN (Zhang, Goodfellow,
// Metaxas and Odena, arXiv 1805.08318, §3): every position of a feature
// map can draw on every other position, not only on its neighbourhood as a
// convolution does. With xᵢ the C channels at position i (of P = H·W),
//
//	f(x) = W_f·x,  g(x) = W_g·x   (C̄ channels: keys and queries)
//	h(x) = W_h·x                   (C channels: values)
//	β_{j,i} = exp(s_{ij}) / Σ_k exp(s_{kj}),   s_{ij} = f(xᵢ)ᵀ g(xⱼ),
//	o_j = Σᵢ β_{j,i}·h(xᵢ),   y_j = γ·o_j + x_j,
//
// so β_{j,·} is a distribution over the positions i that position j
// attends to. f, g and h are 1×1 convolutions (per-position linear maps,
// with biases, as in the reference PyTorch implementation). The paper
// adds a further 1×1 convolution v after o; here h maps straight to C
// channels, as in that implementation. γ starts at 0, so the block is the
// identity at first and the network learns how much non-local evidence to
// use. x (N, C, H, W) → y (N, C, H, W).
//
// F, G and H are modules, 1×1 Conv2D layers by default; SAGAN wraps them
// in SpectralNorm, which a caller does by replacing them:
// a.F = NewSpectralNorm(r, a.F).
//
// Parameters: "gamma" (1), then "f.*", "g.*", "h.*" (the inner modules',
// e.g. "f.weight", "f.bias"), in PyTorch's order (a module's own
// parameters before its children's). After each Forward, Attention holds the
// attention maps β (N, P, P) of that call, row j over the positions i,
// each row summing to 1 (a constant, for pictures: reshape a row to
// (H, W) to see where position j looks).
type SelfAttention struct {
	F, G, H  Module        // f, g (C → C̄) and h (C → C), 1×1 convolutions
	Gamma    *autograd.Var // γ, (1), initially 0
	Channels int           // C

	Attention *tensor.Tensor // β of the last Forward, (N, P, P); nil before
}

// NewSelfAttention returns a self-attention block over the given number of
// channels, with C̄ = max(C/8, 1), f, g and h made by NewConv2D(r, …, 1, 1,
// 0, opts...) in that order, and γ = 0. It panics with tensor.ErrArgument
// if channels is below 1 or r is nil.
func NewSelfAttention(r *rand.Rand, channels int, opts ...Option) *SelfAttention {
	requirePositive("NewSelfAttention", "channels", channels)
	reduced := max(channels/8, 1)
	return &SelfAttention{
		F:        NewConv2D(r, channels, reduced, 1, 1, 0, opts...),
		G:        NewConv2D(r, channels, reduced, 1, 1, 0, opts...),
		H:        NewConv2D(r, channels, channels, 1, 1, 0, opts...),
		Gamma:    autograd.Param(tensor.Zeros(1)),
		Channels: channels,
	}
}

// Forward returns γ·o + x and sets Attention. It panics with
// tensor.ErrShape if x is not (N, C, H, W) with the block's C channels, or
// if F and G do not give maps of equal channels.
func (a *SelfAttention) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	if len(xs) != 4 || xs[1] != a.Channels {
		panicf(tensor.ErrShape, "SelfAttention", "input %s for %d channels; want (N,%d,H,W)", tensor.FormatShape(xs), a.Channels, a.Channels)
	}
	n, c, p := xs[0], xs[1], xs[2]*xs[3]
	f := a.F.Forward(x) // (N, C̄, H, W)
	g := a.G.Forward(x)
	if !tensor.SameShape(f.Value, g.Value) {
		panicf(tensor.ErrShape, "SelfAttention", "f gives %s, g gives %s", tensor.FormatShape(f.Value.Shape()), tensor.FormatShape(g.Value.Shape()))
	}
	keys := autograd.Reshape(f, n, -1, p)               // (N, C̄, P): column i is f(xᵢ)
	queries := autograd.Reshape(g, n, -1, p)            // (N, C̄, P): column j is g(xⱼ)
	values := autograd.Reshape(a.H.Forward(x), n, c, p) // (N, C, P): column i is h(xᵢ)

	scores := autograd.MatMulT(queries, true, keys, false) // (N, P, P): [j, i] = g(xⱼ)ᵀf(xᵢ) = s_ij
	beta := autograd.Softmax(scores, 2)                    // over i, for every j
	a.Attention = beta.Value
	o := autograd.MatMulT(values, false, beta, true) // (N, C, P): column j is Σᵢ β_{j,i}·h(xᵢ)
	o = autograd.Reshape(o, xs...)
	return autograd.Add(autograd.Mul(a.Gamma, o), x) // γ (1) broadcasts
}

// Parameters returns "gamma", then F's, G's and H's parameters, prefixed
// "f.", "g.", "h.".
func (a *SelfAttention) Parameters() []Parameter {
	out := []Parameter{{Name: "gamma", Var: a.Gamma}}
	for _, sub := range a.children() {
		for _, p := range sub.m.Parameters() {
			out = append(out, Parameter{Name: fmt.Sprintf("%s.%s", sub.name, p.Name), Var: p.Var})
		}
	}
	return out
}

// Buffers returns the inner modules' buffers (a SpectralNorm's u and v),
// prefixed like their parameters.
func (a *SelfAttention) Buffers() []Buffer {
	var out []Buffer
	for _, sub := range a.children() {
		for _, b := range BuffersOf(sub.m) {
			out = append(out, Buffer{Name: fmt.Sprintf("%s.%s", sub.name, b.Name), Tensor: b.Tensor})
		}
	}
	return out
}

// SetTraining switches F, G and H.
func (a *SelfAttention) SetTraining(training bool) {
	for _, sub := range a.children() {
		SetTraining(sub.m, training)
	}
}

type namedModule struct {
	name string
	m    Module
}

func (a *SelfAttention) children() []namedModule {
	return []namedModule{{"f", a.F}, {"g", a.G}, {"h", a.H}}
}
