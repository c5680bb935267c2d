package plot

import (
	"image/color"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestColorMaps(t *testing.T) {
	// Expected values are the anchors themselves, or the rounded average of
	// two neighbouring anchors for t halfway between them, worked out by
	// hand: (0x99 + 0xc2)/2 = (153 + 194)/2 = 173.5 → 174, and so on.
	tests := []struct {
		name string
		m    func(float64) color.RGBA
		t    float64
		want color.RGBA
	}{
		{"diverging at 0", Diverging, 0, color.RGBA{0x99, 0x70, 0xab, 0xff}},
		{"diverging at ½", Diverging, 0.5, color.RGBA{0xf7, 0xf7, 0xf7, 0xff}},
		{"diverging at 1", Diverging, 1, color.RGBA{0x5a, 0xae, 0x61, 0xff}},
		{"diverging at ⅛", Diverging, 0.125, color.RGBA{174, 139, 189, 0xff}},
		{"diverging clamps below", Diverging, -3, color.RGBA{0x99, 0x70, 0xab, 0xff}},
		{"diverging clamps above", Diverging, 7, color.RGBA{0x5a, 0xae, 0x61, 0xff}},
		{"diverging NaN", Diverging, math.NaN(), NaNColor},
		{"sequential at 0", Sequential, 0, color.RGBA{0x44, 0x01, 0x54, 0xff}},
		{"sequential at ¾", Sequential, 0.75, color.RGBA{0x5e, 0xc9, 0x62, 0xff}},
		{"sequential at 1", Sequential, 1, color.RGBA{0xfd, 0xe7, 0x25, 0xff}},
		// between 0x5ec962 and 0xfde725: (94+253)/2 = 173.5 → 174,
		// (201+231)/2 = 216, (98+37)/2 = 67.5 → 68.
		{"sequential at ⅞", Sequential, 0.875, color.RGBA{174, 216, 68, 0xff}},
		{"sequential clamps", Sequential, math.Inf(1), color.RGBA{0xfd, 0xe7, 0x25, 0xff}},
		{"sequential NaN", Sequential, math.NaN(), NaNColor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m(tt.t))
		})
	}
}

func TestSequentialGetsLighter(t *testing.T) {
	// Luma 0.299 R + 0.587 G + 0.114 B must rise along the ramp, so that
	// bigger values always look lighter.
	luma := func(c color.RGBA) float64 { return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B) }
	prev := -1.0
	for i := range 101 {
		l := luma(Sequential(float64(i) / 100))
		require.Greater(t, l, prev, "at t = %v", float64(i)/100)
		prev = l
	}
}

func TestSeriesColor(t *testing.T) {
	assert.Equal(t, color.RGBA{0x00, 0x72, 0xb2, 0xff}, SeriesColor(0))
	assert.Equal(t, SeriesColor(1), SeriesColor(9), "colours repeat after eight")
	assert.NotEqual(t, SeriesColor(0), SeriesColor(1))
	assertArgumentPanic(t, "plot: SeriesColor: bad argument index -1 < 0", func() { SeriesColor(-1) })
}

func TestHex(t *testing.T) {
	assert.Equal(t, "#0072b2", hex(color.RGBA{0x00, 0x72, 0xb2, 0xff}))
	assert.Equal(t, "#ff0a00", hex(color.RGBA{0xff, 0x0a, 0x00, 0xff}))
}

func TestColorRange(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name     string
		values   []float64
		min, max float64
		lo, hi   float64
	}{
		{"given range wins", []float64{-5, 5}, 0, 1, 0, 1},
		{"from the data", []float64{3, -2, 7}, 0, 0, -2, 7},
		{"skips NaN and Inf", []float64{nan, 2, math.Inf(1), 4, math.Inf(-1)}, 0, 0, 2, 4},
		{"nothing finite", []float64{nan}, 0, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := colorRange(tt.values, tt.min, tt.max)
			assert.Equal(t, tt.lo, lo)
			assert.Equal(t, tt.hi, hi)
		})
	}
}
