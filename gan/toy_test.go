package gan

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/tensor"
)

// tinyRun is a run small enough for a unit test.
func tinyRun(name string, game Game, steps int) ToyRun {
	b := DefaultToyBudget()
	b.Batch, b.EvalEvery, b.EvalSamples, b.LRScale, b.LinearDecay = 8, 2, 50, 1, false
	return ToyRun{Name: name, Game: game, Networks: PacGANNetworks(6, 5), Data: data.Ring8(), Budget: b, Seed: 3, Steps: steps}
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

func TestToyRunIsDeterministic(t *testing.T) {
	for _, c := range []struct {
		name string
		game Game
	}{{"GAN", OneToOne(NonSaturating{})}, {"WGAN-GP", WGANGP(10)}} {
		t.Run(c.name, func(t *testing.T) {
			a, err := tinyRun(c.name, c.game, 5).Run()
			require.NoError(t, err)
			b, err := tinyRun(c.name, c.game, 5).Run()
			require.NoError(t, err)
			for _, name := range a.History.Names() {
				assert.Equal(t, a.History.Get(name).Values, b.History.Get(name).Values, name)
			}
			assert.Equal(t, a.Samples.Data(), b.Samples.Data())
		})
	}
}

func TestToyRunRecordsCoverageAndNorms(t *testing.T) {
	res, err := tinyRun("WGAN-GP", WGANGP(10), 5).Run()
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

	// A game that records no norms has none.
	gan, err := tinyRun("GAN", OneToOne(NonSaturating{}), 5).Run()
	require.NoError(t, err)
	assert.Nil(t, gan.WindowNorms)
	assert.True(t, math.IsNaN(gan.MeanWindowNorm()))
	assert.False(t, gan.History.Has("grad norm"))
}

// AfterEval's first error comes back from Run with the run's name and the
// step, and the later ones do not replace it.
func TestToyRunAfterEvalErrorSaysWhere(t *testing.T) {
	boom := errors.New("boom")
	run := tinyRun("GAN ring-8", OneToOne(NonSaturating{}), 5)
	calls := 0
	run.AfterEval = func(step int, _ *Toy, _ *tensor.Tensor) error {
		calls++
		if step < 4 {
			return nil
		}
		return fmt.Errorf("step %d failed: %w", step, boom)
	}
	_, err := run.Run()
	require.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "GAN ring-8: after the evaluation at step 4: step 4 failed: boom")
	assert.Equal(t, 3, calls, "every evaluation is still made")
}

func TestToyRunRejectsBadSettings(t *testing.T) {
	r := tinyRun("GAN", OneToOne(NonSaturating{}), 3)
	r.Budget.EvalSamples = 0
	_, err := r.Run()
	assert.EqualError(t, err, "GAN: evaluation samples must be at least 1, got 0")
	r = tinyRun("GAN", OneToOne(NonSaturating{}), 3)
	r.Budget.Batch = 1
	_, err = r.Run()
	assert.EqualError(t, err, "GAN: -batch must be at least 2, got 1")
	r = tinyRun("GAN", OneToOne(NonSaturating{}), 0)
	_, err = r.Run()
	assert.EqualError(t, err, "GAN: steps must be at least 1, got 0")
}

func TestInterpolateNormsOfALinearCritic(t *testing.T) {
	// d(x) = x·w with w = (3, −4): the gradient is w at every point, so
	// every norm is ‖w‖ = 5 wherever the interpolates fall.
	w := autograd.Const(tensor.New([]float64{3, -4}, 2, 1))
	d := func(x *autograd.Var) *autograd.Var { return autograd.MatMul(x, w) }
	r := rand.New(rand.NewPCG(1, 1))
	norms := InterpolationNorms(d, tensor.RandN(r, 4, 2), tensor.RandN(r, 4, 2), r)
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
	var parsed *ToyBudget
	spec := chapter.Spec{Name: "test", Defaults: chapter.Flags{Steps: 1}, Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		fresh := DefaultToyBudget()
		parsed = &fresh
		fresh.RegisterFlags(fs)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return fresh.Memory(f.Steps, 1) })
		return nil
	}}
	var stderr strings.Builder
	_, _, err := chapter.Parse(spec, []string{"-batch", "16", "-width", "8", "-lr-scale", "2", "-lr-decay=false", "-lambda", "3", "-eval-every", "7"}, &stderr, &stderr)
	require.NoError(t, err)
	assert.Equal(t, ToyBudget{Batch: 16, Width: 8, LRScale: 2, Lambda: 3, EvalEvery: 7, EvalSamples: 2500}, *parsed)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-batch", "1"}, "-batch must be at least 2, got 1"},
		{[]string{"-lr-scale", "NaN"}, "-lr-scale must be positive and finite, got NaN"},
		{[]string{"-lambda", "-Inf"}, "-lambda must be non-negative and finite, got -Inf"},
		{[]string{"-width", "1e6"}, "these flags need about 413 TiB of memory and …"},
	} {
		_, _, err := chapter.Parse(spec, c.args, &stderr, &stderr)
		require.Error(t, err, "%v", c.args)
		if prefix, ok := strings.CutSuffix(c.msg, "…"); ok {
			assert.True(t, strings.HasPrefix(err.Error(), prefix), err.Error())
		} else {
			assert.EqualError(t, err, c.msg)
		}
	}

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

// The learning-rate schedule of a toy run: the published rate times the
// budget's scale, decayed linearly, lr(i) = lr·scale·(Steps − i + 1)/Steps.
func TestToyLR(t *testing.T) {
	toy := &Toy{budget: ToyBudget{LRScale: 2, LinearDecay: true}, steps: 4}
	// Four steps from 0.4·2: 0.8·4/4, 0.8·3/4, 0.8·2/4, 0.8·1/4.
	for i, want := range []float64{0.8, 0.6, 0.4, 0.2} {
		assert.InDelta(t, want, toy.LR(0.4, i+1), 1e-15)
	}
	toy.budget.LinearDecay = false
	assert.Equal(t, 0.8, toy.LR(0.4, 3))

	// In a run: the losses of step 1 are computed before any update, so
	// they agree; the rates of later steps differ, and so do the samples.
	decayed := tinyRun("GAN", OneToOne(NonSaturating{}), 4)
	decayed.Budget.LinearDecay = true
	res, err := decayed.Run()
	require.NoError(t, err)
	plain, err := tinyRun("GAN", OneToOne(NonSaturating{}), 4).Run()
	require.NoError(t, err)
	assert.Equal(t, plain.History.Get("D loss").Values[0], res.History.Get("D loss").Values[0])
	assert.NotEqual(t, plain.Samples.Data(), res.Samples.Data())
}

func TestToyScatterDrawsTheRun(t *testing.T) {
	res, err := tinyRun("GAN", OneToOne(NonSaturating{}), 2).Run()
	require.NoError(t, err)
	ring := data.Ring8()
	real := ring.Sample(rand.New(rand.NewPCG(1, 1)), 20)
	s := ToyScatter("GAN", res.D, res.Samples, ring, real, true)
	// The window is the centres' box [−1, 1]² grown by 15 % on each side.
	assert.InDelta(t, -1.3, s.XMin, 1e-12)
	assert.InDelta(t, 1.3, s.YMax, 1e-12)
	require.Len(t, s.Layers, 3)
	assert.Len(t, s.Layers[1].Points, 50, "the last evaluation's samples")
	assert.Equal(t, plot.GeneratedColor, s.Layers[1].Color)
	// A probability field lies in [0, 1] and is coloured on that range.
	assert.Equal(t, [2]float64{0, 1}, [2]float64{s.Field.Min, s.Field.Max})
	for _, v := range s.Field.Values {
		require.True(t, v >= 0 && v <= 1)
	}
	_, err = s.Image()
	require.NoError(t, err)
}
