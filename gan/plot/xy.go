package plot

// XY pairs two columns of coordinates into points, (xs[i], ys[i]): a
// history's steps and its values, say, ready for a Line. It panics with
// tensor.ErrArgument if the columns differ in length, so that a series
// never loses its last points, or reads past them, in silence.
func XY(xs, ys []float64) []Point {
	if len(xs) != len(ys) {
		panicf("XY", "%d x values and %d y values, want as many of each", len(xs), len(ys))
	}
	ps := make([]Point, len(xs))
	for i := range xs {
		ps[i] = Point{X: xs[i], Y: ys[i]}
	}
	return ps
}
