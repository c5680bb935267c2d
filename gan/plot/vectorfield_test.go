package plot

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func encodeField(t *testing.T, f VectorField) node {
	t.Helper()
	return encodeSVG(t, func(w *bytes.Buffer) error { return f.Encode(w) })
}

// A rotation field v = (−y, x) on a 2 × 2 grid over [−1, 1]²: four arrows
// of equal length, each at its cell's centre, turning counter-clockwise.
func TestVectorFieldArrows(t *testing.T) {
	f := VectorField{
		Window: Window{-1, 1, -1, 1}, Title: "rotation", XLabel: "θ", YLabel: "ψ",
		NX: 2, NY: 2, V: func(x, y float64) (float64, float64) { return -y, x },
	}
	root := encodeField(t, f)
	assert.Equal(t, []string{"rotation"}, root.texts("title"))
	left, top, right, bottom := plotArea(t, root)
	assert.InDelta(t, 400, right-left, 0.006, "a square plot area of the default size")
	assert.InDelta(t, 400, bottom-top, 0.006)

	arrows := root.all("line", "arrow")
	require.Len(t, arrows, 4)
	assert.Len(t, root.all("polygon", "head"), 4)
	const tol = 0.006
	// Grid order: top row first. The top-left cell's centre is (−½, ½),
	// where v = (−½, −½): down and to the left on screen, length 0.85·200.
	a := arrows[0]
	x0, y0 := a.num(t, "x1"), a.num(t, "y1")
	assert.InDelta(t, left+100, x0, tol)
	assert.InDelta(t, top+100, y0, tol)
	dx, dy := a.num(t, "x2")-x0, a.num(t, "y2")-y0
	assert.InDelta(t, 0.85*200, math.Hypot(dx, dy), 0.02)
	assert.Less(t, dx, 0.0)
	assert.Greater(t, dy, 0.0, "y grows downward on screen: v_y < 0 points down")
	assert.Empty(t, root.all("g", "legend-entry"), "no trajectory, no legend")
}

// Arrow lengths are proportional to |v|; zero and NaN vectors are left out.
func TestVectorFieldLengths(t *testing.T) {
	f := VectorField{
		Window: Window{0, 4, 0, 1}, NX: 4, NY: 1,
		V: func(x, y float64) (float64, float64) {
			switch {
			case x < 1:
				return 0, 0
			case x < 2:
				return math.NaN(), 1
			case x < 3:
				return 1, 0
			}
			return 2, 0
		},
	}
	root := encodeField(t, f)
	arrows := root.all("line", "arrow")
	require.Len(t, arrows, 2)
	length := func(n node) float64 {
		return math.Hypot(n.num(t, "x2")-n.num(t, "x1"), n.num(t, "y2")-n.num(t, "y1"))
	}
	assert.InDelta(t, 0.5, length(arrows[0])/length(arrows[1]), 1e-3)
}

// A trajectory is a polyline in data coordinates, open circle at the start,
// dot at the end; NaN breaks it; named ones are in the legend.
func TestVectorFieldTrajectory(t *testing.T) {
	f := VectorField{
		Window: Window{-1, 1, -1, 1}, NX: 3, NY: 3,
		V: func(x, y float64) (float64, float64) { return -x, -y },
		Trajectories: []Line{
			{Name: "descent", Points: []Point{{1, 1}, {0.5, 0.5}, {math.NaN(), 0}, {0, 0}, {-0.5, 0}}},
			{Points: []Point{{0, 1}, {0, -1}}, Color: RealColor},
		},
	}
	root := encodeField(t, f)
	left, top, right, bottom := plotArea(t, root)
	groups := root.all("g", "trajectory")
	require.Len(t, groups, 2)
	assert.Equal(t, hex(SeriesColor(0)), groups[0].attr("stroke"))
	assert.Equal(t, hex(RealColor), groups[1].attr("stroke"))
	lines := groups[0].all("polyline", "line")
	require.Len(t, lines, 2, "the NaN point splits the line")
	pts := polylinePoints(t, lines[1])
	require.Len(t, pts, 2)
	assert.InDelta(t, (left+right)/2, pts[0][0], 0.006, "(0, 0) at the centre")
	assert.InDelta(t, (top+bottom)/2, pts[0][1], 0.006)
	start, end := groups[0].all("circle", "start"), groups[0].all("circle", "end")
	require.Len(t, start, 1)
	require.Len(t, end, 1)
	assert.InDelta(t, right, start[0].num(t, "cx"), 0.006, "starts at (1, 1)")
	assert.InDelta(t, top, start[0].num(t, "cy"), 0.006)
	assert.InDelta(t, left+0.25*(right-left), end[0].num(t, "cx"), 0.006, "ends at (−½, 0)")

	entries := root.all("g", "legend-entry")
	require.Len(t, entries, 3)
	assert.Equal(t, []string{"descent"}, entries[0].texts(""))
	assert.Equal(t, []string{"start"}, entries[1].texts(""))
	assert.Equal(t, []string{"end"}, entries[2].texts(""))
}

func TestVectorFieldErrors(t *testing.T) {
	v := func(x, y float64) (float64, float64) { return x, y }
	for name, f := range map[string]VectorField{
		"empty window": {Window: Window{1, 1, 0, 1}, V: v},
		"NaN window":   {Window: Window{0, math.NaN(), 0, 1}, V: v},
		"negative":     {Window: Window{0, 1, 0, 1}, Size: -1, V: v},
		"no field":     {Window: Window{0, 1, 0, 1}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, f.Encode(&bytes.Buffer{}))
		})
	}
}
