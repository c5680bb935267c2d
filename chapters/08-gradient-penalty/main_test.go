package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/chapter/chaptertest"
)

// tiny are the flags of a run small enough for a test: a few steps of
// narrow networks on small batches.
var tiny = []string{"-steps", "6", "-g8-steps", "4", "-eval-every", "2", "-width", "8", "-batch", "8"}

// runChapter runs the chapter into a temporary folder and returns its
// metrics and the folder.
func runChapter(t *testing.T, args ...string) (map[string]float64, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.Dir
}

func TestShortRunWritesEverything(t *testing.T) {
	m, out := runChapter(t, tiny...)
	for _, meth := range []string{"wgangp", "dragan", "clip"} {
		for _, set := range []string{"grid25", "gaussians8"} {
			for _, suffix := range []string{"_modes", "_hq", "_reverse_kl"} {
				assert.Contains(t, m, meth+"_"+set+suffix)
			}
		}
	}
	for _, name := range []string{"gp_grad_norm_mean", "dragan_grad_norm_mean", "clip_grad_norm_mean",
		"uniform_grid25_modes", "uniform_grid25_hq"} {
		assert.Contains(t, m, name)
	}
	// The last window holds steps 5 and 6: 2 steps × 5 critic updates × batch 8.
	assert.Equal(t, 80.0, m["gp_grad_norm_count"])
	assert.Greater(t, m["gp_grad_norm_mean"], 0.0)
	for _, f := range []string{"grid25_wgangp.svg", "grid25_dragan.svg", "grid25_clip.svg", "gaussians8_wgangp.svg",
		"gaussians8_dragan.svg", "gaussians8_clip.svg", "modes_over_time.svg", "grad_norm_over_time.svg",
		"grad_norm_hist.svg"} {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "08-gradient-penalty: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-g8-steps", "0"}, Want: "08-gradient-penalty: -g8-steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lambda", "-1"}, Want: "08-gradient-penalty: -lambda must be non-negative and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-dragan-lambda", "-1"}, Want: "08-gradient-penalty: -dragan-lambda must be non-negative and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-eval-every", "0"}, Want: "08-gradient-penalty: -eval-every must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-dragan-lambda", "Inf"}, Want: "08-gradient-penalty: -dragan-lambda must be non-negative and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-clip", "-0.01"}, Want: "08-gradient-penalty: -clip must be non-negative and finite, got -0.01\n"},
		chaptertest.BadValue{Args: []string{"-clip", "1.5"}, Want: "08-gradient-penalty: -clip must be between 0 (the width rule) and 1, got 1.5\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "08-gradient-penalty: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-g8-steps", "1e12"}, Want: "08-gradient-penalty: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
