package data_test

import (
	"fmt"
	"math/rand/v2"

	"ganbook/gan/data"
)

func ExampleRing8() {
	ring := data.Ring8()
	fmt.Println(ring.Name, len(ring.Centers), "modes, σ =", ring.Std)
	x := ring.Sample(rand.New(rand.NewPCG(1, 0)), 2500)
	fmt.Println(x.Shape())
	// Output:
	// ring-8 8 modes, σ = 0.01
	// [2500 2]
}

func ExampleMixture1D() {
	// Three quarters of the mass near 2, one quarter near −2.
	m := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{1, 3})
	fmt.Printf("p(-2) = %.4f, p(0) = %.6f, p(2) = %.4f\n",
		m.Density([]float64{-2}), m.Density([]float64{0}), m.Density([]float64{2}))
	// Output: p(-2) = 0.1995, p(0) = 0.000268, p(2) = 0.5984
}

func ExampleDigits() {
	images, labels := data.Digits(rand.New(rand.NewPCG(1, 0)), 1000, 28)
	counts := make([]int, data.DigitClasses)
	for _, l := range labels {
		counts[l]++
	}
	fmt.Println(images.Shape(), counts)
	// Output: [1000 1 28 28] [100 100 100 100 100 100 100 100 100 100]
}

// A chosen digit, drawn upright at 16×16 and printed with one character
// per pixel: '#' for ink above ½, '+' for the anti-aliased edge.
func ExampleUprightGlyph() {
	img := data.UprightGlyph(7, 1).Render(16).Data() // the 7 with a bar
	for row := range 16 {
		line := []byte{}
		for _, v := range img[row*16 : (row+1)*16] {
			switch {
			case v > 0:
				line = append(line, '#')
			case v > -1:
				line = append(line, '+')
			default:
				line = append(line, '.')
			}
		}
		fmt.Println(string(line))
	}
	// Output:
	// ................
	// ....++++++++....
	// ....########....
	// ....++++++#+....
	// .........##+....
	// ........+##.....
	// ........+#+.....
	// ......+####+....
	// ......+####+....
	// .......+#+......
	// .......##+......
	// ......+##.......
	// ......+#+.......
	// ......+#+.......
	// ......+++.......
	// ................
}
