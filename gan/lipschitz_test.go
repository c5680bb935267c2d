package gan

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// testdata/lipschitz.json was written once by testdata/gen_lipschitz.py
// with PyTorch in float64: input-gradient norms by torch.autograd.grad,
// slopes between pairs, and spectral norms by torch.linalg.matrix_norm.
func TestLipschitzAgainstPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/lipschitz.json")
	require.NoError(t, err)
	var g struct {
		Weights, Biases [][]float64
		X, A, B         []float64
		GradNorms       []float64 `json:"grad_norms"`
		MaxSlope        float64   `json:"max_slope"`
		Bound           float64
	}
	require.NoError(t, json.Unmarshal(raw, &g))
	sizes := [][2]int{{4, 2}, {3, 4}, {1, 3}}
	require.Len(t, g.Weights, len(sizes))
	var lin []*layers.Linear
	for i, s := range sizes {
		lin = append(lin, &layers.Linear{
			Weight: autograd.Param(tensor.New(g.Weights[i], s[0], s[1])),
			Bias:   autograd.Param(tensor.New(g.Biases[i], s[0])),
		})
	}
	net := layers.NewSequential(lin[0], layers.ReLU{}, lin[1], layers.Tanh{}, lin[2])

	norms := GradientNorms(net.Forward, tensor.New(g.X, 6, 2)).Data()
	require.Len(t, norms, len(g.GradNorms))
	assert.InDeltaSlice(t, g.GradNorms, norms, 1e-12)
	assert.InDelta(t, g.MaxSlope, MaxSlope(net.Forward, tensor.New(g.A, 6, 2), tensor.New(g.B, 6, 2)), 1e-12)
	bound := LipschitzBound(net)
	assert.InDelta(t, g.Bound, bound, 1e-10)
	// The bracket: every measured slope is at most the bound.
	for _, n := range norms {
		assert.LessOrEqual(t, n, bound)
	}
}

// For f(x) = w·x + c every gradient norm is ‖w‖, the slope between a and b
// is |w·(a − b)|/‖a − b‖, and the bound is ‖w‖: all three meet.
func TestLipschitzOfALinearMap(t *testing.T) {
	w := []float64{3, -4}
	lin := &layers.Linear{Weight: autograd.Param(tensor.New(w, 1, 2)), Bias: autograd.Param(tensor.New([]float64{0.5}, 1))}
	x := tensor.New([]float64{0, 0, 1, 2, -3, 0.5}, 3, 2)
	assert.InDeltaSlice(t, []float64{5, 5, 5}, GradientNorms(lin.Forward, x).Data(), 1e-12)
	a := tensor.New([]float64{0, 0, 1, 1, 2, 2}, 3, 2)
	b := tensor.New([]float64{3, -4, 1, 2, 2, 2}, 3, 2) // slopes 5, 4, and a skipped identical pair
	assert.InDelta(t, 5, MaxSlope(lin.Forward, a, b), 1e-12)
	assert.InDelta(t, 5, LipschitzBound(lin), 1e-12)
	assert.InDelta(t, 5, LipschitzBound(layers.NewSequential(lin, layers.LeakyReLU{Slope: 0.2})), 1e-12)
	assert.Equal(t, 0.0, MaxSlope(lin.Forward, a, a))
}

// A spectrally normalised layer's bound is 1 once the power iteration has
// converged; before, it is σ₁(W)/σ̂, whatever σ̂ is.
func TestLipschitzBoundSpectralNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	sn := layers.NewSpectralNorm(r, layers.NewLinear(r, 8, 6))
	x := autograd.Const(tensor.RandN(r, 4, 8))
	sn.Forward(x) // one power iteration
	exact := sn.ExactSigma()
	assert.InDelta(t, exact/sn.Sigma(), LipschitzBound(sn), 1e-12)
	for range 200 {
		sn.Forward(x)
	}
	assert.InDelta(t, 1, LipschitzBound(sn), 1e-9)
	net := layers.NewSequential(sn, layers.ReLU{}, layers.NewSpectralNorm(r, layers.NewLinear(r, 6, 1)))
	for range 200 {
		net.Forward(x)
	}
	assert.InDelta(t, 1, LipschitzBound(net), 1e-9)
}

func TestLipschitzPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	assert.Panics(t, func() { LipschitzBound(layers.NewBatchNorm(3)) })
	assert.Panics(t, func() { LipschitzBound(layers.LeakyReLU{Slope: 2}) })
	assert.Panics(t, func() { MaxSlope(layers.NewLinear(r, 2, 1).Forward, tensor.Zeros(3, 2), tensor.Zeros(2, 2)) })
	assert.Panics(t, func() { MaxSlope(layers.NewLinear(r, 2, 2).Forward, tensor.Zeros(3, 2), tensor.Ones(3, 2)) })
	assert.False(t, math.IsNaN(LipschitzBound(layers.NewLinear(r, 2, 2))))
}
