package gan

import "ganbook/autograd"

// LeastSquares is the LSGAN objective (Mao et al. 2017, arXiv 1611.04076,
// eq. 2): the discriminator regresses its raw output towards b on real
// data and towards a on generated data, and the generator pushes the
// output on its samples towards c,
//
//	D minimises ½·E[(D(x) − b)²] + ½·E[(D(G(z)) − a)²]
//	G minimises ½·E[(D(G(z)) − c)²]
//
// with D's outputs (N, 1) taken as they are (no sigmoid). The paper's two
// settings are PearsonLeastSquares, (a, b, c) = (−1, 1, 0): with
// b − c = 1 and b − a = 2, the paper's generator objective, which adds
// ½·E[(D(x) − c)²] over the real data (a term without G's parameters, left
// out of G here; GeneratorValue computes the whole of it), is
// ½·χ²_Pearson(p_d + p_g ‖ 2p_g) at the optimal D (§3.2); and BinaryLeastSquares,
// (0, 1, 1), the 0-1 coding that makes G's target the same as real data's.
// Real and fake batches may have different sizes.
type LeastSquares struct {
	A float64 // a, D's target on generated data
	B float64 // b, D's target on real data
	C float64 // c, G's target: the value G wants D to believe
}

// PearsonLeastSquares returns LeastSquares{A: −1, B: 1, C: 0}, the setting
// under which LSGAN minimises the Pearson χ² divergence.
func PearsonLeastSquares() LeastSquares { return LeastSquares{A: -1, B: 1, C: 0} }

// BinaryLeastSquares returns LeastSquares{A: 0, B: 1, C: 1}, the 0-1 coding.
func BinaryLeastSquares() LeastSquares { return LeastSquares{A: 0, B: 1, C: 1} }

// D returns ½·mean (real − b)² + ½·mean (fake − a)².
func (l LeastSquares) D(real, fake *autograd.Var) *autograd.Var {
	return autograd.Add(halfMeanSquare(real, l.B), halfMeanSquare(fake, l.A))
}

// G returns ½·mean (fake − c)²; real is not used and may be nil.
func (l LeastSquares) G(_, fake *autograd.Var) *autograd.Var { return halfMeanSquare(fake, l.C) }

// halfMeanSquare returns ½·mean (x − target)².
func halfMeanSquare(x *autograd.Var, target float64) *autograd.Var {
	return autograd.Scale(autograd.Mean(autograd.Square(autograd.AddScalar(x, -target))), 0.5)
}
