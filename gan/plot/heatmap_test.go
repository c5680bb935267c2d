package plot

import (
	"bytes"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeatmapPNG(t *testing.T) {
	// Two rows, three columns, values 0 … 4 and a NaN: the range from the
	// data is [0, 4], so value v gets Sequential(v/4).
	m := Heatmap{Rows: 2, Cols: 3, Values: []float64{0, 1, 2, 3, 4, math.NaN()}, Cell: 4}
	img := encodePNGBytes(t, func(w *bytes.Buffer) error { return m.EncodePNG(w) })
	require.Equal(t, image.Rect(0, 0, 12, 8), img.Bounds())
	for i := range 2 {
		for j := range 3 {
			want := Sequential(float64(i*3+j) / 4)
			if i == 1 && j == 2 {
				want = NaNColor
			}
			// all four corners of the cell's 4 × 4 block
			for _, d := range [][2]int{{0, 0}, {3, 0}, {0, 3}, {3, 3}} {
				x, y := 4*j+d[0], 4*i+d[1]
				assert.Equal(t, want, rgbaAt(img, x, y), "cell (%d, %d) at pixel (%d, %d)", i, j, x, y)
			}
		}
	}
}

func TestHeatmapGivenRange(t *testing.T) {
	m := Heatmap{Rows: 1, Cols: 3, Values: []float64{-1, 5, 20}, Min: 0, Max: 10}
	img, err := m.Image()
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 24, 8), img.Bounds(), "default cells of 8 px")
	assert.Equal(t, Sequential(0), img.RGBAAt(0, 0), "below Min clamps")
	assert.Equal(t, Sequential(0.5), img.RGBAAt(8, 0))
	assert.Equal(t, Sequential(1), img.RGBAAt(23, 7), "above Max clamps")
}

func TestHeatmapSVG(t *testing.T) {
	m := Heatmap{
		Rows: 2, Cols: 4, Values: []float64{0, 1, 2, 3, 4, 5, 6, 7},
		Title:     "modes <over> time",
		RowLabels: []string{"mode 0", "mode 1"},
		ColLabels: []string{"0", "", "1000"}, // blanks and missing ones are skipped
	}
	root := encodeSVG(t, func(w *bytes.Buffer) error { return m.EncodeSVG(w) })
	cells := root.all("rect", "cell")
	require.Len(t, cells, 8)
	// Row-major: cell 6 is row 1, column 2, value 6 of range [0, 7].
	assert.Equal(t, hex(Sequential(6.0/7)), cells[6].attr("fill"))
	assert.Equal(t, "mode 1, 1000: 6", cells[6].all("title", "")[0].Text)
	assert.Equal(t, "mode 1, col 1: 5", cells[5].all("title", "")[0].Text, "blank label: the index")
	assert.Greater(t, cells[6].num(t, "y"), cells[2].num(t, "y"), "row 1 is below row 0")
	assert.Equal(t, []string{"mode 0", "mode 1"}, root.texts("row-label"))
	assert.Equal(t, []string{"0", "1000"}, root.texts("col-label"))
	assert.Equal(t, []string{"0", "5"}, root.texts("colorkey-tick"), "24 px leave room for few ticks")
	assert.Equal(t, []string{"modes <over> time"}, root.texts("title"))
}

func TestHeatmapErrors(t *testing.T) {
	tests := []struct {
		name string
		m    Heatmap
		want string
	}{
		{"count", Heatmap{Rows: 2, Cols: 2, Values: make([]float64, 3)}, "plot: Heatmap: 3 values for 2×2 cells, want Rows·Cols ≥ 1"},
		{"empty", Heatmap{}, "plot: Heatmap: 0 values for 0×0 cells, want Rows·Cols ≥ 1"},
		{"range", Heatmap{Rows: 1, Cols: 1, Values: []float64{0}, Min: 1, Max: 0}, "plot: Heatmap: range [1, 0] has Min > Max"},
		{"cell", Heatmap{Rows: 1, Cols: 1, Values: []float64{0}, Cell: -1}, "plot: Heatmap: cell size -1 < 0"},
		{"labels", Heatmap{Rows: 1, Cols: 1, Values: []float64{0}, RowLabels: []string{"a", "b"}},
			"plot: Heatmap: 2 row and 0 column labels for 1×1 cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.m.EncodeSVG(&bytes.Buffer{}), tt.want)
			assert.EqualError(t, tt.m.EncodePNG(&bytes.Buffer{}), tt.want)
		})
	}
}

func TestHeatmapSave(t *testing.T) {
	dir := t.TempDir()
	m := Heatmap{Rows: 1, Cols: 2, Values: []float64{0, 1}}
	require.NoError(t, m.SavePNG(filepath.Join(dir, "m.png")))
	require.NoError(t, m.SaveSVG(filepath.Join(dir, "m.svg")))
	data, err := os.ReadFile(filepath.Join(dir, "m.png"))
	require.NoError(t, err)
	assert.Equal(t, Sequential(1), rgbaAt(decodePNG(t, data), 15, 0))
	data, err = os.ReadFile(filepath.Join(dir, "m.svg"))
	require.NoError(t, err)
	assert.Len(t, parseSVG(t, data).all("rect", "cell"), 2)
}

// With a value per column (a training step), the x axis gets round ticks
// placed among the columns, and the picture its axis labels and a named
// colour key.
func TestHeatmapSVGAxis(t *testing.T) {
	// Chapter 01's shape: 25 modes, an evaluation every 50 steps up to 1980.
	var steps []float64
	for st := 50; st < 1980; st += 50 {
		steps = append(steps, float64(st))
	}
	steps = append(steps, 1980)
	m := Heatmap{
		Rows: 25, Cols: len(steps), Values: make([]float64, 25*len(steps)),
		XLabel: "generator step", YLabel: "mode", ValueLabel: "share of the samples", ColValues: steps,
	}
	m.Values[3] = 0.5
	root := encodeSVG(t, func(w *bytes.Buffer) error { return m.EncodeSVG(w) })
	assert.Equal(t, []string{"500", "1000", "1500"}, root.texts("col-label"))
	assert.Equal(t, []string{"generator step"}, root.texts("label x"))
	assert.Equal(t, []string{"mode"}, root.texts("label y"))
	assert.Equal(t, []string{"share of the samples"}, root.texts("colorkey-label"))
	assert.Equal(t, []string{"0", "0.1", "0.2", "0.3", "0.4", "0.5"}, root.texts("colorkey-tick"))
	// Tick 500 sits at the centre of column 9 (step 500), 1500 at column 29's.
	cells := root.all("rect", "cell")
	labels := root.all("text", "col-label")
	centre := func(j int) float64 { return cells[j].num(t, "x") + 6 }
	assert.InDelta(t, centre(9), labels[0].num(t, "x"), 0.01)
	assert.InDelta(t, centre(29), labels[2].num(t, "x"), 0.01)

	m.ColValues = make([]float64, len(steps))
	assert.Error(t, m.EncodeSVG(&bytes.Buffer{}), "not increasing")
}
