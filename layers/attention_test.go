package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// attentionSlots returns the block's parameters' fields, in the order of
// Parameters: γ, then f, g, h weights and biases.
func attentionSlots(a *layers.SelfAttention) []**autograd.Var {
	f, g, h := a.F.(*layers.Conv2D), a.G.(*layers.Conv2D), a.H.(*layers.Conv2D)
	return []**autograd.Var{&a.Gamma, &f.Weight, &f.Bias, &g.Weight, &g.Bias, &h.Weight, &h.Bias}
}

// Against the reference formulation in PyTorch (testdata/gen_attention.py):
// output, attention map and every gradient.
func TestSelfAttentionMatchesPyTorch(t *testing.T) {
	var g struct {
		X          []float64   `json:"x"`
		XShape     []int       `json:"x_shape"`
		WOut       []float64   `json:"w_out"`
		ParamNames []string    `json:"param_names"`
		Params     [][]float64 `json:"params"`
		Y          []float64   `json:"y"`
		Attention  []float64   `json:"attention"`
		GradX      []float64   `json:"grad_x"`
		GradParams [][]float64 `json:"grad_params"`
	}
	readGolden(t, "attention.json", &g)
	a := layers.NewSelfAttention(rand.New(rand.NewPCG(1, 0)), 8)
	require.Equal(t, g.ParamNames, names(a), "PyTorch's names and order")
	params := layers.Vars(a)
	for i, p := range params {
		p.Value.CopyFrom(tensorOf(g.Params[i], p.Value.Shape()...))
	}
	x := autograd.Param(tensorOf(g.X, g.XShape...))
	y := a.Forward(x)
	assertClose(t, g.Y, y.Value, torchTol, "y")
	require.Equal(t, []int{2, 6, 6}, a.Attention.Shape())
	assertClose(t, g.Attention, a.Attention, torchTol, "attention map")
	loss := autograd.Sum(autograd.Mul(y, autograd.Const(tensorOf(g.WOut, g.XShape...))))
	grads := autograd.Grad([]*autograd.Var{loss}, append([]*autograd.Var{x}, params...), false)
	assertClose(t, g.GradX, grads[0].Value, torchTol, "∂L/∂x")
	for i, want := range g.GradParams {
		assertClose(t, want, grads[i+1].Value, torchTol, "∂L/∂"+g.ParamNames[i])
	}
}

func TestSelfAttentionStartsAsIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 0))
	a := layers.NewSelfAttention(r, 4) // C̄ = max(4/8, 1) = 1
	assert.Equal(t, []int{1, 4, 1, 1}, a.F.(*layers.Conv2D).Weight.Shape())
	assert.Equal(t, []int{4, 4, 1, 1}, a.H.(*layers.Conv2D).Weight.Shape())
	assert.Equal(t, []float64{0}, a.Gamma.Value.Data())
	x := tensor.RandN(r, 2, 4, 3, 2)
	assert.Equal(t, x.Data(), forward(a, x).Data(), "γ = 0: y = x")
	// Every row of the attention map is a distribution over positions.
	require.Equal(t, []int{2, 6, 6}, a.Attention.Shape())
	sums := tensor.Sum(a.Attention, 2)
	assert.InDeltaSlice(t, tensor.Ones(2, 6).Data(), sums.Data(), 1e-14)
}

// With g = 0 every score is equal, so every position attends uniformly:
// o_j is the mean of h over the image at every j.
func TestSelfAttentionUniformWhenScoresAreEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 0))
	a := layers.NewSelfAttention(r, 2)
	g := a.G.(*layers.Conv2D)
	g.Weight.Value.Fill(0)
	g.Bias.Value.Fill(0)
	a.Gamma.Value.Fill(1)
	x := tensor.RandN(r, 1, 2, 2, 2)
	y := forward(a, x)
	h := forward(a.H, x)             // (1, 2, 2, 2)
	mean := tensor.MeanKeep(h, 2, 3) // (1, 2, 1, 1)
	want := tensor.Add(x, tensor.BroadcastTo(mean, 1, 2, 2, 2))
	assert.InDeltaSlice(t, want.Data(), y.Data(), 1e-14)
	assert.InDeltaSlice(t, tensor.Full(0.25, 1, 4, 4).Data(), a.Attention.Data(), 1e-15)
}

func TestGradCheckSelfAttention(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 0))
	a := layers.NewSelfAttention(r, 3)
	a.Gamma.Value.Fill(0.8) // γ = 0 would hide the branch's gradients
	checkModule(t, a, tensor.RandN(r, 2, 3, 2, 2), attentionSlots(a)...)
}

// SAGAN normalises f, g and h spectrally: wrapped modules work, and their
// names and buffers appear under the block's prefixes.
func TestSelfAttentionWithSpectralNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(34, 0))
	a := layers.NewSelfAttention(r, 2)
	a.F, a.G, a.H = layers.NewSpectralNorm(r, a.F), layers.NewSpectralNorm(r, a.G), layers.NewSpectralNorm(r, a.H)
	assert.Equal(t, []string{"gamma", "f.weight_orig", "f.bias", "g.weight_orig", "g.bias", "h.weight_orig", "h.bias"}, names(a))
	var bufs []string
	for _, b := range layers.BuffersOf(a) {
		bufs = append(bufs, b.Name)
	}
	assert.Equal(t, []string{"f.weight_u", "f.weight_v", "g.weight_u", "g.weight_v", "h.weight_u", "h.weight_v"}, bufs)
	u := a.F.(*layers.SpectralNorm).U.Clone()
	layers.SetTraining(a, false)
	forward(a, tensor.RandN(r, 1, 2, 2, 2))
	assert.Equal(t, u.Data(), a.F.(*layers.SpectralNorm).U.Data(), "evaluation reaches the inner modules")
}

func TestSelfAttentionPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 0))
	a := layers.NewSelfAttention(r, 4)
	requirePanicsWith(t, tensor.ErrShape, "layers: SelfAttention: shape mismatch input (2,3,2,2) for 4 channels; want (N,4,H,W)",
		func() { forward(a, tensor.Zeros(2, 3, 2, 2)) })
	requirePanicsWith(t, tensor.ErrShape, "layers: SelfAttention: shape mismatch input (2,4) for 4 channels; want (N,4,H,W)",
		func() { forward(a, tensor.Zeros(2, 4)) })
	requirePanicsWith(t, tensor.ErrArgument, "layers: NewSelfAttention: bad argument channels 0: must be positive",
		func() { layers.NewSelfAttention(r, 0) })
	a.G = layers.NewConv2D(r, 4, 2, 1, 1, 0)
	requirePanicsWith(t, tensor.ErrShape, "layers: SelfAttention: shape mismatch f gives (1,1,2,2), g gives (1,2,2,2)",
		func() { forward(a, tensor.Zeros(1, 4, 2, 2)) })
}
