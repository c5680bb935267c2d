package plot

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodePNG decodes a PNG and returns it with its pixels as RGBA.
func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	return img
}

func rgbaAt(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

func encodePNGBytes(t *testing.T, encode func(w *bytes.Buffer) error) image.Image {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, encode(&buf))
	return decodePNG(t, buf.Bytes())
}

// testScatter shows the window [0, 4] × [0, 2] at 200 × 100 pixels, 50
// pixels per unit, over a 2 × 2 field whose corners hold 0, 1 (top row) and
// 0.25, 0.75 (bottom row).
func testScatter() Scatter {
	return Scatter{
		Window: Window{0, 4, 0, 2},
		Width:  200, Height: 100,
		Field: &Field{NX: 2, NY: 2, Values: []float64{0, 1, 0.25, 0.75}, Min: 0, Max: 1},
	}
}

func TestScatterPixels(t *testing.T) {
	s := testScatter()
	s.Layers = []Dots{
		// (1, 0.5) → pixel (1/4·200, (2 − 0.5)/2·100) = (50, 75).
		Real([]Point{{1, 0.5}}),
		// (3, 1.5) → pixel (150, 25).
		Generated([]Point{{3, 1.5}}),
		// (2.01, 0.99) → pixel centre (100.5, 50.5): a ring of radius 6
		// passes exactly through the centre of pixel (106, 50).
		Modes([]Point{{2.01, 0.99}}),
		// Outside the window, or not finite: not drawn, no error.
		Real([]Point{{-1, 1}, {5, 1}, {1, math.NaN()}, {math.Inf(1), 1}}),
	}
	img := encodePNGBytes(t, func(w *bytes.Buffer) error { return s.EncodePNG(w) })
	require.Equal(t, image.Rect(0, 0, 200, 100), img.Bounds())

	assert.Equal(t, RealColor, rgbaAt(img, 50, 75), "real sample")
	assert.Equal(t, GeneratedColor, rgbaAt(img, 150, 25), "generated sample")
	assert.Equal(t, ModeColor, rgbaAt(img, 106, 50), "on the ring")
	assert.NotEqual(t, ModeColor, rgbaAt(img, 100, 50), "inside the ring")

	// Far from every dot the field shows, and at the corners it takes the
	// corner samples' values exactly (the interpolation is clamped there).
	assert.Equal(t, Diverging(0), rgbaAt(img, 0, 0), "top left")
	assert.Equal(t, Diverging(1), rgbaAt(img, 199, 0), "top right")
	assert.Equal(t, Diverging(0.25), rgbaAt(img, 0, 99), "bottom left")
	assert.Equal(t, Diverging(0.75), rgbaAt(img, 199, 99), "bottom right")
	// Halfway along the top edge, between the samples' centres at x = 50
	// and 150 pixels: pixel 99's centre 99.5 is at u = 99.5/100 − ½ = 0.495
	// of the way from 0 to 1, at row 0 (v clamped to 0).
	assert.Equal(t, Diverging(0.495), rgbaAt(img, 99, 0), "interpolated")
}

func TestScatterFieldRangeFromData(t *testing.T) {
	s := testScatter()
	s.Field = &Field{NX: 2, NY: 2, Values: []float64{10, 40, 20, math.NaN()}} // range [10, 40]
	img, err := s.Image()
	require.NoError(t, err)
	assert.Equal(t, Diverging(0), img.RGBAAt(0, 0))
	assert.Equal(t, Diverging(1), img.RGBAAt(199, 0))
	assert.Equal(t, Diverging(1.0/3), img.RGBAAt(0, 99))
	assert.Equal(t, NaNColor, img.RGBAAt(199, 99))
}

func TestScatterLaterLayersOnTop(t *testing.T) {
	s := Scatter{Window: Window{-1, 1, -1, 1}, Width: 20, Height: 20}
	p := []Point{{0, 0}} // pixel (10, 10)
	s.Layers = []Dots{Real(p), Generated(p)}
	img, err := s.Image()
	require.NoError(t, err)
	assert.Equal(t, GeneratedColor, img.RGBAAt(10, 10))
	assert.Equal(t, color.RGBA{0xff, 0xff, 0xff, 0xff}, img.RGBAAt(0, 0), "no field: white")

	// A disc of radius r covers a pixel by clamp(r + ½ − d, 0, 1), d the
	// distance from the pixel's centre. Centred on pixel (10, 10)'s centre
	// (10.5, 10.5) at (0.05, −0.05): pixel (12, 10) is at d = 2, covered;
	// (13, 10) at d = 3, untouched; (12, 11) at d = √5, covered 3 − √5.
	s.Layers = []Dots{Real([]Point{{0.05, -0.05}})}
	img, err = s.Image()
	require.NoError(t, err)
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	assert.Equal(t, RealColor, img.RGBAAt(12, 10))
	assert.Equal(t, white, img.RGBAAt(13, 10))
	assert.Equal(t, mix(white, RealColor, 3-math.Sqrt(5)), img.RGBAAt(12, 11))
	assert.NotEqual(t, white, img.RGBAAt(12, 11))
}

func TestScatterDefaults(t *testing.T) {
	img, err := Scatter{Window: Window{0, 1, 0, 1}}.Image()
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 400, 400), img.Bounds())
}

func TestScatterErrors(t *testing.T) {
	good := testScatter()
	tests := []struct {
		name   string
		change func(s *Scatter)
		want   string
	}{
		{"empty window", func(s *Scatter) { s.XMax = s.XMin }, "plot: Scatter: window {XMin:0 XMax:0 YMin:0 YMax:2} is empty, want XMin < XMax and YMin < YMax"},
		{"NaN window", func(s *Scatter) { s.YMin = math.NaN() }, "plot: Scatter: window {XMin:0 XMax:4 YMin:NaN YMax:2} is not finite"},
		{"negative size", func(s *Scatter) { s.Width = -1 }, "plot: Scatter: size -1×100 is negative"},
		{"field size", func(s *Scatter) { s.Field = &Field{NX: 2, NY: 3, Values: make([]float64, 5)} },
			"plot: Scatter: field of 5 values on a 2×3 grid, want NX·NY ≥ 1 values"},
		{"field range", func(s *Scatter) { s.Field.Min, s.Field.Max = 1, 0 }, "plot: Scatter: field range [1, 0] has Min > Max"},
		{"radius", func(s *Scatter) { s.Layers = []Dots{{Radius: -2}} }, "plot: Scatter: layer 0 has radius -2 < 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			f := *good.Field
			s.Field = &f
			tt.change(&s)
			var buf bytes.Buffer
			assert.EqualError(t, s.Encode(&buf), tt.want)
		})
	}
}

// The SVG carries the plot area as a PNG of the plot's size, and around it
// the title, round ticks on both axes, a legend entry per labelled layer
// and a colour key whose ticks span the field's range.
func TestScatterSVG(t *testing.T) {
	s := testScatter()
	s.Title, s.XLabel, s.YLabel = "GAN <ring-8>", "x₁", "x₂"
	s.Field.Label = "D(x)"
	s.Layers = []Dots{Real([]Point{{1, 0.5}}), Generated([]Point{{3, 1.5}}), Modes([]Point{{2, 1}}),
		{Points: []Point{{2, 2}}, Color: ModeColor}} // no label, no entry
	root := encodeSVG(t, func(w *bytes.Buffer) error { return s.Encode(w) })

	assert.Equal(t, []string{"GAN <ring-8>"}, root.texts("title"))
	assert.Equal(t, []string{"x₁"}, root.texts("label x"))
	assert.Equal(t, []string{"x₂"}, root.texts("label y"))
	// 200 × 100 pixels leave room for three ticks on each axis.
	assert.Equal(t, []string{"0", "2", "4"}, root.texts("tick x"))
	assert.Equal(t, []string{"0", "1", "2"}, root.texts("tick y"))
	entries := root.all("g", "legend-entry")
	require.Len(t, entries, 3)
	for i, want := range []string{"real samples", "generated samples", "mode centres"} {
		assert.Equal(t, []string{want}, entries[i].texts(""))
	}
	assert.Equal(t, hex(GeneratedColor), entries[1].all("circle", "")[0].attr("fill"))
	assert.Equal(t, []string{"0", "0.5", "1.0"}, root.texts("colorkey-tick"))
	assert.Equal(t, []string{"D(x)"}, root.texts("colorkey-label"))

	// The plot area is the picture Image draws, placed inside the frame.
	images := root.all("image", "plot")
	require.Len(t, images, 1)
	assert.Equal(t, "200", images[0].attr("width"))
	assert.Equal(t, "100", images[0].attr("height"))
	b64, ok := strings.CutPrefix(images[0].attr("href"), "data:image/png;base64,")
	require.True(t, ok)
	raw, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	img := decodePNG(t, raw)
	assert.Equal(t, RealColor, rgbaAt(img, 50, 75))
	left, top, right, bottom := plotArea(t, root)
	assert.Equal(t, [4]float64{images[0].num(t, "x"), images[0].num(t, "y"), 200, 100},
		[4]float64{left, top, right - left, bottom - top})
}

func TestScatterSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scatter.svg")
	s := testScatter()
	s.Layers = []Dots{Real([]Point{{1, 0.5}})}
	require.NoError(t, s.Save(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(data, []byte("<svg ")))

	missing := filepath.Join(dir, "no-such-dir", "scatter.svg")
	err = s.Save(missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)

	s.Width = -1
	err = s.Save(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "size -1×100 is negative")
	data2, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, data2, "a failed Save leaves the old file")
}

// BenchmarkScatterEncode draws and encodes a 400 × 400 picture of a 64 × 64
// field and 2 × 1000 samples, the size a chapter writes.
func BenchmarkScatterEncode(b *testing.B) { benchScatter(b, 1000) }

func benchScatter(b *testing.B, n int) {
	r := rand.New(rand.NewPCG(1, 0))
	var real, fake []Point
	for range n {
		real = append(real, Point{r.NormFloat64(), r.NormFloat64()})
		fake = append(fake, Point{r.NormFloat64() + 1, r.NormFloat64()})
	}
	w := FitWindow(0.1, real, fake).Square()
	grid := w.Grid(64, 64)
	values := make([]float64, len(grid))
	for i, p := range grid {
		values[i] = 1 / (1 + math.Exp(-p.X))
	}
	s := Scatter{Window: w, Field: &Field{NX: 64, NY: 64, Values: values, Min: 0, Max: 1},
		Layers: []Dots{Real(real), Generated(fake)}}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Encode(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
