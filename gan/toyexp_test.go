package gan

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// tinyExperiment is a run small enough for a unit test.
func tinyExperiment(rec Recipe, steps int) ToyExperiment {
	return ToyExperiment{Recipe: rec, Networks: PacGANNetworks(6, 5), Data: data.Ring8(), Seed: 3, Steps: steps,
		Batch: 8, EvalEvery: 2, EvalSamples: 50}
}

func TestPacGANNetworks(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	G := PacGANGenerator(r, 7, 3)
	// Three [Linear, BatchNorm, ReLU] blocks and the output Linear.
	require.Len(t, G.Layers, 3*3+1)
	assert.IsType(t, &layers.BatchNorm{}, G.Layers[1])
	// Parameters: 2·7+7, then 2·(7·7+7), BN γ, β: 3·2·7, output 7·2+2.
	assert.Equal(t, (2*7+7)+2*(7*7+7)+3*2*7+(7*2+2), countParams(G))
	assert.Equal(t, []int{5, 2}, G.Forward(autograd.Const(tensor.RandN(r, 5, 2))).Shape())

	D := PacGANDiscriminator(r, 4, 5, 3)
	require.Len(t, D.Layers, 4)
	assert.IsType(t, &layers.Maxout{}, D.Layers[0])
	// Maxout weights are (units·pieces, in): 20·2+20, 2·(20·4+20), then 4+1.
	assert.Equal(t, (20*2+20)+2*(20*4+20)+(4+1), countParams(D))
	assert.Equal(t, []int{6, 1}, D.Forward(autograd.Const(tensor.RandN(r, 6, 2))).Shape())

	assert.Panics(t, func() { PacGANGenerator(r, 0, 4) })
	assert.Panics(t, func() { PacGANDiscriminator(r, 4, 0, 3) })
}

func countParams(m layers.Module) int {
	n := 0
	for _, p := range layers.Vars(m) {
		n += p.Value.Len()
	}
	return n
}

func TestRecipesFollowThePapers(t *testing.T) {
	params := []*autograd.Var{autograd.Param(tensor.Zeros(1))}
	cases := []struct {
		recipe       Recipe
		dSteps       int
		penalty      Penalty
		lambda, clip float64
		lr           float64
		betas        [2]float64 // Adam's; zero for RMSprop
	}{
		{NonSaturatingRecipe(), 1, NoPenalty, 0, 0, 1e-4, [2]float64{0.8, 0.999}},
		{WGANGPRecipe(10), 5, PenaltyWGANGP, 10, 0, 1e-4, [2]float64{0.5, 0.9}},
		{DRAGANRecipe(), 1, PenaltyDRAGAN, 10, 0, 1e-4, [2]float64{0.5, 0.9}},
		{WeightClippingRecipe(), 5, NoPenalty, 0, 0.01, 5e-5, [2]float64{}},
	}
	for _, c := range cases {
		t.Run(c.recipe.Name, func(t *testing.T) {
			assert.Equal(t, c.dSteps, c.recipe.DSteps)
			assert.Equal(t, c.penalty, c.recipe.Penalty)
			assert.Equal(t, c.lambda, c.recipe.Lambda)
			assert.Equal(t, c.clip, c.recipe.Clip)
			opt := c.recipe.optimizer(params)
			assert.Equal(t, c.lr, opt.LR())
			if adam, ok := opt.(*optim.Adam); ok {
				b1, b2 := adam.Betas()
				assert.Equal(t, c.betas, [2]float64{b1, b2})
			} else {
				assert.IsType(t, &optim.RMSprop{}, opt)
				assert.Equal(t, [2]float64{}, c.betas)
			}
		})
	}
	assert.Equal(t, 0.5, DRAGANRecipe().PerturbC)
}

func TestScaleLR(t *testing.T) {
	rec := WGANGPRecipe(1).ScaleLR(10)
	assert.InDelta(t, 1e-3, rec.LR, 1e-18)
	assert.Equal(t, 0.5, rec.Beta1, "only the rate changes")
	assert.Equal(t, 1e-4, WGANGPRecipe(1).LR, "the original is a copy, not changed")
	assert.Panics(t, func() { rec.ScaleLR(0) })
	assert.Panics(t, func() { rec.ScaleLR(math.Inf(1)) })
}

func TestToyExperimentIsDeterministic(t *testing.T) {
	for _, rec := range []Recipe{NonSaturatingRecipe(), WGANGPRecipe(10), DRAGANRecipe(), WeightClippingRecipe()} {
		t.Run(rec.Name, func(t *testing.T) {
			a, err := tinyExperiment(rec, 5).Run()
			require.NoError(t, err)
			b, err := tinyExperiment(rec, 5).Run()
			require.NoError(t, err)
			for _, name := range a.History.Names() {
				assert.Equal(t, a.History.Get(name).Values, b.History.Get(name).Values, name)
			}
			assert.Equal(t, a.Samples.Data(), b.Samples.Data())
		})
	}
}

func TestToyExperimentRecordsCoverageAndNorms(t *testing.T) {
	e := tinyExperiment(WGANGPRecipe(10), 5)
	res, err := e.Run()
	require.NoError(t, err)
	// Evaluations after steps 2, 4 and 5 (the last).
	assert.Equal(t, []int{2, 4, 5}, res.Track.Steps)
	assert.Equal(t, []int{2, 4, 5}, res.History.Get("modes").Steps)
	assert.Equal(t, float64(res.FinalCoverage().Modes), res.History.Get("modes").Last())
	assert.Equal(t, []int{50, 2}, res.Samples.Shape())
	// One norm per sample of each critic update of the last window
	// (step 5 alone): 5 updates × batch 8.
	require.Len(t, res.WindowNorms, 5*8)
	assert.InDelta(t, res.History.Get("grad norm").Last(), res.MeanWindowNorm(), 1e-12,
		"a one-step window: its mean is that step's mean")
	for _, n := range res.WindowNorms {
		assert.GreaterOrEqual(t, n, 0.0)
	}

	// Without a penalty there are no norms, unless they are monitored.
	gan, err := tinyExperiment(NonSaturatingRecipe(), 5).Run()
	require.NoError(t, err)
	assert.Nil(t, gan.WindowNorms)
	assert.True(t, math.IsNaN(gan.MeanWindowNorm()))
	assert.Empty(t, gan.History.Get("grad norm").Values)
}

func TestMonitoringDoesNotChangeTraining(t *testing.T) {
	plain, err := tinyExperiment(WeightClippingRecipe(), 4).Run()
	require.NoError(t, err)
	e := tinyExperiment(WeightClippingRecipe(), 4)
	e.MonitorNorms = true
	watched, err := e.Run()
	require.NoError(t, err)
	assert.Equal(t, plain.History.Get("D loss").Values, watched.History.Get("D loss").Values)
	assert.Equal(t, plain.Samples.Data(), watched.Samples.Data())
	// Only the last critic update of a step is watched: batch 8 each, and
	// the window since the evaluation at step 2 holds steps 3 and 4.
	assert.Len(t, watched.WindowNorms, 2*8)
	assert.Len(t, watched.History.Get("grad norm").Values, 4)
}

func TestWeightClippingHoldsTheBound(t *testing.T) {
	res, err := tinyExperiment(WeightClippingRecipe(), 3).Run()
	require.NoError(t, err)
	for _, p := range layers.Vars(res.D) {
		for _, v := range p.Value.Data() {
			require.LessOrEqual(t, math.Abs(v), 0.01)
		}
	}
}

func TestToyExperimentRejectsBadSettings(t *testing.T) {
	e := tinyExperiment(NonSaturatingRecipe(), 3)
	e.EvalSamples = 0
	_, err := e.Run()
	assert.EqualError(t, err, "GAN ring-8: evaluation samples must be at least 1, got 0")
	e = tinyExperiment(NonSaturatingRecipe(), 3)
	e.Batch = 1
	_, err = e.Run()
	assert.EqualError(t, err, "GAN ring-8: batch must be at least 2 for batch norm, got 1")
}

func TestInterpolateNormsOfALinearCritic(t *testing.T) {
	// d(x) = x·w with w = (3, −4): the gradient is w at every point, so
	// every norm is ‖w‖ = 5 wherever the interpolates fall.
	w := autograd.Const(tensor.New([]float64{3, -4}, 2, 1))
	d := func(x *autograd.Var) *autograd.Var { return autograd.MatMul(x, w) }
	r := rand.New(rand.NewPCG(1, 1))
	norms := interpolateNorms(d, tensor.RandN(r, 4, 2), tensor.RandN(r, 4, 2), r)
	require.Len(t, norms.Data(), 4)
	assert.InDeltaSlice(t, []float64{5, 5, 5, 5}, norms.Data(), 1e-12)
}

func TestUniformCoverage(t *testing.T) {
	// Grid-25 under [−5, 5]²: each mode's 3σ disc (radius 0.15) holds a
	// fraction π·0.15²/100 of the square, so the high-quality fraction is
	// 25 times that, 1.767 %; with 200,000 points every mode is hit. The
	// estimate's standard deviation is √(p(1 − p)/n) ≈ 0.0003.
	c := UniformCoverage(data.Grid25(), 200000, 1)
	assert.Equal(t, 25, c.Modes)
	assert.InDelta(t, 25*math.Pi*0.15*0.15/100, c.HighQuality, 0.0015)
	// With PacGAN's 2,500 points a mode is missed with probability
	// e^(−2500·p) = e^(−1.77) ≈ 0.17: about 21 of 25 are "captured".
	c = UniformCoverage(data.Grid25(), 2500, 1)
	assert.InDelta(t, 25*(1-math.Exp(-2500*math.Pi*0.15*0.15/100)), float64(c.Modes), 4)
	assert.Equal(t, c, UniformCoverage(data.Grid25(), 2500, 1), "deterministic")
}

func TestNetworksConstructors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	G, D := PacGANNetworks(6, 4)(r)
	require.Len(t, G.Layers, 4*3+1, "four [Linear, BatchNorm, ReLU] blocks and the output")
	require.Len(t, D.Layers, 3+1, "three maxout layers and the output")
	assert.Equal(t, 5, D.Layers[0].(*layers.Maxout).Pieces)
	G, D = WGANGPNetworks(7)(r)
	// 2 → 7 → 7 → 7 → out: four Linear layers and three ReLUs, no normalisation.
	require.Len(t, G.Layers, 7)
	require.Len(t, D.Layers, 7)
	assert.Equal(t, (2*7+7)+2*(7*7+7)+(7*2+2), countParams(G))
	assert.Equal(t, (2*7+7)+2*(7*7+7)+(7+1), countParams(D))
}

func TestToyBudget(t *testing.T) {
	b := DefaultToyBudget()
	require.NoError(t, b.Check())
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	b.RegisterFlags(fs)
	require.NoError(t, fs.Parse([]string{"-batch", "16", "-width", "8", "-lr-scale", "2", "-lr-decay=false", "-lambda", "3", "-eval-every", "7"}))
	assert.Equal(t, ToyBudget{Batch: 16, Width: 8, LRScale: 2, Lambda: 3, EvalEvery: 7, EvalSamples: 2500}, b)

	e := b.WGANGPExperiment(data.Grid25(), 9, 11)
	assert.Equal(t, "WGAN-GP", e.Recipe.Name)
	assert.Equal(t, 3.0, e.Recipe.Lambda)
	assert.InDelta(t, 2e-4, e.Recipe.LR, 1e-18, "the paper's 1e-4 times the scale")
	assert.Equal(t, []int{16, 7, 2500, 11}, []int{e.Batch, e.EvalEvery, e.EvalSamples, e.Steps})
	assert.Equal(t, uint64(9), e.Seed)
	assert.False(t, e.LinearDecay)

	for _, c := range []struct {
		change func(*ToyBudget)
		msg    string
	}{
		{func(b *ToyBudget) { b.Batch = 1 }, "-batch must be at least 2, got 1"},
		{func(b *ToyBudget) { b.Width = 0 }, "-width must be at least 1, got 0"},
		{func(b *ToyBudget) { b.LRScale = math.Inf(1) }, "-lr-scale must be positive and finite, got +Inf"},
		{func(b *ToyBudget) { b.Lambda = math.NaN() }, "-lambda must be non-negative and finite, got NaN"},
		{func(b *ToyBudget) { b.EvalEvery = 0 }, "-eval-every must be at least 1, got 0"},
	} {
		bad := DefaultToyBudget()
		c.change(&bad)
		assert.EqualError(t, bad.Check(), c.msg)
	}
}

func TestLinearDecay(t *testing.T) {
	// Four steps from 0.8: 0.8·4/4, 0.8·3/4, 0.8·2/4, 0.8·1/4.
	for i, want := range []float64{0.8, 0.6, 0.4, 0.2} {
		assert.InDelta(t, want, linearDecay(0.8, 4, i+1), 1e-15)
	}
	// In a run: the losses of step 1 are computed before any update, so
	// they agree; the rates of later steps differ, and so do the samples.
	e := tinyExperiment(NonSaturatingRecipe(), 4)
	e.LinearDecay = true
	res, err := e.Run()
	require.NoError(t, err)
	plain, err := tinyExperiment(NonSaturatingRecipe(), 4).Run()
	require.NoError(t, err)
	// The first step uses the full rate in both runs, so the first losses
	// agree; later ones differ because the rates do.
	assert.Equal(t, plain.History.Get("D loss").Values[0], res.History.Get("D loss").Values[0])
	assert.NotEqual(t, plain.Samples.Data(), res.Samples.Data())
}

func TestToyScatterDrawsTheRun(t *testing.T) {
	res, err := tinyExperiment(NonSaturatingRecipe(), 2).Run()
	require.NoError(t, err)
	ring := data.Ring8()
	real := ring.Sample(rand.New(rand.NewPCG(1, 1)), 20)
	s := ToyScatter(res, ring, real, true)
	// The window is the centres' box [−1, 1]² grown by 15 % on each side.
	assert.InDelta(t, -1.3, s.XMin, 1e-12)
	assert.InDelta(t, 1.3, s.YMax, 1e-12)
	require.Len(t, s.Layers, 3)
	assert.Len(t, s.Layers[1].Points, 50, "the last evaluation's samples")
	assert.Equal(t, ToyGeneratedColor, s.Layers[1].Color)
	// A probability field lies in [0, 1] and is coloured on that range.
	assert.Equal(t, [2]float64{0, 1}, [2]float64{s.Field.Min, s.Field.Max})
	for _, v := range s.Field.Values {
		require.True(t, v >= 0 && v <= 1)
	}
	_, err = s.Image()
	require.NoError(t, err)
}
