package plot

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEqualEdges(t *testing.T) {
	got := EqualEdges(-1, 1, 4)
	require.Len(t, got, 5)
	assert.InDeltaSlice(t, []float64{-1, -0.5, 0, 0.5, 1}, got, 1e-15)
	// 0.1 + 3·(0.7 − 0.1)/3 is not exactly 0.7 in float64; the last edge is.
	assert.Equal(t, 0.7, EqualEdges(0.1, 0.7, 3)[3])
	assertArgumentPanic(t, "plot: EqualEdges: bad argument 0 bins over [0, 1], want n ≥ 1 and finite lo < hi", func() { EqualEdges(0, 1, 0) })
	assertArgumentPanic(t, "", func() { EqualEdges(1, 1, 3) })
}

func TestBin(t *testing.T) {
	nan := math.NaN()
	edges := []float64{0, 1, 2, 3, 4}
	// [0,1): 0, 0.5; [1,2): 1, 1.5, 1.7; [2,3): 2.2; [3,4]: 3.9 and 4, the
	// right edge of the last bin. −1, 5 and NaN fall outside.
	values := []float64{0, 0.5, 1, 1.5, 1.7, 2.2, 3.9, 4, 5, -1, nan}
	assert.Equal(t, []int{2, 3, 1, 2}, Bin(values, edges))
	assert.Equal(t, []int{0, 0, 0, 0}, Bin(nil, edges))
	// Unequal bins.
	assert.Equal(t, []int{1, 4}, Bin([]float64{-0.5, 0, 0.1, 3, 10}, []float64{-1, 0, 10}))

	assertArgumentPanic(t, "plot: Bin: bad argument 1 bin edges, want at least 2", func() { Bin(values, []float64{0}) })
	assertArgumentPanic(t, "plot: Bin: bad argument bin edges [0 2 1] are not finite and strictly increasing", func() { Bin(values, []float64{0, 2, 1}) })
	assertArgumentPanic(t, "", func() { Bin(values, []float64{0, 1, 1}) })
	assertArgumentPanic(t, "", func() { Bin(values, []float64{0, nan}) })
}

func TestHistogram(t *testing.T) {
	h := Histogram{
		Title: "critic weights", XLabel: "w", YLabel: "count",
		Values:  []float64{0.003, -0.01, 0.001, -0.004, 0.002, 0.006, 0.004, 0.01},
		Bins:    4,
		Markers: []Marker{{X: -0.01, Label: "-c"}, {X: 0.01, Label: "c"}},
	}
	root := encodeSVG(t, func(w *bytes.Buffer) error { return h.Encode(w) })

	// The range comes from the data, [−0.01, 0.01], in four bins 0.005
	// wide: counts 1, 1, 4, 2.
	bars := root.all("rect", "bar")
	require.Len(t, bars, 4)
	tallest := 0
	for i, b := range bars {
		if b.num(t, "height") > bars[tallest].num(t, "height") {
			tallest = i
		}
		if i > 0 {
			assert.Greater(t, b.num(t, "x"), bars[i-1].num(t, "x"), "bars go left to right")
		}
	}
	assert.Equal(t, 2, tallest, "the bin [0, 0.005) holds four values")
	assert.InDelta(t, 2*bars[0].num(t, "height"), bars[3].num(t, "height"), 0.02, "two values against one")
	assert.Equal(t, "[-0.01, -0.005): 1", bars[0].all("title", "")[0].Text)
	assert.Equal(t, "[0.005, 0.01]: 2", bars[3].all("title", "")[0].Text)

	// The tallest bar reaches the top tick: counts up to 4 in six ticks
	// step by 1, and the bar of 4 ends where the label "4" is.
	assert.Equal(t, []string{"0", "1", "2", "3", "4"}, root.texts("tick y"))
	_, top, _, bottom := plotArea(t, root)
	assert.InDelta(t, bottom-top, bars[2].num(t, "height"), 0.01)

	// The markers at ±c = ±0.01 stand on the outer edges of the outer bars,
	// inside the plot area (the x axis has 3 % to spare on both sides).
	markers := root.all("line", "marker")
	require.Len(t, markers, 2)
	left, _, right, _ := plotArea(t, root)
	assert.InDelta(t, bars[0].num(t, "x"), markers[0].num(t, "x1"), 0.006, "−c")
	assert.InDelta(t, bars[3].num(t, "x")+bars[3].num(t, "width"), markers[1].num(t, "x1"), 0.011, "c")
	assert.Greater(t, markers[0].num(t, "x1"), left+5)
	assert.Less(t, markers[1].num(t, "x1"), right-5)
	assert.Equal(t, []string{"-c", "c"}, root.texts("marker-label"))
	assert.Equal(t, []string{"critic weights"}, root.texts("title"))
}

func TestHistogramRanges(t *testing.T) {
	tests := []struct {
		name string
		h    Histogram
		bars int
	}{
		{"default bins", Histogram{Values: []float64{0, 1, 2}}, 20},
		{"given edges", Histogram{Values: []float64{0, 1, 2}, Edges: []float64{0, 1, 5}}, 2},
		{"one value", Histogram{Values: []float64{3, 3}, Bins: 5}, 5},
		{"no values", Histogram{Bins: 3}, 3},
		{"given range", Histogram{Values: []float64{-5, 0.5, 5}, Min: 0, Max: 1, Bins: 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := encodeSVG(t, func(w *bytes.Buffer) error { return tt.h.Encode(w) })
			assert.Len(t, root.all("rect", "bar"), tt.bars)
		})
	}
}

func TestHistogramErrors(t *testing.T) {
	tests := []struct {
		name string
		h    Histogram
		want string
	}{
		{"bins", Histogram{Bins: -1}, "plot: Histogram: -1 bins, want ≥ 0"},
		{"range", Histogram{Min: 2, Max: 1}, "plot: Histogram: bin range [2, 1], want finite Min < Max"},
		{"edges", Histogram{Edges: []float64{1}}, "plot: Histogram: 1 bin edges, want at least 2"},
		{"marker", Histogram{Markers: []Marker{{X: math.Inf(-1)}}}, "plot: Histogram: marker at x = -Inf"},
		{"size", Histogram{Width: -3}, "plot: Histogram: size -3×0 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.h.Encode(&bytes.Buffer{}), tt.want)
		})
	}
}

func TestHistogramSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weights.svg")
	require.NoError(t, Histogram{Values: []float64{1, 2, 2}, Bins: 2}.Save(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Len(t, parseSVG(t, data).all("rect", "bar"), 2)

	err = Histogram{Bins: -1}.Save(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

// Values that are all equal get a range around them, however large they
// are: ±½ for ordinary values, ±10 % where ½ vanishes in rounding.
func TestHistogramOfConstantValues(t *testing.T) {
	for _, v := range []float64{3, 0, -2e-9, 1.64e107, -1.64e107, 1e300} {
		var b bytes.Buffer
		require.NoError(t, Histogram{Values: []float64{v, v, v}}.Encode(&b), "%g", v)
		assert.Contains(t, b.String(), ": 3</title>", "%g: all three values in one bar", v)
	}
	edges, err := Histogram{Values: []float64{3, 3}, Bins: 2}.edges()
	require.NoError(t, err)
	assert.Equal(t, []float64{2.5, 3, 3.5}, edges)
	edges, err = Histogram{Values: []float64{1e107, math.Nextafter(1e107, 2e107)}, Bins: 2}.edges()
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{0.9e107, 1e107, 1.1e107}, edges, 1e93)
}
