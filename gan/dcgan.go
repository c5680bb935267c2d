package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// ---- DCGAN -------------------------------------------------------------------------
//
// Shape legend: N batch, Z noise size, C channels of the widest feature
// maps, S image side (16 or 28), B = S/4 the side of the smallest maps.

// DCGANConfig sizes a DCGAN for S×S single-channel images.
type DCGANConfig struct {
	Size  int // S, the image side: a multiple of 4 (16 and 28 are the digits' sizes)
	Noise int // Z, the size of the noise vector
	Width int // C, the channels of the widest feature maps (G's first, D's last)
}

// NewDCGAN builds the generator and discriminator of DCGAN (Radford, Metz
// and Chintala, arXiv 1511.06434) for S×S images with one channel, scaled
// to [−1, 1]:
//
//	G: z (N,Z) → Linear → (N,C,B,B) → BN → ReLU
//	           → ConvT(C → C/2, 4, 2, 1) → (N,C/2,2B,2B) → BN → ReLU
//	           → ConvT(C/2 → 1, 4, 2, 1) → (N,1,S,S) → tanh
//	D: x (N,1,S,S) → Conv(1 → C/2, 4, 2, 1) → LeakyReLU(0.2)
//	           → Conv(C/2 → C, 4, 2, 1) → (N,C,B,B) → BN → LeakyReLU(0.2)
//	           → Flatten → Linear → (N,1), a logit
//
// following the paper's rules: strided (transposed) convolutions instead
// of pooling, batch normalisation in both networks except at G's output
// and D's input, ReLU in G with tanh at the output, LeakyReLU with slope
// 0.2 in D. Weights are drawn from N(0, 0.02) and biases start at 0, the
// batch-normalisation scales from N(1, 0.02), as in the paper and its
// reference code. Layers followed by batch normalisation carry no bias.
// It panics with tensor.ErrArgument if Size is not a positive multiple of
// 4, or Noise or Width is below 2.
func NewDCGAN(r *rand.Rand, cfg DCGANConfig) (g, d *layers.Sequential) {
	if cfg.Size < 4 || cfg.Size%4 != 0 || cfg.Noise < 2 || cfg.Width < 2 {
		panicf(tensor.ErrArgument, "NewDCGAN", "size %d, noise %d, width %d: want a size that is a positive multiple of 4 and noise and width ≥ 2",
			cfg.Size, cfg.Noise, cfg.Width)
	}
	b, c, half := cfg.Size/4, cfg.Width, max(cfg.Width/2, 1)
	init := layers.WithInit(layers.Normal(0.02))
	g = layers.NewSequential(
		layers.NewLinear(r, cfg.Noise, c*b*b, init, layers.WithoutBias()),
		layers.NewReshape(c, b, b),
		dcganBatchNorm(r, c),
		layers.ReLU{},
		layers.NewConvTranspose2D(r, c, half, 4, 2, 1, init, layers.WithoutBias()),
		dcganBatchNorm(r, half),
		layers.ReLU{},
		layers.NewConvTranspose2D(r, half, 1, 4, 2, 1, init),
		layers.Tanh{},
	)
	d = layers.NewSequential(
		layers.NewConv2D(r, 1, half, 4, 2, 1, init),
		layers.LeakyReLU{Slope: 0.2},
		layers.NewConv2D(r, half, c, 4, 2, 1, init, layers.WithoutBias()),
		dcganBatchNorm(r, c),
		layers.LeakyReLU{Slope: 0.2},
		layers.Flatten{},
		layers.NewLinear(r, c*b*b, 1, init),
	)
	return g, d
}

// dcganBatchNorm returns batch normalisation whose scales γ are drawn from
// N(1, 0.02), as DCGAN's reference code initialises them.
func dcganBatchNorm(r *rand.Rand, features int) *layers.BatchNorm {
	bn := layers.NewBatchNorm(features)
	layers.InitNormal(r, bn.Weight.Value, 0.02)
	for i := range bn.Weight.Value.Data() {
		bn.Weight.Value.Data()[i] += 1
	}
	return bn
}
