package data

import (
	"math"
	"math/rand/v2"
	"slices"

	"ganbook/tensor"
)

// ---- Coordinates ------------------------------------------------------------------------
//
// Templates are drawn in "template units": x to the right, y downwards (as
// in an image), the digit's body spanning y ∈ [−1, 1] and x roughly
// [−0.55, 0.55]. The image, whatever its size in pixels, shows the square
// [−1.4, 1.4]², so an upright digit is 20/28 of the image high, as MNIST's
// digits sit in a 20×20 box inside 28×28. Widths, shifts and warps are in
// template units too, so a glyph looks the same at 16×16 as at 28×28, only
// coarser.

// DigitClasses is the number of digit classes, 0 to 9.
const DigitClasses = 10

// MinDigitSize is the smallest image side Digits and Glyph.Render accept.
// Below 12 pixels the digits' strokes run into each other.
const MinDigitSize = 12

// minPenWidth is the narrowest pen, in pixels: a thinner stroke would be
// a faint grey line at 16×16.
const minPenWidth = 1.2

// imageHalfWidth is the half-side of the square of template units that an
// image shows: [−1.4, 1.4]².
const imageHalfWidth = 1.4

// point is a position in template units.
type point struct{ x, y float64 }

// stroke is one pen-down movement, flattened into a polyline.
type stroke []point

// ---- Drawing primitives -----------------------------------------------------------------

// line is the polyline through pts.
func line(pts ...point) stroke { return append(stroke(nil), pts...) }

// arc is the part of the ellipse with centre (cx, cy) and radii rx, ry from
// angle from to angle to, in degrees. Angle θ is the point
// (cx + rx·cos θ, cy + ry·sin θ); as y points down, 0° is the right end,
// 90° the bottom and 270° (or −90°) the top, and increasing θ turns
// clockwise on the screen. from > to draws anticlockwise.
func arc(cx, cy, rx, ry, from, to float64) stroke {
	steps := max(2, int(math.Ceil(math.Abs(to-from)/15))) // one segment per 15°
	s := make(stroke, steps+1)
	for i := range s {
		theta := (from + (to-from)*float64(i)/float64(steps)) * math.Pi / 180
		s[i] = point{cx + rx*math.Cos(theta), cy + ry*math.Sin(theta)}
	}
	return s
}

// bezier is the cubic Bézier curve from p0 to p3 with control points p1, p2.
func bezier(p0, p1, p2, p3 point) stroke {
	const steps = 8
	s := make(stroke, steps+1)
	for i := range s {
		t := float64(i) / steps
		u := 1 - t
		a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		s[i] = point{a*p0.x + b*p1.x + c*p2.x + d*p3.x, a*p0.y + b*p1.y + c*p2.y + d*p3.y}
	}
	return s
}

// join chains parts into one stroke. Each part should start where the
// previous one ended; a repeated joint is dropped.
func join(parts ...stroke) stroke {
	var s stroke
	for _, p := range parts {
		if len(s) > 0 && len(p) > 0 && s[len(s)-1] == p[0] {
			p = p[1:]
		}
		s = append(s, p...)
	}
	return s
}

// end is the last point of s.
func (s stroke) end() point { return s[len(s)-1] }

// ---- The templates ----------------------------------------------------------------------

// digitTemplates[d][k] is style k of digit d: the strokes a hand would draw.
var digitTemplates = makeTemplates()

// makeTemplates draws 2 to 3 styles per digit, the ones that make MNIST
// hard to read at a glance: 1 with and without its flag and base, 4 open and
// closed, 7 with and without a bar, 9 with a straight and a curved tail.
func makeTemplates() [DigitClasses][][]stroke {
	var t [DigitClasses][][]stroke
	p := func(x, y float64) point { return point{x, y} }

	// 0: a tall oval closed at the top, and a narrower one whose end
	// overshoots its start.
	t[0] = [][]stroke{
		{arc(0, 0, 0.66, 0.95, -90, 272)},
		{arc(0, 0, 0.5, 0.95, -70, 300)},
	}

	// 1: a bare stroke, one with a flag, one with a flag and a base.
	t[1] = [][]stroke{
		{line(p(0.06, -1), p(-0.04, 1))},
		{line(p(-0.32, -0.62), p(0.06, -1), p(0.0, 1))},
		{line(p(-0.3, -0.65), p(0.06, -1), p(0.02, 0.97)), line(p(-0.3, 0.98), p(0.34, 0.96))},
	}

	// 2: an arc over the top, a diagonal and a flat base; and the curly 2
	// with a small loop where the diagonal meets the base.
	top2 := arc(0, -0.45, 0.48, 0.5, 200, 385)
	t[2] = [][]stroke{
		{join(top2,
			bezier(top2.end(), p(0.3, 0.3), p(-0.35, 0.55), p(-0.5, 0.95)),
			line(p(-0.5, 0.95), p(0.55, 0.93)))},
		{join(top2,
			bezier(top2.end(), p(0.2, 0.3), p(-0.25, 0.6), p(-0.42, 0.88)),
			bezier(p(-0.42, 0.88), p(-0.55, 1.08), p(-0.1, 1.08), p(-0.2, 0.84)),
			bezier(p(-0.2, 0.84), p(0.0, 1.0), p(0.35, 0.98), p(0.55, 0.9)))},
	}

	// 3: two bowls meeting in the middle; and the flat-topped 3.
	t[3] = [][]stroke{
		{join(arc(0, -0.5, 0.44, 0.46, 205, 450), arc(-0.02, 0.47, 0.5, 0.5, 270, 510))},
		{join(line(p(-0.42, -1), p(0.45, -1), p(-0.05, -0.12)), arc(0, 0.44, 0.5, 0.56, 268, 510))},
	}

	// 4: open (an L and a separate upright), and closed (one stroke down
	// the upright, up the diagonal and across).
	t[4] = [][]stroke{
		{line(p(-0.22, -1), p(-0.5, 0.28), p(0.55, 0.28)), line(p(0.26, -0.75), p(0.24, 1))},
		{line(p(0.24, 1), p(0.26, -1), p(-0.5, 0.32), p(0.55, 0.32))},
	}

	// 5: the bar drawn last as its own stroke, or in one go with the stem.
	bowl5 := arc(0, 0.4, 0.48, 0.56, 232, 492)
	t[5] = [][]stroke{
		{join(line(p(-0.3, -1), bowl5[0]), bowl5), line(p(-0.3, -1), p(0.45, -1.02))},
		{join(line(p(0.48, -1), p(-0.26, -1), bowl5[0]), bowl5)},
	}

	// 6: a curved stem sweeping into the loop, or a straight one.
	loop6 := arc(0, 0.5, 0.45, 0.46, 180, -150)
	t[6] = [][]stroke{
		{join(bezier(p(0.4, -0.97), p(-0.15, -0.82), p(-0.5, -0.2), loop6[0]), loop6)},
		{join(line(p(0.28, -1), loop6[0]), loop6)},
	}

	// 7: plain, with a bar across the middle, and with a hooked start.
	diag7 := bezier(p(0.5, -0.95), p(0.3, -0.4), p(0.0, 0.3), p(-0.08, 1))
	t[7] = [][]stroke{
		{join(line(p(-0.5, -0.95), p(0.5, -0.95)), diag7)},
		{join(line(p(-0.5, -0.95), p(0.5, -0.95)), diag7), line(p(-0.12, 0.02), p(0.48, 0.0))},
		{join(line(p(-0.5, -0.68), p(-0.5, -0.95), p(0.5, -0.95)),
			bezier(p(0.5, -0.95), p(0.25, -0.4), p(0.05, 0.3), p(0.0, 1)))},
	}

	// 8: one stroke crossing itself (a lemniscate with a smaller upper
	// loop), and two loops drawn one on top of the other.
	t[8] = [][]stroke{
		{eight()},
		{arc(0, -0.52, 0.36, 0.43, 90, 450), arc(0, 0.44, 0.47, 0.52, -90, 270)},
	}

	// 9: a loop and a straight stem; a loop and a tail curving left.
	loop9 := arc(0, -0.45, 0.45, 0.5, 10, -345)
	t[9] = [][]stroke{
		{join(loop9, line(loop9.end(), p(0.38, 1)))},
		{join(loop9, bezier(loop9.end(), p(0.46, 0.35), p(0.25, 1.0), p(-0.3, 0.95)))},
	}
	return t
}

// eight is the figure eight drawn in one stroke: the vertical lemniscate of
// Gerono, x = 0.9·sin t·cos t, y = −0.95·cos t, starting and ending at the
// top, its crossing lifted so that the upper loop is the smaller one.
func eight() stroke {
	const steps = 32
	s := make(stroke, steps+1)
	for i := range s {
		t := 2 * math.Pi * float64(i) / steps
		y := -0.95 * math.Cos(t)
		y -= 0.12 * (1 - y*y) // lift the crossing from 0 to −0.12
		x := 0.9 * math.Sin(t) * math.Cos(t)
		if y < -0.12 {
			x *= 0.85 // narrower upper loop
		}
		s[i] = point{x, y}
	}
	return s
}

// DigitStyles returns how many styles digit d has (2 or 3). It panics with
// tensor.ErrArgument if d is not in 0..9.
func DigitStyles(d int) int {
	checkDigit("DigitStyles", d)
	return len(digitTemplates[d])
}

func checkDigit(op string, d int) {
	if d < 0 || d >= DigitClasses {
		panicf(tensor.ErrArgument, op, "digit %d, want 0..9", d)
	}
}

func checkSize(op string, size int) {
	if size < MinDigitSize {
		panicf(tensor.ErrArgument, op, "image size %d, want ≥ %d", size, MinDigitSize)
	}
}

// ---- Glyphs -----------------------------------------------------------------------------

// Glyph is one handwritten digit: a template and the pen and transform that
// draw it. All lengths are in template units, in which the upright digit is
// 2 high and the image shows [−1.4, 1.4]² (so 0.1 unit is one pixel at
// 28×28). A point p of the template is drawn at
//
//	p → p + warp(p) → scale x by Aspect → x += Shear·(−y) → rotate by Rotation
//	  → multiply by Scale → add (ShiftX, ShiftY),
//
// where warp is a smooth random displacement field: the cubic B-spline
// whose control values are the 5×5 displacements Warp, on nodes spaced 0.35
// apart in x from −0.7 and 0.55 apart in y from −1.1, row by row. Last, a
// glyph that would come closer than one pixel to the image's edge is shifted
// back in, and shrunk about its centre if it is too large to fit, so the
// outermost ring of pixels is always background (as in MNIST, whose digits
// sit in a 20×20 box in the middle of 28×28).
//
// RandomGlyph draws the fields at random; UprightGlyph gives the plain
// template. A Glyph is plain data and can be built or edited directly.
type Glyph struct {
	Digit, Style   int            // the template: Digit in 0..9, Style in 0..DigitStyles(Digit)−1
	Rotation       float64        // radians; positive turns anticlockwise on the screen
	Scale          float64        // overall size, 1 = the template's size
	Aspect         float64        // horizontal stretch before the slant, 1 = none
	Shear          float64        // slant: positive leans the top to the right
	ShiftX, ShiftY float64        // translation, x right and y down
	Width          float64        // pen width at the middle of each stroke (drawn no thinner than 1.2 pixels)
	Pressure       float64        // the pen is Width·(1+Pressure) wide at a stroke's start, Width·(1−Pressure) at its end
	Warp           [25][2]float64 // smooth distortion: (dx, dy) at each of the 5×5 nodes, row by row
}

// UprightGlyph returns style of digit d as designed: no transform, no warp,
// pen width 0.26 (2.6 pixels at 28×28). It panics with tensor.ErrArgument
// if d or style does not exist.
func UprightGlyph(d, style int) Glyph {
	g := Glyph{Digit: d, Style: style, Scale: 1, Aspect: 1, Width: 0.26}
	g.check("UprightGlyph")
	return g
}

// RandomGlyph draws a random handwritten version of digit d from r: a style
// uniformly among DigitStyles(d), then
//
//	Rotation  triangular on ±20°          Scale     uniform on [0.8, 1.15]
//	Aspect    uniform on [0.7, 1.3]        Shear     triangular on [−0.45, 0.55]
//	ShiftX/Y  uniform on ±0.15             Width     uniform on [0.18, 0.4]
//	Pressure  uniform on [0, 0.3]          Warp      each N(0, 0.12²), clipped to ±0.3
//
// (triangular: the mean of two uniforms, peaked at the centre). The ranges
// were set by eye against MNIST and so that simple classifiers find the set
// about as hard as MNIST (docs/data.md has the numbers). It panics with
// tensor.ErrArgument if d is not in 0..9.
func RandomGlyph(r *rand.Rand, d int) Glyph {
	checkDigit("RandomGlyph", d)
	tri := func(lo, hi float64) float64 { return lo + (hi-lo)*(r.Float64()+r.Float64())/2 }
	uni := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
	g := Glyph{Digit: d, Style: r.IntN(len(digitTemplates[d]))}
	g.Rotation = tri(-20, 20) * math.Pi / 180
	g.Scale = uni(0.8, 1.15)
	g.Aspect = uni(0.7, 1.3)
	g.Shear = tri(-0.45, 0.55)
	g.ShiftX = uni(-0.15, 0.15)
	g.ShiftY = uni(-0.15, 0.15)
	g.Width = uni(0.18, 0.4)
	g.Pressure = uni(0, 0.3)
	for i := range g.Warp {
		for j := range g.Warp[i] {
			g.Warp[i][j] = max(-0.3, min(0.3, 0.12*r.NormFloat64()))
		}
	}
	return g
}

// check panics with tensor.ErrArgument, naming op, if g names no template,
// its pen makes no sense or a transform field is not finite.
func (g Glyph) check(op string) {
	checkDigit(op, g.Digit)
	if g.Style < 0 || g.Style >= len(digitTemplates[g.Digit]) {
		panicf(tensor.ErrArgument, op, "style %d of digit %d, want 0..%d", g.Style, g.Digit, len(digitTemplates[g.Digit])-1)
	}
	if !(g.Width > 0) || math.IsInf(g.Width, 1) || !(math.Abs(g.Pressure) < 1) {
		panicf(tensor.ErrArgument, op, "pen width %g with pressure %g, want width > 0 and |pressure| < 1", g.Width, g.Pressure)
	}
	fields := []struct {
		name  string
		value float64
	}{{"Rotation", g.Rotation}, {"Scale", g.Scale}, {"Aspect", g.Aspect}, {"Shear", g.Shear}, {"ShiftX", g.ShiftX}, {"ShiftY", g.ShiftY}}
	for _, f := range fields {
		if math.IsNaN(f.value) || math.IsInf(f.value, 0) {
			panicf(tensor.ErrArgument, op, "%s is %g, want a finite number", f.name, f.value)
		}
	}
	for i, w := range g.Warp {
		for _, v := range w {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				panicf(tensor.ErrArgument, op, "Warp[%d] is %v, want finite numbers", i, w)
			}
		}
	}
}

// Render draws g as a (1, 1, size, size) image in [−1, 1]: −1 is the
// background, 1 the inside of a stroke, with an anti-aliased edge about a
// pixel and a half wide between. It panics with tensor.ErrArgument if size < MinDigitSize or g is
// invalid (see Glyph).
func (g Glyph) Render(size int) *tensor.Tensor {
	g.check("Glyph.Render")
	checkSize("Glyph.Render", size)
	out := tensor.Zeros(1, 1, size, size)
	var rd renderer
	rd.draw(g, size, out.Data())
	return out
}

// Digits draws n handwritten digits as an (n, 1, size, size) tensor with
// values in [−1, 1] (background −1, ink 1: the range of a tanh generator),
// and their labels. The labels are balanced (each digit appears ⌊n/10⌋ or
// ⌈n/10⌉ times, the first n mod 10 digits once more) and in random order;
// image i is RandomGlyph(r, labels[i]) rendered at size×size. Everything
// comes from r, so the same source state gives the same images bit for bit.
//
// Any size ≥ MinDigitSize works; the book uses 28 (as MNIST) and 16. It
// panics with tensor.ErrArgument if n < 0 or size < MinDigitSize.
func Digits(r *rand.Rand, n, size int) (images *tensor.Tensor, labels []int) {
	if n < 0 {
		panicf(tensor.ErrArgument, "Digits", "negative sample count %d", n)
	}
	checkSize("Digits", size)
	labels = make([]int, n)
	for i := range labels {
		labels[i] = i % DigitClasses
	}
	r.Shuffle(n, func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	images = tensor.Zeros(n, 1, size, size)
	x := images.Data()
	var rd renderer
	for i, d := range labels {
		rd.draw(RandomGlyph(r, d), size, x[i*size*size:(i+1)*size*size])
	}
	return images, labels
}

// ---- Rendering --------------------------------------------------------------------------

// edgeRamp is the width, in pixels, over which a stroke's edge fades from
// ink to background: a little more than one pixel, as in MNIST, whose
// digits were anti-aliased when they were scaled into their 20×20 box.
const edgeRamp = 1.4

// renderer holds the scratch space for drawing glyphs one after another.
type renderer struct {
	pts    []point   // every stroke's points, transformed, then in pixels
	starts []int     // where each stroke's points begin in pts
	radii  []float64 // the pen's half-width at each point, in pixels
	ink    []float64 // per pixel, max over segments of (radius − distance), in pixels
}

// draw renders g into dst (size·size values, row-major).
//
// Every stroke is transformed point by point, mapped to pixels, and the
// whole glyph is fitted inside the image. Each segment then
// visits only the pixels near it and records, per pixel, how far inside the
// pen's edge the pixel centre lies: s = radius − distance. Overlapping
// strokes take the maximum, so crossings do not get darker. A pixel's
// coverage is s/edgeRamp + ½ clamped to [0, 1], and its value
// 2·coverage − 1.
func (rd *renderer) draw(g Glyph, size int, dst []float64) {
	// ---- 1. Transform every point of every stroke.
	rd.pts, rd.starts = rd.pts[:0], rd.starts[:0]
	sin, cos := math.Sincos(g.Rotation)
	for _, s := range digitTemplates[g.Digit][g.Style] {
		rd.starts = append(rd.starts, len(rd.pts))
		for _, p := range s {
			q := g.warp(p)
			x, y := q.x*g.Aspect, q.y
			x -= g.Shear * y
			x, y = x*cos+y*sin, -x*sin+y*cos // anticlockwise on a y-down screen
			rd.pts = append(rd.pts, point{g.Scale*x + g.ShiftX, g.Scale*y + g.ShiftY})
		}
	}
	rd.starts = append(rd.starts, len(rd.pts))

	// ---- 2. Map the points to pixels and keep the glyph inside the image.
	pixelsPerUnit := float64(size) / (2 * imageHalfWidth)
	for i, p := range rd.pts {
		rd.pts[i] = point{(p.x + imageHalfWidth) * pixelsPerUnit, (p.y + imageHalfWidth) * pixelsPerUnit}
	}
	pen := max(g.Width*pixelsPerUnit, minPenWidth) // width at a stroke's middle, in pixels
	rd.fit(float64(size), pen*(1+math.Abs(g.Pressure))/2)

	// ---- 3. Stamp each stroke's segments.
	if cap(rd.ink) < size*size {
		rd.ink = make([]float64, size*size)
	}
	ink := rd.ink[:size*size]
	for i := range ink {
		ink[i] = -edgeRamp // any value ≤ −edgeRamp/2 is background
	}
	for k := 1; k < len(rd.starts); k++ {
		pts := rd.pts[rd.starts[k-1]:rd.starts[k]]
		radii := strokeRadii(rd.radii, pts, pen/2, g.Pressure)
		for i := 1; i < len(pts); i++ {
			stampSegment(ink, size, pts[i-1], pts[i], radii[i-1], radii[i])
		}
		rd.radii = radii
	}

	// ---- 4. Ink depth to pixel values.
	for i, s := range ink {
		c := max(0, min(1, s/edgeRamp+0.5))
		dst[i] = 2*c - 1
	}
}

// fit moves rd.pts (in pixels) so that the glyph, drawn with a pen of
// half-width at most r pixels, leaves the outermost ring of pixels of a
// size×size image blank: a glyph that is too large is first shrunk about
// its centre, then one that sticks out is shifted back in. A glyph that
// fits already is left unchanged.
func (rd *renderer) fit(size, r float64) {
	lo, hi := point{math.Inf(1), math.Inf(1)}, point{math.Inf(-1), math.Inf(-1)}
	for _, p := range rd.pts {
		lo = point{min(lo.x, p.x), min(lo.y, p.y)}
		hi = point{max(hi.x, p.x), max(hi.y, p.y)}
	}
	// Ink reaches r + edgeRamp/2 beyond a point; it must stop one pixel
	// short of the image's edge.
	margin := 1 + edgeRamp/2 + r
	f := 1.0
	if extent := max(hi.x-lo.x, hi.y-lo.y); extent > size-2*margin {
		f = max(0, size-2*margin) / extent
	}
	c := point{(lo.x + hi.x) / 2, (lo.y + hi.y) / 2}
	lo = point{c.x + f*(lo.x-c.x), c.y + f*(lo.y-c.y)}
	hi = point{c.x + f*(hi.x-c.x), c.y + f*(hi.y-c.y)}
	shift := point{max(0, margin-lo.x) - max(0, hi.x-(size-margin)), max(0, margin-lo.y) - max(0, hi.y-(size-margin))}
	if f == 1 && shift == (point{}) {
		return
	}
	for i, p := range rd.pts {
		rd.pts[i] = point{c.x + f*(p.x-c.x) + shift.x, c.y + f*(p.y-c.y) + shift.y}
	}
}

// Warp nodes: a 5×5 grid over x ∈ [−0.7, 0.7], y ∈ [−1.1, 1.1].
const (
	warpNodes      = 5
	warpX0, warpDX = -0.7, 0.35
	warpY0, warpDY = -1.1, 0.55
)

// warp moves p by the smooth displacement field of g.Warp: the uniform
// cubic B-spline with g.Warp's 5×5 displacements as control values. The
// field bends strokes over half a digit's height and has no kinks.
func (g *Glyph) warp(p point) point {
	wu, iu := bspline((p.x - warpX0) / warpDX)
	wv, iv := bspline((p.y - warpY0) / warpDY)
	for a := range 4 {
		row := min(warpNodes-1, max(0, iv+a))
		for b := range 4 {
			col := min(warpNodes-1, max(0, iu+b))
			w := wv[a] * wu[b]
			p.x += w * g.Warp[row*warpNodes+col][0]
			p.y += w * g.Warp[row*warpNodes+col][1]
		}
	}
	return p
}

// bspline returns the four cubic B-spline weights at node coordinate u and
// the index of the first of the four nodes they apply to (indices past the
// grid's edge are clamped by the caller, repeating the edge node).
func bspline(u float64) (w [4]float64, first int) {
	u = max(-1, min(warpNodes, u))
	i := math.Floor(u)
	t := u - i
	s := 1 - t
	w = [4]float64{s * s * s / 6, (3*t*t*t - 6*t*t + 4) / 6, (-3*t*t*t + 3*t*t + 3*t + 1) / 6, t * t * t / 6}
	return w, int(i) - 1
}

// strokeRadii returns, in buf, the pen's half-width at each point of one
// stroke: r·(1 + pressure·(1 − 2ℓ/L)) at arc length ℓ of the stroke's
// length L.
func strokeRadii(buf []float64, pts []point, r, pressure float64) []float64 {
	radii := slices.Grow(buf[:0], len(pts))[:len(pts)]
	radii[0] = 0
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += math.Hypot(pts[i].x-pts[i-1].x, pts[i].y-pts[i-1].y)
		radii[i] = total // arc length so far
	}
	for i := range radii {
		f := 0.0
		if total > 0 {
			f = 1 - 2*radii[i]/total
		}
		radii[i] = r * (1 + pressure*f)
	}
	return radii
}

// stampSegment records, for the pixels within reach of the segment from a
// to b (pixel coordinates, pen half-widths ra and rb at the ends), the
// largest radius − distance into ink. Pixel (i, j) has its centre at
// (j + ½, i + ½).
func stampSegment(ink []float64, size int, a, b point, ra, rb float64) {
	reach := max(ra, rb) + edgeRamp/2 // beyond this the coverage is 0
	x0 := max(0, int(math.Floor(min(a.x, b.x)-reach)))
	x1 := min(size-1, int(math.Ceil(max(a.x, b.x)+reach)))
	y0 := max(0, int(math.Floor(min(a.y, b.y)-reach)))
	y1 := min(size-1, int(math.Ceil(max(a.y, b.y)+reach)))
	dx, dy := b.x-a.x, b.y-a.y
	length2 := dx*dx + dy*dy
	for i := y0; i <= y1; i++ {
		py := float64(i) + 0.5
		row := ink[i*size : (i+1)*size]
		for j := x0; j <= x1; j++ {
			px := float64(j) + 0.5
			// t: where the closest point of the segment lies, 0 at a, 1 at b.
			t := 0.0
			if length2 > 0 {
				t = max(0, min(1, ((px-a.x)*dx+(py-a.y)*dy)/length2))
			}
			ex, ey := px-a.x-t*dx, py-a.y-t*dy
			d2 := ex*ex + ey*ey
			if d2 >= reach*reach {
				continue
			}
			if s := ra + t*(rb-ra) - math.Sqrt(d2); s > row[j] {
				row[j] = s
			}
		}
	}
}
