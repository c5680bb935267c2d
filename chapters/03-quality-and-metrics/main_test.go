package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of a
// narrow DCGAN, measured on few images.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-eval-samples", "40", "-width", "4", "-noise", "4", "-batch", "8"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	for _, name := range []string{"fid_start", "fid_end", "gloss_fid_correlation", "dloss_fid_correlation",
		"precision_end", "recall_end", "collapsed_precision", "collapsed_recall"} {
		assert.Contains(t, r.Metrics, name)
	}
	assert.Equal(t, 3.0, r.Metrics["evaluations"]) // steps 0, 2 and 4
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// The chapter's game and the library's, which chapters 16 and 17 train
// with, are the same: identical losses and identical generators.
func TestDCGANIsTheLibraryGame(t *testing.T) {
	data := gan.DrawnDigits(4, 64, 0).Train
	b := gan.DefaultImageBudget()
	b.Noise, b.Width, b.Batch, b.EvalSamples = 4, 4, 8, 8
	train := func(g gan.ImageGame) *gan.ImageResult {
		res, err := gan.ImageRun{Name: "t", Game: g, Budget: b, Data: data, Seed: 4, Steps: 6}.Run()
		require.NoError(t, err)
		return res
	}
	mine, lib := train(dcgan()), train(gan.DCGANGame())
	for _, name := range []string{"D loss", "G loss"} {
		assert.Equal(t, lib.History.Get(name).Values, mine.History.Get(name).Values, name)
	}
	assert.Equal(t, lib.Samples.Data(), mine.Samples.Data())
}

// Training improves the generator: FID falls to a fraction of the
// untrained generator's in 150 steps, and recall rises from 0.
func TestFIDFalls(t *testing.T) {
	if testing.Short() {
		t.Skip("150 DCGAN steps")
	}
	r := chaptertest.Run(t, spec, "-steps", "150", "-eval-every", "150", "-eval-samples", "200", "-batch", "16")
	assert.Less(t, r.Metrics["fid_end"], r.Metrics["fid_start"]/4)
	assert.Greater(t, r.Metrics["recall_end"], 0.0)
}

// The collapsed "generator" is real 0s and 1s: nearly all of its images
// lie on the real manifold (high precision), but it covers a small part of
// it (low recall), and real digits score high on both.
func TestCollapsedGeneratorHasHighPrecisionLowRecall(t *testing.T) {
	m := chaptertest.Run(t, spec, "-steps", "2", "-eval-every", "2", "-eval-samples", "300", "-width", "4", "-noise", "4", "-batch", "8").Metrics
	assert.Greater(t, m["collapsed_precision"], 0.8)
	assert.Less(t, m["collapsed_recall"], 0.4)
	assert.Greater(t, m["precision_real"], 0.8)
	assert.Greater(t, m["recall_real"], 0.8)
	assert.Equal(t, 300.0, m["collapsed_images"])
	assert.Greater(t, m["collapsed_fid"], 10*m["fid_floor"])
}

// Each evaluation's loss is the mean over the steps since the one before.
// A FID that is not finite (features with a NaN, as a diverged generator
// would give) is an error that names the comparison.
func TestFIDErrorSaysWhich(t *testing.T) {
	real := tensor.New([]float64{1, 0, -1, 0, 0, 1, 0, -1}, 4, 2)
	_, err := fidOf("FID at step 250", tensor.New([]float64{0, 1, 1, 0, math.NaN(), 2}, 3, 2), real)
	require.Error(t, err)
	assert.Regexp(t, `^FID at step 250: metrics: FrechetDistance: the result NaN is not finite`, err.Error())
	fid, err := fidOf("x", real, real)
	require.NoError(t, err)
	assert.InDelta(t, 0, fid, 1e-12)
}

func TestMeansSince(t *testing.T) {
	s := &gan.Series{Steps: []int{1, 2, 3, 4, 5}, Values: []float64{1, 3, 2, 4, 10}}
	got := meansSince(s, []int{0, 2, 4, 5})
	require.Len(t, got, 4)
	assert.True(t, math.IsNaN(got[0]), "step 0 has no loss")
	assert.Equal(t, []float64{2, 3, 10}, got[1:])
	assert.Equal(t, 2, lateStart([]int{0, 2, 4, 5}, 5))
}

func TestPickClasses(t *testing.T) {
	images := tensor.Zeros(6, 1, 1, 1)
	for i := range 6 {
		images.Data()[i] = float64(i)
	}
	got := pickClasses(images, []int{0, 1, 2, 1, 0, 3}, 1, 2, 0, 1)
	assert.Equal(t, []float64{1, 3}, got.Data())
}

// The collapsed set always has its n images: drawn digits, ten test
// digits per evaluated image, hold exactly 2n 0s and 1s, so at least n
// after the reference whatever it takes; MNIST's labels are counted, and
// too few 0s and 1s after the reference, or too few digits, are refused.
func TestCollapsedSupply(t *testing.T) {
	for _, n := range []int{10, 40, 300, 1000, 1234} {
		assert.Equal(t, n, collapsedSupply(nil, n), n)
		assert.NoError(t, checkTestSet(nil, n), n)
	}
	labels := make([]int, 20) // two of each class, as in 0 1 2 … 9 0 1 2 … 9
	for i := range labels {
		labels[i] = i % 10
	}
	assert.Equal(t, 2, collapsedSupply(labels, 2)) // the second 0 and 1
	assert.Equal(t, 1, collapsedSupply(labels, 11))
	assert.NoError(t, checkTestSet(labels, 2))
	assert.EqualError(t, checkTestSet(labels, 3),
		"-eval-samples 3: the collapsed set needs 3 test 0s and 1s after the 3 digits of the real reference, there are 2")
	assert.EqualError(t, checkTestSet(labels, 21), "-eval-samples 21: the real reference needs 21 test digits, MNIST has 20")
}

// With real MNIST files (GANBOOK_MNIST, see docs/data.md), whose 10,000
// test digits are fixed: 1,759 0s and 1s follow the first 1,760, so
// -eval-samples 1760 is refused before anything is created, with the count.
func TestMNISTCollapsedSupply(t *testing.T) {
	dir := os.Getenv("GANBOOK_MNIST")
	if dir == "" {
		t.Skip("GANBOOK_MNIST is not set: no MNIST files (see docs/data.md)")
	}
	chaptertest.BadFlags(t, spec, chaptertest.BadValue{Args: []string{"-data", dir, "-eval-samples", "1760"},
		Want: "03-quality-and-metrics: -eval-samples 1760: the collapsed set needs 1760 test 0s and 1s after the 1760 digits of the real reference, there are 1759\n"})
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "03-quality-and-metrics: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "03-quality-and-metrics: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "NaN"}, Want: "03-quality-and-metrics: -lr-scale must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-k", "0"}, Want: "03-quality-and-metrics: -k must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-k", "10", "-eval-samples", "100"}, Want: "03-quality-and-metrics: -k 10 must be below a tenth of -eval-samples 100\n"},
		chaptertest.BadValue{Args: []string{"-data", "/nonexistent"}, Want: "03-quality-and-metrics: -data /nonexistent: data: MNIST: neither /nonexistent/train-images-idx3-ubyte nor /nonexistent/train-images-idx3-ubyte.gz exists (docs/data.md says how to get the files)\n"},
		chaptertest.BadValue{Args: []string{"-width", "100000"}, Want: "03-quality-and-metrics: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-steps", "1e15"}, Want: "03-quality-and-metrics: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
