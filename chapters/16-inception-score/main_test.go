package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/metrics"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of a
// narrow DCGAN, and sets of 200 images in 2 splits.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-eval-samples", "20", "-width", "4", "-noise", "4", "-batch", "8",
	"-is-samples", "200", "-splits", "2"}

// The run writes every key and picture, and the sets score as the chapter
// says: real digits and the ten memorised ones near the maximum, one class
// near 1, noise low.
func TestShortRunScores(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, name := range []string{"is_real", "is_one_class", "is_uniform_noise", "is_dcgan", "is_memorized10"} {
		assert.Contains(t, m, name)
	}
	assert.Greater(t, m["is_real"], 9.0)
	assert.Greater(t, m["is_memorized10"], 9.5)
	assert.Less(t, m["is_one_class"], 1.2)
	assert.Less(t, m["is_uniform_noise"], m["is_real"]/2)
	assert.InDelta(t, 0, m["is_memorized10_std"], 1e-12, "every split holds the same ten images equally often")
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// log IS = H[p(y)] − E H[p(y|x)] for one split: the entropies the chapter
// reports are the two terms of the score.
func TestEntropiesDecomposeTheScore(t *testing.T) {
	probs := tensor.FromRows([][]float64{{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}, {0.3, 0.4, 0.3}, {0, 1, 0}})
	hm, hc := entropies(probs)
	is, _ := metrics.InceptionScore(probs, 1)
	assert.InDelta(t, math.Log(is), hm-hc, 1e-14)
	assert.InDelta(t, 0, entropy([]float64{0, 1, 0}), 0)
	assert.InDelta(t, math.Log(4), entropy([]float64{0.25, 0.25, 0.25, 0.25}), 1e-15)
}

// The sharp panels show four different classes, the sharpest of each;
// the ambiguous ones the highest entropies.
func TestSharpAndAmbiguous(t *testing.T) {
	probs := tensor.FromRows([][]float64{
		{0.99, 0.01, 0}, // class 0, sharp
		{1, 0, 0},       // class 0, sharpest
		{0.4, 0.3, 0.3}, // most ambiguous
		{0, 0.98, 0.02}, // class 1
		{0.5, 0.5, 0},   // ambiguous
	})
	assert.Equal(t, []int{1, 3, 4, 2}, sharpAndAmbiguous(probs, 2))
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "16-inception-score: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-is-samples", "5"}, Want: "16-inception-score: -is-samples must be at least 10, got 5\n"},
		chaptertest.BadValue{Args: []string{"-splits", "0"}, Want: "16-inception-score: -splits must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-splits", "11", "-is-samples", "10"}, Want: "16-inception-score: -splits 11 is more than the 10 images of a set (-is-samples)\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "Inf"}, Want: "16-inception-score: -lr-scale must be positive and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-data", "/nonexistent"}, Want: "16-inception-score: -data /nonexistent: data: MNIST: neither /nonexistent/train-images-idx3-ubyte nor /nonexistent/train-images-idx3-ubyte.gz exists (docs/data.md says how to get the files)\n"},
		chaptertest.BadValue{Args: []string{"-is-samples", "1e12"}, Want: "16-inception-score: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
