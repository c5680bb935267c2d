package layers_test

import (
	"fmt"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// Spectral normalisation divides a weight by its largest singular value.
// Repeated training steps on a fixed weight make the power iteration's σ
// converge to the exact one, and the normalised weight has spectral norm 1.
func ExampleSpectralNorm() {
	r := rand.New(rand.NewPCG(1, 0))
	lin := layers.NewLinear(r, 2, 2, layers.WithoutBias())
	lin.Weight.Value.CopyFrom(tensor.FromRows([][]float64{{3, 0}, {0, 1}}))
	sn := layers.NewSpectralNorm(r, lin)
	x := autograd.Const(tensor.FromRows([][]float64{{1, 1}}))
	for range 20 {
		sn.Forward(x)
	}
	fmt.Printf("σ ≈ %.6f, exact %.6f, ‖W_SN‖ = %.6f\n", sn.Sigma(), sn.ExactSigma(), layers.LargestSingularValue(sn.Weight().Value))
	// Output: σ ≈ 3.000000, exact 3.000000, ‖W_SN‖ = 1.000000
}

// Functional runs a module with other parameters: here D's weights after one
// differentiable step, as the unrolled GAN's look-ahead does.
func ExampleFunctional() {
	d := layers.NewLinear(rand.New(rand.NewPCG(1, 0)), 1, 1, layers.WithoutBias())
	d.Weight.Value.Fill(2)
	theta := layers.Vars(d)
	stepped := []*autograd.Var{autograd.Sub(theta[0], autograd.Scalar(0.5))} // w − 0.5
	y := layers.Functional(d, stepped).Forward(autograd.Const(tensor.New([]float64{4}, 1, 1)))
	fmt.Println(y.Item(), d.Weight.Value.Item())
	// Output: 6 2
}
