package gan

import (
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// R1Penalty is the zero-centred gradient penalty on real data of Mescheder,
// Geiger and Nowozin (2018, arXiv 1801.04406, eq. 9):
//
//	R₁ = (γ/2)·E_{x~p_data} ‖∇ₓ D(x)‖²,
//
// with D(x) the raw output (logit) for one sample and the squared norm
// taken per sample over all its features. It returns the mean over the
// batch x (N, ...) of ‖∇ₓD(xₙ)‖², WITHOUT the factor γ/2: the caller adds
// (γ/2)·penalty to D's loss. norms holds the N gradient norms ‖∇ₓD(xₙ)‖
// (not squared), for monitoring.
//
// Unlike WGAN-GP it pulls the gradient towards 0, not 1, and only on real
// data: at a Nash equilibrium with p_g = p_data, D is constant on the data
// and the penalty vanishes, which makes the equilibrium locally
// attractive (Theorem 4; the Dirac-GAN of §2 converges with it). Applied
// to generated samples instead it is R₂. No square root is taken, so the
// penalty is smooth even where the gradient is zero.
//
// The input gradient is built with createGraph, so the penalty is
// differentiable with respect to D's parameters (double backpropagation).
// D must map every sample independently (no batch norm in training mode):
// the gradient of the sum of D's outputs is then the per-sample gradient.
func R1Penalty(d func(*autograd.Var) *autograd.Var, real *tensor.Tensor) (penalty *autograd.Var, norms *tensor.Tensor) {
	x := autograd.Param(real.Clone())
	grad := autograd.Grad([]*autograd.Var{d(x)}, []*autograd.Var{x}, true)[0]
	flat := autograd.Reshape(grad, real.Dim(0), -1)
	squared := autograd.Sum(autograd.Square(flat), 1) // (N): ‖∇ₓD(xₙ)‖²
	return autograd.Mean(squared), tensor.Sqrt(squared.Value)
}

// InstanceNoise returns x + σ·ε with ε ~ N(0, I) drawn from r, a new
// tensor: the instance noise of Sønderby et al. (arXiv 1610.04490) and
// Arjovsky and Bottou (arXiv 1701.04862), added to both real and generated
// samples before D so that the two distributions overlap. Mescheder et al.
// (arXiv 1801.04406, §3) show that it, like R₁, makes the Dirac-GAN
// converge. σ is usually annealed towards 0 during training. It panics
// with tensor.ErrArgument if σ is negative or not finite.
func InstanceNoise(r *rand.Rand, x *tensor.Tensor, sigma float64) *tensor.Tensor {
	if !(sigma >= 0) || math.IsInf(sigma, 1) {
		panicf(tensor.ErrArgument, "InstanceNoise", "σ = %g, want a finite σ ≥ 0", sigma)
	}
	return tensor.Add(x, tensor.Scale(tensor.RandN(r, x.Shape()...), sigma))
}
