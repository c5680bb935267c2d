package gan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

func TestDCGANShapesAndInit(t *testing.T) {
	for _, size := range []int{16, 28} {
		r := rand.New(rand.NewPCG(1, 2))
		g, d := NewDCGAN(r, DCGANConfig{Size: size, Noise: 8, Width: 16})
		z := autograd.Const(tensor.RandN(r, 5, 8))
		x := g.Forward(z)
		require.Equal(t, []int{5, 1, size, size}, x.Shape())
		for _, v := range x.Value.Data() {
			require.True(t, v > -1 && v < 1, "tanh output %v", v)
		}
		require.Equal(t, []int{5, 1}, d.Forward(x).Shape())

		// N(0, 0.02) weights: the first Linear's sample std is near 0.02.
		w := g.Parameters()[0].Var.Value
		assert.InDelta(t, 0.02, math.Sqrt(tensor.Variance(w).Item()), 0.002)
		// Batch-norm scales near 1 (not exactly), shifts 0.
		bn := g.Layers[2].(*layers.BatchNorm)
		for i, v := range bn.Weight.Value.Data() {
			require.InDelta(t, 1, v, 0.1, "γ[%d]", i)
			require.NotEqual(t, 1.0, v, "γ[%d] was not drawn", i)
		}
		assert.Equal(t, make([]float64, 16), bn.Bias.Value.Data())
	}
}

func TestDCGANRejectsBadConfig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, cfg := range []DCGANConfig{{Size: 18, Noise: 8, Width: 8}, {Size: 16, Noise: 1, Width: 8}, {Size: 0, Noise: 8, Width: 8}} {
		assert.Panics(t, func() { NewDCGAN(r, cfg) }, "%+v", cfg)
	}
}
