package plot

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBarPanels(t *testing.T) {
	img := ImageGrid{Pixels: []float64{-1, 1, 1, -1}, Shape: []int{1, 2, 2}, Lo: -1, Hi: 1}
	b := BarPanels{
		Title:      "p(y|x)",
		Categories: []string{"0", "1", "2"},
		Panels: []BarPanel{
			{Title: "sharp", Values: []float64{0.9, 0.05, 0.05}, Image: &img},
			{Title: "ambiguous", Values: []float64{0.3, 0.3, 0.4}},
			{Title: "third", Values: []float64{0, 1, 0}},
		},
		Cols: 2, YMax: 1, YLabel: "probability",
		Refs: []RefLine{{Y: 1.0 / 3, Label: "uniform"}},
	}
	root := encodeSVG(t, func(w *bytes.Buffer) error { return b.Encode(w) })
	bars := root.all("rect", "bar")
	require.Len(t, bars, 9)
	// Heights are proportional to the values, on one shared axis: 0.9 of
	// the plot's height for the first bar, 0.3 for the fourth.
	assert.InDelta(t, 0.9*barPlotHeight, bars[0].num(t, "height"), 0.02)
	assert.InDelta(t, 0.3*barPlotHeight, bars[3].num(t, "height"), 0.02)
	assert.InDelta(t, barPlotHeight, bars[7].num(t, "height"), 0.02)
	assert.Equal(t, 0.0, bars[6].num(t, "height"))
	assert.Equal(t, "0: 0.9", bars[0].all("title", "")[0].Text)
	// Two panels to a row: the third starts a second row, below the first.
	assert.Equal(t, bars[0].num(t, "x"), bars[6].num(t, "x"))
	assert.Greater(t, bars[6].num(t, "y"), bars[0].num(t, "y"))
	assert.Greater(t, bars[3].num(t, "x"), bars[2].num(t, "x"))
	assert.Equal(t, []string{"sharp", "ambiguous", "third"}, root.texts("panel-title"))
	assert.Len(t, root.all("image", "picture"), 1)
	assert.Len(t, root.all("line", "ref"), 3, "the reference line in every panel")
	assert.Equal(t, []string{"0", "1", "2", "0", "1", "2", "0", "1", "2"}, root.texts("tick x"))
}

func TestBarPanelsErrors(t *testing.T) {
	ok := BarPanel{Values: []float64{1, 2}}
	for _, tc := range []struct {
		b    BarPanels
		want string
	}{
		{BarPanels{Categories: []string{"a"}}, "plot: BarPanels: 0 panels of 1 categories, want at least one of each"},
		{BarPanels{Categories: []string{"a"}, Panels: []BarPanel{ok}}, "plot: BarPanels: panel 0 has 2 values for 1 categories"},
		{BarPanels{Categories: []string{"a", "b"}, Panels: []BarPanel{{Values: []float64{1, math.NaN()}}}},
			"plot: BarPanels: panel 0, category \"b\": value NaN, want finite and ≥ 0"},
		{BarPanels{Categories: []string{"a", "b"}, Panels: []BarPanel{{Values: []float64{-1, 0}}}},
			"plot: BarPanels: panel 0, category \"a\": value -1, want finite and ≥ 0"},
		{BarPanels{Categories: []string{"a", "b"}, Panels: []BarPanel{ok}, YMax: math.Inf(1)},
			"plot: BarPanels: Cols 0, YMax +Inf, want Cols ≥ 0 and a finite YMax ≥ 0"},
		{BarPanels{Categories: []string{"a", "b"}, Panels: []BarPanel{{Values: []float64{1, 2}, Image: &ImageGrid{Shape: []int{1, 2}}}}},
			"plot: ImageGrid: shape [1 2], want (n, h, w) or (n, c, h, w)"},
	} {
		var w bytes.Buffer
		assert.EqualError(t, tc.b.Encode(&w), tc.want)
	}
}
