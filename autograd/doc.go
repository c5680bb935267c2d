// Package autograd differentiates programs written with tensors.
//
// A program builds values with this package's operations (Add, MatMulT,
// ReLU, Sum, ...). Each result is a *Var that remembers, when any input
// requires a gradient, which operation made it and from which inputs: the
// computation graph. Reverse-mode differentiation then walks that graph
// backwards from a scalar loss L, handing every node the gradient ∂L/∂node
// and letting the node's backward function pass gradients on to its inputs
// by the chain rule. One backward pass costs a small multiple of one
// forward pass, whatever the number of parameters.
//
//	w := autograd.Param(tensor.New([]float64{2}, 1))
//	loss := autograd.Sum(autograd.Square(w)) // L = w²
//	loss.Backward()                          // w.Grad = 2w = 4
//
// # Gradients of gradients
//
// Every backward function is written with the same differentiable
// operations as the forward pass. With Grad(outputs, inputs, true) the
// backward pass is recorded like any other computation, so the gradient it
// returns can be differentiated again. The gradient penalty of WGAN-GP
// (arXiv 1704.00028) needs exactly this: the loss contains ‖∇ₓD(x̂)‖, and
// training D means differentiating that norm with respect to D's weights.
// Without createGraph the backward pass runs with recording switched off,
// so ordinary first-order training pays nothing for this ability.
//
// # Recording
//
// Operations record the graph only when an input requires a gradient and
// recording is on. NoGrad switches recording off for evaluation and
// parameter updates. The switch is process-wide, meant for one training
// loop at a time.
//
// # Checking
//
// GradCheck and GradGradCheck compare the analytic first and second
// derivatives with central finite differences; the tests run both on every
// operation.
package autograd
