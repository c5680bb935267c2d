package autograd_test

import (
	"fmt"

	"ganbook/autograd"
	"ganbook/tensor"
)

// The derivative of f(x) = x² + 3x at x = 2 is 2x + 3 = 7.
func ExampleVar_Backward() {
	x := autograd.Param(tensor.Scalar(2))
	f := autograd.Add(autograd.Square(x), autograd.Scale(x, 3))
	f.Backward()
	fmt.Println(f.Item(), x.Grad.Item())
	// Output: 10 7
}

// The second derivative of x³ at x = 2: the first gradient 3x² = 12 is
// built with createGraph, so it can be differentiated again: 6x = 12.
func ExampleGrad_secondOrder() {
	x := autograd.Param(tensor.Scalar(2))
	y := autograd.Pow(x, 3)
	dy := autograd.Grad([]*autograd.Var{y}, []*autograd.Var{x}, true)[0]
	d2y := autograd.Grad([]*autograd.Var{dy}, []*autograd.Var{x}, false)[0]
	fmt.Println(dy.Item(), d2y.Item())
	// Output: 12 12
}

// A gradient penalty: for the linear critic D(x) = w·x the input gradient
// is w for every sample, so the penalty (‖w‖ − 1)² = (5 − 1)² = 16 and its
// derivative with respect to w is 2(‖w‖ − 1)·w/‖w‖ = (4.8, 6.4).
func ExampleGrad_gradientPenalty() {
	w := autograd.Param(tensor.New([]float64{3, 4}, 2, 1))
	x := autograd.Const(tensor.New([]float64{1, 2, -1, 0.5}, 2, 2)).SetRequiresGrad(true)
	d := autograd.MatMul(x, w) // (2,1): one critic value per sample
	gx := autograd.Grad([]*autograd.Var{d}, []*autograd.Var{x}, true)[0]
	norm := autograd.Sqrt(autograd.Sum(autograd.Square(gx), 1))
	penalty := autograd.Mean(autograd.Square(autograd.AddScalar(norm, -1)))
	penalty.Backward()
	g := w.Grad.Data()
	fmt.Printf("penalty %.4g, gradient (%.4g, %.4g)\n", penalty.Item(), g[0], g[1])
	// Output: penalty 16, gradient (4.8, 6.4)
}
