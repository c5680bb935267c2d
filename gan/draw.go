package gan

import (
	"ganbook/autograd"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// Points turns an (n, 2) tensor of samples into plot points.
func Points(samples *tensor.Tensor) []plot.Point { return plot.Points(samples.Data()) }

// Field evaluates a discriminator (or critic) on the NX×NY grid of w, all
// grid points in one batch and without recording a graph, and returns the
// values as a plot.Field for the background of a scatter. Min and Max set
// the colour range (equal: stretch over the values).
func Field(d func(*autograd.Var) *autograd.Var, w plot.Window, nx, ny int, lo, hi float64) *plot.Field {
	grid := w.Grid(nx, ny)
	var out *tensor.Tensor
	autograd.NoGrad(func() {
		out = d(autograd.Const(tensor.New(plot.Flatten(grid), len(grid), 2))).Value
	})
	return &plot.Field{NX: nx, NY: ny, Values: append([]float64(nil), out.Data()...), Min: lo, Max: hi}
}

// Line turns a recorded series into a chart line (x = step).
func (s *Series) Line() plot.Line {
	pts := make([]plot.Point, len(s.Values))
	for i, v := range s.Values {
		pts[i] = plot.Point{X: float64(s.Steps[i]), Y: v}
	}
	return plot.Line{Name: s.Name, Points: pts}
}
