package data

import (
	"math"
	"math/rand/v2"

	"ganbook/tensor"
)

// ---- Twin bars: two distant parts that must agree ------------------------------------
//
// A TwinBars image is 16×16 pixels of background (−1) with a short bar in
// its top-left corner and another in its bottom-right corner, and the two
// bars always have the same orientation. Each bar taken alone is any bar
// at all; only the pair says whether an image is real. The corners are 11
// pixels apart, farther than the window of any unit of a two-layer
// DCGAN discriminator (see chapter 14), so that telling a matching pair
// from a mismatched one needs something that sees the whole image at
// once, as self-attention does (Zhang et al., arXiv 1805.08318).
//
// Coordinates: pixel (i, j) is row i, column j, its centre at (j + ½, i + ½)
// in pixel units, x to the right and y downwards. An angle θ is the
// direction (cos θ, sin θ) in those units, so θ = 0 is horizontal and
// θ = π/4 runs down to the right ("\"); orientations are taken modulo π.

// TwinBarsSize is the side of a TwinBars image, TwinBarsCorner the side of
// the square in each corner that holds a bar, and the corners' top-left
// pixels are (0, 0) and (TwinBarsFar, TwinBarsFar).
const (
	TwinBarsSize   = 16
	TwinBarsCorner = 5
	TwinBarsFar    = TwinBarsSize - TwinBarsCorner
)

// The bars' shape, in pixels: a segment of half-length barHalf through a
// centre jittered by up to ±barJitter from the corner square's middle, with
// a Gaussian profile of standard deviation barWidth across and beyond its
// ends: a pixel at distance d from the segment has value −1 + 2·exp(−d²/2w²).
const (
	barHalf   = 1.8
	barWidth  = 0.55
	barJitter = 0.3
)

// TwinBars draws n images (n, 1, 16, 16) with values in [−1, 1] and the
// angle θ ∈ [0, π) of each image's two bars. θ is uniform; the two bars'
// centres are jittered independently. Everything comes from r. It panics
// with tensor.ErrArgument if n is negative.
func TwinBars(r *rand.Rand, n int) (images *tensor.Tensor, angles []float64) {
	if n < 0 {
		panicf(tensor.ErrArgument, "TwinBars", "negative sample count %d", n)
	}
	const s = TwinBarsSize
	images = tensor.Full(-1, n, 1, s, s)
	angles = make([]float64, n)
	x := images.Data()
	for k := range n {
		theta := math.Pi * r.Float64()
		angles[k] = theta
		for _, at := range []int{0, TwinBarsFar} {
			cx := TwinBarsCorner/2.0 + barJitter*(2*r.Float64()-1)
			cy := TwinBarsCorner/2.0 + barJitter*(2*r.Float64()-1)
			drawBar(x[k*s*s:(k+1)*s*s], at, theta, cx, cy)
		}
	}
	return images, angles
}

// drawBar writes the bar at angle theta through (cx, cy) (in the corner's
// own pixel units) into the corner square whose top-left pixel is (at, at)
// of img (16·16 values).
func drawBar(img []float64, at int, theta, cx, cy float64) {
	ux, uy := math.Cos(theta), math.Sin(theta)
	for i := range TwinBarsCorner {
		for j := range TwinBarsCorner {
			px, py := float64(j)+0.5-cx, float64(i)+0.5-cy
			t := math.Max(-barHalf, math.Min(barHalf, px*ux+py*uy)) // the nearest point of the segment
			dx, dy := px-t*ux, py-t*uy
			img[(at+i)*TwinBarsSize+at+j] = -1 + 2*math.Exp(-(dx*dx+dy*dy)/(2*barWidth*barWidth))
		}
	}
}

// Bar is what the rule reads from one corner: the orientation of its ink
// and how much of it there is and how stretched it is.
type Bar struct {
	Angle      float64 // θ ∈ [0, π): the principal axis of the ink
	Ink        float64 // Σ w over the corner's 25 pixels, w = clamp((v + 1)/2, 0, 1)
	Elongation float64 // λ₁/λ₂ of the ink's second moments (+Inf for a perfect line)
}

// Readable says whether the corner holds a bar the rule can read: ink
// between MinBarInk and MaxBarInk and elongation at least
// MinBarElongation (a round blob has 1).
func (b Bar) Readable() bool {
	return b.Ink >= MinBarInk && b.Ink <= MaxBarInk && b.Elongation >= MinBarElongation
}

// The bounds of Bar.Readable, set well outside what real bars show: the
// 200,000 bars of 100,000 TwinBars images (seed 7) have ink between 6.42
// and 6.80 and elongation at least 5.96, and ReadBar gives their angle
// within 1.7°.
const (
	MinBarInk        = 3.0
	MaxBarInk        = 12.0
	MinBarElongation = 3.0
)

// ReadBar reads the bar in one corner of image k of images (N, 1, 16, 16):
// the top-left corner if far is false, the bottom-right one if it is true.
// With ink weights w = clamp((v + 1)/2, 0, 1) at the pixel centres p, the
// ink's centre m = Σ w·p / Σ w and its second moments
// S = Σ w·(p − m)(p − m)ᵀ, the angle is that of S's principal axis,
//
//	θ = ½·atan2(2·S_xy, S_xx − S_yy)   (taken into [0, π)),
//
// and the elongation is the ratio of S's eigenvalues. It panics with
// tensor.ErrShape if images is not (N, 1, 16, 16) and with
// tensor.ErrIndex if k is out of range.
func ReadBar(images *tensor.Tensor, k int, far bool) Bar {
	const s = TwinBarsSize
	if sh := images.Shape(); len(sh) != 4 || sh[1] != 1 || sh[2] != s || sh[3] != s {
		panicf(tensor.ErrShape, "ReadBar", "images %s, want (N,1,%d,%d)", tensor.FormatShape(sh), s, s)
	}
	if k < 0 || k >= images.Dim(0) {
		panicf(tensor.ErrIndex, "ReadBar", "image %d of %d", k, images.Dim(0))
	}
	at := 0
	if far {
		at = TwinBarsFar
	}
	img := images.Data()[k*s*s : (k+1)*s*s]
	var w [TwinBarsCorner * TwinBarsCorner]float64
	var mass, mx, my float64
	for i := range TwinBarsCorner {
		for j := range TwinBarsCorner {
			v := math.Max(0, math.Min(1, (img[(at+i)*s+at+j]+1)/2))
			w[i*TwinBarsCorner+j] = v
			mass += v
			mx += v * (float64(j) + 0.5)
			my += v * (float64(i) + 0.5)
		}
	}
	if mass == 0 {
		return Bar{}
	}
	mx, my = mx/mass, my/mass
	var sxx, syy, sxy float64
	for i := range TwinBarsCorner {
		for j := range TwinBarsCorner {
			dx, dy := float64(j)+0.5-mx, float64(i)+0.5-my
			v := w[i*TwinBarsCorner+j]
			sxx += v * dx * dx
			syy += v * dy * dy
			sxy += v * dx * dy
		}
	}
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy) // in (−π/2, π/2]
	if theta < 0 {
		theta += math.Pi
	}
	half, root := (sxx+syy)/2, math.Hypot((sxx-syy)/2, sxy)
	return Bar{Angle: theta, Ink: mass, Elongation: (half + root) / (half - root)}
}

// AngleBetween returns the difference of two orientations, modulo π:
// min(|a − b| mod π, π − |a − b| mod π), in [0, π/2].
func AngleBetween(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), math.Pi)
	return math.Min(d, math.Pi-d)
}

// AgreementTolerance is the largest angle between two bars that the rule
// counts as agreeing: 15°. Two bars of independent uniform orientations
// agree with probability 2·15°/180° = 1/6.
const AgreementTolerance = math.Pi / 12

// TwinBarsScore is the rule's verdict on a set of TwinBars-like images.
type TwinBarsScore struct {
	// Agreement is the fraction of images whose two bars are both readable
	// and at most AgreementTolerance apart.
	Agreement float64
	// Shuffled is the same fraction for the top-left bar of image k paired
	// with the bottom-right bar of image k + 1 (the last with the first):
	// what the images would score if their two corners were drawn
	// independently, each from its own distribution. For images whose
	// corners are independent it equals Agreement up to sampling noise.
	Shuffled float64
	// Readable is the fraction of images whose two bars are both readable.
	Readable float64
	// MeanGap is the mean angle between the two bars, in radians, over the
	// images whose two bars are readable (NaN if none is): π/4 for
	// independent uniform orientations, 0 for perfect agreement.
	MeanGap float64
}

// ScoreTwinBars reads both corners of every image of images (N, 1, 16, 16)
// and scores them. It panics with tensor.ErrShape if images is not
// (N, 1, 16, 16) with N ≥ 2.
func ScoreTwinBars(images *tensor.Tensor) TwinBarsScore {
	if images.Dims() != 4 || images.Dim(0) < 2 {
		panicf(tensor.ErrShape, "ScoreTwinBars", "images %s, want (N,1,%d,%d) with N ≥ 2",
			tensor.FormatShape(images.Shape()), TwinBarsSize, TwinBarsSize)
	}
	n := images.Dim(0)
	near, far := make([]Bar, n), make([]Bar, n)
	for k := range n {
		near[k], far[k] = ReadBar(images, k, false), ReadBar(images, k, true)
	}
	agree := func(a, b Bar) bool {
		return a.Readable() && b.Readable() && AngleBetween(a.Angle, b.Angle) <= AgreementTolerance
	}
	var sc TwinBarsScore
	var gaps float64
	for k := range n {
		if agree(near[k], far[k]) {
			sc.Agreement++
		}
		if agree(near[k], far[(k+1)%n]) {
			sc.Shuffled++
		}
		if near[k].Readable() && far[k].Readable() {
			sc.Readable++
			gaps += AngleBetween(near[k].Angle, far[k].Angle)
		}
	}
	sc.MeanGap = gaps / sc.Readable // NaN if no image is readable
	sc.Agreement /= float64(n)
	sc.Shuffled /= float64(n)
	sc.Readable /= float64(n)
	return sc
}
