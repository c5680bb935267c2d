package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/chapter"
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
	a, _ := runChapter(t, "-steps", "10", "-eval-every", "5", "-hidden", "16")
	b, _ := runChapter(t, "-steps", "10", "-eval-every", "5", "-hidden", "16")
	assert.Equal(t, a, b)
}

func TestBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, chapter.Main(spec, []string{"-nonsense"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "Usage")
	stderr.Reset()
	assert.Equal(t, 1, chapter.Main(spec, []string{"-steps", "0", "-out", t.TempDir()}, &stdout, &stderr))
	assert.Equal(t, "05-wgan: -steps must be at least 1, got 0\n", stderr.String())
}
