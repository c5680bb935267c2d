package plot

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"ganbook/layers/atomicfile"
)

// save writes a file atomically through encode. atomicfile's errors start
// with "write <path>:", so every Save error names its file.
func save(path string, encode func(io.Writer) error) error {
	return atomicfile.Write(path, encode)
}

// encodePNG draws a picture and writes it to w as PNG.
func encodePNG(w io.Writer, draw func() (*image.RGBA, error)) error {
	img, err := draw()
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func fill(img *image.RGBA, c color.RGBA) {
	b := img.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// drawDisc paints a disc of radius r centred at (cx, cy) in continuous
// pixel coordinates. A pixel whose centre is at distance d from (cx, cy)
// gets coverage clamp(r + ½ − d, 0, 1) of c, a one-pixel antialiased edge;
// the pixel holding the centre (d ≤ √½) is covered fully once r ≥ 0.21.
func drawDisc(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	paint(img, cx, cy, r+1, c, func(d float64) float64 { return r + 0.5 - d })
}

// drawRing paints a circle line of radius r and width ringWidth: coverage
// clamp(ringWidth/2 + ½ − |d − r|, 0, 1).
func drawRing(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	paint(img, cx, cy, r+ringWidth/2+1, c, func(d float64) float64 {
		return ringWidth/2 + 0.5 - math.Abs(d-r)
	})
}

// paint blends c into every pixel within reach of (cx, cy) by the coverage
// that cover returns for the distance from the pixel's centre.
func paint(img *image.RGBA, cx, cy, reach float64, c color.RGBA, cover func(d float64) float64) {
	b := img.Rect
	x0, x1 := max(int(math.Floor(cx-reach)), b.Min.X), min(int(math.Ceil(cx+reach)), b.Max.X-1)
	y0, y1 := max(int(math.Floor(cy-reach)), b.Min.Y), min(int(math.Ceil(cy+reach)), b.Max.Y-1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			a := clamp01(cover(d))
			if a > 0 {
				img.SetRGBA(x, y, mix(img.RGBAAt(x, y), c, a))
			}
		}
	}
}
