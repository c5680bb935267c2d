package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// This file holds the spectrally normalised networks of SN-GAN (Miyato et
// al. 2018, arXiv 1802.05957) on the toy mixtures, and the helpers that
// build and inspect them.

// SNGANNetworks are WGANGPNetworks(width) with every Linear layer of the
// discriminator wrapped in spectral normalisation (layers.SpectralNorm):
//
//	G: z (N, 2) → W → W → W → (N, 2)               (ReLU, as WGANGPNetworks)
//	D: x (N, 2) → SN(W) → SN(W) → SN(W) → SN(1)    (ReLU between)
//
// Each SN layer divides its weight by an estimate of its largest singular
// value, so every layer is 1-Lipschitz and so is D. G and D start from the
// very weights WGANGPNetworks draws from the same r: the power iterations'
// vectors u and v are drawn after them. Two runs on the same seed then
// differ by the normalisation alone. It panics with tensor.ErrArgument
// (when called) if width is below 1.
func SNGANNetworks(width int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		G, D = WGANGPNetworks(width)(r)
		return G, WithSpectralNorm(r, D)
	}
}

// WithSpectralNorm returns a Sequential with the modules of s in which
// every *layers.Linear, *layers.Conv2D and *layers.ConvTranspose2D, also
// inside nested Sequentials, is wrapped in layers.NewSpectralNorm, drawing
// each wrapper's u and v from r in the order of the layers. The layers
// themselves are shared, not copied: their weights become the wrappers'
// "weight_orig". s is left as it was. It panics with tensor.ErrArgument
// if r is nil or s holds no layer to wrap.
func WithSpectralNorm(r *rand.Rand, s *layers.Sequential) *layers.Sequential {
	if r == nil {
		panicf(tensor.ErrArgument, "WithSpectralNorm", "nil *rand.Rand")
	}
	out := wrapSpectral(r, s)
	if len(SpectralNorms(out)) == 0 {
		panicf(tensor.ErrArgument, "WithSpectralNorm", "no Linear, Conv2D or ConvTranspose2D layer to normalise")
	}
	return out
}

func wrapSpectral(r *rand.Rand, s *layers.Sequential) *layers.Sequential {
	mods := make([]layers.Module, len(s.Layers))
	for i, m := range s.Layers {
		switch l := m.(type) {
		case *layers.Linear, *layers.Conv2D, *layers.ConvTranspose2D:
			mods[i] = layers.NewSpectralNorm(r, l)
		case *layers.Sequential:
			mods[i] = wrapSpectral(r, l)
		default:
			mods[i] = m
		}
	}
	return layers.NewSequential(mods...)
}

// SpectralNorms lists the spectral normalisation wrappers of s, also those
// inside nested Sequentials, in the order Forward runs them.
func SpectralNorms(s *layers.Sequential) []*layers.SpectralNorm {
	var out []*layers.SpectralNorm
	for _, m := range s.Layers {
		switch l := m.(type) {
		case *layers.SpectralNorm:
			out = append(out, l)
		case *layers.Sequential:
			out = append(out, SpectralNorms(l)...)
		}
	}
	return out
}
