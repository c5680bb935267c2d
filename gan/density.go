package gan

import (
	"math"

	"ganbook/autograd"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// This file holds the tools for games on the real line, where densities can
// be written down and integrated on a grid: a network's curve, a histogram
// estimate of a generator's density, and the exact value of the game.

// Curve evaluates a network with one input and one output at every point of
// xs: the points go through f as one (n, 1) batch, without recording a
// graph, and the n outputs come back in order. It draws a 1-D
// discriminator's logit ℓ(x) or a 1-D generator's map. It panics with
// tensor.ErrShape if f does not return n numbers.
func Curve(f func(*autograd.Var) *autograd.Var, xs []float64) []float64 {
	var out *tensor.Tensor
	autograd.NoGrad(func() {
		out = f(autograd.Const(tensor.New(append([]float64(nil), xs...), len(xs), 1))).Value // (n, 1)
	})
	if out.Len() != len(xs) {
		panicf(tensor.ErrShape, "Curve", "%d inputs gave an output of shape %s", len(xs), tensor.FormatShape(out.Shape()))
	}
	return append([]float64(nil), out.Data()...)
}

// HistogramDensity estimates a density from samples: with bin edges
// e₀ < e₁ < … < e_K and cₖ samples in bin k (as plot.Bin counts them),
//
//	f̂ₖ = cₖ / (n · (eₖ₊₁ − eₖ)),
//
// where n = len(values) counts every sample, also those outside the bins, so
// that Σₖ f̂ₖ·(eₖ₊₁ − eₖ) is the fraction of the samples inside [e₀, e_K].
// It panics with tensor.ErrArgument if values is empty, and like plot.Bin
// if the edges are not finite and strictly increasing.
func HistogramDensity(values, edges []float64) []float64 {
	if len(values) == 0 {
		panicf(tensor.ErrArgument, "HistogramDensity", "no samples")
	}
	counts := plot.Bin(values, edges)
	density := make([]float64, len(counts))
	for k, c := range counts {
		density[k] = float64(c) / (float64(len(values)) * (edges[k+1] - edges[k]))
	}
	return density
}

// GameValue returns the value of the minimax GAN game (Goodfellow et al.
// 2014, arXiv 1406.2661) for a fixed discriminator D = σ(ℓ), real density p
// and generated density q,
//
//	V(D) = ∫ p(x)·log D(x) + q(x)·log(1 − D(x)) dx,
//
// by the midpoint rule: logits[i], p[i] and q[i] are ℓ, p and q at the
// midpoint of the i-th cell and h is the cells' common width, so
//
//	V ≈ h · Σᵢ [ −p[i]·softplus(−ℓᵢ) − q[i]·softplus(ℓᵢ) ],
//
// using log σ(ℓ) = −softplus(−ℓ) and log(1 − σ(ℓ)) = −softplus(ℓ), which
// never take the log of a number rounded to 0. For every D,
// V(D) ≤ V(D*) = 2·JSD(p‖q) − log 4 with D* = p/(p + q) (Theorem 1 of the
// paper); the gap V(D*) − V(D) is the (p + q)-weighted KL divergence between
// coin flips with heads probabilities D*(x) and D(x), so it is small only
// where D is close to D*.
//
// It panics with tensor.ErrShape if the three slices differ in length, and
// with tensor.ErrArgument if h is not positive and finite.
func GameValue(logits, p, q []float64, h float64) float64 {
	if len(p) != len(logits) || len(q) != len(logits) {
		panicf(tensor.ErrShape, "GameValue", "%d logits, %d values of p, %d of q", len(logits), len(p), len(q))
	}
	if !(h > 0) || math.IsInf(h, 1) {
		panicf(tensor.ErrArgument, "GameValue", "cell width %g, want a finite h > 0", h)
	}
	total := 0.0
	for i, l := range logits {
		total -= p[i]*softplus(-l) + q[i]*softplus(l)
	}
	return total * h
}

// softplus returns log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)), which does
// not overflow for large x.
func softplus(x float64) float64 {
	return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}
