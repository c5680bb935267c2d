package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-width", "6", "-batch", "8", "-snapshots", "2"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	for _, v := range []string{"k0", "k5", "k10", "k5_detached"} {
		for _, q := range []string{"_modes", "_hq", "_reverse_kl", "_mode_hops", "_dominated", "_madds_per_step", "_cost_ratio", "_predicted_cost_ratio"} {
			assert.Contains(t, r.Metrics, v+q)
		}
		info, err := os.Stat(filepath.Join(r.Dir, v+"_modes_over_time.svg"))
		require.NoError(t, err)
		assert.Greater(t, info.Size(), int64(100))
	}
	for _, f := range []string{"samples_over_time.svg", "k0_samples.svg", "k10_samples.svg", "modes_over_time.svg"} {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	// Predicted work: 1 + K + (1 + K) gradient evaluations against 2 for
	// K = 0, and 1 + K + 1 when the look-ahead is detached.
	assert.Equal(t, 1.0, r.Metrics["k0_predicted_cost_ratio"])
	assert.Equal(t, 6.0, r.Metrics["k5_predicted_cost_ratio"])
	assert.Equal(t, 11.0, r.Metrics["k10_predicted_cost_ratio"])
	assert.Equal(t, 3.5, r.Metrics["k5_detached_predicted_cost_ratio"])
	// Measured work grows with K, and detaching saves some of it
	// (TestCostIsMeasured takes it apart).
	assert.Equal(t, 1.0, r.Metrics["k0_cost_ratio"])
	assert.Less(t, r.Metrics["k5_detached_cost_ratio"], r.Metrics["k5_cost_ratio"])
	assert.Less(t, r.Metrics["k5_cost_ratio"], r.Metrics["k10_cost_ratio"])
	assert.Greater(t, r.Metrics["k5_detached_cost_ratio"], 1.0)
	assert.Greater(t, r.Metrics["d_update_madds"], 0.0)
	assert.Contains(t, r.Stdout, "wall time per generator step")
}

// ---- The look-ahead, on a tiny pair of networks --------------------------------------

// tinyGame is a generator and discriminator of three hidden units, a real
// batch x, noise z, and D's Adam optimiser after two ordinary updates (so
// that the simulated steps continue from a state with m, v ≠ 0).
type tinyGame struct {
	G, D *layers.Sequential
	x, z *autograd.Var
	opt  *optim.Adam
}

const tinyLR = 0.2

func newTinyGame(seed uint64) tinyGame {
	r := rand.New(rand.NewPCG(seed, 9))
	G, D := gan.UnrolledGANNetworks(3)(r)
	g := tinyGame{G: G, D: D, x: autograd.Const(data.Ring8().Sample(r, 5)), z: autograd.Const(tensor.RandN(r, 5, 2))}
	g.opt = optim.NewAdam(layers.Vars(D), tinyLR, 0.5, 0.999)
	for range 2 {
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = G.Forward(g.z).Value })
		lossD := gan.Minimax{}.D(D.Forward(g.x), D.Forward(autograd.Const(fake)))
		g.opt.ZeroGrad()
		lossD.Backward()
		g.opt.Step()
	}
	return g
}

// fK is the chapter's unrolledLoss with G's parameters replaced by params.
func (g tinyGame) fK(params []*autograd.Var, k int, detached bool) *autograd.Var {
	return unrolledLoss(g.D, g.opt, tinyLR, k, detached, g.x, layers.Functional(g.G, params).Forward(g.z))
}

func (g tinyGame) gradG(k int, detached bool) []float64 {
	params := make([]*autograd.Var, 0)
	for _, p := range layers.Vars(g.G) {
		params = append(params, autograd.Param(p.Value.Clone()))
	}
	var out []float64
	for _, gr := range autograd.Grad([]*autograd.Var{g.fK(params, k, detached)}, params, false) {
		out = append(out, gr.Value.Data()...)
	}
	return out
}

// The unrolled loss with K = 2, differentiated with respect to G's
// parameters back through two Adam steps, against central differences.
func TestUnrolledLossGradCheck(t *testing.T) {
	g := newTinyGame(1)
	var values []*tensor.Tensor
	for _, p := range layers.Vars(g.G) {
		values = append(values, p.Value)
	}
	f := func(xs []*autograd.Var) *autograd.Var { return g.fK(xs, 2, false) }
	require.NoError(t, autograd.GradCheck("f_K, K = 2", f, values, autograd.DefaultTolerance))
}

// f_K is minus D's whole loss at the look-ahead weights, the term on real
// data included: θ_D^k depends on θ_G, so that term has a gradient too.
func TestUnrolledLossIsMinusDsLoss(t *testing.T) {
	g := newTinyGame(5)
	gz := g.G.Forward(g.z)
	lD := func(d layers.Module) *autograd.Var { return gan.Minimax{}.D(d.Forward(g.x), d.Forward(gz)) }
	d2 := lookAhead(g.D, g.opt, tinyLR, 2, false, lD)
	onReal := autograd.Mean(autograd.Softplus(autograd.Neg(d2.Forward(g.x))))
	onFake := autograd.Mean(autograd.Softplus(d2.Forward(gz)))
	assert.Equal(t, -(onReal.Item() + onFake.Item()), unrolledLoss(g.D, g.opt, tinyLR, 2, false, g.x, gz).Item())
}

// K = 0 is the plain minimax GAN: the generator's gradient is that of
// gan.Minimax's G loss at D as it is, bit for bit.
func TestNoLookAheadIsThePlainGAN(t *testing.T) {
	g := newTinyGame(2)
	params := layers.Vars(g.G)
	plain := gan.Minimax{}.G(nil, g.D.Forward(g.G.Forward(g.z)))
	var want []float64
	for _, gr := range autograd.Grad([]*autograd.Var{plain}, params, false) {
		want = append(want, gr.Value.Data()...)
	}
	assert.Equal(t, want, g.gradG(0, false))
}

// The look-ahead's second term is what changes the gradient: with K = 2
// it differs from K = 0's, and detaching the steps leaves only the direct
// term, ∂f/∂θ_G at the same θ_D² (D with those weights as constants).
func TestDetachedLookAheadKeepsOnlyTheDirectTerm(t *testing.T) {
	g := newTinyGame(3)
	full, detached, plain := g.gradG(2, false), g.gradG(2, true), g.gradG(0, false)
	assert.Greater(t, maxDiff(full, plain), 1e-3, "the look-ahead changes G's gradient")
	assert.Greater(t, maxDiff(full, detached), 1e-4, "the second term is not zero")

	// θ_D² as constants, then the plain gradient at them.
	gz := g.G.Forward(g.z)
	lD := func(d layers.Module) *autograd.Var { return gan.Minimax{}.D(d.Forward(g.x), d.Forward(gz)) }
	d2 := lookAhead(g.D, g.opt, tinyLR, 2, true, lD)
	var direct []float64
	for _, gr := range autograd.Grad([]*autograd.Var{autograd.Neg(lD(d2))}, layers.Vars(g.G), false) {
		direct = append(direct, gr.Value.Data()...)
	}
	assert.InDeltaSlice(t, direct, detached, 1e-15)
}

// The look-ahead only simulates: D's weights and its optimiser's state are
// the same after it, and the simulated D answers the way D's own next
// steps would (the same Adam, from the same state).
func TestLookAheadLeavesDAlone(t *testing.T) {
	g := newTinyGame(4)
	before := flat(layers.Vars(g.D))
	state := g.opt.FunctionalState()
	fake := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(4, 1)), 5, 2))
	lD := func(d layers.Module) *autograd.Var { return gan.Minimax{}.D(d.Forward(g.x), d.Forward(fake)) }
	d3 := lookAhead(g.D, g.opt, tinyLR, 3, false, lD)
	assert.Equal(t, before, flat(layers.Vars(g.D)))
	assert.Equal(t, state.T, g.opt.FunctionalState().T)

	for range 3 { // D's real next three steps on the same batch
		lossD := lD(g.D)
		g.opt.ZeroGrad()
		lossD.Backward()
		g.opt.Step()
	}
	assert.InDeltaSlice(t, flat(layers.Vars(g.D)), flat(layers.Vars(d3)), 1e-12)
}

func flat(vs []*autograd.Var) []float64 {
	var out []float64
	for _, v := range vs {
		out = append(out, v.Value.Data()...)
	}
	return out
}

func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, abs(a[i]-b[i]))
	}
	return m
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// ---- The game in the runner ------------------------------------------------------------

// One step from the same start: D's update does not depend on K (it comes
// first and sees the same batches), G's does.
func TestOnlyTheGeneratorLooksAhead(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 8, 5, 1, 20
	run := func(k int) *gan.ToyResult {
		res, err := gan.ToyRun{Name: "one step", Game: unrolled(k, false), Networks: gan.UnrolledGANNetworks(5),
			Data: data.Ring8(), Budget: b, Seed: 3, Steps: 1}.Run()
		require.NoError(t, err)
		return res
	}
	k0, k3 := run(0), run(3)
	assert.Equal(t, flat(layers.Vars(k0.D)), flat(layers.Vars(k3.D)))
	assert.NotEqual(t, flat(layers.Vars(k0.G)), flat(layers.Vars(k3.G)))
	assert.Equal(t, k0.History.Get("D update multiply-adds").Values, k3.History.Get("D update multiply-adds").Values)
}

// The measured cost takes the look-ahead apart, one step of each game from
// the same start. Detached, every simulated step is exactly one more
// evaluation of D's gradient (a forward and a backward pass, no graph), as
// gradientEvaluations counts it. With the graph every simulated step after
// the first costs the same, and between 2 and 3 evaluations where the
// count says 2 (1 forward-and-backward pass, 1 pass back through it): the
// pass back through a recorded gradient computation differentiates a
// backward pass, which holds more products than a forward one. (The first
// step costs less: the gradient through it is needed for θ_G alone, not
// for earlier steps' weights.) A look-ahead that skipped its last step,
// or every step after the second, fails this.
func TestCostIsMeasured(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 16, 8, 1, 20
	step := func(k int, detached bool) (madds, unit float64) {
		res, err := gan.ToyRun{Name: "one step", Game: unrolled(k, detached), Networks: gan.UnrolledGANNetworks(8),
			Data: data.Ring8(), Budget: b, Seed: 3, Steps: 1}.Run()
		require.NoError(t, err)
		return res.History.Get("multiply-adds").Values[0], res.History.Get("D update multiply-adds").Values[0]
	}
	m0, u := step(0, false)
	require.Greater(t, u, 0.0)
	d1, _ := step(1, true)
	d2, _ := step(2, true)
	assert.Equal(t, u, d1-m0, "a detached step is one evaluation")
	assert.Equal(t, u, d2-d1, "and so is the next")
	m1, _ := step(1, false)
	m2, _ := step(2, false)
	m3, _ := step(3, false)
	assert.Equal(t, m3-m2, m2-m1, "every step after the first costs the same")
	assert.GreaterOrEqual(t, (m2-m1)/u, 2.0)
	assert.LessOrEqual(t, (m2-m1)/u, 3.0)
	assert.Greater(t, m1-m0, u, "the first step costs more than a detached one")
}

func TestSnapshotStepsWithLast(t *testing.T) {
	assert.Equal(t, []int{150, 300, 500, 650, 800, 1000}, snapshotStepsWithLast(1000, 50, 6))
	assert.Equal(t, []int{2, 4}, snapshotStepsWithLast(4, 2, 2))
	assert.Equal(t, []int{2, 4}, snapshotStepsWithLast(4, 2, 5), "duplicates merge")
}

// Every run's heatmap is on the same scale, 0 to 1, whatever its largest
// share, so that the four pictures compare; the rows are the nearest
// modes, the columns the evaluations.
func TestSharesHeatmapScale(t *testing.T) {
	ring := data.Ring8()
	share := func(k int, v float64) []float64 { s := make([]float64, 8); s[k] = v; return s }
	o := &outcome{variant: variants[0], res: &gan.ToyResult{Track: &gan.CoverageTrack{Steps: []int{50, 100}}},
		shares: [][]float64{share(2, 0.4), share(5, 0.3)}}
	h := sharesHeatmap(o, ring)
	assert.Equal(t, 1.0, h.Max)
	assert.Equal(t, "nearest mode", h.YLabel)
	require.Len(t, h.Values, 16)
	assert.Equal(t, 0.4, h.Values[2*2+0], "mode 2, first evaluation")
	assert.Equal(t, 0.3, h.Values[5*2+1], "mode 5, second evaluation")
	assert.Equal(t, []float64{50, 100}, h.ColValues)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "10-unrolled-gan: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-snapshots", "0"}, Want: "10-unrolled-gan: -snapshots must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "10-unrolled-gan: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-Inf"}, Want: "10-unrolled-gan: -lr-scale must be positive and finite, got -Inf\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "10-unrolled-gan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-snapshots", "1e12"}, Want: "10-unrolled-gan: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
