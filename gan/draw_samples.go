package gan

import (
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// SampleScatter is ToyScatter without the discriminator's map: real
// samples (dark green) and generated samples (orange) with rings on the
// modes' centres, in the same square window around the modes, on white.
// It is the picture of a run whose discriminator does not judge single
// points, such as PacGAN's, which judges packs of several.
func SampleScatter(title string, samples *tensor.Tensor, m *data.Mixture, real *tensor.Tensor) plot.Scatter {
	centres := make([]plot.Point, len(m.Centers))
	for i, c := range m.Centers {
		centres[i] = plot.Point{X: c[0], Y: c[1]}
	}
	generated := plot.Generated(Points(samples))
	generated.Radius = 1.6 // thousands of them
	return plot.Scatter{
		Window: plot.FitWindow(0.15, centres).Square(), Title: title, XLabel: "x₁", YLabel: "x₂",
		Layers: []plot.Dots{plot.Real(Points(real)), generated, plot.Modes(centres)},
	}
}
