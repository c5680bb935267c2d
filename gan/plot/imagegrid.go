package plot

import (
	"image"
	"image/color"
	"io"
	"math"
)

// ImageGrid lays out a batch of small images, such as generated digits, in
// a grid. Pixels holds the batch in row-major order with Shape (n, h, w)
// for grayscale or (n, c, h, w) with c = 1 (gray) or c = 3 (red, green,
// blue planes), as a tensor stores it.
//
// A value v becomes the 8-bit level round(255·clamp((v − Lo)/(Hi − Lo))):
// give Lo = −1, Hi = 1 for a generator with a tanh output, Lo = 0, Hi = 1
// for pixel intensities. NaN paints magenta, which no clamped value can be.
// The images go left to right, Cols to a row (0 means ⌈√n⌉), each upscaled
// Scale times (0 means 1), with Border gray pixels around and between
// them (0 means none; 1 or 2 reads best).
type ImageGrid struct {
	Pixels []float64
	Shape  []int
	Lo, Hi float64
	Cols   int
	Scale  int
	Border int
}

var (
	borderColor = color.RGBA{0x80, 0x80, 0x80, 0xff}
	nanPixel    = color.RGBA{0xff, 0x00, 0xff, 0xff}
)

// dims returns n, c, h, w from Shape, or an error.
func (g ImageGrid) dims() (n, c, h, w int, err error) {
	switch len(g.Shape) {
	case 3:
		n, c, h, w = g.Shape[0], 1, g.Shape[1], g.Shape[2]
	case 4:
		n, c, h, w = g.Shape[0], g.Shape[1], g.Shape[2], g.Shape[3]
	default:
		return 0, 0, 0, 0, argError("ImageGrid", "shape %v, want (n, h, w) or (n, c, h, w)", g.Shape)
	}
	if n < 1 || h < 1 || w < 1 || (c != 1 && c != 3) {
		return 0, 0, 0, 0, argError("ImageGrid", "shape %v, want n, h, w ≥ 1 and c = 1 or 3", g.Shape)
	}
	if len(g.Pixels) != n*c*h*w {
		return 0, 0, 0, 0, argError("ImageGrid", "%d values for shape %v, want %d", len(g.Pixels), g.Shape, n*c*h*w)
	}
	return n, c, h, w, nil
}

// Image draws the grid. Image k sits in grid row k / cols, column k % cols,
// its top-left pixel at (Border + col·(w·Scale + Border), Border +
// row·(h·Scale + Border)). It returns an error if Shape does not describe
// Pixels, Lo ≥ Hi, or Cols, Scale or Border is negative.
func (g ImageGrid) Image() (*image.RGBA, error) {
	n, c, h, w, err := g.dims()
	if err != nil {
		return nil, err
	}
	if !(g.Lo < g.Hi) || !isFinite(g.Lo) || !isFinite(g.Hi) {
		return nil, argError("ImageGrid", "value range [%g, %g], want finite Lo < Hi", g.Lo, g.Hi)
	}
	if g.Cols < 0 || g.Scale < 0 || g.Border < 0 {
		return nil, argError("ImageGrid", "Cols %d, Scale %d, Border %d, want ≥ 0", g.Cols, g.Scale, g.Border)
	}
	cols := g.Cols
	if cols == 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	scale, b := orDefault(g.Scale, 1), g.Border
	cellW, cellH := w*scale, h*scale
	img := image.NewRGBA(image.Rect(0, 0, b+cols*(cellW+b), b+rows*(cellH+b)))
	fill(img, borderColor)
	for k := range n {
		x0 := b + (k%cols)*(cellW+b)
		y0 := b + (k/cols)*(cellH+b)
		for y := range cellH {
			for x := range cellW {
				img.SetRGBA(x0+x, y0+y, g.pixel(k, c, h, w, y/scale, x/scale))
			}
		}
	}
	return img, nil
}

// pixel returns the colour of row y, column x of image k.
func (g ImageGrid) pixel(k, c, h, w, y, x int) color.RGBA {
	level := func(ch int) (uint8, bool) {
		v := g.Pixels[((k*c+ch)*h+y)*w+x]
		if math.IsNaN(v) {
			return 0, false
		}
		return uint8(math.Round(255 * clamp01((v-g.Lo)/(g.Hi-g.Lo)))), true
	}
	if c == 1 {
		l, ok := level(0)
		if !ok {
			return nanPixel
		}
		return color.RGBA{l, l, l, 0xff}
	}
	r, okR := level(0)
	gr, okG := level(1)
	bl, okB := level(2)
	if !okR || !okG || !okB {
		return nanPixel
	}
	return color.RGBA{r, gr, bl, 0xff}
}

// Encode writes the grid to w as PNG.
func (g ImageGrid) Encode(w io.Writer) error { return encodePNG(w, g.Image) }

// Save writes the grid as a PNG file, atomically; its error names path.
func (g ImageGrid) Save(path string) error { return save(path, g.Encode) }
