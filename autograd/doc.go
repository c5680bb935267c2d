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
// # Errors
//
// A caller's mistake panics, as in package tensor, with a *tensor.Error
// that wraps tensor.ErrShape (operands whose shapes do not fit),
// tensor.ErrAxis (an axis or permutation that does not exist),
// tensor.ErrIndex (an index or range outside a dimension) or
// tensor.ErrArgument (any other bad argument); recover it and test it with
// errors.Is. The panic comes before anything is recorded.
//
// An operation that hands its operands' values to the tensor operation of
// the same name checks nothing itself and panics exactly as that operation
// does, under the tensor operation's name: Add, Sub, Mul, Div, Maximum and
// Minimum on shapes that do not broadcast, Where on unequal shapes,
// Reshape, Transpose, Permute, Concat, Slice, Pad, IndexSelect, IndexAdd,
// BroadcastTo, SumTo, Conv2D, ConvTranspose2D, Conv2DWeightGrad, Im2Col,
// Col2Im, UpsampleNearest, SumPool2D and AddChannels as theirs.
// The operations built from others panic as the tensor operation they
// start with: MatMul and MatMulT as tensor.MatMulT ("tensor: MatMul: shape
// mismatch (2,3) x (4,5)"); SumKeep, Sum, MeanKeep, Mean and VarianceKeep
// as tensor.SumKeep on an axis out of range or repeated (ErrAxis, "tensor:
// Sum: ..."); MaxKeep, LogSumExp and Softmax as tensor.MaxKeep (ErrAxis, or
// ErrShape on an empty axis, "tensor: Max: ..."); AvgPool2D as
// tensor.SumPool2D; BatchNorm as tensor.BatchNormForward; Flatten as
// (*tensor.Tensor).Dim on a 0-d value.
//
// The operations with checks of their own say so in their documentation,
// and their messages start with "autograd:" and their own name: Grad,
// (*Var).SetRequiresGrad, Linear, LinearReLU and Maxout (a bias or a piece
// count that does not fit), and Split.
//
// # Checking
//
// GradCheck and GradGradCheck compare the analytic first and second
// derivatives with central finite differences; the tests run both on every
// operation.
package autograd
