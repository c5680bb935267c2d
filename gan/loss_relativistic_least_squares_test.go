package gan

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// testdata/relativistic_ls.json was written once by
// testdata/gen_relativistic_ls.py with PyTorch in float64: RaLSGAN as the
// official code writes it, and LSGAN's values on a grid
// (density_least_squares_test.go).
type relativisticLSGolden struct {
	RaLSGAN []struct {
		Real, Fake []float64
		D, G       goldenValue
	} `json:"ralsgan"`
	Grid struct {
		Lo, Hi   float64
		N        int
		Outputs  []float64
		HalfChi2 float64 `json:"half_chi2"`
		Cases    []struct {
			A, B, C         float64
			DValue          float64   `json:"d_value"`
			GValue          float64   `json:"g_value"`
			Optimal         []float64 `json:"optimal"`
			DValueAtOptimum float64   `json:"d_value_at_optimum"`
			GValueAtOptimum float64   `json:"g_value_at_optimum"`
		} `json:"cases"`
	} `json:"grid"`
}

func loadRelativisticLSGolden(t *testing.T) relativisticLSGolden {
	t.Helper()
	raw, err := os.ReadFile("testdata/relativistic_ls.json")
	require.NoError(t, err)
	var g relativisticLSGolden
	require.NoError(t, json.Unmarshal(raw, &g))
	require.NotEmpty(t, g.RaLSGAN)
	return g
}

func TestRaLSGANMatchesPyTorch(t *testing.T) {
	for _, c := range loadRelativisticLSGolden(t).RaLSGAN {
		l := RelativisticAverageLeastSquares{}
		for _, player := range []struct {
			name string
			f    func(real, fake *autograd.Var) *autograd.Var
			want goldenValue
		}{{"D", l.D, c.D}, {"G", l.G, c.G}} {
			real := autograd.Param(tensor.New(append([]float64(nil), c.Real...), len(c.Real), 1))
			fake := autograd.Param(tensor.New(append([]float64(nil), c.Fake...), len(c.Fake), 1))
			v := player.f(real, fake)
			grads := autograd.Grad([]*autograd.Var{v}, []*autograd.Var{real, fake}, false)
			assert.InDelta(t, player.want.Value, v.Item(), goldenTol, player.name)
			assertSlice(t, player.want.GradReal, grads[0].Value.Data(), goldenTol, player.name+" ∂/∂real")
			assertSlice(t, player.want.GradFake, grads[1].Value.Data(), goldenTol, player.name+" ∂/∂fake")
		}
	}
}

// RaLSGAN's D and G as functions of both batches, against finite
// differences to first and second order.
func TestRaLSGANGradCheck(t *testing.T) {
	l := RelativisticAverageLeastSquares{}
	for name, f := range map[string]func(real, fake *autograd.Var) *autograd.Var{"D": l.D, "G": l.G} {
		g := func(xs []*autograd.Var) *autograd.Var { return f(xs[0], xs[1]) }
		in := []*tensor.Tensor{checkReal, checkFake}
		require.NoError(t, autograd.GradCheck("RaLSGAN."+name, g, in, autograd.DefaultTolerance))
		require.NoError(t, autograd.GradGradCheck("RaLSGAN."+name, g, in, autograd.DefaultTolerance))
	}
}

// closedCase is a relativistic loss on logits whose value and gradients
// are worked out by hand.
type closedCase struct {
	name                 string
	loss                 Loss
	real, fake           []float64
	d, g                 float64   // the two losses' values
	gGradReal, gGradFake []float64 // ∂G/∂C(x_r), ∂G/∂C(x_f)
}

// The relativistic losses on logits whose values are worked out by hand,
// and the generator's gradient with respect to the real logits, which the
// other losses do not have.
//
// RSGAN, C_r = log 3, C_f = 0: D = softplus(−log 3) = log(4/3), G =
// softplus(log 3) = log 4, ∂G/∂C_r = σ(log 3) = ¾ = −∂G/∂C_f.
//
// RaSGAN and RaLSGAN, C_r = (1, 3), C_f = (0, 2): m_r = 2, m_f = 1, so
// C_r − m_f = (0, 2) and C_f − m_r = (−2, 0).
// RaSGAN: D = ½·[mean softplus(−(0, 2)) + mean softplus((−2, 0))] =
// ½·[log 2 + softplus(−2)] and G = ½·[log 2 + softplus(2)]; G grows with
// C_r through both terms (the second through m_r), so with
// m = ½·[σ(0) + σ(2)], here both mean σ(C_r − m_f) and mean σ(m_r − C_f),
// ∂G/∂C_r,k = ¼·[σ(C_r,k − m_f) + m] and ∂G/∂C_f,k = −¼·[σ(m_r − C_f,k) + m].
// RaLSGAN: D = ½·[mean ((0, 2) − 1)² + mean ((−2, 0) + 1)²] = 1 and
// G = ½·[mean ((0, 2) + 1)² + mean ((−2, 0) − 1)²] = ½·[5 + 5] = 5;
// ∂G/∂C_r,k = ½·[(C_r,k − m_f + 1) − mean (C_f − m_r − 1)] = ½·[(1, 3) + 2]
// = (1.5, 2.5) and ∂G/∂C_f,k = ½·[(C_f,k − m_r − 1) − mean (C_r − m_f + 1)]
// = ½·[(−3, −1) − 2] = (−2.5, −1.5).
func TestRelativisticClosedValues(t *testing.T) {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	sp := func(x float64) float64 { return math.Log1p(math.Exp(x)) }
	m := (sig(0) + sig(2)) / 2
	cases := []closedCase{
		{"RSGAN", RelativisticStandard{}, []float64{math.Log(3)}, []float64{0},
			math.Log(4.0 / 3), math.Log(4), []float64{0.75}, []float64{-0.75}},
		{"RaSGAN", RelativisticAverage{}, []float64{1, 3}, []float64{0, 2},
			0.5 * (math.Log(2) + sp(-2)), 0.5 * (math.Log(2) + sp(2)),
			[]float64{(sig(0) + m) / 4, (sig(2) + m) / 4}, []float64{-(sig(2) + m) / 4, -(sig(0) + m) / 4}},
		{"RaLSGAN", RelativisticAverageLeastSquares{}, []float64{1, 3}, []float64{0, 2},
			1, 5, []float64{1.5, 2.5}, []float64{-2.5, -1.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			real := autograd.Param(tensor.New(append([]float64(nil), c.real...), len(c.real), 1))
			fake := autograd.Param(tensor.New(append([]float64(nil), c.fake...), len(c.fake), 1))
			assert.InDelta(t, c.d, c.loss.D(real, fake).Item(), 1e-15, "D")
			g := c.loss.G(real, fake)
			assert.InDelta(t, c.g, g.Item(), 1e-15, "G")
			grads := autograd.Grad([]*autograd.Var{g}, []*autograd.Var{real, fake}, false)
			assertSlice(t, c.gGradReal, grads[0].Value.Data(), 1e-15, "∂G/∂C(x_r)")
			assertSlice(t, c.gGradFake, grads[1].Value.Data(), 1e-15, "∂G/∂C(x_f)")
		})
	}
}

// With every logit equal, each relative logit is 0: RaLSGAN's D sits one
// unit from both its targets and so does G.
func TestRaLSGANAtIndifference(t *testing.T) {
	r, f := logits(0.3, 0.3, 0.3), logits(0.3, 0.3)
	assert.InDelta(t, 1, RelativisticAverageLeastSquares{}.D(r, f).Item(), 1e-15)
	assert.InDelta(t, 1, RelativisticAverageLeastSquares{}.G(r, f).Item(), 1e-15)
}

// A relativistic loss given no real outputs says so, for D and G alike,
// instead of dereferencing nil deep inside autograd.
func TestRelativisticNeedsRealOutputs(t *testing.T) {
	fake := logits(0.5, -1)
	for _, c := range []struct {
		op string
		f  func()
	}{
		{"RelativisticStandard.D", func() { RelativisticStandard{}.D(nil, fake) }},
		{"RelativisticStandard.G", func() { RelativisticStandard{}.G(nil, fake) }},
		{"RelativisticAverage.D", func() { RelativisticAverage{}.D(nil, fake) }},
		{"RelativisticAverage.G", func() { RelativisticAverage{}.G(nil, fake) }},
		{"RelativisticAverageLeastSquares.D", func() { RelativisticAverageLeastSquares{}.D(nil, fake) }},
		{"RelativisticAverageLeastSquares.G", func() { RelativisticAverageLeastSquares{}.G(nil, fake) }},
	} {
		t.Run(c.op, func(t *testing.T) {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, "want a panic with an error")
				assert.True(t, errors.Is(err, tensor.ErrArgument))
				assert.EqualError(t, err, "gan: "+c.op+": bad argument real outputs are nil: "+
					"a relativistic loss compares D's outputs on generated samples with its outputs on a real batch")
			}()
			c.f()
		})
	}
}
