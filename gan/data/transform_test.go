package data_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

// transformGolden reads testdata/transforms.json, written by
// testdata/gen_transforms.py with PyTorch in float64.
func transformGolden(t *testing.T) map[string][]float64 {
	t.Helper()
	raw, err := os.ReadFile("testdata/transforms.json")
	require.NoError(t, err)
	var g map[string][]float64
	require.NoError(t, json.Unmarshal(raw, &g))
	return g
}

// PyTorch computes the area average as nearest upsampling by u followed by
// p×p average pooling (H·u = size·p), a route independent of the weights
// matrix used here.
func TestResizeMatchesPyTorch(t *testing.T) {
	g := transformGolden(t)
	tests := []struct {
		name, in, want string
		shape          []int
		size           int
	}{
		{"28 to 16", "x28", "x28_to16", []int{2, 1, 28, 28}, 16},
		{"28 to 12", "x28", "x28_to12", []int{2, 1, 28, 28}, 12},
		{"16 to 28, enlarging, two channels", "x16", "x16_to28", []int{1, 2, 16, 16}, 28},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := data.Resize(tensor.New(g[tc.in], tc.shape...), tc.size)
			require.Equal(t, []int{tc.shape[0], tc.shape[1], tc.size, tc.size}, got.Shape())
			require.Len(t, got.Data(), len(g[tc.want]))
			assert.InDeltaSlice(t, g[tc.want], got.Data(), 1e-13)
		})
	}
}

func TestResizeKeepsConstantsAndMeans(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 0))
	x := tensor.RandU(r, -1, 1, 3, 1, 28, 28)
	y := data.Resize(x, 16)
	for i := range 3 {
		in := tensor.Mean(tensor.Slice(x, 0, i, i+1)).Item()
		out := tensor.Mean(tensor.Slice(y, 0, i, i+1)).Item()
		assert.InDelta(t, in, out, 1e-14, "image %d: area averaging keeps the mean", i)
	}
	c := data.Resize(tensor.Full(-1, 1, 1, 28, 28), 16)
	for _, v := range c.Data() {
		require.InDelta(t, -1, v, 1e-15)
	}
	// An integer factor is plain 2×2 average pooling.
	assert.InDeltaSlice(t, tensor.AvgPool2D(x, 2).Data(), data.Resize(x, 14).Data(), 1e-15)
	// Same size: the identity.
	assert.InDeltaSlice(t, x.Data(), data.Resize(x, 28).Data(), 0)
}

func TestGaussianBlurMatchesPyTorch(t *testing.T) {
	g := transformGolden(t)
	x := tensor.New(g["xb"], 2, 2, 9, 7)
	for _, sigma := range []string{"0.8", "1.5"} {
		s := map[string]float64{"0.8": 0.8, "1.5": 1.5}[sigma]
		got := data.GaussianBlur(x, s)
		require.Len(t, got.Data(), len(g["xb_blur"+sigma]))
		assert.InDeltaSlice(t, g["xb_blur"+sigma], got.Data(), 1e-13, "σ = %s", sigma)
	}
	assert.Equal(t, x.Data(), data.GaussianBlur(x, 0).Data(), "σ = 0 is a copy")
	// Replicate padding: a constant −1 background stays −1 at the edges.
	for _, v := range data.GaussianBlur(tensor.Full(-1, 1, 1, 6, 6), 2).Data() {
		require.InDelta(t, -1, v, 1e-15)
	}
}

func TestMixNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	x, _ := data.Digits(r, 4, 16)
	assert.Equal(t, x.Data(), data.MixNoise(r, x, 0).Data(), "α = 0 leaves the images")
	noise := data.MixNoise(rand.New(rand.NewPCG(6, 0)), x, 1)
	for i := range 4 {
		img := tensor.Slice(noise, 0, i, i+1).Data()
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range img {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		assert.InDelta(t, -1, lo, 1e-15, "image %d: the noise is rescaled to [−1, 1]", i)
		assert.InDelta(t, 1, hi, 1e-15, "image %d", i)
	}
	// α = ½ with the same noise stream is the average of the two ends.
	half := data.MixNoise(rand.New(rand.NewPCG(6, 0)), x, 0.5)
	want := tensor.Scale(tensor.Add(x, noise), 0.5)
	assert.InDeltaSlice(t, want.Data(), half.Data(), 1e-15)
}

func TestTransformPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	flat := tensor.Zeros(2, 3)
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"Resize shape", "data: Resize: shape mismatch images (2,3) are not (N,C,H,W)", func() { data.Resize(flat, 4) }},
		{"Resize size", "data: Resize: bad argument size 0, want ≥ 1", func() { data.Resize(tensor.Zeros(1, 1, 2, 2), 0) }},
		{"blur shape", "data: GaussianBlur: shape mismatch images (2,3) are not (N,C,H,W)", func() { data.GaussianBlur(flat, 1) }},
		{"blur sigma", "data: GaussianBlur: bad argument sigma NaN, want finite and ≥ 0", func() { data.GaussianBlur(tensor.Zeros(1, 1, 2, 2), math.NaN()) }},
		{"noise alpha", "data: MixNoise: bad argument alpha 1.5, want 0 ≤ α ≤ 1", func() { data.MixNoise(r, tensor.Zeros(1, 1, 2, 2), 1.5) }},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.PanicsWithError(t, tc.want, tc.f) })
	}
}
