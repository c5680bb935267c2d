package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// This file holds the networks of the chapters: the plain MLP, and the
// generators and discriminators of the published 2-D experiments that
// several chapters compare methods on.

// MLP builds the fully connected network of the toy experiments:
// Linear(sizes[0] → sizes[1]), act, Linear(sizes[1] → sizes[2]), act, ...,
// ending with a Linear and no activation. Weights take Linear's default
// initialisation from r. It panics with tensor.ErrArgument for fewer than
// two sizes.
func MLP(r *rand.Rand, act layers.Module, sizes ...int) *layers.Sequential {
	if len(sizes) < 2 {
		panicf(tensor.ErrArgument, "MLP", "need at least input and output sizes, got %v", sizes)
	}
	var mods []layers.Module
	for i := 0; i+1 < len(sizes); i++ {
		if i > 0 {
			mods = append(mods, act)
		}
		mods = append(mods, layers.NewLinear(r, sizes[i], sizes[i+1]))
	}
	return layers.NewSequential(mods...)
}

// Networks builds a generator and a discriminator, drawing their initial
// weights from r. G maps noise z (N, 2) to samples (N, 2); D maps samples
// (N, 2) to raw scores (N, 1): logits for the classifier losses, the
// critic's values for the Wasserstein ones.
type Networks func(r *rand.Rand) (G, D *layers.Sequential)

// PacGANNetworks are the networks of PacGAN's 2-D experiments (arXiv
// 1712.04086, unpacked) with their widths as parameters:
//
//	G: z (N, 2) → [Linear → BatchNorm → ReLU] × 4 → Linear → (N, 2)
//	D: x (N, 2) → Maxout(dWidth units × 5 pieces) × 3 → Linear → (N, 1)
//
// The paper uses gWidth 400 and dWidth 200. It panics with
// tensor.ErrArgument (when called) if a width is below 1.
func PacGANNetworks(gWidth, dWidth int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		return PacGANGenerator(r, gWidth, 4), PacGANDiscriminator(r, dWidth, 5, 3)
	}
}

// WGANGPNetworks are the networks of WGAN-GP's toy experiments
// (gan_toy.py, arXiv 1704.00028) with their width as a parameter: three
// hidden ReLU layers of width units in both, no normalisation anywhere,
//
//	G: z (N, 2) → W → W → W → (N, 2),   D: x (N, 2) → W → W → W → (N, 1).
//
// The paper's code uses width 512. It panics with tensor.ErrArgument
// (when called) if width is below 1.
func WGANGPNetworks(width int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		return MLP(r, layers.ReLU{}, 2, width, width, width, 2), MLP(r, layers.ReLU{}, 2, width, width, width, 1)
	}
}

// PacGANGenerator is the generator of PacGAN's 2-D experiments with its
// width and depth as parameters:
//
//	z (N, 2) → [Linear → BatchNorm → ReLU] × depth → Linear → x (N, 2)
//
// with width units in every hidden layer. The paper uses depth 4 and width
// 400. It panics with tensor.ErrArgument if width or depth is below 1.
func PacGANGenerator(r *rand.Rand, width, depth int) *layers.Sequential {
	if width < 1 || depth < 1 {
		panicf(tensor.ErrArgument, "PacGANGenerator", "width %d, depth %d", width, depth)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewLinear(r, in, width), layers.NewBatchNorm(width), layers.ReLU{})
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 2))...)
}

// PacGANDiscriminator is the discriminator of PacGAN's 2-D experiments
// (unpacked) with its sizes as parameters:
//
//	x (N, 2) → Maxout(width units × pieces) × depth → Linear → (N, 1)
//
// It has no batch norm, so it could also serve as a WGAN-GP critic, whose
// penalty treats every sample on its own. The paper uses depth 3, width
// 200 and 5 pieces. It panics with tensor.ErrArgument if a size is below 1.
func PacGANDiscriminator(r *rand.Rand, width, pieces, depth int) *layers.Sequential {
	if width < 1 || pieces < 1 || depth < 1 {
		panicf(tensor.ErrArgument, "PacGANDiscriminator", "width %d, pieces %d, depth %d", width, pieces, depth)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewMaxout(r, in, width, pieces))
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 1))...)
}

// Frozen runs f with the gradients of m's parameters switched off: a backward
// pass inside f neither computes nor accumulates their gradients. It is
// how every game of this project keeps the discriminator out of the
// generator's update: G's loss −E[log D(G(z))] runs through D, and without
// freezing, lossG.Backward() would also add a gradient into D's weights,
// which no one uses (D's optimizer zeroes it before its next step) and
// which costs a matrix product per layer. The gradients G receives are the
// same bits either way. Frozen restores each parameter's previous setting,
// also if f panics.
func Frozen(m layers.Module, f func()) {
	params := layers.Vars(m)
	was := make([]bool, len(params))
	for i, p := range params {
		was[i] = p.RequiresGrad()
		p.SetRequiresGrad(false)
	}
	defer func() {
		for i, p := range params {
			p.SetRequiresGrad(was[i])
		}
	}()
	f()
}
