package gan

import (
	"fmt"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// ---- Measuring a critic's Lipschitz constant ---------------------------------------
//
// A function f is K-Lipschitz when |f(x) − f(y)| ≤ K·‖x − y‖ for all x, y;
// the smallest such K is its Lipschitz constant, and for a differentiable f
// it is sup over x of ‖∇f(x)‖. The Kantorovich–Rubinstein duality behind the
// Wasserstein GAN needs a 1-Lipschitz critic (arXiv 1701.07875, §3), and
// each way of enforcing it (clipping, a gradient penalty, spectral
// normalisation) holds the constant near 1 differently. The constant cannot
// be computed for a network, but it can be bracketed: GradientNorms and
// MaxSlope give values it is at least, LipschitzBound a value it is at most.

// GradientNorms returns ‖∇ₓ f(xₙ)‖₂ for each sample of x (N, ...), the norm
// taken over all of the sample's features: the slope of a critic or
// discriminator at each point, a first-order gradient with nothing
// recorded. f must return one value per sample, (N) or (N, 1), and map
// every sample independently (no batch norm in training mode), so that the
// gradient of the sum of its outputs is the per-sample gradient. Each norm
// is a lower bound on f's Lipschitz constant; for a network of Linear
// layers and ReLUs, which is piecewise linear, the constant is the largest
// such slope over the whole input space. The result is (N). It panics with
// tensor.ErrShape if f returns another shape.
func GradientNorms(f func(*autograd.Var) *autograd.Var, x *tensor.Tensor) *tensor.Tensor {
	in := autograd.Param(x.Clone())
	out := f(in)
	if s := out.Shape(); !(len(s) == 1 && s[0] == x.Dim(0)) && !(len(s) == 2 && s[0] == x.Dim(0) && s[1] == 1) {
		panicf(tensor.ErrShape, "GradientNorms", "f maps %s to %s, want (%d) or (%d,1)",
			tensor.FormatShape(x.Shape()), tensor.FormatShape(s), x.Dim(0), x.Dim(0))
	}
	g := autograd.Grad([]*autograd.Var{out}, []*autograd.Var{in}, false)[0].Value // (N, ...)
	flat := tensor.Reshape(g, g.Dim(0), -1)
	return tensor.Sqrt(tensor.Sum(tensor.Mul(flat, flat), 1))
}

// MaxSlope returns the largest slope of f between paired samples,
//
//	max over n of |f(aₙ) − f(bₙ)| / ‖aₙ − bₙ‖₂,
//
// a lower bound on f's Lipschitz constant that needs no gradient. a and b
// are (N, ...) of one shape and f returns one number per sample, (N) or
// (N, 1). Pairs with aₙ = bₙ are skipped (0 if all are). It panics with
// tensor.ErrShape if the shapes differ or f returns another number of
// values.
func MaxSlope(f func(*autograd.Var) *autograd.Var, a, b *tensor.Tensor) float64 {
	if !tensor.SameShape(a, b) {
		panicf(tensor.ErrShape, "MaxSlope", "a %s, b %s", tensor.FormatShape(a.Shape()), tensor.FormatShape(b.Shape()))
	}
	n := a.Dim(0)
	var fa, fb []float64
	autograd.NoGrad(func() {
		fa, fb = f(autograd.Const(a)).Value.Data(), f(autograd.Const(b)).Value.Data()
	})
	if len(fa) != n || len(fb) != n {
		panicf(tensor.ErrShape, "MaxSlope", "f returns %d values for %d samples", len(fa), n)
	}
	diff := tensor.Reshape(tensor.Sub(a, b), n, -1)
	dist := tensor.Sqrt(tensor.Sum(tensor.Mul(diff, diff), 1)).Data()
	slope := 0.0
	for i := range n {
		if dist[i] > 0 {
			slope = max(slope, abs(fa[i]-fb[i])/dist[i])
		}
	}
	return slope
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// LipschitzBound returns an upper bound on the Lipschitz constant of a
// network built of Linear layers, spectrally normalised Linear layers and
// 1-Lipschitz activations: the product of the layers' spectral norms,
//
//	L(f) ≤ Πₗ σ₁(Wₗ),
//
// because ‖W·x − W·y‖ ≤ σ₁(W)·‖x − y‖, a bias shifts both points alike,
// ReLU, LeakyReLU with slope ≤ 1 and Tanh move no two points further apart,
// and a composition's constant is at most the product of its parts'
// (Miyato et al., arXiv 1802.05957, §2.1). σ₁ is exact
// (layers.LargestSingularValue); for a SpectralNorm layer it is that of
// W/σ̂ with σ̂ the power iteration's estimate (SpectralNorm.Weight), which is
// 1 only when σ̂ has converged. m is a *layers.Sequential or one such layer.
// The bound is loose when the layers' top singular directions do not line
// up. It panics with tensor.ErrArgument for any other module (batch norm,
// maxout, convolutions are not covered) and for a LeakyReLU slope with
// |slope| > 1.
func LipschitzBound(m layers.Module) float64 {
	switch l := m.(type) {
	case *layers.Sequential:
		bound := 1.0
		for _, sub := range l.Layers {
			bound *= LipschitzBound(sub)
		}
		return bound
	case *layers.Linear:
		return layers.LargestSingularValue(l.Weight.Value)
	case *layers.SpectralNorm:
		if _, ok := l.Layer.(*layers.Linear); !ok {
			panicf(tensor.ErrArgument, "LipschitzBound", "spectral norm of a %T: only Linear layers are covered", l.Layer)
		}
		var w *tensor.Tensor
		autograd.NoGrad(func() { w = l.Weight().Value })
		return layers.LargestSingularValue(w)
	case layers.ReLU, layers.Tanh:
		return 1
	case layers.LeakyReLU:
		if l.Slope > 1 || l.Slope < -1 {
			panicf(tensor.ErrArgument, "LipschitzBound", "LeakyReLU with slope %g is not 1-Lipschitz", l.Slope)
		}
		return 1
	}
	panicf(tensor.ErrArgument, "LipschitzBound", "%s: only Linear, SpectralNorm(Linear), ReLU, LeakyReLU and Tanh are covered", fmt.Sprintf("%T", m))
	return 0
}
