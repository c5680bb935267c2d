package autograd

import "ganbook/tensor"

// ---- Matrix products and convolution building blocks ---------------------------

// MatMul returns a·b (2-D, or batched over a leading dimension; see
// tensor.MatMulT for the shapes).
func MatMul(a, b *Var) *Var { return MatMulT(a, false, b, false) }

// MatMulT returns C = op(A)·op(B), where op transposes the last two
// dimensions when its flag is set. With G = ∂L/∂C:
//
//	∂L/∂A = G·op(B)ᵀ    (or its transpose op(B)·Gᵀ when A is transposed)
//	∂L/∂B = op(A)ᵀ·G    (or Gᵀ·op(A) when B is transposed)
//
// Both are products with transpose flags, never an explicit transposed
// copy. An operand shared across a batch gets the sum over the batch.
func MatMulT(a *Var, transA bool, b *Var, transB bool) *Var {
	out := tensor.MatMulT(a.Value, transA, b.Value, transB)
	return newOp(out, "MatMul", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var {
				if transA {
					return SumTo(MatMulT(b, transB, g, true), a.Value.Shape()...)
				}
				return SumTo(MatMulT(g, false, b, !transB), a.Value.Shape()...)
			},
			func() *Var {
				if transB {
					return SumTo(MatMulT(g, true, a, transA), b.Value.Shape()...)
				}
				return SumTo(MatMulT(a, !transA, g, false), b.Value.Shape()...)
			})
	})
}

// Im2Col unfolds the kernel-sized patches of x (N,C,H,W) into columns
// (N, C·KH·KW, OH·OW), so that a convolution is one batched product.
// ∂/∂x is Col2Im of g.
func Im2Col(x *Var, geom tensor.ConvGeom) *Var {
	shape := x.Value.Shape()
	return newOp(tensor.Im2Col(x.Value, geom), "Im2Col", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Col2Im(g, shape[0], shape[1], shape[2], shape[3], geom)}
	})
}

// Col2Im folds columns (N, C·KH·KW, OH·OW) back into an image (N,C,H,W),
// adding overlapping patches: Im2Col's adjoint, and the forward pass of a
// transposed convolution. ∂/∂cols is Im2Col of g.
func Col2Im(cols *Var, n, c, h, w int, geom tensor.ConvGeom) *Var {
	return newOp(tensor.Col2Im(cols.Value, n, c, h, w, geom), "Col2Im", []*Var{cols}, func(g *Var, _ []bool) []*Var {
		return []*Var{Im2Col(g, geom)}
	})
}

// UpsampleNearest repeats every pixel of x (N,C,H,W) s×s times.
// ∂/∂x sums g over each s×s block (SumPool2D).
func UpsampleNearest(x *Var, s int) *Var {
	return newOp(tensor.UpsampleNearest(x.Value, s), "UpsampleNearest", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{SumPool2D(g, s)}
	})
}

// SumPool2D sums non-overlapping s×s blocks of x (N,C,H,W).
// ∂/∂x repeats g over each block (UpsampleNearest).
func SumPool2D(x *Var, s int) *Var {
	return newOp(tensor.SumPool2D(x.Value, s), "SumPool2D", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{UpsampleNearest(g, s)}
	})
}

// AvgPool2D averages non-overlapping s×s blocks of x (N,C,H,W).
func AvgPool2D(x *Var, s int) *Var { return Scale(SumPool2D(x, s), 1/float64(s*s)) }
