package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// The counts below are worked out by hand from the layers' definitions,
// one product at a time, so that they check MACs rather than repeat it.
func TestMACsOfLayers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		m    layers.Module
		in   []int
		macs int64
		out  []int
	}{
		// 5 rows of 8 inputs, each of 3 outputs a sum of 8 products.
		{"Linear", layers.NewLinear(r, 8, 3), []int{5, 8}, 5 * 3 * 8, []int{5, 3}},
		// (5,1,16,16) → (5,8,8,8): 5·8·8·8 outputs, each a 1×4×4 window.
		{"Conv2D", layers.NewConv2D(r, 1, 8, 4, 2, 1), []int{5, 1, 16, 16}, 5 * 8 * 64 * 16, []int{5, 8, 8, 8}},
		// 3×3, padding 1, stride 1 keeps 6×7; every output a 4×3×3 window.
		{"Conv2D 3x3", layers.NewConv2D(r, 4, 2, 3, 1, 1), []int{2, 4, 6, 7}, 2 * 2 * 42 * 36, []int{2, 2, 6, 7}},
		// (5,16,4,4) → (5,8,8,8): each of 5·16·4·4 inputs adds a 8×4×4 kernel.
		{"ConvTranspose2D", layers.NewConvTranspose2D(r, 16, 8, 4, 2, 1), []int{5, 16, 4, 4}, 5 * 256 * 8 * 16, []int{5, 8, 8, 8}},
		// f, g: 16 → 2 per position (2·16·(16·2)); h: 16 → 16 (2·16·256);
		// scores 2·16²·2; values 2·16²·16.
		{"SelfAttention", layers.NewSelfAttention(r, 16), []int{2, 16, 4, 4},
			2*(2*16*32) + 2*16*256 + 2*256*2 + 2*256*16, []int{2, 16, 4, 4}},
		// The convolution, plus a power iteration on the 8 × 16 kernel
		// matrix (Wᵀu, Wv: 2·128) and σ = uᵀWv (128).
		{"SpectralNorm", layers.NewSpectralNorm(r, layers.NewConv2D(r, 1, 8, 4, 2, 1)), []int{5, 1, 16, 16},
			5*8*64*16 + 3*128, []int{5, 8, 8, 8}},
		// A Linear to 3·4 units, then the max over 4 pieces.
		{"Maxout", layers.NewMaxout(r, 6, 3, 4), []int{5, 6}, 5 * 6 * 12, []int{5, 3}},
		// x·T (5·6·(4·2)), then |M_i − M_j| for 5·5 pairs of 4·2 values.
		{"MinibatchDiscrimination", layers.NewMinibatchDiscrimination(r, 6, 4, 2), []int{5, 6}, 5*6*8 + 25*8, []int{5, 10}},
		{"MinibatchStdDev", layers.NewMinibatchStdDev(), []int{5, 16, 4, 4}, 0, []int{5, 17, 4, 4}},
		{"MinibatchStdDev dense", layers.NewMinibatchStdDev(), []int{5, 16}, 0, []int{5, 17}},
		{"Flatten", layers.Flatten{}, []int{5, 16, 4, 4}, 0, []int{5, 256}},
		{"Reshape", layers.NewReshape(16, 4, 4), []int{5, 256}, 0, []int{5, 16, 4, 4}},
		{"Upsample", layers.NewUpsample(2), []int{5, 3, 4, 4}, 0, []int{5, 3, 8, 8}},
		{"BatchNorm", layers.NewBatchNorm(3), []int{5, 3, 4, 4}, 0, []int{5, 3, 4, 4}},
		{"LeakyReLU", layers.LeakyReLU{Slope: 0.2}, []int{5, 3}, 0, []int{5, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			macs, out := layers.MACs(c.m, c.in)
			assert.Equal(t, c.macs, macs)
			assert.Equal(t, c.out, out)
			// The output shape is the one Forward gives.
			y := c.m.Forward(autograd.Const(tensor.RandN(r, c.in...)))
			assert.Equal(t, y.Shape(), out, "Forward's shape")
		})
	}
}

// DCGAN's networks for 16×16 images with Z = 8 and C = 16 on a batch of 5,
// layer by layer.
func TestMACsOfASequential(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	init := layers.WithInit(layers.Normal(0.02))
	g := layers.NewSequential(
		layers.NewLinear(r, 8, 16*4*4, init), layers.NewReshape(16, 4, 4), layers.NewBatchNorm(16), layers.ReLU{},
		layers.NewConvTranspose2D(r, 16, 8, 4, 2, 1), layers.NewBatchNorm(8), layers.ReLU{},
		layers.NewConvTranspose2D(r, 8, 1, 4, 2, 1), layers.Tanh{})
	macs, out := layers.MACs(g, []int{5, 8})
	// Linear 5·8·256, ConvT 5·(16·4·4)·(8·4·4), ConvT 5·(8·8·8)·(1·4·4).
	assert.Equal(t, int64(5*8*256+5*256*128+5*512*16), macs)
	assert.Equal(t, []int{5, 1, 16, 16}, out)
	// Per-sample layers only: the count is proportional to the batch.
	one, _ := layers.MACs(g, []int{1, 8})
	assert.Equal(t, macs, 5*one)
}

// counted is a module of a chapter's own, which tells its count.
type counted struct{ layers.ReLU }

func (counted) MACs(in []int) (int64, []int) { return 7, []int{in[0], 2} }

type unknown struct{ layers.ReLU }

func TestMACsOfOtherModules(t *testing.T) {
	macs, out := layers.MACs(layers.NewSequential(counted{}, layers.ReLU{}), []int{3, 9})
	assert.Equal(t, int64(7), macs)
	assert.Equal(t, []int{3, 2}, out)

	requirePanicsWith(t, tensor.ErrArgument, "tensor: MACs: bad argument layers_test.unknown: a module MACs does not know; it must implement MACCounter", func() { layers.MACs(unknown{}, []int{3, 9}) })
	r := rand.New(rand.NewPCG(1, 2))
	requirePanicsWith(t, tensor.ErrShape, "tensor: MACs: shape mismatch *layers.Linear on input (5,7): want (N,8)", func() { layers.MACs(layers.NewLinear(r, 8, 3), []int{5, 7}) })
	requirePanicsWith(t, tensor.ErrShape, "tensor: MACs: shape mismatch *layers.Conv2D on input (5,2,2,2): want (N,2,H,W) at least as large as the kernel", func() { layers.MACs(layers.NewConv2D(r, 2, 3, 3, 1, 0), []int{5, 2, 2, 2}) })
	requirePanicsWith(t, tensor.ErrShape, "tensor: MACs: shape mismatch *layers.Reshape on input (5,15): want (N,…) with 16 values per sample", func() { layers.MACs(layers.NewReshape(4, 4), []int{5, 15}) })
}
