package gan

import (
	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
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

// ToyScatter is the picture of a toy run, titled title: real samples
// (dark green) and generated samples (orange) over a map of D, with rings
// on the modes' centres, in a square window around the modes. With
// probability true the map is σ(D(x)), D's probability that x is real,
// coloured on [0, 1] (white at ½); otherwise it is the critic's raw value,
// stretched over its range. Either way green means "looks real" and purple
// "looks generated", the rule of every picture of this project.
func ToyScatter(title string, D *layers.Sequential, samples *tensor.Tensor, m *data.Mixture, real *tensor.Tensor, probability bool) plot.Scatter {
	centres := make([]plot.Point, len(m.Centers))
	for i, c := range m.Centers {
		centres[i] = plot.Point{X: c[0], Y: c[1]}
	}
	window := plot.FitWindow(0.15, centres).Square()
	d, lo, hi, label := D.Forward, 0.0, 0.0, "critic value f(x)"
	if probability {
		d = func(x *autograd.Var) *autograd.Var { return autograd.Sigmoid(D.Forward(x)) }
		hi, label = 1, "D(x), probability that x is real"
	}
	field := Field(d, window, 120, 120, lo, hi)
	field.Label = label
	generated := plot.Generated(Points(samples))
	generated.Radius = 1.6 // thousands of them
	return plot.Scatter{
		Window: window, Title: title, XLabel: "x₁", YLabel: "x₂",
		Field:  field,
		Layers: []plot.Dots{plot.Real(Points(real)), generated, plot.Modes(centres)},
	}
}
