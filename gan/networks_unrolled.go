package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// UnrolledGANNetworks are networks shaped after those of the unrolled
// GAN's mixture-of-Gaussians experiment (Metz et al., arXiv 1611.02163,
// appendix A), with their width as a parameter: plain ReLU layers, a
// generator two hidden layers deep and a discriminator one hidden layer
// deep,
//
//	G: z (N, 2) → W → W → (N, 2),   D: x (N, 2) → W → (N, 1).
//
// The paper draws z from 256 dimensions and uses W = 128 and an orthogonal
// initialisation; here z is the toy runs' 2-D noise and the weights take
// Linear's default initialisation. A one-layer discriminator is cheap to
// differentiate through many simulated steps, and weak enough that the
// plain GAN's generator collapses onto single modes and moves between
// them, the behaviour unrolling is meant to cure. It panics with
// tensor.ErrArgument (when called) if width is below 1.
func UnrolledGANNetworks(width int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		if width < 1 {
			panicf(tensor.ErrArgument, "UnrolledGANNetworks", "width %d", width)
		}
		return MLP(r, layers.ReLU{}, 2, width, width, 2), MLP(r, layers.ReLU{}, 2, width, 1)
	}
}
