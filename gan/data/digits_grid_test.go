package data_test

import (
	"flag"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

var write = flag.Bool("write", false, "write the digit grids to docs/img/data")

// TestWriteDigitGrids draws 10 random digits of each class, one class per
// row, at 28×28 and 16×16, from seed 1. With -write it saves them as the
// pictures in docs/data.md:
//
//	go test ./gan/data -run TestWriteDigitGrids -args -write
func TestWriteDigitGrids(t *testing.T) {
	for _, size := range []int{28, 16} {
		grid := digitGrid(rand.New(rand.NewPCG(1, 0)), size, 10)
		img := plot.ImageGrid{Pixels: grid.Data(), Shape: grid.Shape(), Lo: -1, Hi: 1, Cols: 10, Scale: 56 / size, Border: 2}
		_, err := img.Image()
		require.NoError(t, err)
		if *write {
			path := filepath.Join("..", "..", "docs", "img", "data", map[int]string{28: "digits28.png", 16: "digits16.png"}[size])
			require.NoError(t, img.Save(path))
			t.Log("wrote", path)
		}
	}
}

// digitGrid draws perClass random glyphs of each digit, digit d in row d.
func digitGrid(r *rand.Rand, size, perClass int) *tensor.Tensor {
	out := tensor.Zeros(data.DigitClasses*perClass, 1, size, size)
	x := out.Data()
	for d := range data.DigitClasses {
		for k := range perClass {
			img := data.RandomGlyph(r, d).Render(size).Data()
			copy(x[(d*perClass+k)*size*size:], img)
		}
	}
	return out
}
