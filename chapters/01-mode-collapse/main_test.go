package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches.
var tiny = []string{"-steps", "6", "-eval-every", "2", "-width", "8", "-batch", "8"}

// runChapter runs the chapter into a temporary folder and returns its
// metrics and the folder.
func runChapter(t *testing.T, args ...string) (map[string]float64, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.Dir
}

func TestShortRunWritesEverything(t *testing.T) {
	m, out := runChapter(t, tiny...)
	for _, prefix := range []string{"ring8", "grid25", "wgangp_grid25"} {
		for _, suffix := range []string{"_modes", "_hq", "_reverse_kl", "_drift"} {
			assert.Contains(t, m, prefix+suffix)
		}
	}
	for _, name := range []string{"grid25_modes_fewer_than_wgangp", "grid25_reverse_kl_over_wgangp",
		"uniform_grid25_modes", "uniform_grid25_hq"} {
		assert.Contains(t, m, name)
	}
	assert.Equal(t, 6.0, m["steps"])
	// The comparison with WGAN-GP is made of the two games' own numbers
	// (the reverse KL's ratio is checked in TestTheGANLearns: here a game
	// with no mode has none).
	assert.Equal(t, m["wgangp_grid25_modes"]-m["grid25_modes"], m["grid25_modes_fewer_than_wgangp"])
	// Snapshots at 6·i/4 rounded down to the evaluation grid: steps 2 and 4
	// (step 1·6/4 = 1 is raised to the first evaluation, 2).
	for _, f := range []string{"ring8_samples.svg", "grid25_samples.svg", "wgangp_grid25_samples.svg",
		"ring8_modes_over_time.svg", "grid25_modes_over_time.svg", "coverage_modes.svg", "coverage_hq.svg",
		"coverage_reverse_kl.svg", "ring8_step_00002.svg", "ring8_step_00004.svg"} {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

func TestSnapshotSteps(t *testing.T) {
	assert.Equal(t, map[int]bool{500: true, 1000: true, 1500: true}, snapshotSteps(2000, 50, 3))
	assert.Equal(t, map[int]bool{2: true, 4: true}, snapshotSteps(6, 2, 3), "duplicates merge")
	assert.Empty(t, snapshotSteps(2000, 50, 0))
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "01-mode-collapse: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-width", "0"}, Want: "01-mode-collapse: -width must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "01-mode-collapse: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-1"}, Want: "01-mode-collapse: -lr-scale must be positive and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-snapshots", "-2"}, Want: "01-mode-collapse: -snapshots must be at least 0, got -2\n"},
		chaptertest.BadValue{Args: []string{"-lambda", "NaN"}, Want: "01-mode-collapse: -lambda must be non-negative and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "01-mode-collapse: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-batch", "100000000"}, Want: "01-mode-collapse: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

// The game trains: in 150 steps the GAN puts samples on several of ring-8's
// modes (drop G's update, or D's, and it puts none there).
func TestTheGANLearns(t *testing.T) {
	m, _ := runChapter(t, "-steps", "150", "-width", "16", "-batch", "64", "-eval-every", "50", "-snapshots", "0")
	assert.GreaterOrEqual(t, m["ring8_modes"], 3.0)
	assert.Greater(t, m["ring8_hq"], 0.0)
	// Both games reach some modes of grid-25 here (5 and 1), so both
	// reverse KLs are finite and their ratio is the games' own.
	assert.Equal(t, m["grid25_reverse_kl"]/m["wgangp_grid25_reverse_kl"], m["grid25_reverse_kl_over_wgangp"])
	assert.Equal(t, m["wgangp_grid25_modes"]-m["grid25_modes"], m["grid25_modes_fewer_than_wgangp"])
}

// The game this chapter writes out is the library's gan.OneToOne with the
// non-saturating loss, which chapters 02, 06 and 13 use as their
// baseline: the same bits, step for step.
func TestTheGameIsTheLibraryBaseline(t *testing.T) {
	run := func(game gan.Game) *gan.ToyResult {
		b := gan.DefaultToyBudget()
		b.Batch, b.Width, b.EvalEvery, b.EvalSamples = 8, 8, 2, 50
		res, err := gan.ToyRun{Name: "test", Game: game, Networks: b.PacGAN(), Data: data.Ring8(), Budget: b,
			Seed: 5, Steps: 5}.Run()
		require.NoError(t, err)
		return res
	}
	here, library := run(nonSaturating), run(gan.OneToOne(gan.NonSaturating{}))
	for _, name := range library.History.Names() {
		assert.Equal(t, library.History.Get(name).Values, here.History.Get(name).Values, name)
	}
	assert.Equal(t, library.Samples.Data(), here.Samples.Data())
}
