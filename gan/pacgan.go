package gan

import (
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// ---- Packing (PacGAN, Lin et al. 2018, arXiv 1712.04086) ------------------------
//
// A packed discriminator judges m samples at once: m real samples, or m
// generated ones, concatenated into one input. The generator is unchanged;
// it only has to make m·B samples for B packed inputs. A generator that
// misses modes makes packs whose joint distribution differs from the real
// packs' more than single samples differ (see metrics.PackedTotalVariation),
// which is what the discriminator sees.

// Pack concatenates every m consecutive samples of x into one:
//
//	x (N·m, d) → (N, m·d),   row n = [x_{n·m}, x_{n·m+1}, …, x_{n·m+m−1}],
//
// a row-major reshape, so that the gradient flows back to every sample.
// Pack(x, 1) returns x itself. It panics with tensor.ErrArgument if m < 1
// and with tensor.ErrShape unless x is 2-D with a number of rows divisible
// by m.
func Pack(x *autograd.Var, m int) *autograd.Var {
	if m < 1 {
		panicf(tensor.ErrArgument, "Pack", "m = %d, want m ≥ 1", m)
	}
	xs := x.Value.Shape()
	if len(xs) != 2 || xs[0]%m != 0 {
		panicf(tensor.ErrShape, "Pack", "samples %s into packs of %d: want (N·%d, d)", tensor.FormatShape(xs), m, m)
	}
	if m == 1 {
		return x
	}
	return autograd.Reshape(x, xs[0]/m, m*xs[1])
}

// PackedPacGANNetworks are PacGANNetworks with a discriminator for packs of
// m samples (PacGAN's 2-D experiments, arXiv 1712.04086):
//
//	G: z (N, 2) → [Linear → BatchNorm → ReLU] × 4 → Linear → (N, 2)
//	D: packs (N/m, 2·m) → Maxout(dWidth units × 5 pieces) × 3 → Linear → (N/m, 1)
//
// D takes Pack(x, m), not x. With m = 1 they are PacGANNetworks, weight for
// weight. The paper uses gWidth 400, dWidth 200 and m = 2, 3, 4. It panics
// with tensor.ErrArgument (when called) if a size is below 1.
func PackedPacGANNetworks(gWidth, dWidth, m int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		return PacGANGenerator(r, gWidth, 4), PackedPacGANDiscriminator(r, m, dWidth, 5, 3)
	}
}

// PackedPacGANDiscriminator is PacGANDiscriminator for packs of m 2-D
// samples:
//
//	packs (N, 2·m) → Maxout(width units × pieces) × depth → Linear → (N, 1)
//
// Only the first layer grows with m (2·m inputs instead of 2). With m = 1
// it draws the same weights from r as PacGANDiscriminator. It panics with
// tensor.ErrArgument if a size is below 1.
func PackedPacGANDiscriminator(r *rand.Rand, m, width, pieces, depth int) *layers.Sequential {
	if m < 1 || width < 1 || pieces < 1 || depth < 1 {
		panicf(tensor.ErrArgument, "PackedPacGANDiscriminator", "m %d, width %d, pieces %d, depth %d", m, width, pieces, depth)
	}
	var mods []layers.Module
	in := 2 * m
	for range depth {
		mods = append(mods, layers.NewMaxout(r, in, width, pieces))
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 1))...)
}
