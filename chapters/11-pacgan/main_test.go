package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/layers"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches, packs of up to 2.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-width", "6", "-batch", "6", "-max-pack", "2"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, append(tiny, "-trials", "2")...)
	m := r.Metrics
	for _, set := range []string{"ring8", "grid25"} {
		for _, k := range []string{"m1", "m2"} {
			for _, q := range []string{"_modes", "_hq", "_reverse_kl"} {
				require.Contains(t, m, k+"_"+set+q)
				require.Contains(t, m, k+"_"+set+q+"_se")
			}
		}
		assert.NotContains(t, m, "m3_"+set+"_modes", "-max-pack 2")
	}
	assert.Equal(t, 2.0, m["trials"])
	assert.False(t, math.IsNaN(m["m1_grid25_modes_se"]), "two trials have a standard error")
	for _, f := range []string{"grid25_m1.svg", "grid25_m2.svg", "ring8_m1.svg", "ring8_m2.svg",
		"grid25_modes_over_time.svg", "coverage_vs_m.svg", "reverse_kl_vs_m.svg", "tv_packed.svg"} {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// The theory's numbers: ring-8 against a generator missing one mode,
// 1 − (7/8)ᵐ, and against one off by 1/8 everywhere, which packing
// amplifies less: equal at m = 1, about half as far at m = 4.
func TestPackedTotalVariationNumbers(t *testing.T) {
	m := chaptertest.Run(t, spec, tiny...).Metrics
	for k := 1; k <= 2; k++ {
		assert.InDelta(t, 1-math.Pow(7.0/8, float64(k)), m[fmt.Sprintf("tv_packed_m%d", k)], 1e-15)
	}
	assert.InDelta(t, 0.125, m["tv_spread_m1"], 1e-15)
	// m = 2: ½·Σᵢⱼ|pᵢpⱼ − qᵢqⱼ| with p = 1/8 and q = 5/32 on four modes,
	// 3/32 on four: 16 pairs off by 9/1024, 16 by 7/1024, 32 by 1/1024.
	assert.InDelta(t, 0.5*(16*9+16*7+32*1)/1024.0, m["tv_spread_m2"], 1e-15)
	assert.True(t, math.IsNaN(m["m1_ring8_modes_se"]), "one trial has no standard error")
}

func TestMeanSE(t *testing.T) {
	mean, se := meanSE([]float64{1, 2, 3, 6})
	assert.Equal(t, 3.0, mean)
	assert.InDelta(t, math.Sqrt(14.0/3)/2, se, 1e-15) // s² = (4+1+0+9)/3, se = s/√4
	mean, se = meanSE([]float64{5})
	assert.Equal(t, 5.0, mean)
	assert.True(t, math.IsNaN(se))
}

// The game packs: the discriminator's first layer sees 2·m numbers per
// input and B of them per batch, and both players train on the packs.
// Replacing Pack by the identity, or the batch B·m by B, breaks it.
func TestTheDiscriminatorSeesPacks(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 3*5, 4, 1, 30
	var inputs [][]int
	spy := func(r *rand.Rand) (G, D *layers.Sequential) {
		G, D = gan.PackedPacGANNetworks(4, 4, 3)(r)
		D.Layers = append([]layers.Module{shapeSpy{&inputs}}, D.Layers...)
		return G, D
	}
	_, err := gan.ToyRun{Name: "spy", Game: packed(3), Networks: spy, Data: data.Ring8(), Budget: b, Seed: 2, Steps: 1}.Run()
	require.NoError(t, err)
	// One D update (real, fake) and one G update: three passes over five
	// packs of three samples.
	assert.Equal(t, [][]int{{5, 6}, {5, 6}, {5, 6}}, inputs)
}

// The chapter's runs give each pack size B packs of m samples.
func TestRunsUseBPacks(t *testing.T) {
	cfg := config{budget: gan.DefaultToyBudget(), maxPack: 4, trials: 1}
	cfg.budget.Batch, cfg.budget.Width = 10, 4
	run := toyRun(chapter.Env{}, cfg, 3, dataset{"grid25", data.Grid25()}, 1)
	assert.Equal(t, 30, run.Budget.Batch, "B·m samples per batch")
	_, D := run.Networks(rand.New(rand.NewPCG(1, 1)))
	assert.Equal(t, []int{4 * 5, 6}, D.Layers[0].(*layers.Maxout).Linear.Weight.Shape(), "2·m inputs")
}

// shapeSpy records the shape of every batch D sees.
type shapeSpy struct{ seen *[][]int }

func (s shapeSpy) Forward(x *autograd.Var) *autograd.Var {
	*s.seen = append(*s.seen, x.Shape())
	return x
}
func (shapeSpy) Parameters() []layers.Parameter { return nil }

// With m = 1 the game is chapter 01's non-saturating GAN, bit for bit (a
// copy of chapter 01's game is below).
func TestPacksOfOneAreTheGAN(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 8, 5, 2, 40
	run := func(game gan.Game) *gan.ToyResult {
		res, err := gan.ToyRun{Name: "m1", Game: game, Networks: gan.PackedPacGANNetworks(5, 5, 1), Data: data.Grid25(),
			Budget: b, Seed: 4, Steps: 4}.Run()
		require.NoError(t, err)
		return res
	}
	here, plain := run(packed(1)), run(gan.OneToOne(gan.NonSaturating{}))
	assert.Equal(t, plain.History.Get("G loss").Values, here.History.Get("G loss").Values)
	assert.Equal(t, plain.Samples.Data(), here.Samples.Data())
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "11-pacgan: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-trials", "0"}, Want: "11-pacgan: -trials must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-max-pack", "0"}, Want: "11-pacgan: -max-pack must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "11-pacgan: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "NaN"}, Want: "11-pacgan: -lr-scale must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "11-pacgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-d-width", "-1"}, Want: "11-pacgan: -d-width must be at least 0, got -1\n"},
		chaptertest.BadValue{Args: []string{"-d-width", "1000000"}, Want: "11-pacgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-max-pack", "100000000"}, Want: "11-pacgan: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

// -d-width sizes D's maxout layers and leaves G at -width; 0 means the
// same width for both.
func TestDWidthSizesTheDiscriminatorOnly(t *testing.T) {
	for _, c := range []struct{ dWidth, want int }{{0, 6}, {7, 7}} {
		cfg := config{budget: gan.DefaultToyBudget(), dWidth: c.dWidth, maxPack: 2, trials: 1}
		cfg.budget.Width = 6
		run := toyRun(chapter.Env{}, cfg, 2, dataset{"ring8", data.Ring8()}, 1)
		G, D := run.Networks(rand.New(rand.NewPCG(1, 2)))
		first := D.Layers[0].(*layers.Maxout)
		assert.Equal(t, []int{c.want * first.Pieces, 2 * 2}, first.Linear.Weight.Value.Shape(), "D's first layer, packs of 2")
		assert.Equal(t, []int{6, 2}, G.Layers[0].(*layers.Linear).Weight.Value.Shape(), "G's first layer")
	}
}

// A -d-width too large for memory is refused by name: its share of the
// estimate is what breaks the bound, not -width's.
func TestDWidthTooLargeIsNamed(t *testing.T) {
	var stdout, stderr strings.Builder
	code := chapter.Run(context.Background(), spec, []string{"-d-width", "1000000", "-out", filepath.Join(t.TempDir(), "out")}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "(-d-width 1000000)")
}
