package plot

import (
	"image/color"
	"math"
)

// The colours of the scatter picture, the same in every chapter. The
// background is the Diverging map, green where the discriminator (or
// critic) says "real" and purple where it says "generated". Real samples
// are a dark green, darker than any background; generated samples are
// orange, a hue on neither end of the map, so that they stand out on both
// and never read as the background's "generated" purple.
var (
	RealColor      = color.RGBA{0x00, 0x44, 0x1b, 0xff} // dark green
	GeneratedColor = color.RGBA{0xf0, 0x80, 0x00, 0xff} // orange
	ModeColor      = color.RGBA{0x00, 0x00, 0x00, 0xff} // black rings
	// NaNColor is what every colour map returns for NaN, and what the
	// pictures paint where a value is NaN: a mid gray, on neither ramp.
	NaNColor = color.RGBA{0x99, 0x99, 0x99, 0xff}
)

// ramp is a colour map given by anchor colours at equally spaced t in
// [0, 1]; between two anchors the red, green and blue channels are
// interpolated linearly.
type ramp []color.RGBA

func (r ramp) at(t float64) color.RGBA {
	if math.IsNaN(t) {
		return NaNColor
	}
	s := clamp01(t) * float64(len(r)-1)
	i := min(int(s), len(r)-2) // t = 1 uses the last segment at f = 1
	return mix(r[i], r[i+1], s-float64(i))
}

// diverging runs from purple through near-white to green, a light version
// of the purple-green scheme of ColorBrewer, so that dark dots stay visible
// on both ends.
var diverging = ramp{
	{0x99, 0x70, 0xab, 0xff},
	{0xc2, 0xa5, 0xcf, 0xff},
	{0xf7, 0xf7, 0xf7, 0xff},
	{0xa6, 0xdb, 0xa0, 0xff},
	{0x5a, 0xae, 0x61, 0xff},
}

// sequential runs from dark violet through blue and teal to yellow, close to
// matplotlib's viridis at t = 0, ¼, ½, ¾, 1. Its lightness rises
// monotonically, so it reads correctly in gray too.
var sequential = ramp{
	{0x44, 0x01, 0x54, 0xff},
	{0x3b, 0x52, 0x8b, 0xff},
	{0x21, 0x91, 0x8c, 0xff},
	{0x5e, 0xc9, 0x62, 0xff},
	{0xfd, 0xe7, 0x25, 0xff},
}

// Diverging maps t ∈ [0, 1] to a purple → white → green ramp: t = 0 is
// purple, t = ½ near-white, t = 1 green. t outside [0, 1] is clamped; NaN
// gives NaNColor. The scatter picture paints a discriminator's output with
// it, so purple means "looks generated" and green "looks real".
func Diverging(t float64) color.RGBA { return diverging.at(t) }

// Sequential maps t ∈ [0, 1] to a viridis-like ramp from dark violet (t = 0)
// to yellow (t = 1). t outside [0, 1] is clamped; NaN gives NaNColor. The
// matrix heatmap uses it for counts and other values with no natural middle.
func Sequential(t float64) color.RGBA { return sequential.at(t) }

// palette holds the line colours, taken in order: the Okabe–Ito colours,
// which stay distinct for readers with the common kinds of colour blindness.
var palette = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	{0x00, 0x9e, 0x73, 0xff}, // bluish green
	{0xcc, 0x79, 0xa7, 0xff}, // reddish purple
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xf0, 0xe4, 0x42, 0xff}, // yellow
}

// SeriesColor returns the colour a LineChart gives its i-th series when the
// series sets none; the eight colours repeat from i = 8 on. It panics with
// tensor.ErrArgument if i is negative.
func SeriesColor(i int) color.RGBA {
	if i < 0 {
		panicf("SeriesColor", "index %d < 0", i)
	}
	return palette[i%len(palette)]
}

// mix returns a·(1−f) + b·f channel by channel, rounded; alpha is a's.
func mix(a, b color.RGBA, f float64) color.RGBA {
	ch := func(x, y uint8) uint8 {
		return uint8(math.Round(float64(x) + (float64(y)-float64(x))*f))
	}
	return color.RGBA{ch(a.R, b.R), ch(a.G, b.G), ch(a.B, b.B), a.A}
}

func clamp01(t float64) float64 { return math.Max(0, math.Min(1, t)) }

// normalize maps v from [lo, hi] to [0, 1] (not clamped). A zero-width range
// maps everything to ½, the middle of a colour map.
func normalize(v, lo, hi float64) float64 {
	if hi == lo {
		return 0.5
	}
	return (v - lo) / (hi - lo)
}

// colorRange returns [min, max] if the caller gave a range (min ≠ max), and
// otherwise the smallest and largest finite values; with no finite values
// at all it returns [0, 1].
func colorRange(values []float64, min, max float64) (lo, hi float64) {
	if min != max {
		return min, max
	}
	lo, hi, ok := finiteRange(values)
	if !ok {
		return 0, 1
	}
	return lo, hi
}

// finiteRange returns the smallest and largest finite values, and false if
// there are none.
func finiteRange(values []float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if isFinite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			ok = true
		}
	}
	return lo, hi, ok
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// hex writes c as "#rrggbb" for SVG.
func hex(c color.RGBA) string {
	const digits = "0123456789abcdef"
	b := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range []uint8{c.R, c.G, c.B} {
		b[1+2*i] = digits[v>>4]
		b[2+2*i] = digits[v&15]
	}
	return string(b)
}
