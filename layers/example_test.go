package layers_test

import (
	"fmt"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// A Linear layer with weights set by hand: y = x·Wᵀ + b. For x = (1, 2),
// the rows of W give 1·1 + 2·0 = 1 and 1·(−1) + 2·3 = 5, then b adds
// (0.5, −0.5).
func ExampleLinear() {
	l := layers.NewLinear(rand.New(rand.NewPCG(1, 0)), 2, 2)
	l.Weight.Value.CopyFrom(tensor.FromRows([][]float64{{1, 0}, {-1, 3}}))
	l.Bias.Value.CopyFrom(tensor.New([]float64{0.5, -0.5}, 2))
	y := l.Forward(autograd.Const(tensor.FromRows([][]float64{{1, 2}})))
	fmt.Println(y.Value)
	// Output: [[1.5 4.5]]
}

// A transposed convolution with stride 2 and a 2×2 kernel lays a copy of
// the kernel, scaled by each input pixel, next to the previous one.
func ExampleConvTranspose2D() {
	c := layers.NewConvTranspose2D(rand.New(rand.NewPCG(1, 0)), 1, 1, 2, 2, 0, layers.WithoutBias())
	c.Weight.Value.CopyFrom(tensor.New([]float64{1, 2, 3, 4}, 1, 1, 2, 2))
	y := c.Forward(autograd.Const(tensor.New([]float64{1, 10}, 1, 1, 1, 2)))
	fmt.Println(y.Value)
	// Output: [[[[1 2 10 20] [3 4 30 40]]]]
}

// A Sequential names its parameters and buffers by position, as PyTorch's
// state_dict does.
func ExampleSequential() {
	r := rand.New(rand.NewPCG(1, 0))
	net := layers.NewSequential(
		layers.NewLinear(r, 2, 8, layers.WithoutBias()),
		layers.NewBatchNorm(8),
		layers.LeakyReLU{Slope: 0.2},
		layers.NewLinear(r, 8, 1),
	)
	for _, p := range net.Parameters() {
		fmt.Println(p.Name, p.Var.Value.Shape())
	}
	for _, b := range layers.BuffersOf(net) {
		fmt.Println(b.Name, b.Tensor.Shape())
	}
	// Output:
	// 0.weight [8 2]
	// 1.weight [8]
	// 1.bias [8]
	// 3.weight [1 8]
	// 3.bias [1]
	// 1.running_mean [8]
	// 1.running_var [8]
}

// Batch normalisation in training mode standardises each feature over the
// batch: (1, 3) has mean 2 and variance 1, so it becomes (−1, 1) (up to
// ε = 1e-5). The running mean moves a tenth of the way to 2.
func ExampleBatchNorm() {
	bn := layers.NewBatchNorm(1)
	y := bn.Forward(autograd.Const(tensor.New([]float64{1, 3}, 2, 1)))
	fmt.Printf("%.4f %.4f\n", y.Value.Data()[0], y.Value.Data()[1])
	fmt.Println(bn.RunningMean.Data())
	// Output:
	// -1.0000 1.0000
	// [0.2]
}
