package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

func TestAvgPool2D(t *testing.T) {
	x := tensor.New([]float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
	}, 1, 1, 4, 4)
	want := []float64{(1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0, (9 + 10 + 13 + 14) / 4.0, (11 + 12 + 15 + 16) / 4.0}
	assertTensor(t, want, []int{1, 1, 2, 2}, forward(layers.NewAvgPool2D(2), x), 1e-15)
	assert.Nil(t, layers.NewAvgPool2D(2).Parameters())
}

func TestGradCheckAvgPool2D(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 0))
	checkModule(t, layers.NewAvgPool2D(2), tensor.RandN(r, 2, 3, 4, 2))
}

func TestAvgPool2DPanics(t *testing.T) {
	assert.PanicsWithError(t, "layers: NewAvgPool2D: bad argument size 0: must be positive", func() { layers.NewAvgPool2D(0) })
	assert.PanicsWithError(t, "layers: AvgPool2D: shape mismatch input (2,4) is not (N,C,H,W)", func() {
		layers.NewAvgPool2D(2).Forward(autograd.Const(tensor.Zeros(2, 4)))
	})
	assert.PanicsWithError(t, "layers: AvgPool2D: shape mismatch input (1,1,3,4) is not divisible into 2x2 blocks", func() {
		layers.NewAvgPool2D(2).Forward(autograd.Const(tensor.Zeros(1, 1, 3, 4)))
	})
	// A literal without a size would divide by it.
	requirePanicsWith(t, tensor.ErrArgument, "layers: AvgPool2D: bad argument Size 0 for input (1,1,4,4), want ≥ 1", func() {
		layers.AvgPool2D{}.Forward(autograd.Const(tensor.Zeros(1, 1, 4, 4)))
	})
}
