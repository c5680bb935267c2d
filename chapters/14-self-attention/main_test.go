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

// tiny are the flags of a run small enough for a test.
var tiny = []string{"-steps", "12", "-eval-every", "6", "-eval-samples", "20", "-width", "8", "-batch", "8", "-noise", "4"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	for _, name := range []string{"agreement_with_attention", "agreement_without", "shuffled_with_attention", "shuffled_without",
		"agreement_real", "readable_with_attention", "readable_without", "gamma_end", "gamma_end_g", "gamma_end_d",
		"swap_gap_with_attention", "swap_gap_without", "madds_per_step_with_attention", "madds_per_step_without"} {
		assert.Contains(t, r.Metrics, name)
	}
	assert.Equal(t, 1.0, r.Metrics["agreement_real"])
	assert.Equal(t, r.Metrics["gamma_end"], r.Metrics["gamma_end_d"])
	// γ has moved off 0 in both networks; without attention D is a sum
	// over the corners even after training.
	assert.NotZero(t, r.Metrics["gamma_end_g"])
	assert.NotZero(t, r.Metrics["gamma_end_d"])
	assert.Less(t, r.Metrics["swap_gap_without"], 1e-12)
	assert.Greater(t, r.Metrics["madds_per_step_with_attention"], r.Metrics["madds_per_step_without"])
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "14-self-attention: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-width", "4"}, Want: "14-self-attention: -width must be at least 8, got 4\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "14-self-attention: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "NaN"}, Want: "14-self-attention: -lr-scale must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-eval-samples", "9"}, Want: "14-self-attention: -eval-samples must be at least 10, got 9\n"},
		chaptertest.BadValue{Args: []string{"-g-attention=false", "-d-attention=false"},
			Want: "14-self-attention: -g-attention and -d-attention are both false: the run with attention would have none\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "14-self-attention: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-eval-samples", "1e12"}, Want: "14-self-attention: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

// The two runs start from the same functions: the layers they share are
// drawn alike, and the attention layers start as the identity (γ = 0).
func TestRunsStartAlike(t *testing.T) {
	cfg := config{width: 16, noise: 8, batch: 8}
	with, without := newNets(3, cfg, true, true), newNets(3, cfg, false, false)
	require.NotNil(t, with.gAttn)
	require.NotNil(t, with.dAttn)
	assert.Zero(t, with.gAttn.Gamma.Item())
	assert.Zero(t, with.dAttn.Gamma.Item())
	z := tensor.RandN(rand.New(rand.NewPCG(1, 1)), 8, cfg.noise)
	x, _ := data.TwinBars(rand.New(rand.NewPCG(1, 2)), 8)
	var gw, gwo, dw, dwo *autograd.Var
	autograd.NoGrad(func() {
		gw, gwo = with.G.Forward(autograd.Const(z)), without.G.Forward(autograd.Const(z))
		dw, dwo = with.D.Forward(autograd.Const(x)), without.D.Forward(autograd.Const(x))
	})
	assert.Equal(t, gwo.Value.Data(), gw.Value.Data())
	assert.Equal(t, dwo.Value.Data(), dw.Value.Data())
}

// Without attention D's score is a sum of one term per corner, whatever
// its weights: swapping the bottom-right corners of two images leaves the
// sum of their scores unchanged. With attention (γ ≠ 0) it does not.
func TestSwapGap(t *testing.T) {
	cfg := config{width: 16, noise: 8, batch: 8}
	pairs, _ := data.TwinBars(rand.New(rand.NewPCG(4, 4)), 64)
	without := newNets(5, cfg, false, false)
	assert.Less(t, swapGap(without.D, pairs), 1e-10) // rounding only
	with := newNets(5, cfg, false, true)
	with.dAttn.Gamma.Value.Data()[0] = 1
	assert.Greater(t, swapGap(with.D, pairs), 1e-3)
}

// The mechanism at work: D alone, trained with the hinge loss to score
// real images above the same images with their bottom-right corners
// swapped, learns it with attention and cannot without.
func TestAttentionLetsDSeeAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two discriminators")
	}
	cfg := config{width: 16, noise: 8, batch: 16}
	r := rand.New(rand.NewPCG(6, 6))
	swapped := func(x *tensor.Tensor) *tensor.Tensor { // the bottom-right corners rotated by one image
		y := x.Clone()
		n := x.Dim(0)
		for k := range n {
			for i := data.TwinBarsFar; i < data.TwinBarsSize; i++ {
				for j := data.TwinBarsFar; j < data.TwinBarsSize; j++ {
					y.Set(x.At((k+1)%n, 0, i, j), k, 0, i, j)
				}
			}
		}
		return y
	}
	margin := func(D *layers.Sequential) float64 {
		opt := optim.NewAdam(layers.Vars(D), 2e-3, 0, 0.9)
		for range 300 {
			x, _ := data.TwinBars(r, cfg.batch)
			scores := D.Forward(autograd.Const(tensor.Concat(0, x, swapped(x))))
			parts := autograd.Split(scores, 0, cfg.batch, cfg.batch)
			loss := gan.Hinge{}.D(parts[0], parts[1])
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
		}
		x, _ := data.TwinBars(r, 256)
		var real, mixed *autograd.Var
		layers.SetTraining(D, false)
		autograd.NoGrad(func() { real, mixed = D.Forward(autograd.Const(x)), D.Forward(autograd.Const(swapped(x))) })
		return tensor.Mean(real.Value).Item() - tensor.Mean(mixed.Value).Item()
	}
	with, without := newNets(7, cfg, false, true), newNets(7, cfg, false, false)
	mWith, mWithout := margin(with.D), margin(without.D)
	t.Logf("E D(real) − E D(swapped): with attention %.3f, without %.3f", mWith, mWithout)
	assert.Greater(t, mWith, 0.5)
	assert.Less(t, mWithout, 0.1)
}
