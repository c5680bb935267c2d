package plot

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// series builds points (xs[i], ys[i]).
func series(xs, ys []float64) []Point {
	ps := make([]Point, len(xs))
	for i := range xs {
		ps[i] = Point{xs[i], ys[i]}
	}
	return ps
}

func encodeChart(t *testing.T, c LineChart) node {
	t.Helper()
	return encodeSVG(t, func(w *bytes.Buffer) error { return c.Encode(w) })
}

// polylinePoints reads the points attribute of a polyline as (x, y) pairs.
func polylinePoints(t *testing.T, n node) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	for _, pair := range strings.Fields(n.attr("points")) {
		xs, ys, ok := strings.Cut(pair, ",")
		require.True(t, ok, "point %q", pair)
		x, err := strconv.ParseFloat(xs, 64)
		require.NoError(t, err)
		y, err := strconv.ParseFloat(ys, 64)
		require.NoError(t, err)
		pts = append(pts, [2]float64{x, y})
	}
	return pts
}

func TestLineChart(t *testing.T) {
	c := LineChart{
		Title:  `loss of <D> & "G"`,
		XLabel: "step", YLabel: "loss",
		Series: []Line{
			{Name: "D", Points: series([]float64{0, 5, 10}, []float64{1, 9, 3})},
			{Name: "G", Points: series([]float64{0, 10}, []float64{2, 0})},
			{Points: series([]float64{0, 10}, []float64{5, 5}), Color: RealColor}, // no name, no legend entry
		},
		Refs: []RefLine{{Y: 4, Label: "target"}},
	}
	root := encodeChart(t, c)

	assert.Equal(t, []string{`loss of <D> & "G"`}, root.texts("title"), "escaped, and read back")
	assert.Equal(t, []string{"step"}, root.texts("label x"))
	assert.Equal(t, []string{"loss"}, root.texts("label y"))
	assert.Equal(t, []string{"target"}, root.texts("ref-label"))

	// The data span 0 … 10 on both axes. 640 px allow 7 x ticks and 400 px
	// 6 y ticks; step 1 would need 11, step 2 needs six: 0, 2, …, 10.
	want := []string{"0", "2", "4", "6", "8", "10"}
	assert.Equal(t, want, root.texts("tick x"))
	assert.Equal(t, want, root.texts("tick y"))

	entries := root.all("g", "legend-entry")
	require.Len(t, entries, 2)
	assert.Equal(t, []string{"D"}, entries[0].texts(""))
	assert.Equal(t, []string{"G"}, entries[1].texts(""))
	assert.Equal(t, hex(SeriesColor(1)), entries[1].all("line", "")[0].attr("stroke"))
	groups := root.all("g", "series")
	require.Len(t, groups, 3)
	assert.Equal(t, hex(SeriesColor(0)), groups[0].attr("stroke"), "colours in turn")
	assert.Equal(t, hex(RealColor), groups[2].attr("stroke"), "a colour of its own")

	// The axes run from 0 to 10, so D's points (0, 1), (5, 9), (10, 3) sit
	// at fractions 0, ½, 1 of the width and 0.1, 0.9, 0.3 of the height.
	left, top, right, bottom := plotArea(t, root)
	lines := root.all("polyline", "line")
	require.Len(t, lines, 3)
	pts := polylinePoints(t, lines[0])
	require.Len(t, pts, 3)
	const tol = 0.006 // coordinates are written with two decimals
	for i, p := range []Point{{0, 1}, {5, 9}, {10, 3}} {
		assert.InDelta(t, left+p.X/10*(right-left), pts[i][0], tol, "x of point %d", i)
		assert.InDelta(t, bottom-p.Y/10*(bottom-top), pts[i][1], tol, "y of point %d", i)
	}

	refs := root.all("line", "ref")
	require.Len(t, refs, 1)
	assert.NotEmpty(t, refs[0].attr("stroke-dasharray"), "dashed")
	assert.InDelta(t, bottom-0.4*(bottom-top), refs[0].num(t, "y1"), tol, "at y = 4")
}

func TestLineChartGaps(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name     string
		ys       []float64
		logY     bool
		segments []int // points per polyline
		dots     int   // runs of a single point
	}{
		{"no gap", []float64{1, 2, 3, 4, 5}, false, []int{5}, 0},
		{"NaN splits", []float64{1, 2, nan, 4, 5}, false, []int{2, 2}, 0},
		{"Inf splits", []float64{1, inf, 3, 4, -inf}, false, []int{2}, 1},
		{"lone point", []float64{1, nan, 3, nan, 5}, false, nil, 3},
		{"all NaN", []float64{nan, nan, nan, nan, nan}, false, nil, 0},
		{"log drops zero", []float64{1, 2, 0, 4, 5}, true, []int{2, 2}, 0},
		{"log drops negative", []float64{-1, 2, 3, 4, 5}, true, []int{4}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := LineChart{LogY: tt.logY, Series: []Line{{Name: "a", Points: series([]float64{0, 1, 2, 3, 4}, tt.ys)}}}
			root := encodeChart(t, c)
			var got []int
			for _, l := range root.all("polyline", "line") {
				got = append(got, len(polylinePoints(t, l)))
			}
			assert.Equal(t, tt.segments, got)
			assert.Len(t, root.all("circle", "point"), tt.dots)
		})
	}
}

func TestLineChartLogY(t *testing.T) {
	c := LineChart{LogY: true, Series: []Line{{Name: "W1", Points: series([]float64{0, 1, 2}, []float64{1e-3, 1e-2, 1})}}}
	root := encodeChart(t, c)
	// 400 px allow 8 log ticks: 1, 2, 5 per decade would need 10, the
	// powers of ten need 4.
	assert.Equal(t, []string{"0.001", "0.01", "0.1", "1"}, root.texts("tick y"))
	_, top, _, bottom := plotArea(t, root)
	pts := polylinePoints(t, root.all("polyline", "line")[0])
	require.Len(t, pts, 3)
	// log₁₀ runs from −3 to 0, so 10⁻² sits a third of the way up.
	assert.InDelta(t, bottom-(bottom-top)/3, pts[1][1], 0.006)
}

func TestLineChartFixedRange(t *testing.T) {
	c := LineChart{
		YRange: [2]float64{0, 1},
		Series: []Line{{Name: "D(x)", Points: series([]float64{0, 1, 2}, []float64{0.5, 3, -2}), Markers: true}},
	}
	root := encodeChart(t, c)
	assert.Equal(t, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}, root.texts("tick y"))
	assert.Len(t, root.all("clipPath", ""), 1, "points outside the range are clipped")
	assert.Len(t, root.all("circle", "marker"), 3)
}

func TestLineChartEmpty(t *testing.T) {
	root := encodeChart(t, LineChart{Title: "nothing yet"})
	assert.Empty(t, root.all("polyline", ""))
	assert.Empty(t, root.all("g", "legend"))
	assert.Equal(t, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}, root.texts("tick y"))
}

func TestLineChartErrors(t *testing.T) {
	tests := []struct {
		name string
		c    LineChart
		want string
	}{
		{"size", LineChart{Height: -5}, "plot: LineChart: size 0×-5 is negative"},
		{"range", LineChart{XRange: [2]float64{3, 3}}, "plot: LineChart: range [3 3], want finite min < max"},
		{"log range", LineChart{LogY: true, YRange: [2]float64{0, 1}}, "plot: LineChart: log y range [0 1] starts at ≤ 0"},
		{"ref NaN", LineChart{Refs: []RefLine{{Y: math.NaN()}}}, "plot: LineChart: reference line at y = NaN cannot be drawn"},
		{"ref on log", LineChart{LogY: true, Refs: []RefLine{{Y: 0}}}, "plot: LineChart: reference line at y = 0 cannot be drawn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.c.Encode(&bytes.Buffer{}), tt.want)
		})
	}
}

func TestLineChartSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loss.svg")
	c := LineChart{Series: []Line{{Name: "a", Points: series([]float64{0, 1}, []float64{0, 1})}}}
	require.NoError(t, c.Save(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	root := parseSVG(t, data)
	assert.Len(t, root.all("polyline", "line"), 1)

	err = LineChart{Width: -1}.Save(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}
