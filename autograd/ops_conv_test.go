package autograd

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// convOpCases check the three convolution ops, each followed by Tanh so
// that second derivatives involve every argument, with the DCGAN window
// (kernel 4, stride 2, padding 1), a 3×2 window with uneven strides, and
// the 1×1 window of stride 1 without padding (self-attention's f, g and
// h), for which tensor's kernels take a path of their own: the windows
// are the pixels, copied rather than gathered.
func convOpCases() []opCase {
	r := rand.New(rand.NewPCG(3, 4))
	dcgan := tensor.ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}
	odd := tensor.ConvGeom{KH: 3, KW: 2, SH: 2, SW: 1, PH: 1, PW: 0}
	pointwise := tensor.ConvGeom{KH: 1, KW: 1, SH: 1, SW: 1}
	return []opCase{
		{"Conv2D", binaryOp(func(x, w *Var) *Var { return Tanh(Conv2D(x, w, dcgan)) }),
			[]*tensor.Tensor{away(r, 2, 2, 4, 4), away(r, 3, 2, 4, 4)}},
		{"Conv2D/odd window", binaryOp(func(x, w *Var) *Var { return Tanh(Conv2D(x, w, odd)) }),
			[]*tensor.Tensor{away(r, 2, 2, 5, 3), away(r, 3, 2, 3, 2)}},
		{"ConvTranspose2D", binaryOp(func(y, w *Var) *Var { return Tanh(ConvTranspose2D(y, w, dcgan, 4, 4)) }),
			[]*tensor.Tensor{away(r, 2, 3, 2, 2), away(r, 3, 2, 4, 4)}},
		{"ConvTranspose2D/odd window", binaryOp(func(y, w *Var) *Var { return Tanh(ConvTranspose2D(y, w, odd, 5, 3)) }),
			[]*tensor.Tensor{away(r, 2, 3, 3, 2), away(r, 3, 2, 3, 2)}},
		{"Conv2DWeightGrad", binaryOp(func(x, y *Var) *Var { return Tanh(Conv2DWeightGrad(x, y, dcgan)) }),
			[]*tensor.Tensor{away(r, 2, 2, 4, 4), away(r, 2, 3, 2, 2)}},
		{"Conv2DWeightGrad/odd window", binaryOp(func(x, y *Var) *Var { return Tanh(Conv2DWeightGrad(x, y, odd)) }),
			[]*tensor.Tensor{away(r, 2, 2, 5, 3), away(r, 2, 3, 3, 2)}},
		{"Conv2D/pointwise", binaryOp(func(x, w *Var) *Var { return Tanh(Conv2D(x, w, pointwise)) }),
			[]*tensor.Tensor{away(r, 2, 3, 2, 3), away(r, 2, 3, 1, 1)}},
		{"ConvTranspose2D/pointwise", binaryOp(func(y, w *Var) *Var { return Tanh(ConvTranspose2D(y, w, pointwise, 2, 3)) }),
			[]*tensor.Tensor{away(r, 2, 2, 2, 3), away(r, 2, 3, 1, 1)}},
		{"Conv2DWeightGrad/pointwise", binaryOp(func(x, y *Var) *Var { return Tanh(Conv2DWeightGrad(x, y, pointwise)) }),
			[]*tensor.Tensor{away(r, 2, 3, 2, 3), away(r, 2, 2, 2, 3)}},
	}
}

func TestConvOpsFirstOrder(t *testing.T) {
	for _, c := range convOpCases() {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, GradCheck(c.name, c.f, c.in, DefaultTolerance))
		})
	}
}

func TestConvOpsSecondOrder(t *testing.T) {
	for _, c := range convOpCases() {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, GradGradCheck(c.name, c.f, c.in, DefaultTolerance))
		})
	}
}
