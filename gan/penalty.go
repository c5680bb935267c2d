package gan

import (
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Lipschitz constraints --------------------------------------------------------

// ClipWeights clamps every element of every parameter to [−c, c] in place:
// WGAN's crude way of keeping the critic Lipschitz (arXiv 1701.07875,
// Algorithm 1, c = 0.01). It runs after each critic update and records
// nothing.
func ClipWeights(params []*autograd.Var, c float64) {
	for _, p := range params {
		d := p.Value.Data()
		for i, v := range d {
			d[i] = math.Min(math.Max(v, -c), c)
		}
	}
}

// ClipBound is the clipping bound c this project gives a critic whose
// hidden layers are width units wide: c = 10.24/width, 0.16 at 64 units
// and 0.32 at 32. The WGAN paper's c = 0.01 was set for wide critics (the
// WGAN-GP toy code's layers have 512 units). A layer whose weights all sit
// at ±c can multiply the size of its input by at most width·c: 5.12 at 512
// units, but 0.64 at 64, so a narrow critic clipped at 0.01 shrinks its
// signal at every layer and learns only coarse functions. Keeping width·c
// at 10.24 lets the narrow critics of the toy chapters learn the data's
// shape (chapter 05 measures it). Train such a critic with ClipLR. It
// panics with tensor.ErrArgument if width is below 1.
func ClipBound(width int) float64 {
	if width < 1 {
		panicf(tensor.ErrArgument, "ClipBound", "width %d", width)
	}
	return 0.16 * 64 / float64(width)
}

// MaxClip is the largest clipping bound a chapter accepts (-clip): no
// weight of a default-initialised layer reaches 1, so a larger bound clips
// nothing, while ClipLR would still multiply the critic's rate by c/0.01.
const MaxClip = 1.0

// CheckClipFlag returns an error naming -clip if c, a clipping bound given
// on the command line (0 for ClipBound's rule), is negative, not finite or
// above MaxClip; nil otherwise.
func CheckClipFlag(c float64) error {
	if !(c >= 0 && c <= MaxClip) {
		return fmt.Errorf("-clip must be between 0 (the width rule) and %g, got %g", MaxClip, c)
	}
	return nil
}

// ClipLR is the critic's learning rate under the clipping bound c for a
// published learning rate lr that goes with the paper's c = 0.01:
// lr·(c/0.01). RMSprop moves each weight by about its learning rate per
// update whatever the gradient's size, so the critic then crosses [−c, c]
// in as many updates as the paper's critic crosses [−0.01, 0.01]; at
// c = 0.01 it is lr itself.
func ClipLR(lr, c float64) float64 { return lr * (c / 0.01) }

// GradientPenalty is WGAN-GP's penalty (Gulrajani et al. 2017, arXiv
// 1704.00028):
//
//	E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²],  x̂ = α·x + (1 − α)·x̃,  α ~ U[0, 1] per sample,
//
// with x a real batch and x̃ a generated one of the same shape (N, ...); the
// norm is taken per sample over all of its features. The returned penalty
// (without the weight λ) is differentiable with respect to D's parameters:
// the input gradient is built with createGraph, so training D
// differentiates through it (double backpropagation). norms holds the N
// gradient norms, for monitoring. It panics with tensor.ErrShape if the
// batches' shapes differ.
func GradientPenalty(d func(*autograd.Var) *autograd.Var, real, fake *tensor.Tensor, r *rand.Rand) (penalty *autograd.Var, norms *tensor.Tensor) {
	if !tensor.SameShape(real, fake) {
		panicf(tensor.ErrShape, "GradientPenalty", "real %s, fake %s", tensor.FormatShape(real.Shape()), tensor.FormatShape(fake.Shape()))
	}
	alpha := perSample(r, real)
	// x̂ = x̃ + α·(x − x̃)
	xhat := tensor.Add(fake, tensor.Mul(alpha, tensor.Sub(real, fake)))
	return penaltyAt(d, xhat)
}

// DRAGANPenalty is DRAGAN's penalty (Kodali et al. 2017, arXiv 1705.07215),
// the same (‖∇D‖ − 1)² taken around the real data instead of between real
// and fake:
//
//	x_p = x + c·std(x)·u,  u ~ U[0, 1) element-wise,
//	x̂  = x + α·(x_p − x),  α ~ U[0, 1] per sample,
//
// with std(x) one scalar over the whole batch (the unbiased standard
// deviation of all its numbers, as PyTorch's x.std()) and c = 0.5 in the
// paper's code. It returns the penalty (without λ) and the per-sample norms.
func DRAGANPenalty(d func(*autograd.Var) *autograd.Var, real *tensor.Tensor, c float64, r *rand.Rand) (penalty *autograd.Var, norms *tensor.Tensor) {
	std := math.Sqrt(tensor.Variance(real).Item() * float64(real.Len()) / float64(max(real.Len()-1, 1)))
	noise := tensor.Scale(tensor.RandU(r, 0, 1, real.Shape()...), c*std)
	alpha := perSample(r, real)
	xhat := tensor.Add(real, tensor.Mul(alpha, noise)) // x + α·(x_p − x)
	return penaltyAt(d, xhat)
}

// perSample draws α ~ U[0, 1) for each sample of x, shaped (N, 1, ...) so
// that it broadcasts over the sample's features.
func perSample(r *rand.Rand, x *tensor.Tensor) *tensor.Tensor {
	shape := x.Shape()
	for i := 1; i < len(shape); i++ {
		shape[i] = 1
	}
	return tensor.RandU(r, 0, 1, shape...)
}

// normEps keeps the gradient norm differentiable where the input gradient
// is exactly zero (a dead ReLU critic): d√s/ds is infinite at s = 0, and
// ∞·0 would make the weights' gradient NaN. With √(s + ε) the derivative
// there is 0, the subgradient PyTorch's norm returns; the norm itself moves
// by at most √ε = 10⁻⁶.
const normEps = 1e-12

// penaltyAt returns mean over samples of (‖∇ₓ D(x)‖₂ − 1)² at the points
// xhat (N, ...), with the gradient built differentiably.
func penaltyAt(d func(*autograd.Var) *autograd.Var, xhat *tensor.Tensor) (*autograd.Var, *tensor.Tensor) {
	x := autograd.Param(xhat)
	grad := autograd.Grad([]*autograd.Var{d(x)}, []*autograd.Var{x}, true)[0]
	flat := autograd.Reshape(grad, xhat.Dim(0), -1)
	norm := autograd.Sqrt(autograd.AddScalar(autograd.Sum(autograd.Square(flat), 1), normEps)) // (N)
	penalty := autograd.Mean(autograd.Square(autograd.AddScalar(norm, -1)))
	return penalty, norm.Value
}
