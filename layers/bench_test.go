package layers_test

import (
	"math/rand/v2"
	"testing"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// Forward and backward passes at the shapes the chapters use. The input
// requires a gradient, as it does inside a network (a generator's output
// is a discriminator's input), so the backward pass computes ∂L/∂x too.

// The reference MLP workload: a batch of 256, 512 → 512.
func BenchmarkLinear256x512x512(b *testing.B) {
	benchForwardBackward(b, layers.NewLinear(benchRand(), 512, 512), 256, 512)
}

// A DCGAN discriminator's first layer: 64 MNIST-sized images, 1×28×28 →
// 64×14×14 with a 4×4 kernel, stride 2, padding 1.
func BenchmarkConv2DDCGAN(b *testing.B) {
	benchForwardBackward(b, layers.NewConv2D(benchRand(), 1, 64, 4, 2, 1), 64, 1, 28, 28)
}

// A DCGAN generator's last layer: 64×14×14 → 1×28×28.
func BenchmarkConvTranspose2DDCGAN(b *testing.B) {
	benchForwardBackward(b, layers.NewConvTranspose2D(benchRand(), 64, 1, 4, 2, 1), 64, 64, 14, 14)
}

// Batch norm over the 64 channels of that generator's 14×14 feature maps.
func BenchmarkBatchNormDCGAN(b *testing.B) {
	benchForwardBackward(b, layers.NewBatchNorm(64), 64, 64, 14, 14)
}

func benchRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// benchForwardBackward times y = m(x), L = Σ y, L.Backward() for a random
// x of the given shape, clearing the gradients after each pass.
func benchForwardBackward(b *testing.B, m layers.Module, shape ...int) {
	x := autograd.Param(tensor.RandN(benchRand(), shape...))
	params := layers.Vars(m)
	b.ReportAllocs()
	for b.Loop() {
		autograd.Sum(m.Forward(x)).Backward()
		x.ZeroGrad()
		for _, p := range params {
			p.ZeroGrad()
		}
	}
}
