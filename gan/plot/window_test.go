package plot

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPointsAndFlatten(t *testing.T) {
	xy := []float64{1, 2, 3, 4, -5, 6}
	ps := Points(xy)
	require.Equal(t, []Point{{1, 2}, {3, 4}, {-5, 6}}, ps)
	assert.Equal(t, xy, Flatten(ps))
	assert.Empty(t, Points(nil))
	assertArgumentPanic(t, "plot: Points: bad argument 3 coordinates, want an even number", func() { Points([]float64{1, 2, 3}) })
}

func TestFitWindow(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		margin float64
		sets   [][]Point
		want   Window
	}{
		// x spans [−1, 3] (width 4), y spans [0, 2] (height 2); a margin of
		// ¼ adds 1 on each side in x and ½ in y.
		{"two sets", 0.25, [][]Point{{{-1, 0}, {1, 2}}, {{3, 1}}}, Window{-2, 4, -0.5, 2.5}},
		{"no margin", 0, [][]Point{{{-1, 0}, {3, 2}}}, Window{-1, 3, 0, 2}},
		{"skips NaN and Inf", 0, [][]Point{{{nan, 100}, {0, 0}, {1, math.Inf(1)}, {2, 1}}}, Window{0, 2, 0, 1}},
		{"one point", 0.5, [][]Point{{{3, -4}}}, Window{1, 5, -6, -2}},
		{"no points", 0.1, nil, Window{-1, 1, -1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, FitWindow(tt.margin, tt.sets...))
		})
	}
}

func TestWindowSquare(t *testing.T) {
	assert.Equal(t, Window{-2, 4, -2.5, 3.5}, Window{-2, 4, 0, 1}.Square(), "wide: grow y about 0.5")
	assert.Equal(t, Window{-4, 6, 0, 10}, Window{0, 2, 0, 10}.Square(), "tall: grow x about 1")
	assert.Equal(t, Window{0, 1, 0, 1}, Window{0, 1, 0, 1}.Square())
}

func TestWindowGrid(t *testing.T) {
	// Cells of [0, 4] × [0, 2] cut 2 × 2 are 2 wide and 1 high; their centres,
	// top row first, are (1, 1.5), (3, 1.5), (1, 0.5), (3, 0.5).
	got := Window{0, 4, 0, 2}.Grid(2, 2)
	assert.Equal(t, []Point{{1, 1.5}, {3, 1.5}, {1, 0.5}, {3, 0.5}}, got)

	got = Window{-1, 1, -1, 1}.Grid(4, 1)
	assert.Equal(t, []Point{{-0.75, 0}, {-0.25, 0}, {0.25, 0}, {0.75, 0}}, got)

	assertArgumentPanic(t, "plot: Window.Grid: bad argument 0×3 cells, want at least 1×1", func() { Window{0, 1, 0, 1}.Grid(0, 3) })
}
