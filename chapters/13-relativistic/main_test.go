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
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches, and a short part 2.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-width", "8", "-batch", "8", "-ideal-steps", "20"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, name := range []string{"sgan_d_real_end", "rasgan_d_real_rel_end", "sgan_d_real_rel_end",
		"rsgan_d_real_pair_end", "ralsgan_real_minus_fake_end", "rsgan_d_real_abs_end", "rasgan_d_real_abs_end",
		"ideal_sgan_d_real_s000", "ideal_rasgan_d_real_rel_s000", "ideal_sgan_d_real_s099", "ideal_rasgan_d_real_rel_s099",
		"ideal_sgan_d_real_s100", "ideal_rasgan_d_real_rel_s100", "steps", "ideal_steps"} {
		assert.Contains(t, m, name)
	}
	// Each key holds its own reading: the absolute and the relative
	// readings of one D differ unless m_f is exactly 0.
	assert.NotEqual(t, m["sgan_d_real_end"], m["sgan_d_real_rel_end"])
	assert.NotEqual(t, m["rasgan_d_real_rel_end"], m["rasgan_d_real_abs_end"])
	assert.NotEqual(t, m["rsgan_d_real_pair_end"], m["rsgan_d_real_abs_end"])
	for _, meth := range methods {
		for _, suffix := range []string{"_modes", "_hq", "_reverse_kl"} {
			assert.Contains(t, m, meth.key+suffix)
		}
	}
	for _, f := range []string{"readings.svg", "absolute_readings.svg", "ring8_sgan.svg", "ring8_rsgan.svg",
		"ring8_rasgan.svg", "ring8_ralsgan.svg", "modes.svg", "optimal.svg"} {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// Only the standard GAN's D gives an absolute verdict; the pictures of the
// other three draw σ(C(x) − m_f) behind the samples instead.
func TestOnlyTheStandardGANIsAbsolute(t *testing.T) {
	for _, meth := range methods {
		assert.Equal(t, meth.key != "sgan", meth.isRelativistic(), meth.key)
	}
}

// The readings by hand: C(x_r) = (0, 2), C(x_f) = (1, 3), so m_f = 2.
func TestReadingsByHand(t *testing.T) {
	got := readings(tensor.New([]float64{0, 2}, 2, 1), tensor.New([]float64{1, 3}, 2, 1))
	s := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	assert.InDelta(t, (s(0)+s(2))/2, got[readAbsolute], 1e-15)
	assert.InDelta(t, (s(-2)+s(0))/2, got[readAverage], 1e-15)
	assert.InDelta(t, s(-1), got[readPaired], 1e-15, "0 − 1 and 2 − 3")
	assert.InDelta(t, -1, got[readRelative], 1e-15)
}

// The relativistic generator's loss is computed on D's outputs on a fresh
// real batch and on its own samples, with the D of that step: the first G
// loss each game records, rebuilt from the run's documented streams
// (weights from stream 1; from stream 2 the D step's real batch and noise,
// then, for G's step, a fresh real batch, relativistic games only, and
// noise). Pass the generated outputs as the real ones, or reuse D's real
// batch, or skip the real batch, and the numbers differ.
func TestGeneratorLossSeesARealBatch(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 16, 8, 1, 50
	mix := data.Ring8()
	for _, c := range []struct {
		meth method
		loss gan.Loss
	}{{methods[0], gan.NonSaturating{}}, {methods[1], gan.RelativisticStandard{}},
		{methods[2], gan.RelativisticAverage{}}, {methods[3], gan.RelativisticAverageLeastSquares{}}} {
		t.Run(c.meth.key, func(t *testing.T) {
			res, err := gan.ToyRun{Name: c.meth.key, Game: c.meth.game, Networks: b.PacGAN(), Data: mix, Budget: b,
				Seed: 4, Steps: 1}.Run()
			require.NoError(t, err)
			G0, _ := b.PacGAN()(rand.New(rand.NewPCG(4, 1)))
			r := rand.New(rand.NewPCG(4, 2))
			mix.Sample(r, b.Batch)      // D's real batch
			tensor.RandN(r, b.Batch, 2) // D's noise
			var realOut *autograd.Var   // nil for the standard game, which draws no real batch for G
			if c.meth.key != "sgan" {
				realOut = res.D.Forward(autograd.Const(mix.Sample(r, b.Batch)))
			}
			fakeOut := res.D.Forward(G0.Forward(autograd.Const(tensor.RandN(r, b.Batch, 2))))
			want := c.loss.G(realOut, fakeOut).Item()
			assert.InDelta(t, want, res.History.Get("G loss").Values[0], 1e-12)
		})
	}
}

// The expected loss of part 2, with point masses for weights, is the
// library's RaSGAN loss on those outputs; and its gradient matches finite
// differences.
func TestExpectedRaSGANLossIsTheLibraryLoss(t *testing.T) {
	c := []float64{0.4, -1.2, 2.0, 0.3, -0.7} // the first three cells hold reals, the last two fakes
	wd := autograd.Const(tensor.New([]float64{1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0}, 5))
	wg := autograd.Const(tensor.New([]float64{0, 0, 0, 0.5, 0.5}, 5))
	got := expectedRaSGANLoss(autograd.Const(tensor.New(c, 5)), wd, wg).Item()
	want := gan.RelativisticAverage{}.D(autograd.Const(tensor.New(c[:3], 3, 1)), autograd.Const(tensor.New(c[3:], 2, 1))).Item()
	assert.InDelta(t, want, got, 1e-15)
	f := func(xs []*autograd.Var) *autograd.Var { return expectedRaSGANLoss(xs[0], wd, wg) }
	require.NoError(t, autograd.GradCheck("expectedRaSGANLoss", f, []*tensor.Tensor{tensor.New(c, 5)}, autograd.DefaultTolerance))
}

// Part 2's finding, on a short optimisation: for a generator equal to the
// data both verdicts are exactly ½; for every other generator the
// relativistic D's verdict on real data is already above the standard
// D*'s after 300 Adam steps. The standard verdicts are E p_d²/(p_d + p_g),
// falling to ½ with s.
func TestOptimalReadings(t *testing.T) {
	env := chapter.Env{Flags: chapter.Flags{Seed: 1}}
	got, err := optimalReadings(env, config{idealSteps: 300, idealLR: 0.1})
	require.NoError(t, err)
	require.Len(t, got, len(shares))
	for i, o := range got {
		if o.share == 1 {
			assert.InDelta(t, 0.5, o.standard, 1e-12)
			assert.InDelta(t, 0.5, o.relative.Last(), 1e-12)
			continue
		}
		assert.Greater(t, o.relative.Last(), o.standard, "s = %g", o.share)
		if i > 0 {
			assert.Less(t, o.standard, got[i-1].standard, "s = %g", o.share)
		}
	}
	assert.InDelta(t, 0.6714, got[0].standard, 1e-4, "s = 0: chapter 00's q")
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "13-relativistic: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "13-relativistic: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-ideal-steps", "0"}, Want: "13-relativistic: -ideal-steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-ideal-lr", "Inf"}, Want: "13-relativistic: -ideal-lr must be positive and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "0"}, Want: "13-relativistic: -lr-scale must be positive and finite, got 0\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "13-relativistic: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-ideal-steps", "1e12"}, Want: "13-relativistic: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
