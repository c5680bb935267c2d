package optim_test

import (
	"fmt"

	"ganbook/autograd"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// Minimising L(p) = (p − 3)² with Adam: the usual loop of ZeroGrad,
// Backward and Step.
func ExampleAdam() {
	p := autograd.Param(tensor.Scalar(0))
	opt := optim.NewAdam([]*autograd.Var{p}, 0.1, 0.9, 0.999)
	for range 500 {
		opt.ZeroGrad()
		loss := autograd.Square(autograd.AddScalar(p, -3))
		loss.Backward()
		opt.Step()
	}
	fmt.Printf("p = %.4f after %d steps\n", p.Value.Item(), opt.Steps())
	// Output: p = 3.0000 after 500 steps
}

// Adam's first step moves every coordinate by lr·sign(g), however large or
// small the gradient: here gradients 0.001 and −1000 both move by 0.01.
func ExampleAdam_firstStep() {
	p := autograd.Param(tensor.New([]float64{0, 0}, 2))
	opt := optim.NewAdam([]*autograd.Var{p}, 0.01, 0.9, 0.999)
	p.Grad = tensor.New([]float64{0.001, -1000}, 2)
	opt.Step()
	fmt.Printf("%.6f %.6f\n", p.Value.At(0), p.Value.At(1))
	// Output: -0.010000 0.010000
}

// Differentiating through an optimizer step: for f(θ) = θ⁴/4 one SGD step
// gives θ₁ = θ − lr·θ³, whose derivative 1 − 3·lr·θ² = 0.7 at θ = 1,
// lr = 0.1 counts how the gradient itself depends on θ.
func ExampleSGDStep() {
	theta := autograd.Param(tensor.Scalar(1))
	f := autograd.Scale(autograd.Pow(theta, 4), 0.25)
	g := autograd.Grad([]*autograd.Var{f}, []*autograd.Var{theta}, true)
	theta1 := optim.SGDStep([]*autograd.Var{theta}, g, 0.1)[0]
	d := autograd.Grad([]*autograd.Var{theta1}, []*autograd.Var{theta}, false)[0]
	fmt.Printf("θ₁ = %.2f, dθ₁/dθ = %.2f\n", theta1.Item(), d.Item())
	// Output: θ₁ = 0.90, dθ₁/dθ = 0.70
}
