package plot_test

import (
	"fmt"
	"math"

	"ganbook/gan/plot"
)

func ExampleNiceTicks() {
	fmt.Println(plot.NiceTicks(0, 10, 6))
	fmt.Println(plot.NiceTicks(-3.7, 8.2, 6))
	fmt.Println(plot.NiceTicks(0, 2000, 7))
	// Output:
	// [0 2 4 6 8 10]
	// [-5 0 5 10]
	// [0 500 1000 1500 2000]
}

func ExampleWindow_Grid() {
	// A 3 × 2 grid over [0, 3] × [0, 2]: cell centres, top row first, the
	// order in which a Field expects its values.
	w := plot.Window{XMin: 0, XMax: 3, YMin: 0, YMax: 2}
	grid := w.Grid(3, 2)
	fmt.Println(grid)
	fmt.Println(plot.Flatten(grid)[:4]) // as an (n, 2) tensor's data
	// Output:
	// [{0.5 1.5} {1.5 1.5} {2.5 1.5} {0.5 0.5} {1.5 0.5} {2.5 0.5}]
	// [0.5 1.5 1.5 1.5]
}

// A discriminator's view of 2-D data: evaluate D on the grid in one batch,
// then draw the samples over it.
func ExampleScatter() {
	real := []plot.Point{{X: -1, Y: 0}, {X: 1, Y: 0}}
	fake := []plot.Point{{X: 0.9, Y: 0.1}}
	w := plot.FitWindow(0.2, real, fake).Square()

	grid := w.Grid(32, 32)
	d := make([]float64, len(grid))
	for i, p := range grid { // stands in for one forward pass of D
		d[i] = 1 / (1 + math.Exp(-4*p.X))
	}
	s := plot.Scatter{
		Window: w, Width: 200, Height: 200,
		Field:  &plot.Field{NX: 32, NY: 32, Values: d, Min: 0, Max: 1},
		Layers: []plot.Dots{plot.Real(real), plot.Generated(fake), plot.Modes(real)},
	}
	img, err := s.Image()
	if err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Size())
	// s.Save("out/discriminator.svg") writes it, with title, axes, legend
	// and colour key, as an SVG file.
	// Output:
	// (200,200)
}

func ExampleBin() {
	edges := plot.EqualEdges(0, 1, 4)
	fmt.Println(edges)
	fmt.Println(plot.Bin([]float64{0, 0.1, 0.3, 0.5, 0.99, 1, 1.5}, edges))
	// Output:
	// [0 0.25 0.5 0.75 1]
	// [2 1 1 2]
}
