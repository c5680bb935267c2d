package layers_test

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

type spectralCase struct {
	Name        string    `json:"name"`
	X           []float64 `json:"x"`
	XShape      []int     `json:"x_shape"`
	Weight      []float64 `json:"weight"`
	WeightShape []int     `json:"weight_shape"`
	Bias        []float64 `json:"bias"`
	U0          []float64 `json:"u0"`
	V0          []float64 `json:"v0"`
	WOut        []float64 `json:"w_out"`
	Delta       []float64 `json:"delta"`
	Step1       struct {
		U, V       []float64
		Sigma      float64   `json:"sigma"`
		WeightSN   []float64 `json:"weight_sn"`
		Y          []float64 `json:"y"`
		YShape     []int     `json:"y_shape"`
		GradWeight []float64 `json:"grad_weight"`
		GradBias   []float64 `json:"grad_bias"`
		GradX      []float64 `json:"grad_x"`
	} `json:"step1"`
	Step2 struct {
		U, V, Y []float64
	} `json:"step2"`
	Eval struct {
		U, Y []float64
	} `json:"eval"`
	ExactSigma float64 `json:"exact_sigma"`
}

// spectralLayer builds the wrapped layer of a golden case, with its
// weights, and returns it with the wrapper (u and v from the file).
func spectralLayer(t *testing.T, c spectralCase) (*layers.SpectralNorm, *autograd.Var, *autograd.Var) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 0))
	var layer layers.Module
	var w, b *autograd.Var
	switch c.Name {
	case "linear":
		l := layers.NewLinear(r, 3, 4)
		layer, w, b = l, l.Weight, l.Bias
	case "conv2d":
		l := layers.NewConv2D(r, 2, 3, 3, 1, 1)
		layer, w, b = l, l.Weight, l.Bias
	case "conv_transpose2d":
		l := layers.NewConvTranspose2D(r, 3, 2, 4, 2, 1)
		layer, w, b = l, l.Weight, l.Bias
	default:
		t.Fatalf("unknown case %q", c.Name)
	}
	require.Equal(t, c.WeightShape, w.Value.Shape())
	w.Value.CopyFrom(tensorOf(c.Weight, c.WeightShape...))
	b.Value.CopyFrom(tensorOf(c.Bias, len(c.Bias)))
	sn := layers.NewSpectralNorm(r, layer)
	sn.U.CopyFrom(tensorOf(c.U0, len(c.U0)))
	sn.V.CopyFrom(tensorOf(c.V0, len(c.V0)))
	return sn, w, b
}

// Two training steps and an evaluation pass against
// torch.nn.utils.spectral_norm, for the three layer kinds.
func TestSpectralNormMatchesPyTorch(t *testing.T) {
	var cases []spectralCase
	readGolden(t, "spectral.json", &cases)
	require.Len(t, cases, 3)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			sn, w, b := spectralLayer(t, c)
			x := autograd.Param(tensorOf(c.X, c.XShape...))

			// Step 1: one power iteration, then W/σ and the gradients.
			y := sn.Forward(x)
			assertClose(t, c.Step1.U, sn.U, torchTol, "u after step 1")
			assertClose(t, c.Step1.V, sn.V, torchTol, "v after step 1")
			assert.InDelta(t, c.Step1.Sigma, sn.Sigma(), torchTol)
			assertClose(t, c.Step1.WeightSN, sn.Weight().Value, torchTol, "W_SN")
			require.Equal(t, c.Step1.YShape, y.Shape())
			assertClose(t, c.Step1.Y, y.Value, torchTol, "y")
			loss := autograd.Sum(autograd.Mul(y, autograd.Const(tensorOf(c.WOut, c.Step1.YShape...))))
			grads := autograd.Grad([]*autograd.Var{loss}, []*autograd.Var{w, b, x}, false)
			assertClose(t, c.Step1.GradWeight, grads[0].Value, torchTol, "∂L/∂weight_orig")
			assertClose(t, c.Step1.GradBias, grads[1].Value, torchTol, "∂L/∂bias")
			assertClose(t, c.Step1.GradX, grads[2].Value, torchTol, "∂L/∂x")

			// Step 2: u persists; the next iteration starts from it.
			tensor.AddInplace(w.Value, tensorOf(c.Delta, c.WeightShape...))
			y2 := sn.Forward(autograd.Const(x.Value))
			assertClose(t, c.Step2.U, sn.U, torchTol, "u after step 2")
			assertClose(t, c.Step2.V, sn.V, torchTol, "v after step 2")
			assertClose(t, c.Step2.Y, y2.Value, torchTol, "y after step 2")

			// Evaluation: no iteration, σ from the stored u and v.
			sn.SetTraining(false)
			u2 := sn.U.Clone()
			y3 := sn.Forward(autograd.Const(x.Value))
			assert.Equal(t, u2.Data(), sn.U.Data(), "u is not updated in evaluation")
			assertClose(t, c.Eval.U, sn.U, torchTol, "u in evaluation")
			assertClose(t, c.Eval.Y, y3.Value, torchTol, "y in evaluation")

			assert.InDelta(t, c.ExactSigma, sn.ExactSigma(), 1e-12)
		})
	}
}

// The gradient with respect to W goes through σ(W) = uᵀWₘv with u, v
// fixed: checked in evaluation mode, where Forward does not move u, so
// that it is one function for the finite differences.
func TestGradCheckSpectralNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 0))
	t.Run("linear", func(t *testing.T) {
		l := layers.NewLinear(r, 3, 4)
		sn := layers.NewSpectralNorm(r, l)
		sn.Forward(autograd.Const(tensor.RandN(r, 2, 3)))
		sn.SetTraining(false)
		checkModule(t, sn, tensor.RandN(r, 5, 3), &l.Weight, &l.Bias)
	})
	t.Run("conv2d", func(t *testing.T) {
		c := layers.NewConv2D(r, 2, 3, 3, 1, 1)
		sn := layers.NewSpectralNorm(r, c)
		sn.SetTraining(false)
		checkModule(t, sn, tensor.RandN(r, 1, 2, 3, 3), &c.Weight, &c.Bias)
	})
	t.Run("conv_transpose2d", func(t *testing.T) {
		c := layers.NewConvTranspose2D(r, 2, 2, 4, 2, 1, layers.WithoutBias())
		sn := layers.NewSpectralNorm(r, c)
		sn.SetTraining(false)
		checkModule(t, sn, tensor.RandN(r, 1, 2, 2, 2), &c.Weight)
	})
}

// The chapter's comparison: one power iteration per step from a random u
// gives σ = uᵀWv ≤ σ₁ (u, v unit vectors), and repeated steps on a fixed W
// converge to the exact σ₁, after which W_SN has spectral norm 1.
func TestSpectralNormPowerIterationConverges(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 0))
	l := layers.NewLinear(r, 5, 6)
	sn := layers.NewSpectralNorm(r, l)
	exact := sn.ExactSigma()
	x := autograd.Const(tensor.RandN(r, 2, 5))
	first := 0.0
	for step := range 60 {
		sn.Forward(x)
		if step == 0 {
			first = sn.Sigma()
		}
		require.LessOrEqual(t, sn.Sigma(), exact+1e-12, "step %d", step)
	}
	assert.Less(t, first, exact-1e-3, "one iteration from a random u is not yet converged")
	assert.InDelta(t, exact, sn.Sigma(), 1e-9)
	assert.InDelta(t, 1, layers.LargestSingularValue(sn.Weight().Value), 1e-9)
}

func TestLargestSingularValue(t *testing.T) {
	// diag(3, −5, 1) padded to 3×4 and its transpose: σ₁ = 5.
	m := tensor.FromRows([][]float64{{3, 0, 0, 0}, {0, -5, 0, 0}, {0, 0, 1, 0}})
	assert.InDelta(t, 5, layers.LargestSingularValue(m), 1e-14)
	assert.InDelta(t, 5, layers.LargestSingularValue(tensor.Transpose(m)), 1e-14)
	// A rank-one a·bᵀ has σ₁ = ‖a‖·‖b‖ = 5·13; as a (1,2,2,1) kernel it is
	// viewed as (1, 4) with σ₁ = its norm.
	ab := tensor.MatMul(tensor.New([]float64{3, 4}, 2, 1), tensor.New([]float64{5, 12}, 1, 2))
	assert.InDelta(t, 65, layers.LargestSingularValue(ab), 1e-12)
	k := tensor.New([]float64{1, 2, 2, 4}, 1, 2, 2, 1)
	assert.InDelta(t, 5, layers.LargestSingularValue(k), 1e-14)
}

func TestSpectralNormNamesAndBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 0))
	sn := layers.NewSpectralNorm(r, layers.NewConv2D(r, 2, 3, 3, 1, 1))
	assert.Equal(t, []string{"weight_orig", "bias"}, names(sn))
	bufs := layers.BuffersOf(sn)
	require.Len(t, bufs, 2)
	assert.Equal(t, "weight_u", bufs[0].Name)
	assert.Equal(t, []int{3}, bufs[0].Tensor.Shape())
	assert.Equal(t, "weight_v", bufs[1].Name)
	assert.Equal(t, []int{18}, bufs[1].Tensor.Shape())
	assert.InDelta(t, 1, math.Sqrt(tensor.Sum(tensor.Mul(sn.U, sn.U)).Item()), 1e-15, "u starts as a unit vector")
	// The buffers are the tensors Forward updates, so a checkpoint that
	// loads into them resumes the iteration.
	before := sn.U.Clone()
	sn.Forward(autograd.Const(tensor.RandN(r, 1, 2, 3, 3)))
	assert.NotEqual(t, before.Data(), bufs[0].Tensor.Data())
	// Inside a Sequential the names get the index prefix.
	seq := layers.NewSequential(layers.ReLU{}, sn)
	assert.Equal(t, []string{"1.weight_orig", "1.bias"}, names(seq))
	assert.Equal(t, "1.weight_u", layers.BuffersOf(seq)[0].Name)
}

func TestSpectralNormPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 0))
	requirePanicsWith(t, tensor.ErrArgument,
		"layers: NewSpectralNorm: bad argument cannot normalise a layers.ReLU; want *Linear, *Conv2D or *ConvTranspose2D",
		func() { layers.NewSpectralNorm(r, layers.ReLU{}) })
	requirePanicsWith(t, tensor.ErrArgument, "layers: NewSpectralNorm: bad argument nil *rand.Rand",
		func() { layers.NewSpectralNorm(nil, layers.NewLinear(r, 2, 2)) })
	requirePanicsWith(t, tensor.ErrArgument, "layers: LargestSingularValue: bad argument tensor (3) is not a matrix",
		func() { layers.LargestSingularValue(tensor.Zeros(3)) })
	sn := layers.NewSpectralNorm(r, layers.NewLinear(r, 2, 3))
	requirePanicsWith(t, tensor.ErrShape, "layers: Linear: shape mismatch input (1,3) for weight (3,2)",
		func() { sn.Forward(autograd.Const(tensor.Zeros(1, 3))) })
}
