package data_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

func TestTwinBarsImages(t *testing.T) {
	x, angles := data.TwinBars(rand.New(rand.NewPCG(1, 2)), 300)
	require.Equal(t, []int{300, 1, 16, 16}, x.Shape())
	require.Len(t, angles, 300)
	inCorner := func(i, j int) bool {
		return (i < data.TwinBarsCorner && j < data.TwinBarsCorner) || (i >= data.TwinBarsFar && j >= data.TwinBarsFar)
	}
	for k, theta := range angles {
		require.True(t, theta >= 0 && theta < math.Pi, "θ = %v", theta)
		for i := range 16 {
			for j := range 16 {
				v := x.At(k, 0, i, j)
				if inCorner(i, j) {
					require.True(t, v >= -1 && v <= 1, "image %d pixel (%d,%d) = %v", k, i, j, v)
				} else {
					require.Equal(t, -1.0, v, "image %d pixel (%d,%d) is outside the corners", k, i, j)
				}
			}
		}
	}
	// Same source, same images.
	y, _ := data.TwinBars(rand.New(rand.NewPCG(1, 2)), 300)
	assert.Equal(t, x.Data(), y.Data())
}

// The rule reads back the angle each bar was drawn with, finds every real
// bar readable, and finds the two bars of a real image in agreement.
func TestTwinBarsReadBack(t *testing.T) {
	x, angles := data.TwinBars(rand.New(rand.NewPCG(3, 4)), 2000)
	for k, theta := range angles {
		for _, far := range []bool{false, true} {
			b := data.ReadBar(x, k, far)
			require.True(t, b.Readable(), "image %d far %v: %+v", k, far, b)
			require.Less(t, data.AngleBetween(b.Angle, theta), 2*math.Pi/180, "image %d far %v: read %v, drawn %v", k, far, b.Angle, theta)
		}
	}
	sc := data.ScoreTwinBars(x)
	assert.Equal(t, 1.0, sc.Agreement)
	assert.Equal(t, 1.0, sc.Readable)
	assert.Less(t, sc.MeanGap, math.Pi/180)
	// Corners of different images agree as independent uniform angles
	// would, 2·15°/180° = 1/6 of the time (binomial s.e. 0.008 at 2,000).
	assert.InDelta(t, 1.0/6, sc.Shuffled, 0.035)
}

// Images whose two corners come from different real images: the corners
// are independent, and Agreement falls to the shuffled baseline.
func TestTwinBarsIndependentCorners(t *testing.T) {
	a, _ := data.TwinBars(rand.New(rand.NewPCG(5, 6)), 2000)
	b, _ := data.TwinBars(rand.New(rand.NewPCG(7, 8)), 2000)
	mixed := a.Clone()
	for k := range 2000 {
		for i := data.TwinBarsFar; i < 16; i++ {
			for j := data.TwinBarsFar; j < 16; j++ {
				mixed.Set(b.At(k, 0, i, j), k, 0, i, j)
			}
		}
	}
	sc := data.ScoreTwinBars(mixed)
	assert.InDelta(t, 1.0/6, sc.Agreement, 0.035)
	assert.InDelta(t, sc.Shuffled, sc.Agreement, 0.05)
	assert.Equal(t, 1.0, sc.Readable)
	assert.InDelta(t, math.Pi/4, sc.MeanGap, 0.05) // E|Δθ| for independent uniform angles mod π
}

// Hand-drawn corners: a horizontal line, a "\" diagonal, a blank corner
// and a filled square.
func TestReadBar(t *testing.T) {
	x := tensor.Full(-1, 4, 1, 16, 16)
	for j := range 5 {
		x.Set(1, 0, 0, 2, j) // row 2 of the top-left corner: horizontal
		x.Set(1, 1, 0, 11+j, 11+j)
	}
	for i := range 5 {
		for j := range 5 {
			x.Set(1, 3, 0, i, j)
		}
	}
	h := data.ReadBar(x, 0, false)
	assert.InDelta(t, 0, data.AngleBetween(h.Angle, 0), 1e-12)
	assert.Equal(t, 5.0, h.Ink)
	assert.True(t, math.IsInf(h.Elongation, 1))
	assert.True(t, h.Readable())
	d := data.ReadBar(x, 1, true)
	assert.InDelta(t, math.Pi/4, d.Angle, 1e-12)
	assert.True(t, d.Readable())
	assert.False(t, data.ReadBar(x, 2, false).Readable(), "a blank corner")
	square := data.ReadBar(x, 3, false)
	assert.InDelta(t, 1, square.Elongation, 1e-12)
	assert.False(t, square.Readable(), "a square blob")

	assert.Panics(t, func() { data.ReadBar(tensor.Zeros(2, 1, 8, 8), 0, false) })
	assert.Panics(t, func() { data.ReadBar(x, 4, false) })
	assert.Panics(t, func() { data.ScoreTwinBars(tensor.Zeros(1, 1, 16, 16)) })
	assert.Panics(t, func() { data.TwinBars(rand.New(rand.NewPCG(1, 1)), -1) })
}

func TestAngleBetween(t *testing.T) {
	for _, c := range []struct{ a, b, want float64 }{
		{0, 0, 0}, {0.1, 0.3, 0.2}, {0.05, math.Pi - 0.05, 0.1}, {0, math.Pi / 2, math.Pi / 2}, {3 * math.Pi, 0.2, 0.2},
	} {
		assert.InDelta(t, c.want, data.AngleBetween(c.a, c.b), 1e-12, "%v, %v", c.a, c.b)
	}
}
