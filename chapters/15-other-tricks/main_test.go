package main

import (
	"math"
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
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches.
var tiny = []string{"-steps", "6", "-eval-every", "2", "-width", "6", "-batch", "8", "-mbd-kernels", "3", "-mbd-dims", "2"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, tr := range []string{"baseline", "fm", "mbd", "ha", "smoothing", "vbn"} {
		for _, set := range []string{"ring8", "grid25"} {
			for _, q := range []string{"_modes", "_hq", "_reverse_kl"} {
				assert.Contains(t, m, tr+"_"+set+q)
			}
			info, err := os.Stat(filepath.Join(r.Dir, tr+"_"+set+".svg"))
			require.NoError(t, err)
			assert.Greater(t, info.Size(), int64(100))
		}
	}
	for _, k := range []string{"mbd_feature_gap", "mbd_feature_collapsed", "mbd_feature_diverse", "ls_d_real_mean",
		"baseline_d_real_mean", "ls_run_d_real_mean", "baseline_run_d_real_mean", "ha_param_oscillation",
		"baseline_param_oscillation", "vbn_batch_dependence", "bn_batch_dependence", "fm_feature_gap_start", "fm_feature_gap_end"} {
		assert.Contains(t, m, k)
	}
	// Virtual batch norm: a sample's output does not depend on its batch,
	// bit for bit; with batch norm it does.
	assert.Equal(t, 0.0, m["vbn_batch_dependence"])
	assert.Greater(t, m["bn_batch_dependence"], 1e-6)
	assert.Greater(t, m["mbd_feature_gap"], 0.0, "a batch from one mode is closer together")
	assert.Less(t, m["ls_d_real_mean"], m["baseline_d_real_mean"], "the smoothed target is lower")
	for _, f := range []string{"coverage.svg", "fm_feature_gap.svg", "param_oscillation.svg"} {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// testConfig is the configuration of the tiny runs.
func testConfig() config {
	cfg := config{budget: gan.DefaultToyBudget(), haLambda: 0.1, smoothing: 0.9, kernels: 3, dims: 2}
	cfg.budget.Batch, cfg.budget.Width, cfg.budget.EvalEvery, cfg.budget.EvalSamples = 8, 6, 1, 20
	return cfg
}

func tinyRun(t *testing.T, key string, steps int) *gan.ToyResult {
	cfg := testConfig()
	var tr trick
	for _, c := range tricks {
		if c.key == key {
			tr = c
		}
	}
	require.Equal(t, key, tr.key)
	res, err := gan.ToyRun{Name: key, Game: game(key, cfg), Networks: tr.networks(cfg), Data: data.Grid25(),
		Budget: cfg.budget, Seed: 7, Steps: steps}.Run()
	require.NoError(t, err)
	return res
}

// Each trick changes the player it is about, from the same start: label
// smoothing D's first update; feature matching only G's; historical
// averaging nothing in the first two steps (no history, then a history of
// one snapshot, the present weights) and both players from the third.
func TestTricksChangeTheirPlayer(t *testing.T) {
	base1, base2, base3 := tinyRun(t, "baseline", 1), tinyRun(t, "baseline", 2), tinyRun(t, "baseline", 3)
	smooth := tinyRun(t, "smoothing", 1)
	assert.NotEqual(t, flat(base1.D), flat(smooth.D))

	fm := tinyRun(t, "fm", 1)
	assert.Equal(t, flat(base1.D), flat(fm.D), "feature matching leaves D's update alone")
	assert.NotEqual(t, flat(base1.G), flat(fm.G))

	ha2, ha3 := tinyRun(t, "ha", 2), tinyRun(t, "ha", 3)
	assert.Equal(t, flat(base2.D), flat(ha2.D))
	assert.Equal(t, flat(base2.G), flat(ha2.G))
	assert.NotEqual(t, flat(base3.D), flat(ha3.D))
	assert.NotEqual(t, flat(base3.G), flat(ha3.G))
}

// Feature matching's G loss is the squared distance between the mean
// features of a real and a generated batch. The first step's loss is
// rebuilt from the run's random streams (gan.ToyRun: the initial weights
// from PCG(seed, 1); the training stream PCG(seed, 2), from which the game
// draws D's real batch, the noise of D's fake batch, then G's noise) and
// D's weights after its update (G's update leaves D alone), with the mean
// and the distance computed here, and must be the G loss the run reports.
func TestFeatureMatchingLossIsTheGap(t *testing.T) {
	const seed = 7 // tinyRun's
	fm := tinyRun(t, "fm", 1)
	cfg := testConfig()
	G, _ := plainNetworks(cfg)(rand.New(rand.NewPCG(seed, 1))) // G before its update
	r := rand.New(rand.NewPCG(seed, 2))
	real := data.Grid25().Sample(r, cfg.budget.Batch)
	tensor.RandN(r, cfg.budget.Batch, 2) // the noise of D's fake batch
	z := tensor.RandN(r, cfg.budget.Batch, 2)
	var fReal, fFake []float64
	f := gan.Features(fm.D)
	autograd.NoGrad(func() {
		fReal = f.Forward(autograd.Const(real)).Value.Data()
		fFake = f.Forward(G.Forward(autograd.Const(z))).Value.Data()
	})
	width := cfg.budget.Width
	require.Len(t, fReal, cfg.budget.Batch*width)
	gap := 0.0
	for j := range width {
		meanReal, meanFake := 0.0, 0.0
		for i := range cfg.budget.Batch {
			meanReal += fReal[i*width+j]
			meanFake += fFake[i*width+j]
		}
		d := (meanReal - meanFake) / float64(cfg.budget.Batch)
		gap += d * d
	}
	lossG := fm.History.Get("G loss").Values
	require.Len(t, lossG, 1)
	assert.InDelta(t, gap, lossG[0], 1e-12)
}

// A discriminator trained alone against a collapsed generator heads for its
// target on real data: near 1, and with one-sided smoothing towards 0.9
// (from below: 300 short steps leave it a little short), never above.
func TestDiscriminatorAloneSettlesAtItsTarget(t *testing.T) {
	cfg := testConfig()
	cfg.budget.Width, cfg.budget.Batch = 16, 32
	plain := discriminatorAlone(cfg, 1, data.Grid25(), gan.NonSaturating{})
	smooth := discriminatorAlone(cfg, 1, data.Grid25(), gan.OneSidedLabelSmoothing{Real: 0.9})
	assert.Greater(t, plain, 0.97)
	assert.Greater(t, smooth, 0.8)
	assert.Less(t, smooth, 0.905)
}

// Minibatch discrimination's features are larger for a batch from one mode
// than for a batch from all modes, already with random weights.
func TestMinibatchFeatureSeesCollapse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	D := gan.PacGANDiscriminatorMBD(r, 8, 5, 3, 4, 3)
	grid := data.Grid25()
	assert.Greater(t, minibatchFeature(D, oneMode(r, grid, 12, 32)), minibatchFeature(D, grid.Sample(r, 32)))
}

// The chapter's PacGAN shape is the library's: built from the same stream,
// the baseline's networks (gan.PacGANNetworks) and the players the tricks
// leave alone, minibatch discrimination's G and virtual batch norm's D,
// have the same weights, number for number.
func TestPacGANShapeIsTheLibrarys(t *testing.T) {
	cfg := testConfig()
	byKey := map[string]trick{}
	for _, tr := range tricks {
		byKey[tr.key] = tr
	}
	G, D := cfg.budget.PacGAN()(rand.New(rand.NewPCG(5, 1)))
	mbdG, _ := byKey["mbd"].networks(cfg)(rand.New(rand.NewPCG(5, 1)))
	_, vbnD := byKey["vbn"].networks(cfg)(rand.New(rand.NewPCG(5, 1)))
	assert.Equal(t, flat(G), flat(mbdG))
	assert.Equal(t, flat(D), flat(vbnD))
}

func TestOscillation(t *testing.T) {
	still := [][]float64{{1, 2}, {1, 2}, {1, 2}, {1, 2}}
	assert.Equal(t, 0.0, oscillation(still))
	// The second half: {0, 0}, {2, 0}: per parameter std √2 and 0, RMS 1.
	swing := [][]float64{{9, 9}, {9, 9}, {0, 0}, {2, 0}}
	assert.InDelta(t, 1, oscillation(swing), 1e-15)
	assert.True(t, math.IsNaN(oscillation([][]float64{{1}, {2}})), "one late snapshot has no spread")
}

func TestBatchDependence(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	bn := gan.PacGANGenerator(r, 6, 2)
	vbn := gan.PacGANGeneratorVBN(r, 6, 2)
	layers.ReferenceForward(vbn, constNoise(r, 8))
	assert.Equal(t, 0.0, batchDependence(vbn, r, 8))
	assert.Greater(t, batchDependence(bn, r, 8), 1e-6)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "15-other-tricks: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-ha-lambda", "-1"}, Want: "15-other-tricks: -ha-lambda must be non-negative and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-mbd-kernels", "0"}, Want: "15-other-tricks: -mbd-kernels must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "15-other-tricks: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "15-other-tricks: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-batch", "100000"}, Want: "15-other-tricks: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

func constNoise(r *rand.Rand, n int) *autograd.Var { return autograd.Const(tensor.RandN(r, n, 2)) }
