package layers_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/layers"
	"ganbook/tensor"
)

// Moments of the two sampling distributions, for n samples w:
//
//	U(−b, b):  E[w²] = b²/3,  Var(w²) = E[w⁴] − E[w²]² = b⁴/5 − b⁴/9 = 4b⁴/45
//	N(0, σ²):  E[w²] = σ²,    Var(w²) = 3σ⁴ − σ⁴ = 2σ⁴
//
// The sample mean square then has standard error √(Var(w²)/n), and the
// sample mean √(E[w²]/n). The tests accept 5 standard errors.

func uniformMoments(b float64) (m2, v4 float64)  { return b * b / 3, 4 * math.Pow(b, 4) / 45 }
func normalMoments(std float64) (m2, v4 float64) { return std * std, 2 * math.Pow(std, 4) }

func TestInitStatistics(t *testing.T) {
	tests := []struct {
		name  string
		fill  func(r *rand.Rand, w *tensor.Tensor)
		shape []int
		bound float64 // for the uniform schemes; 0 for the normal ones
		std   float64 // for the normal schemes
	}{
		{"Normal DCGAN", func(r *rand.Rand, w *tensor.Tensor) { layers.InitNormal(r, w, 0.02) }, []int{200, 300}, 0, 0.02},
		// ReLU: gain √2, fan_in 300: b = √2·√(3/300) = √(6/300).
		{"Kaiming uniform ReLU", func(r *rand.Rand, w *tensor.Tensor) { layers.InitKaimingUniform(r, w, 0) }, []int{200, 300}, math.Sqrt(6.0 / 300), 0},
		// PyTorch's default, slope √5: gain √(1/3), b = 1/√fan_in, fan_in = 3·4·4.
		{"Kaiming uniform PyTorch default", func(r *rand.Rand, w *tensor.Tensor) { layers.InitKaimingUniform(r, w, math.Sqrt(5)) }, []int{64, 3, 4, 4}, 1 / math.Sqrt(48), 0},
		// A transposed convolution's (in, out, K, K) weight: fan_in = out·K² = 32·16.
		{"Kaiming uniform transposed", func(r *rand.Rand, w *tensor.Tensor) { layers.InitKaimingUniform(r, w, 0) }, []int{64, 32, 4, 4}, math.Sqrt(6.0 / 512), 0},
		// LeakyReLU 0.2: gain² = 2/1.04, fan_in = 32·3·3 = 288.
		{"Kaiming normal LeakyReLU", func(r *rand.Rand, w *tensor.Tensor) { layers.InitKaimingNormal(r, w, 0.2) }, []int{64, 32, 3, 3}, 0, math.Sqrt(2 / 1.04 / 288)},
		// fan_in 48, fan_out 64·16 = 1024: b = √(6/1072).
		{"Xavier uniform", func(r *rand.Rand, w *tensor.Tensor) { layers.InitXavierUniform(r, w, 1) }, []int{64, 3, 4, 4}, math.Sqrt(6.0 / 1072), 0},
		// gain 2, fan_in + fan_out = 500: σ² = 4·2/500.
		{"Xavier normal", func(r *rand.Rand, w *tensor.Tensor) { layers.InitXavierNormal(r, w, 2) }, []int{300, 200}, 0, math.Sqrt(8.0 / 500)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tensor.Zeros(tc.shape...)
			tc.fill(rand.New(rand.NewPCG(1, 2)), w)
			m2, v4 := normalMoments(tc.std)
			if tc.bound > 0 {
				m2, v4 = uniformMoments(tc.bound)
				lo, hi := minMax(w.Data())
				assert.GreaterOrEqual(t, lo, -tc.bound)
				assert.LessOrEqual(t, hi, tc.bound)
			}
			n := float64(w.Len())
			mean := tensor.Mean(w).Item()
			meanSquare := tensor.Mean(tensor.Mul(w, w)).Item()
			assert.InDelta(t, 0, mean, 5*math.Sqrt(m2/n), "mean")
			assert.InDelta(t, m2, meanSquare, 5*math.Sqrt(v4/n), "mean square")
		})
	}
}

func TestInitOrthogonal(t *testing.T) {
	// A tall W (more rows than columns) has orthonormal columns, WᵀW = I;
	// a wide one has orthonormal rows, WWᵀ = I; with a gain, gain²·I.
	// A 4-D weight is the matrix (dim 0, the rest).
	tests := []struct {
		name  string
		shape []int
		gain  float64
	}{
		{"tall", []int{7, 3}, 1},
		{"wide", []int{3, 7}, 1},
		{"square", []int{5, 5}, 1},
		{"convolution weight", []int{4, 2, 3, 3}, 1},
		{"with gain", []int{6, 4}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tensor.Zeros(tc.shape...)
			layers.InitOrthogonal(rand.New(rand.NewPCG(3, 4)), w, tc.gain)
			rows := tc.shape[0]
			m := tensor.Reshape(w, rows, -1)
			var gram *tensor.Tensor
			if rows >= m.Dim(1) {
				gram = tensor.MatMulT(m, true, m, false) // WᵀW
			} else {
				gram = tensor.MatMulT(m, false, m, true) // WWᵀ
			}
			want := tensor.Scale(tensor.Eye(gram.Dim(0)), tc.gain*tc.gain)
			require.Len(t, gram.Data(), want.Len())
			assert.InDeltaSlice(t, want.Data(), gram.Data(), 1e-12)
		})
	}
}

func TestInitOrthogonalIsRandom(t *testing.T) {
	// Two draws differ, and the same seed gives the same matrix.
	draw := func(seed uint64) []float64 {
		w := tensor.Zeros(4, 4)
		layers.InitOrthogonal(rand.New(rand.NewPCG(seed, 0)), w, 1)
		return w.Data()
	}
	assert.Equal(t, draw(1), draw(1))
	assert.NotEqual(t, draw(1), draw(2))
}
