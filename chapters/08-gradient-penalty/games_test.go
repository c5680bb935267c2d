package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/tensor"
)

// Tests that pin the three games: each fails when its mechanism is broken.

// tinyBudget is a budget small enough for a test.
func tinyBudget(batch int) gan.ToyBudget {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = batch, 8, 2, 50
	return b
}

func tinyRun(game gan.Game, nets gan.Networks, batch, steps int) *gan.ToyResult {
	res, err := gan.ToyRun{Name: "test", Game: game, Networks: nets, Data: data.Ring8(), Budget: tinyBudget(batch),
		Seed: 5, Steps: steps}.Run()
	if err != nil {
		panic(err)
	}
	return res
}

// The game chapter 08 teaches is the one chapter 01 quotes as its
// reference (gan.WGANGP): the same bits, step for step.
func TestWGANGPIsTheLibraryGame(t *testing.T) {
	b := tinyBudget(8)
	here := tinyRun(wgangp(3), b.WGANGP(), 8, 5)
	library := tinyRun(gan.WGANGP(3), b.WGANGP(), 8, 5)
	for _, name := range library.History.Names() {
		assert.Equal(t, library.History.Get(name).Values, here.History.Get(name).Values, name)
	}
	assert.Equal(t, library.Samples.Data(), here.Samples.Data())
	assert.Equal(t, library.WindowNorms, here.WindowNorms)
}

// halfSquare is the critic f(x) = ½‖x‖² + b: its gradient at x̂ is x̂, so
// the norms a penalty records are the norms of the points where it was
// taken. (b gives the optimizer a parameter; it does not move the
// gradient.)
type halfSquare struct{ b *autograd.Var }

func (c halfSquare) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Add(autograd.Scale(autograd.SumKeep(autograd.Square(x), 1), 0.5), c.b)
}

func (c halfSquare) Parameters() []layers.Parameter { return []layers.Parameter{{Name: "b", Var: c.b}} }

// probeNetworks are a generator that maps everything to 0 (until its
// first update) and the critic ½‖x‖².
func probeNetworks(r *rand.Rand) (G, D *layers.Sequential) {
	lin := layers.NewLinear(r, 2, 2)
	lin.Weight.Value.Fill(0)
	lin.Bias.Value.Fill(0)
	return layers.NewSequential(lin), layers.NewSequential(halfSquare{autograd.Param(tensor.Zeros(1))})
}

// WGAN-GP's penalty sits between real and generated samples. With fakes at
// 0 and reals on the unit circle (ring-8), x̂ = α·x has norm α ∈ [0, 1):
// spread over the interval. Taken at the fakes the norms would all be 0,
// at the reals all near 1.
func TestWGANGPPenaltyIsAtTheInterpolates(t *testing.T) {
	res := tinyRun(wgangp(1), probeNetworks, 16, 1)
	require.Len(t, res.WindowNorms, 5*16)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, n := range res.WindowNorms {
		lo, hi = math.Min(lo, n), math.Max(hi, n)
	}
	assert.Less(t, lo, 0.3)
	assert.Greater(t, hi, 0.7)
	assert.LessOrEqual(t, hi, 1.05)
}

// DRAGAN's penalty sits around the reals, moved by up to
// c·std(x) = 0.5·0.71 per coordinate: on ring-8 (‖x‖ ≈ 1 ± 0.03) some
// norms leave [0.9, 1.1]. Without the perturbation all would stay inside.
func TestDRAGANPenaltyIsNearTheReals(t *testing.T) {
	res := tinyRun(dragan(10), probeNetworks, 64, 1)
	require.Len(t, res.WindowNorms, 64)
	away := 0
	for _, n := range res.WindowNorms {
		if math.Abs(n-1) > 0.1 {
			away++
		}
	}
	assert.Greater(t, away, 8, "norms: %v", res.WindowNorms)
}

// Clipping holds every critic weight inside [−c, c], and some at the
// bound.
func TestClipHoldsTheBound(t *testing.T) {
	const c = 0.05
	res := tinyRun(clip(c), tinyBudget(8).WGANGP(), 8, 3)
	atBound := 0
	for _, p := range layers.Vars(res.D) {
		for _, v := range p.Value.Data() {
			require.LessOrEqual(t, math.Abs(v), c)
			if math.Abs(v) == c {
				atBound++
			}
		}
	}
	assert.Positive(t, atBound)
}

// -clip reaches the clipping game; without it the bound follows -width
// (gan.ClipBound), and the other games do not notice.
func TestClipFlagIsTheBound(t *testing.T) {
	auto := chaptertest.Run(t, spec, tiny...).Metrics
	set := chaptertest.Run(t, spec, append(tiny, "-clip", "0.003")...).Metrics
	assert.Equal(t, gan.ClipBound(8), auto["clip_bound"])
	assert.Equal(t, 0.003, set["clip_bound"])
	assert.NotEqual(t, auto["clip_grad_norm_mean"], set["clip_grad_norm_mean"])
	assert.Equal(t, auto["gp_grad_norm_mean"], set["gp_grad_norm_mean"])
}

// The penalty weights reach the games from the flags: λ = 0 and λ = 10
// give different runs.
func TestLambdaFlagsChangeTheRun(t *testing.T) {
	without := chaptertest.Run(t, spec, append(tiny, "-lambda", "0", "-dragan-lambda", "0")...).Metrics
	with := chaptertest.Run(t, spec, append(tiny, "-lambda", "10", "-dragan-lambda", "10")...).Metrics
	assert.NotEqual(t, without["gp_grad_norm_mean"], with["gp_grad_norm_mean"])
	assert.NotEqual(t, without["dragan_grad_norm_mean"], with["dragan_grad_norm_mean"])
	assert.Equal(t, without["clip_grad_norm_mean"], with["clip_grad_norm_mean"], "clipping has no λ")
}
