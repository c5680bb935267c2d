package gan

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// Logits for the gradient checks: (4,1) real and (3,1) fake, none within
// 0.1 of the hinge's kinks at ±1.
var (
	checkReal = tensor.New([]float64{1.7, -0.4, 0.3, -1.6}, 4, 1)
	checkFake = tensor.New([]float64{-0.5, 1.3, -2.2}, 3, 1)
)

// Every new loss, D's and G's, as a function of both batches, against
// finite differences to first and second order.
func TestNewLossesGradCheck(t *testing.T) {
	for name, loss := range goldenLosses {
		for _, player := range []struct {
			name string
			f    func(real, fake *autograd.Var) *autograd.Var
		}{{"D", loss.D}, {"G", loss.G}} {
			t.Run(name+"."+player.name, func(t *testing.T) {
				fake := checkFake
				if name == "rsgan" { // paired: equal batch sizes
					fake = tensor.New([]float64{-0.5, 1.3, -2.2, 0.6}, 4, 1)
				}
				f := func(xs []*autograd.Var) *autograd.Var { return player.f(xs[0], xs[1]) }
				in := []*tensor.Tensor{checkReal, fake}
				require.NoError(t, autograd.GradCheck(name, f, in, autograd.DefaultTolerance))
				require.NoError(t, autograd.GradGradCheck(name, f, in, autograd.DefaultTolerance))
			})
		}
	}
}

// The losses of chapters 00 to 05, D's and G's, as functions of both
// batches, against finite differences to first and second order (the
// Wasserstein losses are linear: their second derivatives are 0).
func TestClassicLossesGradCheck(t *testing.T) {
	for name, loss := range map[string]Loss{"minimax": Minimax{}, "non-saturating": NonSaturating{}, "wasserstein": Wasserstein{}} {
		for _, player := range []struct {
			name string
			f    func(real, fake *autograd.Var) *autograd.Var
		}{{"D", loss.D}, {"G", loss.G}} {
			t.Run(name+"."+player.name, func(t *testing.T) {
				f := func(xs []*autograd.Var) *autograd.Var { return player.f(xs[0], xs[1]) }
				in := []*tensor.Tensor{checkReal, checkFake}
				require.NoError(t, autograd.GradCheck(name, f, in, autograd.DefaultTolerance))
				require.NoError(t, autograd.GradGradCheck(name, f, in, autograd.DefaultTolerance))
			})
		}
	}
}

// The presets are the paper's (a, b, c).
func TestLeastSquaresPresets(t *testing.T) {
	assert.Equal(t, LeastSquares{A: -1, B: 1, C: 0}, PearsonLeastSquares())
	assert.Equal(t, LeastSquares{A: 0, B: 1, C: 1}, BinaryLeastSquares())
}

// LSGAN's optimal discriminator (arXiv 1611.04076, eq. 4) is
// D*(x) = (b·p_d + a·p_g)/(p_d + p_g). With one real and one fake logit
// at the same point (p_d = p_g), D's loss is stationary at (a + b)/2 and
// at no other value; G's loss is stationary at c.
func TestLeastSquaresOptimum(t *testing.T) {
	l := LeastSquares{A: -0.5, B: 2, C: 0.7}
	grad := func(f func(real, fake *autograd.Var) *autograd.Var, v float64) float64 {
		x := autograd.Param(tensor.New([]float64{v}, 1, 1))
		return autograd.Grad([]*autograd.Var{f(x, x)}, []*autograd.Var{x}, false)[0].Item()
	}
	assert.InDelta(t, 0, grad(l.D, 0.75), 1e-15)
	assert.InDelta(t, 1, grad(l.D, 1.25), 1e-15) // slope (v − b) + (v − a) = 2v − 1.5
	assert.InDelta(t, 0, grad(l.G, 0.7), 1e-15)
}

// Hinge: no loss beyond the margins, and the generator's loss is −mean.
func TestHingeMargins(t *testing.T) {
	assert.Equal(t, 0.0, Hinge{}.D(logits(1.5, 3), logits(-1.2, -4)).Item())
	// real 0.5 → 0.5, real 2 → 0; fake 0 → 1, fake −3 → 0: means 0.25 + 0.5.
	assert.InDelta(t, 0.75, Hinge{}.D(logits(0.5, 2), logits(0, -3)).Item(), 1e-15)
	assert.InDelta(t, -0.25, Hinge{}.G(nil, logits(0.5, 0)).Item(), 1e-15)
}

// With real and fake logits equal, every relativistic comparison is 0 and
// each BCE term is log 2.
func TestRelativisticAtIndifference(t *testing.T) {
	r, f := logits(0.3, 0.3), logits(0.3, 0.3)
	for _, l := range []Loss{RelativisticStandard{}, RelativisticAverage{}} {
		assert.InDelta(t, math.Log(2), l.D(r, f).Item(), 1e-15)
		assert.InDelta(t, math.Log(2), l.G(r, f).Item(), 1e-15)
	}
}

// RaSGAN compares with the other batch's mean, so shifting all logits by
// the same constant changes nothing, and batches of different sizes work.
func TestRelativisticAverageIsShiftInvariant(t *testing.T) {
	r, f := []float64{1.2, -0.3, 0.8}, []float64{-1, 0.4}
	shift := func(v []float64, c float64) *autograd.Var {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x + c
		}
		return logits(out...)
	}
	l := RelativisticAverage{}
	assert.InDelta(t, l.D(shift(r, 0), shift(f, 0)).Item(), l.D(shift(r, 5), shift(f, 5)).Item(), 1e-13)
	assert.InDelta(t, l.G(shift(r, 0), shift(f, 0)).Item(), l.G(shift(r, -3), shift(f, -3)).Item(), 1e-13)
}

// The relativistic generator learns from the real batch too (the point of
// arXiv 1807.00734): its gradient with respect to the real logits is not 0.
func TestRelativisticGeneratorUsesRealLogits(t *testing.T) {
	for _, l := range []Loss{RelativisticStandard{}, RelativisticAverage{}} {
		real := autograd.Param(tensor.New([]float64{0.5, -0.2}, 2, 1))
		fake := autograd.Const(tensor.New([]float64{-1, 0.3}, 2, 1))
		g := autograd.Grad([]*autograd.Var{l.G(real, fake)}, []*autograd.Var{real}, false)[0]
		assert.NotZero(t, g.Value.Data()[0])
	}
}

// One-sided smoothing: with one real and one fake logit at the same point
// (p = q), D's loss is stationary where σ(ℓ) = 0.9·½ = 0.45, not at ½,
// which is where the unsmoothed loss is stationary.
func TestOneSidedLabelSmoothingOptimum(t *testing.T) {
	grad := func(l Loss, p float64) float64 {
		x := autograd.Param(tensor.New([]float64{math.Log(p / (1 - p))}, 1, 1))
		return autograd.Grad([]*autograd.Var{l.D(x, x)}, []*autograd.Var{x}, false)[0].Item()
	}
	assert.InDelta(t, 0, grad(OneSidedLabelSmoothing{Real: 0.9}, 0.45), 1e-15)
	assert.InDelta(t, 0, grad(NonSaturating{}, 0.5), 1e-15)
	assert.Greater(t, math.Abs(grad(OneSidedLabelSmoothing{Real: 0.9}, 0.5)), 0.05)
	// Real = 1 is the unsmoothed loss.
	r, f := logits(0.7, -1.1), logits(0.2, -0.4)
	assert.InDelta(t, NonSaturating{}.D(r, f).Item(), OneSidedLabelSmoothing{Real: 1}.D(r, f).Item(), 1e-15)
	assert.Equal(t, NonSaturating{}.G(nil, f).Item(), OneSidedLabelSmoothing{Real: 0.9}.G(nil, f).Item())
}

// The linear critic D(x) = x·w has input gradient w for every sample: R₁
// is ‖w‖² = 25 and each norm is 5. For the Dirac-GAN's D(x) = ψ·x (arXiv
// 1801.04406, §2) this is the ψ² that damps the oscillation.
func TestR1PenaltyOfLinearCritic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := autograd.Param(tensor.New([]float64{3, 4}, 2, 1))
	p, norms := R1Penalty(linearCritic(w), tensor.RandN(r, 5, 2))
	assert.InDelta(t, 25, p.Item(), 1e-12)
	require.Len(t, norms.Data(), 5)
	assert.InDeltaSlice(t, []float64{5, 5, 5, 5, 5}, norms.Data(), 1e-12)
	p.Backward() // ∂‖w‖²/∂w = 2w
	assert.InDeltaSlice(t, []float64{6, 8}, w.Grad.Data(), 1e-12)
}

// The penalty's gradient with respect to a non-linear critic's weights
// (through the input gradient) and with respect to the data, to first and
// second order. The critic is smooth (tanh) so that third derivatives
// exist. The data enter R1Penalty as a tensor, so the data check
// differentiates with respect to a shift s added inside the critic,
// D(x + s), at s = 0: the same derivative.
func TestR1PenaltyGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := tensor.RandN(r, 4, 2)
	weights := []*tensor.Tensor{tensor.RandN(r, 3, 2), tensor.RandN(r, 3), tensor.RandN(r, 1, 3), tensor.RandN(r, 1)}
	f := func(xs []*autograd.Var) *autograd.Var {
		shift := xs[0]
		critic := func(in *autograd.Var) *autograd.Var {
			return goldenCritic(xs[1:])(autograd.Add(in, shift))
		}
		p, _ := R1Penalty(critic, x)
		return p
	}
	in := append([]*tensor.Tensor{tensor.Zeros(4, 2)}, weights...)
	require.NoError(t, autograd.GradCheck("R1", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("R1", f, in, autograd.DefaultTolerance))
}

func TestInstanceNoise(t *testing.T) {
	x := tensor.Full(3, 2000)
	y := InstanceNoise(rand.New(rand.NewPCG(1, 1)), x, 0.5)
	assert.Equal(t, 3.0, x.Data()[0], "the input is not changed")
	assert.InDelta(t, 3, tensor.Mean(y).Item(), 0.05)
	assert.InDelta(t, 0.25, tensor.Variance(y).Item(), 0.03)
	again := InstanceNoise(rand.New(rand.NewPCG(1, 1)), x, 0.5)
	assert.Equal(t, y.Data(), again.Data(), "same seed, same noise")
	assert.Equal(t, x.Data(), InstanceNoise(rand.New(rand.NewPCG(1, 1)), x, 0).Data())
}

func TestFeatureMatchingByHand(t *testing.T) {
	real := autograd.Const(tensor.FromRows([][]float64{{1, 2}, {3, 4}})) // mean (2, 3)
	fake := autograd.Const(tensor.FromRows([][]float64{{0, 0}}))         // mean (0, 0)
	assert.InDelta(t, 13, FeatureMatching(real, fake).Item(), 1e-15)
	img := autograd.Const(tensor.Ones(2, 1, 2, 2)) // flattened to (2, 4)
	assert.InDelta(t, 4, FeatureMatching(img, autograd.Const(tensor.Zeros(3, 4))).Item(), 1e-15)
}

func TestFeatureMatchingGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	f := func(xs []*autograd.Var) *autograd.Var { return FeatureMatching(xs[0], xs[1]) }
	in := []*tensor.Tensor{tensor.RandN(r, 4, 3), tensor.RandN(r, 2, 3)}
	require.NoError(t, autograd.GradCheck("FeatureMatching", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("FeatureMatching", f, in, autograd.DefaultTolerance))
}

func TestHistoricalAverage(t *testing.T) {
	var h HistoricalAverage
	p := autograd.Param(tensor.New([]float64{1, 2}, 2))
	assert.Equal(t, 0.0, h.Penalty([]*autograd.Var{p}).Item(), "no history yet")
	assert.Nil(t, h.Average())
	h.Record([]*autograd.Var{p})
	p.Value.CopyFrom(tensor.New([]float64{3, 6}, 2))
	h.Record([]*autograd.Var{p}) // average (2, 4)
	p.Value.CopyFrom(tensor.New([]float64{5, 4}, 2))
	assert.Equal(t, []float64{2, 4}, h.Average()[0].Data())
	pen := h.Penalty([]*autograd.Var{p})
	assert.Equal(t, 9.0, pen.Item())
	g := autograd.Grad([]*autograd.Var{pen}, []*autograd.Var{p}, false)[0]
	assert.Equal(t, []float64{6, 0}, g.Value.Data(), "2(θ − θ̄), the average held constant")
	f := func(xs []*autograd.Var) *autograd.Var { return h.Penalty(xs) }
	require.NoError(t, autograd.GradCheck("HistoricalAverage", f, []*tensor.Tensor{p.Value}, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("HistoricalAverage", f, []*tensor.Tensor{p.Value}, autograd.DefaultTolerance))
}

func TestNewGanPanics(t *testing.T) {
	tests := []struct {
		name, msg string
		kind      error
		f         func()
	}{
		{"RSGAN unpaired", "gan: RelativisticStandard.D: shape mismatch real (2,1), fake (3,1): paired logits need equal shapes",
			tensor.ErrShape, func() { RelativisticStandard{}.D(logits(1, 2), logits(1, 2, 3)) }},
		{"RSGAN G unpaired", "gan: RelativisticStandard.G: shape mismatch real (2,1), fake (3,1): paired logits need equal shapes",
			tensor.ErrShape, func() { RelativisticStandard{}.G(logits(1, 2), logits(1, 2, 3)) }},
		{"smoothing zero value", "gan: OneSidedLabelSmoothing.D: bad argument real target 0, want 0 < target ≤ 1",
			tensor.ErrArgument, func() { OneSidedLabelSmoothing{}.D(logits(1), logits(1)) }},
		{"feature matching widths", "gan: FeatureMatching: shape mismatch real (2,3), fake (2,4): want (N,F) and (M,F)",
			tensor.ErrShape, func() { FeatureMatching(autograd.Const(tensor.Zeros(2, 3)), autograd.Const(tensor.Zeros(2, 4))) }},
		{"instance noise σ", "gan: InstanceNoise: bad argument σ = -1, want a finite σ ≥ 0",
			tensor.ErrArgument, func() { InstanceNoise(rand.New(rand.NewPCG(1, 1)), tensor.Zeros(2), -1) }},
		{"historical count", "gan: HistoricalAverage.Penalty: bad argument 2 parameters, 1 recorded",
			tensor.ErrArgument, func() {
				var h HistoricalAverage
				h.Record([]*autograd.Var{autograd.Param(tensor.Zeros(2))})
				h.Penalty([]*autograd.Var{autograd.Param(tensor.Zeros(2)), autograd.Param(tensor.Zeros(2))})
			}},
		{"historical shape", "gan: HistoricalAverage.Record: shape mismatch parameter 0 has shape (3), recorded (2)",
			tensor.ErrShape, func() {
				var h HistoricalAverage
				h.Record([]*autograd.Var{autograd.Param(tensor.Zeros(2))})
				h.Record([]*autograd.Var{autograd.Param(tensor.Zeros(3))})
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, "want a panic with an error")
				assert.True(t, errors.Is(err, tc.kind))
				assert.EqualError(t, err, tc.msg)
			}()
			tc.f()
		})
	}
}
