package gan

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// snCriticGolden is testdata/sn_critic.json, written once by
// testdata/gen_sn_critic.py with torch.nn.utils.spectral_norm in float64.
type snCriticGolden struct {
	Sizes  []int `json:"sizes"`
	Layers []struct {
		Weight, Bias, U0, V0 []float64
	} `json:"layers"`
	X     []float64 `json:"x"`
	Train []struct {
		U, V []float64
	} `json:"train"`
	Eval struct {
		Y      []float64 `json:"y"`
		Slopes []float64 `json:"slopes"`
		Sigmas []struct {
			SigmaHat float64 `json:"sigma_hat"`
			Exact    float64 `json:"exact"`
		} `json:"sigmas"`
		Bound float64 `json:"bound"`
	} `json:"eval"`
}

// A spectrally normalised critic built by WithSpectralNorm, with PyTorch's
// weights and power-iteration vectors: three training forwards move u and
// v as PyTorch's do, and in evaluation mode the outputs, the slopes
// GradientNorms measures, each layer's σ̂ and exact σ, and the bound
// Πσ/σ̂ agree with PyTorch's.
func TestSpectralCriticMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/sn_critic.json")
	require.NoError(t, err)
	var g snCriticGolden
	require.NoError(t, json.Unmarshal(raw, &g))
	r := rand.New(rand.NewPCG(3, 4))
	D := WithSpectralNorm(r, MLP(r, layers.ReLU{}, g.Sizes...))
	sns := SpectralNorms(D)
	require.Len(t, sns, len(g.Layers))
	for l, sn := range sns {
		ps := sn.Parameters()
		require.Equal(t, "weight_orig", ps[0].Name)
		ps[0].Var.Value.CopyFrom(tensor.New(g.Layers[l].Weight, ps[0].Var.Value.Shape()...))
		ps[1].Var.Value.CopyFrom(tensor.New(g.Layers[l].Bias, ps[1].Var.Value.Shape()...))
		sn.U.CopyFrom(tensor.New(g.Layers[l].U0, sn.U.Len()))
		sn.V.CopyFrom(tensor.New(g.Layers[l].V0, sn.V.Len()))
	}
	x := tensor.New(g.X, len(g.X)/2, 2)

	for range 3 {
		D.Forward(autograd.Const(x))
	}
	for l, sn := range sns {
		assertSlice(t, g.Train[l].U, sn.U.Data(), goldenTol, "u after training")
		assertSlice(t, g.Train[l].V, sn.V.Data(), goldenTol, "v after training")
	}

	layers.SetTraining(D, false)
	var y *tensor.Tensor
	autograd.NoGrad(func() { y = D.Forward(autograd.Const(x)).Value })
	assertSlice(t, g.Eval.Y, y.Data(), goldenTol, "D(x)")
	assertSlice(t, g.Eval.Slopes, GradientNorms(D.Forward, x).Data(), goldenTol, "‖∇D(x)‖")
	bound := 1.0
	for l, sn := range sns {
		assert.InDelta(t, g.Eval.Sigmas[l].SigmaHat, sn.Sigma(), goldenTol, "σ̂ of layer %d", l)
		assert.InDelta(t, g.Eval.Sigmas[l].Exact, sn.ExactSigma(), 1e-12, "σ of layer %d", l)
		bound *= sn.ExactSigma() / sn.Sigma()
	}
	assert.InDelta(t, g.Eval.Bound, bound, 1e-12)
}

// SNGANNetworks draws the same generator and the same critic weights as
// WGANGPNetworks from the same stream, and wraps every Linear of the
// critic, and only those.
func TestSNGANNetworksStartLikeWGANGP(t *testing.T) {
	G1, D1 := WGANGPNetworks(6)(rand.New(rand.NewPCG(9, 1)))
	G2, D2 := SNGANNetworks(6)(rand.New(rand.NewPCG(9, 1)))
	require.Len(t, G2.Parameters(), len(G1.Parameters()))
	for i, p := range G1.Parameters() {
		assert.Equal(t, p.Var.Value.Data(), G2.Parameters()[i].Var.Value.Data(), p.Name)
	}
	require.Len(t, D2.Parameters(), len(D1.Parameters()))
	for i, p := range D1.Parameters() {
		q := D2.Parameters()[i]
		assert.Equal(t, p.Var.Value.Data(), q.Var.Value.Data(), p.Name)
	}
	assert.Equal(t, []string{"0.weight_orig", "0.bias", "2.weight_orig", "2.bias", "4.weight_orig", "4.bias", "6.weight_orig", "6.bias"},
		names(D2.Parameters()))
	assert.Len(t, SpectralNorms(D2), 4)
	assert.Empty(t, SpectralNorms(G2))
}

func names(ps []layers.Parameter) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// Once the power iteration has converged, every normalised layer has
// spectral norm 1, and the critic's slope stays below 1 everywhere, even
// when its raw weights are large (the same critic without normalisation
// has slopes far above 1).
func TestSpectralCriticIsOneLipschitz(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 7))
	raw := MLP(r, layers.ReLU{}, 2, 16, 16, 16, 1)
	for _, p := range layers.Vars(raw) {
		p.Value.CopyFrom(tensor.Scale(p.Value, 4))
	}
	D := WithSpectralNorm(r, raw)
	for _, sn := range SpectralNorms(D) {
		sn.PowerIterations = 200
	}
	x := tensor.RandN(r, 500, 2)
	D.Forward(autograd.Const(x)) // converge u and v
	layers.SetTraining(D, false)
	for _, sn := range SpectralNorms(D) {
		require.InDelta(t, 1, sn.ExactSigma()/sn.Sigma(), 1e-9, "σ(W/σ̂)")
	}
	snMax := slices.Max(GradientNorms(D.Forward, x).Data())
	rawMax := slices.Max(GradientNorms(raw.Forward, x).Data())
	assert.LessOrEqual(t, snMax, 1+1e-9)
	assert.Greater(t, rawMax, 10.0)
}

// WithSpectralNorm wraps convolutions and layers inside nested
// Sequentials, leaves everything else alone and does not change s.
func TestWithSpectralNormWrapsEveryLayer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	conv := layers.NewConv2D(r, 1, 2, 3, 1, 1)
	inner := layers.NewSequential(layers.NewLinear(r, 4, 3), layers.ReLU{})
	s := layers.NewSequential(conv, layers.ReLU{}, layers.Flatten{}, inner)
	w := WithSpectralNorm(r, s)
	sns := SpectralNorms(w)
	require.Len(t, sns, 2)
	assert.Same(t, conv, sns[0].Layer)
	assert.Same(t, inner.Layers[0], sns[1].Layer)
	assert.Same(t, conv, s.Layers[0], "s is left as it was")
	assert.IsType(t, layers.ReLU{}, w.Layers[1])
	assert.Panics(t, func() { WithSpectralNorm(nil, s) })
	assert.Panics(t, func() { WithSpectralNorm(r, layers.NewSequential(layers.ReLU{})) })
}

// GradientNorms on critics whose slopes are known: d(x) = a·x has slope
// ‖a‖ everywhere, d(x) = ½‖x‖² has slope ‖x‖; and against central
// differences on an MLP. A d that does not return (N, 1) panics.
func TestGradientNorms(t *testing.T) {
	a := tensor.New([]float64{3, -4}, 2, 1)
	linear := func(x *autograd.Var) *autograd.Var { return autograd.MatMul(x, autograd.Const(a)) }
	x := tensor.New([]float64{1, 2, -0.5, 0.25, 7, -3}, 3, 2)
	assert.Equal(t, []float64{5, 5, 5}, GradientNorms(linear, x).Data())

	half := func(x *autograd.Var) *autograd.Var {
		return autograd.Scale(autograd.SumKeep(autograd.Square(x), 1), 0.5)
	}
	assert.InDeltaSlice(t, []float64{math.Sqrt(5), math.Sqrt(0.3125), math.Sqrt(58)}, GradientNorms(half, x).Data(), 1e-15)

	r := rand.New(rand.NewPCG(4, 4))
	mlp := MLP(r, layers.Tanh{}, 2, 8, 8, 1)
	pts := tensor.RandN(r, 5, 2)
	got := GradientNorms(mlp.Forward, pts).Data()
	for i := range 5 {
		const h = 1e-6
		var grad [2]float64
		for j := range 2 {
			plus, minus := pts.Clone(), pts.Clone()
			plus.Data()[2*i+j] += h
			minus.Data()[2*i+j] -= h
			var fp, fm float64
			autograd.NoGrad(func() {
				fp = mlp.Forward(autograd.Const(plus)).Value.Data()[i]
				fm = mlp.Forward(autograd.Const(minus)).Value.Data()[i]
			})
			grad[j] = (fp - fm) / (2 * h)
		}
		assert.InDelta(t, math.Hypot(grad[0], grad[1]), got[i], 1e-8, "sample %d", i)
	}

	assert.Panics(t, func() { GradientNorms(func(x *autograd.Var) *autograd.Var { return x }, x) })
}
