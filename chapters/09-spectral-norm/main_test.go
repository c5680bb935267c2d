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
)

// tiny are the flags of a run small enough for a test.
var tiny = []string{"-steps", "12", "-eval-every", "4", "-width", "8", "-batch", "8"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, name := range []string{"sigma_rel_error_end", "sigma_ratio_end", "sn_empirical_lipschitz", "sn_lipschitz_bound",
		"gp_empirical_lipschitz", "gp_lipschitz_bound", "sn_madds_per_critic_step", "gp_madds_per_critic_step", "sn_cost_over_gp",
		"sngan_grid25_modes", "sngan_grid25_hq", "sngan_grid25_reverse_kl", "wgangp_grid25_modes", "wgangp_grid25_hq",
		"wgangp_grid25_reverse_kl", "uniform_grid25_modes", "uniform_grid25_hq", "steps"} {
		assert.Contains(t, m, name)
	}
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	assert.Contains(t, r.Stdout, "sn_ms_per_critic_step", "wall times are printed")
	assert.NotContains(t, string(r.JSON), "_ms_", "but not written")

	// σ̂ ≤ σ (TestSigmaHatNeverAboveSigma): the bound Πσ/σ̂ of the
	// normalised layers is never below 1.
	assert.GreaterOrEqual(t, m["sn_lipschitz_bound"], 1.0)
	assert.LessOrEqual(t, m["sn_empirical_lipschitz"], m["sn_lipschitz_bound"])

	// The normalisation costs less than the penalty's double backward pass.
	assert.Equal(t, m["sn_madds_per_critic_step"]/m["gp_madds_per_critic_step"], m["sn_cost_over_gp"])
	assert.Less(t, m["sn_cost_over_gp"], 1.0)
	assert.Greater(t, m["sn_cost_over_gp"], 0.3)
}

// probe is a layer that passes x through and counts the forward passes it
// sees in training mode: put first in a critic, it counts the passes that
// run the power iteration of the critic's SN layers.
type probe struct {
	eval  bool
	calls *int
}

func (p *probe) Forward(x *autograd.Var) *autograd.Var {
	if !p.eval {
		*p.calls++
	}
	return x
}

func (p *probe) Parameters() []layers.Parameter { return nil }
func (p *probe) SetTraining(training bool)      { p.eval = !training }

// One power iteration per critic update, none in the generator's update:
// real and generated samples go through the critic together, and G's
// update runs the critic in evaluation mode.
func TestOnePowerIterationPerCriticUpdate(t *testing.T) {
	calls := 0
	nets := func(r *rand.Rand) (G, D *layers.Sequential) {
		G, D = gan.SNGANNetworks(8)(r)
		D.Layers = append([]layers.Module{&probe{calls: &calls}}, D.Layers...)
		return G, D
	}
	var c cost
	track := &sigmaTrack{}
	b := tinyBudget()
	_, err := gan.ToyRun{Name: "test", Game: sngan(&c, track, 1), Networks: nets, Data: data.Grid25(),
		Budget: b, Seed: 2, Steps: 3}.Run()
	require.NoError(t, err)
	assert.Equal(t, 3*nCritic, calls)
	assert.Equal(t, 3*nCritic, c.updates)
	assert.Equal(t, []int{1, 2, 3}, track.steps)
}

// σ̂ = uᵀWv ≤ σ for unit u and v: every signed relative error (σ − σ̂)/σ
// the chapter tracks is non-negative, to rounding. (sigma_rel_error_end is
// an absolute value, so the check reads the signed errors of the tracker.)
func TestSigmaHatNeverAboveSigma(t *testing.T) {
	var c cost
	track := &sigmaTrack{}
	b := tinyBudget()
	_, err := gan.ToyRun{Name: "test", Game: sngan(&c, track, 1), Networks: gan.SNGANNetworks(8), Data: data.Grid25(),
		Budget: b, Seed: 3, Steps: 12}.Run()
	require.NoError(t, err)
	require.Len(t, track.steps, 10, "steps 1 to 10")
	require.NotEmpty(t, track.errors)
	for l, errs := range track.errors {
		require.Len(t, errs, len(track.steps))
		for k, e := range errs {
			assert.GreaterOrEqual(t, e, -1e-12, "layer %d, observation %d", l, k)
		}
	}
}

// With enough power iterations the σ̂ each update divides by is the exact
// σ of the weight it divides, to rounding; with one per update it is not
// yet. (This also checks that the exact σ is taken of the weight the
// update's forward pass saw, not of the updated one.)
func TestPowerIterationsReachTheExactSigma(t *testing.T) {
	converged := chaptertest.Run(t, spec, append(tiny, "-power-iterations", "300")...).Metrics
	assert.Less(t, converged["sigma_rel_error_end"], 1e-10)
	one := chaptertest.Run(t, spec, tiny...).Metrics
	assert.Greater(t, one["sigma_rel_error_end"], 1e-6)
}

func tinyBudget() gan.ToyBudget {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 8, 8, 2, 50
	return b
}

// The WGAN-GP of this chapter is chapter 08's and chapter 01's reference
// (gan.WGANGP): measuring its cost changes none of its bits.
func TestWGANGPIsTheLibraryGame(t *testing.T) {
	run := func(game gan.Game) *gan.ToyResult {
		b := tinyBudget()
		res, err := gan.ToyRun{Name: "test", Game: game, Networks: b.WGANGP(), Data: data.Grid25(), Budget: b, Seed: 5, Steps: 4}.Run()
		require.NoError(t, err)
		return res
	}
	var c cost
	here, library := run(wgangp(3, &c)), run(gan.WGANGP(3))
	for _, name := range library.History.Names() {
		assert.Equal(t, library.History.Get(name).Values, here.History.Get(name).Values, name)
	}
	assert.Equal(t, library.Samples.Data(), here.Samples.Data())
	assert.Equal(t, 4*nCritic, c.updates)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "09-spectral-norm: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-power-iterations", "0"}, Want: "09-spectral-norm: -power-iterations must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lambda", "NaN"}, Want: "09-spectral-norm: -lambda must be non-negative and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "0"}, Want: "09-spectral-norm: -lr-scale must be positive and finite, got 0\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "09-spectral-norm: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-steps", "1e12"}, Want: "09-spectral-norm: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
