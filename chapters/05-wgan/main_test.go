package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/tensor"
)

// runChapter runs the chapter with a few steps into a temporary folder and
// returns its metrics.
func runChapter(t *testing.T, args ...string) (map[string]float64, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.Dir
}

func TestShortRunWritesEverything(t *testing.T) {
	m, out := runChapter(t, "-steps", "20", "-eval-every", "5", "-hidden", "16")
	for _, name := range []string{"w1_start", "w1_end", "w1_floor", "critic_w1_correlation", "weights_at_clip_fraction",
		"on_ring_start", "on_ring_end", "modes_start", "modes_end"} {
		assert.Contains(t, m, name)
	}
	assert.Equal(t, 4.0, m["evaluations"])
	for _, f := range []string{"samples.svg", "w1.svg", "critic_estimate.svg", "losses.svg", "critic_weights.svg"} {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	// Clipping holds every weight inside [−c, c], with c = 10.24/16 for
	// 16 units; some sit exactly at ±c.
	assert.Equal(t, gan.ClipBound(16), m["clip"])
	assert.LessOrEqual(t, m["max_abs_weight"], m["clip"])
	assert.Greater(t, m["weights_at_clip_fraction"], 0.0)
	// The critic has learned to score real samples above generated ones.
	assert.Greater(t, m["critic_estimate_end"], 0.0)
}

func TestDeterministic(t *testing.T) {
	chaptertest.Deterministic(t, spec, "-steps", "10", "-eval-every", "5", "-hidden", "16")
}

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "05-wgan: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lr", "NaN"}, Want: "05-wgan: -lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-clip", "Inf"}, Want: "05-wgan: -clip must be non-negative and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-clip", "-0.01"}, Want: "05-wgan: -clip must be non-negative and finite, got -0.01\n"},
		chaptertest.BadValue{Args: []string{"-clip", "1e300"}, Want: "05-wgan: -clip must be between 0 (the width rule) and 1, got 1e+300\n"},
		chaptertest.BadValue{Args: []string{"-hidden", "1000000"}, Want: "05-wgan: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-batch", "100000000"}, Want: "05-wgan: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) {
	chaptertest.Interrupted(t, spec, "-steps", "30", "-eval-every", "5", "-hidden", "16")
}

// The paper's schedule: boost updates in the first 25 steps and every
// 500th, n_critic otherwise.
func TestCriticSteps(t *testing.T) {
	cfg := config{nCritic: 5, boost: 100}
	for step, want := range map[int]int{1: 100, 25: 100, 26: 5, 499: 5, 500: 100, 501: 5, 1000: 100} {
		assert.Equal(t, want, criticSteps(step, cfg), "step %d", step)
	}
	cfg.boost = 1 // never fewer than n_critic
	assert.Equal(t, 5, criticSteps(1, cfg))
}

// A -clip of another size is the bound the weights keep.
func TestClipFlagIsTheBound(t *testing.T) {
	m, _ := runChapter(t, "-steps", "3", "-eval-every", "3", "-hidden", "8", "-boost", "5", "-clip", "0.003")
	assert.Equal(t, 0.003, m["max_abs_weight"])
}

// ringShape tells the ring from a cloud and from blobs: the real data lie
// on it at every mode, a Gaussian cloud inside it scores low, and samples
// gathered on two modes reach two.
func TestRingShape(t *testing.T) {
	target := data.Gaussians8()
	radius := math.Hypot(target.Centers[0][0], target.Centers[0][1])
	r := rand.New(rand.NewPCG(1, 2))

	onRing, modes := ringShape(target.Sample(r, 2000), target.Centers, radius)
	assert.Equal(t, 1.0, onRing)
	assert.Equal(t, 8, modes)

	onRing, modes = ringShape(tensor.Scale(tensor.RandN(r, 2000, 2), 0.5), target.Centers, radius)
	assert.Less(t, onRing, 0.4)
	assert.Equal(t, 0, modes)

	blobs := make([]float64, 0, 2000)
	for i := range 1000 {
		c := target.Centers[2*(i%2)]
		blobs = append(blobs, c[0], c[1])
	}
	onRing, modes = ringShape(tensor.New(blobs, 1000, 2), target.Centers, radius)
	assert.Equal(t, 1.0, onRing)
	assert.Equal(t, 2, modes)
}
