package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// The networks of PacGAN's 2-D experiments with one of the improved
// techniques of Salimans et al. (arXiv 1606.03498) built in, for comparing
// each technique with the plain networks (PacGANGenerator,
// PacGANDiscriminator) at the same width.

// PacGANGeneratorVBN is PacGANGenerator with virtual batch normalisation in
// place of batch normalisation (§3.4 of arXiv 1606.03498):
//
//	z (N, 2) → [Linear → VirtualBatchNorm → ReLU] × depth → Linear → x (N, 2)
//
// It draws the same weights from r as PacGANGenerator. Before its first
// Forward, and whenever the reference statistics should follow the
// weights, run layers.ReferenceForward on the reference batch of noise. It
// panics with tensor.ErrArgument if width or depth is below 1.
func PacGANGeneratorVBN(r *rand.Rand, width, depth int) *layers.Sequential {
	if width < 1 || depth < 1 {
		panicf(tensor.ErrArgument, "PacGANGeneratorVBN", "width %d, depth %d", width, depth)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewLinear(r, in, width), layers.NewVirtualBatchNorm(width), layers.ReLU{})
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 2))...)
}

// PacGANDiscriminatorMBD is PacGANDiscriminator with minibatch
// discrimination before its output layer (§3.2 of arXiv 1606.03498):
//
//	x (N, 2) → Maxout(width × pieces) × depth → f (N, width)
//	         → MinibatchDiscrimination → [f, o(f)] (N, width + kernels) → Linear → (N, 1)
//
// o(f)_b = Σ_{j≠i} exp(−‖M_{i,b} − M_{j,b}‖₁) measures, for each of the
// kernels, how close sample i is to the rest of its batch, so D's output
// for a sample depends on the batch it comes in: give it real and
// generated samples in separate batches. The maxout layers draw the same
// weights from r as PacGANDiscriminator's; then T, then the output layer.
// The paper's code uses 100 kernels of 5 dimensions on images. It panics
// with tensor.ErrArgument if a size is below 1.
func PacGANDiscriminatorMBD(r *rand.Rand, width, pieces, depth, kernels, dims int) *layers.Sequential {
	if width < 1 || pieces < 1 || depth < 1 || kernels < 1 || dims < 1 {
		panicf(tensor.ErrArgument, "PacGANDiscriminatorMBD", "width %d, pieces %d, depth %d, kernels %d, dims %d",
			width, pieces, depth, kernels, dims)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewMaxout(r, in, width, pieces))
		in = width
	}
	mods = append(mods, layers.NewMinibatchDiscrimination(r, width, kernels, dims))
	return layers.NewSequential(append(mods, layers.NewLinear(r, width+kernels, 1))...)
}

// Features returns the part of a discriminator built as a Sequential that
// comes before its output layer: f(x), the features that feature matching
// compares (§3.1 of arXiv 1606.03498). It shares D's modules. It panics
// with tensor.ErrArgument if D has fewer than two layers.
func Features(D *layers.Sequential) *layers.Sequential {
	if len(D.Layers) < 2 {
		panicf(tensor.ErrArgument, "Features", "a discriminator of %d layers has no hidden features", len(D.Layers))
	}
	return &layers.Sequential{Layers: D.Layers[:len(D.Layers)-1]}
}
