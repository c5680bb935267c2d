package gan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

func logits(v ...float64) *autograd.Var { return autograd.Const(tensor.New(v, len(v), 1)) }

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// The losses against their definitions with probabilities D = σ(ℓ).
func TestClassifierLossesMatchDefinitions(t *testing.T) {
	real, fake := []float64{1.5, -0.3}, []float64{-2, 0.7}
	var wantD, wantMinimaxG, wantNSG float64
	for i := range real {
		wantD += (-math.Log(sigmoid(real[i])) - math.Log(1-sigmoid(fake[i]))) / 2
		wantMinimaxG += math.Log(1-sigmoid(fake[i])) / 2
		wantNSG += -math.Log(sigmoid(fake[i])) / 2
	}
	r, f := logits(real...), logits(fake...)
	assert.InDelta(t, wantD, Minimax{}.D(r, f).Item(), 1e-14)
	assert.InDelta(t, wantD, NonSaturating{}.D(r, f).Item(), 1e-14)
	assert.InDelta(t, wantMinimaxG, Minimax{}.G(nil, f).Item(), 1e-14)
	assert.InDelta(t, wantNSG, NonSaturating{}.G(nil, f).Item(), 1e-14)
}

// On logits far out, log σ(ℓ) computed naively is log 0 = −Inf; the
// softplus form stays finite and exact.
func TestClassifierLossesStable(t *testing.T) {
	d := NonSaturating{}.D(logits(800), logits(-800))
	assert.Equal(t, 0.0, d.Item())
	g := NonSaturating{}.G(nil, logits(-800))
	assert.Equal(t, 800.0, g.Item())
}

func TestWassersteinLoss(t *testing.T) {
	r, f := logits(1, 3), logits(-1, 0)
	assert.Equal(t, -2.5, Wasserstein{}.D(r, f).Item()) // mean f − mean r = −0.5 − 2
	assert.Equal(t, 0.5, Wasserstein{}.G(nil, f).Item())
}

// The saturation the non-saturating loss fixes: when D rejects a fake
// confidently (ℓ = −8), the minimax generator's gradient is σ(ℓ) ≈ 3e-4
// while the non-saturating one is 1 − σ(ℓ) ≈ 1.
func TestMinimaxGeneratorSaturates(t *testing.T) {
	grad := func(l Loss) float64 {
		f := autograd.Param(tensor.New([]float64{-8}, 1, 1))
		l.G(nil, f).Backward()
		return math.Abs(f.Grad.Item())
	}
	assert.InDelta(t, sigmoid(-8), grad(Minimax{}), 1e-15)
	assert.InDelta(t, 1-sigmoid(-8), grad(NonSaturating{}), 1e-15)
}

func TestClipWeights(t *testing.T) {
	p := autograd.Param(tensor.New([]float64{-0.5, 0.005, 0.02}, 3))
	ClipWeights([]*autograd.Var{p}, 0.01)
	assert.Equal(t, []float64{-0.01, 0.005, 0.01}, p.Value.Data())
}

// linearCritic is D(x) = x·w for a (d, 1) weight: its input gradient is w
// for every sample, so the penalty is (‖w‖ − 1)² exactly.
func linearCritic(w *autograd.Var) func(*autograd.Var) *autograd.Var {
	return func(x *autograd.Var) *autograd.Var { return autograd.MatMul(x, w) }
}

func TestGradientPenaltyOfLinearCritic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := autograd.Param(tensor.New([]float64{3, 4}, 2, 1))
	real, fake := tensor.RandN(r, 5, 2), tensor.RandN(r, 5, 2)
	p, norms := GradientPenalty(linearCritic(w), real, fake, r)
	assert.InDelta(t, 16, p.Item(), 1e-12)
	require.Len(t, norms.Data(), 5)
	assert.InDeltaSlice(t, []float64{5, 5, 5, 5, 5}, norms.Data(), 1e-12)
	p.Backward() // ∂/∂w (‖w‖ − 1)² = 2(‖w‖ − 1)·w/‖w‖
	assert.InDeltaSlice(t, []float64{4.8, 6.4}, w.Grad.Data(), 1e-12)

	dp, _ := DRAGANPenalty(linearCritic(w), real, 0.5, r)
	assert.InDelta(t, 16, dp.Item(), 1e-12)
}

// For a non-linear critic the penalty's gradient with respect to the
// critic's weights goes through the input gradient; it must match finite
// differences. The interpolation points are fixed by reseeding.
func TestPenaltiesDifferentiateThroughTheGradient(t *testing.T) {
	data := rand.New(rand.NewPCG(3, 4))
	real, fake := tensor.RandN(data, 4, 2), tensor.RandN(data, 4, 2)
	critic := func(ws []*autograd.Var) func(*autograd.Var) *autograd.Var {
		return func(x *autograd.Var) *autograd.Var {
			h := autograd.Tanh(autograd.Add(autograd.MatMulT(x, false, ws[0], true), ws[1]))
			return autograd.MatMulT(h, false, ws[2], true)
		}
	}
	weights := []*tensor.Tensor{tensor.RandN(data, 3, 2), tensor.RandN(data, 3), tensor.RandN(data, 1, 3)}
	gp := func(ws []*autograd.Var) *autograd.Var {
		p, _ := GradientPenalty(critic(ws), real, fake, rand.New(rand.NewPCG(9, 9)))
		return p
	}
	dragan := func(ws []*autograd.Var) *autograd.Var {
		p, _ := DRAGANPenalty(critic(ws), real, 0.5, rand.New(rand.NewPCG(9, 9)))
		return p
	}
	require.NoError(t, autograd.GradCheck("GradientPenalty", gp, weights, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradCheck("DRAGANPenalty", dragan, weights, autograd.DefaultTolerance))
}

// The penalties to second order, and with respect to the points as well
// as to the weights. As for R₁ (TestR1PenaltyGradCheck), the points enter
// as tensors, so the check differentiates with respect to a shift s added
// inside the critic, D(x + s), at s = 0. The interpolation points are
// fixed by reseeding; the critic is smooth (tanh), so that the third
// derivatives the second-order check takes exist.
func TestPenaltiesGradGradCheck(t *testing.T) {
	data := rand.New(rand.NewPCG(3, 5))
	real, fake := tensor.RandN(data, 4, 2), tensor.RandN(data, 4, 2)
	weights := []*tensor.Tensor{tensor.RandN(data, 3, 2), tensor.RandN(data, 3), tensor.RandN(data, 1, 3), tensor.RandN(data, 1)}
	penalties := map[string]func(d func(*autograd.Var) *autograd.Var) *autograd.Var{
		"GradientPenalty": func(d func(*autograd.Var) *autograd.Var) *autograd.Var {
			p, _ := GradientPenalty(d, real, fake, rand.New(rand.NewPCG(9, 9)))
			return p
		},
		"DRAGANPenalty": func(d func(*autograd.Var) *autograd.Var) *autograd.Var {
			p, _ := DRAGANPenalty(d, real, 0.5, rand.New(rand.NewPCG(9, 9)))
			return p
		},
	}
	for name, penalty := range penalties {
		t.Run(name, func(t *testing.T) {
			f := func(xs []*autograd.Var) *autograd.Var {
				shift := xs[0]
				return penalty(func(in *autograd.Var) *autograd.Var {
					return goldenCritic(xs[1:])(autograd.Add(in, shift))
				})
			}
			in := append([]*tensor.Tensor{tensor.Zeros(4, 2)}, weights...)
			require.NoError(t, autograd.GradCheck(name, f, in, autograd.DefaultTolerance))
			require.NoError(t, autograd.GradGradCheck(name, f, in, autograd.DefaultTolerance))
		})
	}
}

func TestGradientPenaltyShapeMismatch(t *testing.T) {
	w := autograd.Param(tensor.New([]float64{3, 4}, 2, 1))
	assert.PanicsWithError(t, "gan: GradientPenalty: shape mismatch real (2,2), fake (3,2)", func() {
		GradientPenalty(linearCritic(w), tensor.Zeros(2, 2), tensor.Zeros(3, 2), rand.New(rand.NewPCG(1, 1)))
	})
}

// A critic whose input gradient is exactly zero (all weights 0, a dead
// ReLU network) must give a finite penalty gradient, not NaN: the norm's
// square root has an infinite derivative at 0.
func TestGradientPenaltyAtZeroGradientIsFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w1 := autograd.Param(tensor.Zeros(4, 2))
	w2 := autograd.Param(tensor.Zeros(1, 4))
	critic := func(x *autograd.Var) *autograd.Var {
		return autograd.MatMulT(autograd.ReLU(autograd.MatMulT(x, false, w1, true)), false, w2, true)
	}
	p, norms := GradientPenalty(critic, tensor.RandN(r, 3, 2), tensor.RandN(r, 3, 2), r)
	assert.InDelta(t, 1, p.Item(), 1e-5) // (0 − 1)², up to √ε
	assert.InDeltaSlice(t, []float64{0, 0, 0}, norms.Data(), 1e-5)
	p.Backward()
	assert.False(t, w1.Grad.HasNaNOrInf())
	assert.False(t, w2.Grad.HasNaNOrInf())
}
