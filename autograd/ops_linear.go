package autograd

import "ganbook/tensor"

// ---- Matrix products ---------------------------------------------------------------

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
