package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/chapter/chaptertest"
)

// runChapter runs the chapter with a few steps into a temporary folder and
// returns its metrics.
func runChapter(t *testing.T, args ...string) (map[string]float64, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.Dir
}

func TestShortRunWritesEverything(t *testing.T) {
	m, out := runChapter(t, "-steps", "20", "-eval-every", "5", "-hidden", "16")
	for _, name := range []string{"w1_start", "w1_end", "w1_floor", "critic_w1_correlation", "weights_at_clip_fraction"} {
		assert.Contains(t, m, name)
	}
	assert.Equal(t, 4.0, m["evaluations"])
	for _, f := range []string{"samples.png", "w1.svg", "critic_estimate.svg", "losses.svg", "critic_weights.svg"} {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	// Clipping holds every weight inside [−c, c]; at least some reach it.
	assert.Greater(t, m["weights_at_clip_fraction"], 0.0)
	assert.LessOrEqual(t, m["weights_at_clip_fraction"], 1.0)
}

func TestDeterministic(t *testing.T) {
	chaptertest.Deterministic(t, spec, "-steps", "10", "-eval-every", "5", "-hidden", "16")
}

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "05-wgan: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lr", "NaN"}, Want: "05-wgan: -lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-clip", "Inf"}, Want: "05-wgan: -clip must be positive and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-clip", "0"}, Want: "05-wgan: -clip must be positive and finite, got 0\n"},
		chaptertest.BadValue{Args: []string{"-hidden", "1000000"}, Want: "05-wgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-batch", "100000000"}, Want: "05-wgan: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) {
	chaptertest.Interrupted(t, spec, "-steps", "30", "-eval-every", "5", "-hidden", "16")
}
