package data_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
)

// writeFakeMNIST writes a split of n images, pixel i of image k being
// (k + i) mod 256, with the given labels; the images gzipped, the labels
// plain, as a download might leave them.
func writeFakeMNIST(t *testing.T, dir, split string, imageDims []int, labels []byte) {
	t.Helper()
	n := 1
	for _, d := range imageDims {
		n *= d
	}
	pixels := make([]byte, n)
	for i := range pixels {
		pixels[i] = byte(i/784 + i%784)
	}
	require.NoError(t, data.WriteIDXFile(filepath.Join(dir, split+"-images-idx3-ubyte.gz"), &data.IDX{Dims: imageDims, Data: pixels}))
	require.NoError(t, data.WriteIDXFile(filepath.Join(dir, split+"-labels-idx1-ubyte"), &data.IDX{Dims: []int{len(labels)}, Data: labels}))
}

func TestLoadMNIST(t *testing.T) {
	dir := t.TempDir()
	writeFakeMNIST(t, dir, "t10k", []int{3, 28, 28}, []byte{7, 0, 9})
	for _, split := range []string{"t10k", "test"} {
		images, labels, err := data.LoadMNIST(dir, split)
		require.NoError(t, err)
		require.Equal(t, []int{3, 1, 28, 28}, images.Shape())
		assert.Equal(t, []int{7, 0, 9}, labels)
		x := images.Data()
		assert.Equal(t, -1.0, x[0], "level 0 is −1")
		assert.InDelta(t, 1/127.5-1, x[1], 1e-15, "level 1")
		assert.Equal(t, 1.0, x[255], "level 255 is 1")
		assert.InDelta(t, 2/127.5-1, x[784+1], 1e-15, "image 1, pixel 1 is level 2")
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	dir := t.TempDir()
	_, _, err := data.LoadMNIST(dir, "train")
	require.Error(t, err)
	plain := filepath.Join(dir, "train-images-idx3-ubyte")
	assert.Equal(t, "data: MNIST: neither "+plain+" nor "+plain+".gz exists (docs/data.md says how to get the files)", err.Error())

	_, _, err = data.LoadMNIST(dir, "validation")
	assert.EqualError(t, err, `data: MNIST: split "validation", want "train" or "t10k" (or "test")`)

	cases := []struct {
		name   string
		dims   []int
		labels []byte
		want   string
	}{
		{"count", []int{3, 28, 28}, []byte{1, 2}, "data: MNIST: 2 labels in %[2]s for 3 images in %[1]s"},
		{"label 10", []int{2, 28, 28}, []byte{1, 10}, "data: MNIST: label 1 of %[2]s is 10, want 0..9"},
		{"image size", []int{2, 28, 27}, []byte{1, 2}, "data: MNIST: %[1]s holds sizes [2 28 27], want (n, 28, 28)"},
		{"image rank", []int{2, 784}, []byte{1, 2}, "data: MNIST: %[1]s holds sizes [2 784], want (n, 28, 28)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFakeMNIST(t, dir, "train", tc.dims, tc.labels)
			_, _, err := data.LoadMNIST(dir, "train")
			require.Error(t, err)
			images := filepath.Join(dir, "train-images-idx3-ubyte.gz")
			labels := filepath.Join(dir, "train-labels-idx1-ubyte")
			assert.Equal(t, fmt.Sprintf(tc.want, images, labels), err.Error())
		})
	}

	// A label file of the wrong rank, and one that is not IDX at all.
	dir = t.TempDir()
	writeFakeMNIST(t, dir, "train", []int{2, 28, 28}, []byte{1, 2})
	labels := filepath.Join(dir, "train-labels-idx1-ubyte")
	require.NoError(t, data.WriteIDXFile(labels, &data.IDX{Dims: []int{2, 1}, Data: []byte{1, 2}}))
	_, _, err = data.LoadMNIST(dir, "train")
	assert.EqualError(t, err, "data: MNIST: "+labels+" holds sizes [2 1], want (n)")
	require.NoError(t, os.WriteFile(labels, []byte("not an IDX file"), 0o644))
	_, _, err = data.LoadMNIST(dir, "train")
	require.ErrorIs(t, err, data.ErrIDX)
	assert.Contains(t, err.Error(), labels)
}

// TestMNISTFiles reads the real MNIST files from the folder named by
// GANBOOK_MNIST (docs/data.md says how to get them) and checks what is
// known about them: 60,000 and 10,000 digits, the label counts, and the
// mean and standard deviation of the training pixels, 0.1307 and 0.3081
// on [0, 1] (the constants of torchvision's MNIST normalisation). It then
// runs TestDigitsLearnable's classifiers on MNIST for comparison: they
// score about 76 % and 87 % (docs/data.md's table), which also checks
// that each image is paired with its own label.
func TestMNISTFiles(t *testing.T) {
	dir := os.Getenv("GANBOOK_MNIST")
	if dir == "" {
		t.Skip("GANBOOK_MNIST is not set: no MNIST files to check (see docs/data.md)")
	}
	train, trainLabels, err := data.LoadMNIST(dir, "train")
	require.NoError(t, err)
	test, testLabels, err := data.LoadMNIST(dir, "t10k")
	require.NoError(t, err)
	require.Equal(t, []int{60000, 1, 28, 28}, train.Shape())
	require.Equal(t, []int{10000, 1, 28, 28}, test.Shape())

	counts := func(labels []int) []int {
		c := make([]int, 10)
		for _, l := range labels {
			c[l]++
		}
		return c
	}
	// The class sizes published with the data set.
	assert.Equal(t, []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts(trainLabels))
	assert.Equal(t, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts(testLabels))

	sum, sumSq := 0.0, 0.0
	for _, v := range train.Data() {
		p := (v + 1) / 2 // back to [0, 1]
		sum += p
		sumSq += p * p
	}
	n := float64(train.Len())
	mean := sum / n
	std := math.Sqrt(sumSq/n - mean*mean)
	t.Logf("train pixels on [0, 1]: mean %.4f, standard deviation %.4f", mean, std)
	assert.InDelta(t, 0.1307, mean, 5e-5)
	assert.InDelta(t, 0.3081, std, 5e-5)

	// The same protocol as TestDigitsLearnable: 10,000 training digits, 2,000 test digits.
	const d = 28 * 28
	x := append(append([]float64(nil), train.Data()[:10000*d]...), test.Data()[:2000*d]...)
	labels := append(append([]int(nil), trainLabels[:10000]...), testLabels[:2000]...)
	centroid, softmax := classifierAccuracies(rand.New(rand.NewPCG(2, 0)), x, labels, 10000, d)
	t.Logf("MNIST: nearest class mean %.1f %%, softmax regression %.1f %%", 100*centroid, 100*softmax)
	assert.InDelta(t, 0.76, centroid, 0.02)
	assert.InDelta(t, 0.87, softmax, 0.02)
}
