package main

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/chapter"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test: a few steps of a
// narrow DCGAN, compared sets of 300 images against 1,000 real ones.
var tiny = []string{"-steps", "4", "-eval-every", "2", "-eval-samples", "50", "-width", "4", "-noise", "4", "-batch", "8",
	"-fid-samples", "300", "-reference", "1000"}

// The run writes every key and picture, and FID orders the sets as the
// chapter says: held-out real digits close, every disturbance further the
// stronger it is, the memorised digits far although IS rates them above
// real ones, and the extrapolated FID of real digits near 0.
func TestShortRunOrdersTheSets(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	prev := m["fid_train_vs_test"]
	for _, a := range noiseLevels {
		v := m[fmt.Sprintf("fid_noise_%g", a)]
		assert.Greater(t, v, prev, "noise α = %g", a)
		prev = v
	}
	prev = m["fid_train_vs_test"]
	for _, s := range blurLevels {
		v := m[fmt.Sprintf("fid_blur_%g", s)]
		assert.Greater(t, v, prev, "blur σ = %g", s)
		prev = v
	}
	assert.Greater(t, m["fid_memorized10"], 10*m["fid_train_vs_test"])
	assert.Greater(t, m["is_memorized10"], m["is_real"])
	assert.Greater(t, m["fid_one_class"], m["fid_memorized10"])
	for _, step := range []int{0, 2, 4} {
		assert.Contains(t, m, fmt.Sprintf("fid_dcgan_at_%d", step))
	}
	assert.Less(t, m["fid_real_infinity"], m["fid_train_vs_test"], "the extrapolation removes bias")
	assert.Greater(t, m["fid_real_slope"], 0.0, "fewer images, larger FID")
	assert.Less(t, m["sqrt_residual"], 1e-12)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "17-fid: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-fid-samples", "10"}, Want: "17-fid: -fid-samples must be at least 100, got 10\n"},
		chaptertest.BadValue{Args: []string{"-reference", "20001"}, Want: "17-fid: -reference 20001: there are 20000 training digits\n"},
		chaptertest.BadValue{Args: []string{"-fid-samples", "1e7"}, Want: "17-fid: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-1"}, Want: "17-fid: -lr-scale must be positive and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-data", "/nonexistent"}, Want: "17-fid: -data /nonexistent: data: MNIST: neither /nonexistent/train-images-idx3-ubyte nor /nonexistent/train-images-idx3-ubyte.gz exists (docs/data.md says how to get the files)\n"},
	)
	chaptertest.EveryFlag(t, spec)
}

// fakeMNIST writes MNIST's four files into a fresh folder: nTrain and
// nTest blank 28×28 images labelled 0, 1, …, 9, 0, 1, … (enough for -data
// to read them and for the flag checks to count them).
func fakeMNIST(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	for _, split := range []struct {
		name string
		n    int
	}{{"train", nTrain}, {"t10k", nTest}} {
		labels := make([]byte, split.n)
		for i := range labels {
			labels[i] = byte(i % 10)
		}
		require.NoError(t, data.WriteIDXFile(filepath.Join(dir, split.name+"-images-idx3-ubyte"),
			&data.IDX{Dims: []int{split.n, 28, 28}, Data: make([]byte, split.n*28*28)}))
		require.NoError(t, data.WriteIDXFile(filepath.Join(dir, split.name+"-labels-idx1-ubyte"),
			&data.IDX{Dims: []int{split.n}, Data: labels}))
	}
	return dir
}

// With -data the bias curve of part 4 needs 5/2·n test digits for
// -fid-samples n: one short is refused while the flags are checked (not
// after training, when tensor.Slice would panic), exactly enough passes.
func TestFIDSamplesNeedTheBiasCurvesTestDigits(t *testing.T) {
	short, enough := fakeMNIST(t, 1000, 249), fakeMNIST(t, 1000, 250)
	args := func(dir string) []string { return []string{"-data", dir, "-fid-samples", "100", "-reference", "100"} }
	chaptertest.BadFlags(t, spec, chaptertest.BadValue{Args: args(short),
		Want: "17-fid: -fid-samples 100: the bias curve compares real sets of up to 5/2·100 = 250 test digits, there are 249\n"})
	var stdout, stderr bytes.Buffer
	_, _, err := chapter.Parse(spec, append(args(enough), "-out", t.TempDir()), &stdout, &stderr)
	assert.NoError(t, err)
}

// -eval-samples accepts 10, fewer than the 12 images a row of
// samples_over_training.png holds: the rows are then 10 wide, one per
// evaluation (steps 0, 2 and 4), 4× enlarged with 1-pixel borders.
func TestFewEvalSamples(t *testing.T) {
	r := chaptertest.Run(t, spec, slices.Concat(tiny, []string{"-eval-samples", "10"})...)
	f, err := os.Open(filepath.Join(r.Dir, "samples_over_training.png"))
	require.NoError(t, err)
	defer f.Close()
	c, err := png.DecodeConfig(f)
	require.NoError(t, err)
	assert.Equal(t, [2]int{1 + 10*(4*16+1), 1 + 3*(4*16+1)}, [2]int{c.Width, c.Height})
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

// A FID that is not finite (here features with a NaN, as a diverged
// generator would give) is an error that names the comparison.
func TestFIDErrorSaysWhich(t *testing.T) {
	features := tensor.New([]float64{0, 1, 1, 0, math.NaN(), 2}, 3, 2)
	_, err := fidAgainst(tensor.Zeros(2), tensor.Eye(2), features, "fid_noise_0.5")
	require.Error(t, err)
	assert.Regexp(t, `^fid_noise_0\.5: metrics: FrechetDistance: the result NaN is not finite`, err.Error())
	v, err := fidAgainst(tensor.Zeros(2), tensor.Eye(2), tensor.New([]float64{1, 0, -1, 0, 0, 1, 0, -1}, 4, 2), "x")
	require.NoError(t, err)
	assert.InDelta(t, 2+4.0/3-4*math.Sqrt(2.0/3), v, 1e-12, "N(0, diag(2/3, 2/3)) against N(0, I): Tr I + Tr Σ − 2·Tr Σ^½")
}

func TestMeansPerSize(t *testing.T) {
	assert.Equal(t, []float64{2, 5}, meansPerSize([]float64{1, 2, 3, 4, 5, 6}, 3))
	assert.Equal(t, []int{500, 1000, 2000, 3000, 4000, 5000}, biasSizes(2000))
}
