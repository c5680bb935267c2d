package plot

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// Scatter is the picture GAN Lab draws: real and generated samples as dots
// over a heatmap of the discriminator (or critic), in a window of the data
// plane. Layers are drawn in order over the Field, so later layers cover
// earlier ones where they overlap. A point at (x, y) lands in pixel
//
//	px = ⌊(x − XMin)/(XMax − XMin)·Width⌋,   py = ⌊(YMax − y)/(YMax − YMin)·Height⌋,
//
// of the picture's plot area, with y growing upward. Points outside the
// window, or with a NaN or infinite coordinate, are not drawn.
//
// Image draws the plot area alone, pixels only. Encode and Save write an
// SVG that embeds that image (as a PNG) and adds what a reader needs to
// read it without the code: the title, both axes with round ticks, a
// legend of the dot layers below the x axis and, for a Field, a colour key
// on the right, all outside the plot area.
type Scatter struct {
	Window
	Title          string
	XLabel, YLabel string // the axes' labels
	Width, Height  int    // size of the plot area in pixels; 0 means 400
	Field          *Field // background; nil means white
	Layers         []Dots
}

// Field is a scalar function f(x, y) sampled at the cell centres of
// Window.Grid(NX, NY): Values[i·NX + j] belongs to row i (from the top)
// and column j. The picture interpolates bilinearly between the samples and
// paints the result with Diverging: Min gets t = 0 (purple), Max gets t = 1
// (green). For a discriminator's probability D(x, y) use Min = 0, Max = 1,
// so that D = ½ is white; leave Min = Max (both 0, say) to stretch the
// colours over the finite values present, as suits an unbounded critic.
// NaN paints NaNColor. Label names the value in the colour key.
type Field struct {
	NX, NY   int
	Values   []float64
	Min, Max float64
	Label    string // "critic value f(x)"
}

// Dots is one set of points drawn in one colour, as filled discs or as
// rings (outline circles 1.5 px wide), with antialiased edges. A disc
// paints the pixel that holds its point exactly Color (any Radius ≥ ¼).
// Label names the layer in the legend; a layer without one has no entry.
type Dots struct {
	Points []Point
	Color  color.RGBA
	Radius float64 // in pixels; 0 means 2.5 for discs, 6 for rings
	Ring   bool
	Label  string
}

// Real returns the points as filled discs of RealColor, labelled "real
// samples".
func Real(ps []Point) Dots { return Dots{Points: ps, Color: RealColor, Label: "real samples"} }

// Generated returns the points as filled discs of GeneratedColor, labelled
// "generated samples".
func Generated(ps []Point) Dots {
	return Dots{Points: ps, Color: GeneratedColor, Label: "generated samples"}
}

// Modes returns the points as rings of ModeColor, labelled "mode centres",
// to mark the centres of a mixture's modes under the samples drawn before
// them.
func Modes(ps []Point) Dots {
	return Dots{Points: ps, Color: ModeColor, Ring: true, Label: "mode centres"}
}

const (
	defaultSide       = 400
	defaultDotRadius  = 2.5
	defaultRingRadius = 6
	ringWidth         = 1.5
)

// Image draws the picture. It returns an error if the window is empty or
// not finite, a size is negative, or the Field's values do not number
// NX·NY or its Min > Max.
func (s Scatter) Image() (*image.RGBA, error) {
	if err := s.valid(); err != nil {
		return nil, err
	}
	w, h := orDefault(s.Width, defaultSide), orDefault(s.Height, defaultSide)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if s.Field != nil {
		s.paintField(img)
	} else {
		fill(img, color.RGBA{0xff, 0xff, 0xff, 0xff})
	}
	for _, d := range s.Layers {
		s.drawDots(img, d)
	}
	return img, nil
}

// EncodePNG writes the plot area alone to w as PNG.
func (s Scatter) EncodePNG(w io.Writer) error { return encodePNG(w, s.Image) }

// Encode writes the whole picture to w as SVG: the plot area as an
// embedded PNG, and around it the title, the axes, the legend and the
// colour key. It returns the errors of Image.
func (s Scatter) Encode(w io.Writer) error {
	img, err := s.Image()
	if err != nil {
		return err
	}
	var raster bytes.Buffer
	if err := png.Encode(&raster, img); err != nil {
		return err
	}
	pw, ph := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	x := linearAxis(s.XMin, s.XMax, true, max(int(pw/70), 3))
	y := linearAxis(s.YMin, s.YMax, true, max(int(ph/50), 3))

	// Layout: the frame's left edge leaves room for the y ticks, the plot
	// area is the image's size, the colour key sits right of it, the legend
	// below the x axis.
	f := newFrame(0, 0, x, y)
	f.right = f.left + pw
	f.top = titleSpace
	f.bottom = f.top + ph
	var lo, hi float64
	keyWidth := 0.0
	if s.Field != nil {
		lo, hi = colorRange(s.Field.Values, s.Field.Min, s.Field.Max)
		keyWidth = 16 + colorKeyWidth(lo, hi, ph, s.Field.Label)
	}
	f.width = math.Max(f.right+keyWidth+rightSpace, float64(len([]rune(s.Title))*8+20))
	legend := legendRows(s.legend(), f.width-20)
	f.height = f.bottom + xLabelSpace + legendHeight(legend) + 4
	f.x.from, f.x.to = f.left, f.right
	f.y.from, f.y.to = f.bottom, f.top

	var doc svgDoc
	doc.begin(f.width, f.height)
	doc.printf(`<image class="plot" x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" href="data:image/png;base64,%s"/>`+"\n",
		num(f.left), num(f.top), num(pw), num(ph), base64.StdEncoding.EncodeToString(raster.Bytes()))
	f.drawTicks(&doc, s.Title, s.XLabel, s.YLabel)
	if s.Field != nil {
		colorKey(&doc, func(t float64) string { return hex(Diverging(t)) }, f.right+16, f.top, f.bottom, lo, hi, s.Field.Label)
	}
	drawLegend(&doc, legend, (f.left+f.right)/2, f.bottom+xLabelSpace-6)
	return doc.end(w)
}

// legend lists the labelled layers.
func (s Scatter) legend() []legendItem {
	var items []legendItem
	for _, d := range s.Layers {
		if d.Label == "" {
			continue
		}
		col, ring := hex(d.Color), d.Ring
		items = append(items, legendItem{label: d.Label, mark: func(doc *svgDoc, x, y float64) {
			if ring {
				doc.printf(`<circle cx="%s" cy="%s" r="5" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", num(x), num(y), col)
			} else {
				doc.printf(`<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`+"\n", num(x), num(y), col)
			}
		}})
	}
	return items
}

// Save writes the picture as an SVG file, atomically; its error names path.
func (s Scatter) Save(path string) error { return save(path, s.Encode) }

// SavePNG writes the plot area alone as a PNG file, atomically.
func (s Scatter) SavePNG(path string) error { return save(path, s.EncodePNG) }

func (s Scatter) valid() error {
	if err := s.Window.valid("Scatter"); err != nil {
		return err
	}
	if s.Width < 0 || s.Height < 0 {
		return argError("Scatter", "size %d×%d is negative", s.Width, s.Height)
	}
	if f := s.Field; f != nil {
		if f.NX < 1 || f.NY < 1 || len(f.Values) != f.NX*f.NY {
			return argError("Scatter", "field of %d values on a %d×%d grid, want NX·NY ≥ 1 values",
				len(f.Values), f.NX, f.NY)
		}
		if f.Min > f.Max {
			return argError("Scatter", "field range [%g, %g] has Min > Max", f.Min, f.Max)
		}
	}
	for i, d := range s.Layers {
		if d.Radius < 0 {
			return argError("Scatter", "layer %d has radius %g < 0", i, d.Radius)
		}
	}
	return nil
}

// paintField colours every pixel by the field's value at the pixel's
// centre. Sample (i, j) sits at the centre of grid cell (i, j), so pixel
// (px, py) is at the fractional grid position
//
//	u = (px + ½)·NX/W − ½,   v = (py + ½)·NY/H − ½,
//
// clamped to the outermost samples; the value is the bilinear blend of the
// four samples around (u, v).
func (s Scatter) paintField(img *image.RGBA) {
	f := s.Field
	lo, hi := colorRange(f.Values, f.Min, f.Max)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for py := range h {
		v := clampTo((float64(py)+0.5)*float64(f.NY)/float64(h)-0.5, float64(f.NY-1))
		for px := range w {
			u := clampTo((float64(px)+0.5)*float64(f.NX)/float64(w)-0.5, float64(f.NX-1))
			value := bilinear(f.Values, f.NX, f.NY, u, v)
			img.SetRGBA(px, py, Diverging(normalize(value, lo, hi)))
		}
	}
}

// bilinear interpolates the row-major nx×ny grid at column u, row v, both
// within the grid. A NaN sample makes the result NaN wherever it has a
// weight > 0, so it shows as a gray patch about one cell wide.
func bilinear(values []float64, nx, ny int, u, v float64) float64 {
	j0, i0 := int(u), int(v)
	j1, i1 := min(j0+1, nx-1), min(i0+1, ny-1)
	fu, fv := u-float64(j0), v-float64(i0)
	at := func(i, j int) float64 { return values[i*nx+j] }
	top := lerp(at(i0, j0), at(i0, j1), fu)
	bottom := lerp(at(i1, j0), at(i1, j1), fu)
	return lerp(top, bottom, fv)
}

// lerp is a + (b − a)·f, and exactly a for f = 0 even if b is NaN.
func lerp(a, b, f float64) float64 {
	if f == 0 {
		return a
	}
	return a + (b-a)*f
}

// clampTo clamps x to [0, hi].
func clampTo(x, hi float64) float64 { return math.Max(0, math.Min(hi, x)) }

// pixel returns the continuous pixel position of p: pixel (i, j) covers
// [i, i+1) × [j, j+1).
func (s Scatter) pixel(p Point, w, h int) (float64, float64) {
	px := (p.X - s.XMin) / (s.XMax - s.XMin) * float64(w)
	py := (s.YMax - p.Y) / (s.YMax - s.YMin) * float64(h)
	return px, py
}

func (s Scatter) drawDots(img *image.RGBA, d Dots) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	r := d.Radius
	if r == 0 {
		r = defaultDotRadius
		if d.Ring {
			r = defaultRingRadius
		}
	}
	for _, p := range d.Points {
		if !isFinite(p.X) || !isFinite(p.Y) {
			continue
		}
		px, py := s.pixel(p, w, h)
		if px < 0 || px >= float64(w) || py < 0 || py >= float64(h) {
			continue
		}
		if d.Ring {
			drawRing(img, px, py, r, d.Color)
		} else {
			drawDisc(img, px, py, r, d.Color)
		}
	}
}
