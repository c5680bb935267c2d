package plot

import "math"

// Point is a point of the plane in data coordinates.
type Point struct{ X, Y float64 }

// Points reads interleaved coordinates x₀, y₀, x₁, y₁, … (the data of an
// (n, 2) tensor) as n points. It panics with tensor.ErrArgument if len(xy)
// is odd.
func Points(xy []float64) []Point {
	if len(xy)%2 != 0 {
		panicf("Points", "%d coordinates, want an even number", len(xy))
	}
	ps := make([]Point, len(xy)/2)
	for i := range ps {
		ps[i] = Point{xy[2*i], xy[2*i+1]}
	}
	return ps
}

// Flatten is the inverse of Points: it writes n points as the 2n values
// x₀, y₀, x₁, y₁, …, ready to become an (n, 2) tensor.
func Flatten(ps []Point) []float64 {
	xy := make([]float64, 0, 2*len(ps))
	for _, p := range ps {
		xy = append(xy, p.X, p.Y)
	}
	return xy
}

// Window is the rectangle [XMin, XMax] × [YMin, YMax] of the data plane
// that a picture shows. x grows to the right and y upward, as on paper.
type Window struct{ XMin, XMax, YMin, YMax float64 }

// FitWindow returns the smallest window holding every finite point of the
// given sets, grown on each side by margin times its width (or height):
// margin = 0.1 leaves a tenth of empty space on all four sides. A side of
// zero width is grown to ±1 around its value first; with no finite points
// at all the window is [−1, 1]². Use Square to keep circles round.
func FitWindow(margin float64, sets ...[]Point) Window {
	w := Window{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, set := range sets {
		for _, p := range set {
			if isFinite(p.X) && isFinite(p.Y) {
				w.XMin, w.XMax = math.Min(w.XMin, p.X), math.Max(w.XMax, p.X)
				w.YMin, w.YMax = math.Min(w.YMin, p.Y), math.Max(w.YMax, p.Y)
			}
		}
	}
	if w.XMin > w.XMax { // no finite point
		return Window{-1, 1, -1, 1}
	}
	w.XMin, w.XMax = grow(w.XMin, w.XMax, margin)
	w.YMin, w.YMax = grow(w.YMin, w.YMax, margin)
	return w
}

// grow widens [lo, hi] by margin·(hi − lo) on each side, after widening an
// empty interval to [lo − 1, hi + 1].
func grow(lo, hi, margin float64) (float64, float64) {
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	pad := margin * (hi - lo)
	return lo - pad, hi + pad
}

// Square returns the window grown about its centre along its shorter side
// until width and height are equal, so that a square picture of it keeps
// circles round.
func (w Window) Square() Window {
	dx, dy := w.XMax-w.XMin, w.YMax-w.YMin
	if dx > dy {
		c := (w.YMin + w.YMax) / 2
		w.YMin, w.YMax = c-dx/2, c+dx/2
	} else {
		c := (w.XMin + w.XMax) / 2
		w.XMin, w.XMax = c-dy/2, c+dy/2
	}
	return w
}

// Grid cuts the window into nx × ny equal cells and returns their centres
// in row-major order, top row first, the way an image is stored: point
// i·nx + j is
//
//	x = XMin + (j + ½)·(XMax − XMin)/nx,   y = YMax − (i + ½)·(YMax − YMin)/ny.
//
// Evaluate a function at these points in one batch (Flatten turns them into
// an (nx·ny, 2) tensor) and hand the values to a Field in the same order.
// It panics with tensor.ErrArgument if nx or ny is < 1.
func (w Window) Grid(nx, ny int) []Point {
	if nx < 1 || ny < 1 {
		panicf("Window.Grid", "%d×%d cells, want at least 1×1", nx, ny)
	}
	ps := make([]Point, 0, nx*ny)
	dx, dy := (w.XMax-w.XMin)/float64(nx), (w.YMax-w.YMin)/float64(ny)
	for i := range ny {
		y := w.YMax - (float64(i)+0.5)*dy
		for j := range nx {
			ps = append(ps, Point{w.XMin + (float64(j)+0.5)*dx, y})
		}
	}
	return ps
}

// valid says what is wrong with the window, or returns nil.
func (w Window) valid(op string) error {
	for _, v := range []float64{w.XMin, w.XMax, w.YMin, w.YMax} {
		if !isFinite(v) {
			return argError(op, "window %+v is not finite", w)
		}
	}
	if !(w.XMin < w.XMax && w.YMin < w.YMax) {
		return argError(op, "window %+v is empty, want XMin < XMax and YMin < YMax", w)
	}
	return nil
}
