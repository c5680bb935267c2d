package autograd

import "ganbook/tensor"

// ---- Layer operations -------------------------------------------------------------
//
// A fully connected layer and batch normalisation could be written with
// the primitives (MatMulT and Add; Mean, Sub, Mul, Pow, ...), and their
// gradients would follow. Each is one operation here instead, because
// small networks spend their time in the bookkeeping of many small
// operations more than in arithmetic: one node, one result, and a backward
// pass that computes the known formula directly. The backward passes are
// still written with differentiable operations when the graph is being
// recorded (Grad with createGraph), so gradients of gradients work.

// Linear returns the affine map of a fully connected layer,
//
//	y = x·Wᵀ + b,   x (N, in), W (out, in), b (out) → y (N, out),
//
// with b added to every row (b may be nil: no bias). With G = ∂L/∂y:
//
//	∂L/∂x = G·W,   ∂L/∂W = Gᵀ·x,   ∂L/∂b = Σ_rows G.
//
// It panics with tensor.ErrShape if the shapes do not fit.
func Linear(x, w, b *Var) *Var {
	y, parents := affine("Linear", x, w, b) // (N, out)
	return newOp(y, "Linear", parents, func(g *Var, need []bool) []*Var {
		return affineGrads(g, x, w, b, need)
	})
}

// affine computes x·Wᵀ + b into a fresh tensor and lists the parents of
// the node that will hold it (b only when there is one). It panics, naming
// op, with tensor.ErrShape if the bias does not fit the weight.
func affine(op string, x, w, b *Var) (*tensor.Tensor, []*Var) {
	y := tensor.MatMulT(x.Value, false, w.Value, true) // (N, out), a fresh tensor
	if b == nil {
		return y, []*Var{x, w}
	}
	if bs := b.Value.Shape(); len(bs) != 1 || bs[0] != y.Dim(1) {
		panicf(tensor.ErrShape, op, "bias %s for weight %s", tensor.FormatShape(bs), tensor.FormatShape(w.Value.Shape()))
	}
	tensor.AddRowsInplace(y, b.Value)
	return y, []*Var{x, w, b}
}

// affineGrads returns the gradients of x·Wᵀ + b for the gradient g of its
// output: g·W, gᵀ·x and Σ_rows g, those that need asks for.
func affineGrads(g, x, w, b *Var, need []bool) []*Var {
	grads := make([]*Var, len(need))
	if need[0] {
		grads[0] = MatMulT(g, false, w, false) // (N, out)·(out, in)
	}
	if need[1] {
		grads[1] = MatMulT(g, true, x, false) // (out, N)·(N, in)
	}
	if b != nil && need[2] {
		grads[2] = Sum(g, 0)
	}
	return grads
}

// LinearReLU returns ReLU(Linear(x, w, b)) = max(x·Wᵀ + b, 0) in one node,
// x (N, in), W (out, in), b (out) or nil → (N, out). Apart, the linear
// layer's output z would stay in the graph until the graph is dropped,
// though nothing needs it: ReLU's gradient needs only where z > 0, which
// is where the output y > 0. Together, z is recycled at once. With
// G = ∂L/∂y and Gz = G ⊙ H(y), H the Heaviside step,
//
//	∂L/∂x = Gz·W,   ∂L/∂W = Gzᵀ·x,   ∂L/∂b = Σ_rows Gz,
//
// from the same differentiable operations as Linear followed by ReLU, so
// values and gradients of both orders are the same bits as the pair's.
// layers.Sequential uses it for a Linear followed by a ReLU. It panics
// with tensor.ErrShape if the shapes do not fit.
func LinearReLU(x, w, b *Var) *Var {
	z, parents := affine("LinearReLU", x, w, b) // (N, out)
	y := tensor.ReLU(z)
	tensor.Recycle(z)
	return newOp(y, "LinearReLU", parents, func(g *Var, need []bool) []*Var {
		gz := reluGrad(g, y) // H(y) = H(z): the same mask
		grads := affineGrads(gz, x, w, b, need)
		if !IsRecording() {
			tensor.Recycle(gz.Value) // used up: no graph refers to it
		}
		return grads
	})
}

// Maxout returns a layer of maxout units (Goodfellow et al., arXiv
// 1302.4389): k = pieces affine maps per unit, and the largest,
//
//	z = x·Wᵀ + b  (N, out·k),   y[n, j] = max_{p<k} z[n, j·k + p]  → (N, out),
//
// x (N, in), W (out·k, in), b (out·k) or nil. It is Linear, a reshape to
// (N, out, k) and MaxKeep along the pieces, in one node: the backward pass
// needs only which piece won, so z, k times the size of y, is recycled at
// once instead of being kept in the graph. With G = ∂L/∂y and Gz the
// (N, out·k) matrix that holds each G[n, j] at unit j's winning piece
// (the first one on a tie) and zeros elsewhere,
//
//	∂L/∂x = Gz·W,   ∂L/∂W = Gzᵀ·x,   ∂L/∂b = Σ_rows Gz,
//
// built from the same differentiable operations as the unfused chain, so
// the values and both orders of gradients are the same bits. It panics
// with tensor.ErrShape if the shapes do not fit or W's rows are not a
// multiple of pieces, and with tensor.ErrArgument if pieces < 1.
func Maxout(x, w, b *Var, pieces int) *Var {
	if pieces < 1 {
		panicf(tensor.ErrArgument, "Maxout", "%d pieces, want at least 1", pieces)
	}
	if rows := w.Value.Dim(0); rows%pieces != 0 {
		panicf(tensor.ErrShape, "Maxout", "weight %s: %d rows are not a multiple of %d pieces", tensor.FormatShape(w.Value.Shape()), rows, pieces)
	}
	z, parents := affine("Maxout", x, w, b) // (N, out·k)
	n, units := z.Dim(0), z.Dim(1)/pieces
	best, index := tensor.MaxKeepArg(tensor.Reshape(z, n, units, pieces), 2) // (N, out, 1)
	tensor.Recycle(z)
	return newOp(tensor.Reshape(best, n, units), "Maxout", parents, func(g *Var, need []bool) []*Var {
		gz := Reshape(putAlong(Reshape(g, n, units, 1), 2, index, pieces), n, units*pieces) // Gz
		grads := affineGrads(gz, x, w, b, need)
		if !IsRecording() {
			tensor.Recycle(gz.Value) // used up: no graph refers to it
		}
		return grads
	})
}

// BatchNorm normalises every feature of x over the batch, then scales and
// shifts it (Ioffe and Szegedy, arXiv 1502.03167):
//
//	μ = (1/n)·Σ x,   σ² = (1/n)·Σ (x − μ)²,   y = γ·(x − μ)/√(σ² + ε) + β,
//
// for x (N, F) or (N, F, H, W), features on axis 1, each normalised over
// its n = N·H·W values; γ and β hold F values. The gradient flows through
// μ and σ² as well as through x. It also returns the batch statistics μ
// and σ² (F, biased), as constants, for running averages.
//
// Without recording, the backward pass is tensor.BatchNormBackward: the
// closed-form gradient in two passes. When the backward pass is itself
// recorded (createGraph), the same gradient is built from differentiable
// operations, so it can be differentiated again. It panics with
// tensor.ErrShape on mismatched shapes.
func BatchNorm(x, gamma, beta *Var, eps float64) (y *Var, mean, variance *tensor.Tensor) {
	out, mean, variance := tensor.BatchNormForward(x.Value, gamma.Value.Data(), beta.Value.Data(), eps)
	y = newOp(out, "BatchNorm", []*Var{x, gamma, beta}, func(g *Var, need []bool) []*Var {
		if !IsRecording() {
			dx, dgamma, dbeta := tensor.BatchNormBackward(g.Value, x.Value, mean, variance, gamma.Value.Data(), eps)
			return []*Var{Const(dx), Const(dgamma), Const(dbeta)}
		}
		return batchNormGrad(g, x, gamma, eps, need)
	})
	return y, mean, variance
}

// batchNormGrad builds BatchNorm's gradients from differentiable
// operations of g, x and γ:
//
//	x̂ = (x − μ)·s with s = (σ² + ε)^(−1/2),
//	∂L/∂β = Σ g,   ∂L/∂γ = Σ g·x̂,   ∂L/∂x = γ·s·(g − mean g − x̂·mean(g·x̂)),
//
// sums and means over the n values of each feature.
func batchNormGrad(g, x, gamma *Var, eps float64, need []bool) []*Var {
	shape := x.Value.Shape()
	axes := []int{0}
	paramShape := []int{1, shape[1]}
	for d := 2; d < len(shape); d++ {
		axes = append(axes, d)
		paramShape = append(paramShape, 1)
	}
	centred := Sub(x, MeanKeep(x, axes...))
	s := Pow(AddScalar(MeanKeep(Mul(centred, centred), axes...), eps), -0.5) // (1, F, 1, ...)
	xhat := Mul(centred, s)
	gx := Mul(g, xhat)
	grads := make([]*Var, 3)
	if need[0] {
		inner := Sub(Sub(g, MeanKeep(g, axes...)), Mul(xhat, MeanKeep(gx, axes...)))
		grads[0] = Mul(Mul(Reshape(gamma, paramShape...), s), inner)
	}
	if need[1] {
		grads[1] = Reshape(SumKeep(gx, axes...), shape[1])
	}
	if need[2] {
		grads[2] = Reshape(SumKeep(g, axes...), shape[1])
	}
	return grads
}

// AddChannels returns x + b with b[c] added to every value of channel c,
// for x (N, C, ...) and b (C): the bias of a convolution, in one pass.
// ∂L/∂x = G, ∂L/∂b = Σ of G over everything but the channel axis. It
// panics with tensor.ErrShape if b does not have C values.
func AddChannels(x, b *Var) *Var {
	shape := x.Value.Shape()
	return newOp(tensor.AddChannels(x.Value, b.Value), "AddChannels", []*Var{x, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return g },
			func() *Var { return sumChannels(g, shape) })
	})
}

// sumChannels sums g (N, C, ...) over everything but axis 1, giving (C).
// Its gradient spreads gg back over the channels (a broadcast).
func sumChannels(g *Var, shape []int) *Var {
	return newOp(tensor.SumChannels(g.Value), "SumChannels", []*Var{g}, func(gg *Var, _ []bool) []*Var {
		perChannel := make([]int, len(shape))
		for i := range perChannel {
			perChannel[i] = 1
		}
		perChannel[1] = shape[1]
		return []*Var{BroadcastTo(Reshape(gg, perChannel...), shape...)}
	})
}
