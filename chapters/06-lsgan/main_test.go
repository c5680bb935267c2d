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
	"ganbook/gan/chapter"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: short 1-D fits and
// a few steps of narrow GANs on small batches.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-width", "8", "-batch", "8", "-d-steps", "20", "-hidden", "8"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, l := range []string{"ns", "ls_binary", "ls_pearson"} {
		for _, suffix := range []string{"_d_slope", "_move_near", "_move_far", "_grad_far_over_near"} {
			assert.Contains(t, m, l+suffix)
		}
		for _, set := range []string{"ring8", "grid25"} {
			for _, suffix := range []string{"_modes", "_hq", "_reverse_kl"} {
				assert.Contains(t, m, l+"_"+set+suffix)
			}
		}
	}
	for _, name := range []string{"ls_grad_far_over_near", "ls_binary_target_x", "ls_pearson_target_x", "d_star_max_error", "d_star_mean_error",
		"g_objective_at_d", "half_chi2", "chi2_identity_error", "uniform_grid25_modes", "uniform_grid25_hq", "steps"} {
		assert.Contains(t, m, name)
	}
	assert.Equal(t, m["ls_binary_grad_far_over_near"], m["ls_grad_far_over_near"])
	assert.Equal(t, 4.0, m["steps"])
	// The divergence comes from the densities alone: the same on every run.
	assert.InDelta(t, 0.3427352397101742/1, m["half_chi2"], 1e-6, "½χ² of chapter 00's pair on [−10, 10]")
	for _, f := range []string{"gradients.svg", "moves.svg", "discriminators.svg", "optimal_d.svg", "chi2_training.svg",
		"ring8_ns.svg", "ring8_ls_binary.svg", "ring8_ls_pearson.svg", "grid25_ns.svg", "grid25_ls_binary.svg",
		"grid25_ls_pearson.svg", "modes_ring8.svg", "modes_grid25.svg"} {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// linear returns the frozen discriminator D(x) = w·x + v.
func linear(w, v float64) *layers.Sequential {
	lin := layers.NewLinear(rand.New(rand.NewPCG(1, 1)), 1, 1)
	lin.Weight.Value.Fill(w)
	lin.Bias.Value.Fill(v)
	return layers.NewSequential(lin)
}

// sampleGradients measures each sample's own ∂L_G/∂x however many samples
// share the batch, with the closed forms −σ(−ℓ(x))·w for the log loss and
// (D(x) − c)·w for least squares.
func TestSampleGradientsClosedForms(t *testing.T) {
	xs := []float64{-0.5, 0.5, 1, 4}
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	cases := []struct {
		l    loss
		w, v float64
		want func(x float64) float64
	}{
		{losses[0], 8, 0, func(x float64) float64 { return -sig(-8*x) * 8 }},
		{losses[1], 0.4, 0.5, func(x float64) float64 { return (0.4*x + 0.5 - 1) * 0.4 }},
		{losses[2], 0.8, 0.1, func(x float64) float64 { return (0.8*x + 0.1) * 0.8 }},
	}
	for _, c := range cases {
		t.Run(c.l.key, func(t *testing.T) {
			D := linear(c.w, c.v)
			got := sampleGradients(c.l, D, xs)
			require.Len(t, got, len(xs))
			for i, x := range xs {
				assert.InDelta(t, c.want(x), got[i], 1e-12*math.Max(1, math.Abs(c.want(x))), "x = %g", x)
				alone := sampleGradients(c.l, D, []float64{x})[0]
				assert.InDelta(t, alone, got[i], 1e-15, "x = %g alone", x)
			}
		})
	}
}

// The three games differ in their loss and in nothing else: the first D
// loss each records is its own loss on the run's first real and generated
// batches, rebuilt here from the run's documented streams (weights from
// stream 1, batches and noise from stream 2).
func TestGamesTrainOnTheirLoss(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 16, 8, 1, 50
	mix := data.Ring8()
	var first []float64
	for _, l := range losses {
		res, err := gan.ToyRun{Name: l.key, Game: gan.OneToOne(l.Loss), Networks: b.PacGAN(), Data: mix, Budget: b,
			Seed: 3, Steps: 1}.Run()
		require.NoError(t, err)
		G, D := b.PacGAN()(rand.New(rand.NewPCG(3, 1)))
		r := rand.New(rand.NewPCG(3, 2))
		real := mix.Sample(r, b.Batch)
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = G.Forward(autograd.Const(tensor.RandN(r, b.Batch, 2))).Value })
		want := l.D(D.Forward(autograd.Const(real)), D.Forward(autograd.Const(fake))).Item()
		got := res.History.Get("D loss").Values[0]
		assert.InDelta(t, want, got, 1e-12, l.key)
		first = append(first, got)
	}
	assert.NotEqual(t, first[1], first[2], "the two codings")
}

// The lesson of parts 1 and 2 holds on short fits, and breaks when its
// mechanism does. Part 1: the log loss's gradient dies out past the
// boundary while both least-squares gradients grow (fit the LSGAN
// discriminators through a sigmoid and theirs die too); the fitted slopes
// approach their closed forms (2/σ² = 8 for the log loss, ½/(1 + σ²) = 0.4
// and 1/(1 + σ²) = 0.8 for the least-squares fits); a fixed least-squares D
// draws samples to where D = c, x = (c − ½)/0.4 = 1.25 for (0, 1, 1) and
// the boundary x = 0 for (−1, 1, 0). Part 2: at the learned D, G's
// objective is close to ½·χ² (train D with the (0, 1, 1) coding and it is
// off by 0.2).
func TestTheLessonHolds(t *testing.T) {
	cfg := config{dSteps: 600, dBatch: 256, lineLR: 0.1, dLR: 1e-2, hidden: 16}
	env := chapter.Env{Flags: chapter.Flags{Seed: 1}}
	var m chapter.Metrics
	_, err := gradientsPastTheBoundary(env, cfg, &m)
	require.NoError(t, err)
	_, err = chi2Identity(env, cfg, &m)
	require.NoError(t, err)
	get := func(name string) float64 {
		v, ok := m.Get(name)
		require.True(t, ok, "no metric %s", name)
		return v
	}
	assert.Less(t, get("ns_grad_far_over_near"), 1e-6)
	assert.GreaterOrEqual(t, get("ls_binary_grad_far_over_near"), 2.0)
	assert.GreaterOrEqual(t, get("ls_pearson_grad_far_over_near"), 4.0)
	assert.InDelta(t, 8, get("ns_d_slope"), 3)
	assert.InDelta(t, 0.4, get("ls_binary_d_slope"), 0.01)
	assert.InDelta(t, 0.8, get("ls_pearson_d_slope"), 0.01)
	assert.InDelta(t, 1.25, get("ls_binary_target_x"), 0.05)
	assert.InDelta(t, 0, get("ls_pearson_target_x"), 0.05)
	assert.Positive(t, get("ns_move_far"), "the log loss pushes towards the real data, however weakly")
	assert.Negative(t, get("ls_binary_move_far"), "(0, 1, 1) pulls an overshooting sample back")
	assert.Negative(t, get("ls_pearson_move_near"), "(−1, 1, 0) pulls a sample on the real side back to the boundary")
	assert.Less(t, get("chi2_identity_error"), 0.02)
	assert.Less(t, get("d_star_mean_error"), 0.1)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "06-lsgan: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "06-lsgan: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-d-steps", "0"}, Want: "06-lsgan: -d-steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-d-lr", "NaN"}, Want: "06-lsgan: -d-lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-1"}, Want: "06-lsgan: -lr-scale must be positive and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-hidden", "0"}, Want: "06-lsgan: -hidden must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "06-lsgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-hidden", "1000000"}, Want: "06-lsgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-d-batch", "1e9"}, Want: "06-lsgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-d-steps", "1e12"}, Want: "06-lsgan: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
