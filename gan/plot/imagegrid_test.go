package plot

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImageGridGray(t *testing.T) {
	// Three 2 × 2 images in [−1, 1]: image k holds k/2 − 1 except its
	// top-left pixel, which holds +1 (white).
	pixels := make([]float64, 3*2*2)
	for k := range 3 {
		for p := range 4 {
			pixels[k*4+p] = float64(k)/2 - 1
		}
		pixels[k*4] = 1
	}
	g := ImageGrid{Pixels: pixels, Shape: []int{3, 2, 2}, Lo: -1, Hi: 1, Cols: 2, Scale: 2, Border: 1}
	img := encodePNGBytes(t, func(w *bytes.Buffer) error { return g.Encode(w) })
	// Two columns and two rows of 4 × 4 cells with 1 px borders:
	// 1 + 2·(4 + 1) = 11 pixels each way.
	require.Equal(t, image.Rect(0, 0, 11, 11), img.Bounds())

	gray := func(l uint8) color.RGBA { return color.RGBA{l, l, l, 0xff} }
	assert.Equal(t, borderColor, rgbaAt(img, 0, 0), "outer border")
	assert.Equal(t, borderColor, rgbaAt(img, 5, 3), "border between columns")
	assert.Equal(t, borderColor, rgbaAt(img, 8, 8), "the empty fourth slot")

	// Image 0 at (1, 1): white top-left 2 × 2 block, then −1 → black.
	assert.Equal(t, gray(255), rgbaAt(img, 1, 1))
	assert.Equal(t, gray(255), rgbaAt(img, 2, 2))
	assert.Equal(t, gray(0), rgbaAt(img, 3, 1))
	// Image 1 at (6, 1): −½ → 255·¼ = 63.75 → 64.
	assert.Equal(t, gray(64), rgbaAt(img, 9, 4))
	// Image 2 at (1, 6), second row: 0 → 127.5 → 128.
	assert.Equal(t, gray(255), rgbaAt(img, 1, 6))
	assert.Equal(t, gray(128), rgbaAt(img, 4, 9))
}

func TestImageGridRGB(t *testing.T) {
	// One 1 × 2 RGB image in [0, 1], stored as three planes:
	// pixel 0 = (1, 0, 0.5), pixel 1 = (2, NaN, 0): out of range clamps,
	// NaN paints magenta.
	g := ImageGrid{
		Pixels: []float64{1, 2, 0, math.NaN(), 0.5, 0},
		Shape:  []int{1, 3, 1, 2}, Lo: 0, Hi: 1,
	}
	img, err := g.Image()
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 2, 1), img.Bounds(), "no border, no scale")
	assert.Equal(t, color.RGBA{255, 0, 128, 255}, img.RGBAAt(0, 0))
	assert.Equal(t, nanPixel, img.RGBAAt(1, 0))
}

func TestImageGridDefaultColumns(t *testing.T) {
	// Five images: ⌈√5⌉ = 3 columns, 2 rows.
	g := ImageGrid{Pixels: make([]float64, 5), Shape: []int{5, 1, 1, 1}, Lo: 0, Hi: 1, Border: 2}
	img, err := g.Image()
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 2+3*3, 2+2*3), img.Bounds())
}

func TestImageGridErrors(t *testing.T) {
	tests := []struct {
		name string
		g    ImageGrid
		want string
	}{
		{"shape rank", ImageGrid{Shape: []int{4, 4}}, "plot: ImageGrid: shape [4 4], want (n, h, w) or (n, c, h, w)"},
		{"channels", ImageGrid{Shape: []int{1, 2, 1, 1}, Pixels: make([]float64, 2)}, "plot: ImageGrid: shape [1 2 1 1], want n, h, w ≥ 1 and c = 1 or 3"},
		{"count", ImageGrid{Shape: []int{2, 3, 3}, Pixels: make([]float64, 17), Lo: 0, Hi: 1}, "plot: ImageGrid: 17 values for shape [2 3 3], want 18"},
		{"range", ImageGrid{Shape: []int{1, 1, 1}, Pixels: []float64{0}, Lo: 1, Hi: 1}, "plot: ImageGrid: value range [1, 1], want finite Lo < Hi"},
		{"negative", ImageGrid{Shape: []int{1, 1, 1}, Pixels: []float64{0}, Hi: 1, Scale: -2}, "plot: ImageGrid: Cols 0, Scale -2, Border 0, want ≥ 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.g.Encode(&bytes.Buffer{}), tt.want)
		})
	}
}

func TestImageGridSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samples.png")
	g := ImageGrid{Pixels: []float64{-1, 1}, Shape: []int{2, 1, 1}, Lo: -1, Hi: 1, Cols: 2}
	require.NoError(t, g.Save(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	img := decodePNG(t, data)
	assert.Equal(t, color.RGBA{0, 0, 0, 255}, rgbaAt(img, 0, 0))
	assert.Equal(t, color.RGBA{255, 255, 255, 255}, rgbaAt(img, 1, 0))
}
