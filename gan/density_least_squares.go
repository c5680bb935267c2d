package gan

import (
	"math"

	"ganbook/tensor"
)

// This file holds LSGAN's game on the real line (arXiv 1611.04076, §3.2),
// where the densities are known and its values can be integrated on a
// grid, as GameValue does for the minimax game.

// OptimalOutput returns the output of LSGAN's optimal discriminator at a
// point where the data's density is pData and the generator's is pGen
// (arXiv 1611.04076, §3.2): D's loss ½·p_d·(D − b)² + ½·p_g·(D − a)² is
// smallest at
//
//	D*(x) = (b·p_d(x) + a·p_g(x)) / (p_d(x) + p_g(x)),
//
// a weighted average of the targets, always between a and b. For
// (a, b) = (−1, 1) it is (p_d − p_g)/(p_d + p_g). Where both densities are
// 0 every output is optimal and it returns NaN. It panics with
// tensor.ErrArgument if a density is negative, NaN or infinite.
func (l LeastSquares) OptimalOutput(pData, pGen float64) float64 {
	checkDensities("LeastSquares.OptimalOutput", pData, pGen)
	if pData+pGen == 0 {
		return math.NaN()
	}
	return (l.B*pData + l.A*pGen) / (pData + pGen)
}

// DiscriminatorValue returns D's least-squares loss for a fixed output
// curve, real density p_d and generated density p_g,
//
//	L_D = ½·∫ p_d(x)·(D(x) − b)² + p_g(x)·(D(x) − a)² dx,
//
// by the midpoint rule: outputs[i], pData[i] and pGen[i] are D, p_d and p_g
// at the midpoint of the i-th cell and h is the cells' common width. At
// D = OptimalOutput it is smallest; with (a, b) = (−1, 1) that smallest
// value is 2·∫ p_d·p_g/(p_d + p_g). It panics like GeneratorValue.
func (l LeastSquares) DiscriminatorValue(outputs, pData, pGen []float64, h float64) float64 {
	checkGrid("LeastSquares.DiscriminatorValue", outputs, pData, pGen, h)
	total := 0.0
	for i, d := range outputs {
		total += pData[i]*(d-l.B)*(d-l.B) + pGen[i]*(d-l.A)*(d-l.A)
	}
	return total * h / 2
}

// GeneratorValue returns the generator's least-squares objective for a
// fixed output curve, with the term on real data that the paper adds
// (arXiv 1611.04076, §3.2; it does not depend on G and changes no
// gradient),
//
//	C = ½·∫ (p_d(x) + p_g(x))·(D(x) − c)² dx,
//
// by the midpoint rule, with the arguments of DiscriminatorValue. At the
// optimal D and when b − c = 1 and b − a = 2, as for (a, b, c) =
// (−1, 1, 0), C = ½·χ²(p_d + p_g ‖ 2p_g) = ½·∫ (p_d − p_g)²/(p_d + p_g)
// (metrics.PearsonChi2OfDensities): the generator then minimises a
// Pearson χ² divergence, which is 0 only when p_g = p_d. It panics with
// tensor.ErrShape if the slices differ in length, and with
// tensor.ErrArgument if h is not positive and finite.
func (l LeastSquares) GeneratorValue(outputs, pData, pGen []float64, h float64) float64 {
	checkGrid("LeastSquares.GeneratorValue", outputs, pData, pGen, h)
	total := 0.0
	for i, d := range outputs {
		total += (pData[i] + pGen[i]) * (d - l.C) * (d - l.C)
	}
	return total * h / 2
}

// checkGrid panics unless the three slices have one length and h is a
// positive finite width.
func checkGrid(op string, outputs, p, q []float64, h float64) {
	if len(p) != len(outputs) || len(q) != len(outputs) {
		panicf(tensor.ErrShape, op, "%d outputs, %d values of p_d, %d of p_g", len(outputs), len(p), len(q))
	}
	if !(h > 0) || math.IsInf(h, 1) {
		panicf(tensor.ErrArgument, op, "cell width %g, want a finite h > 0", h)
	}
}

// checkDensities panics unless both values are finite and non-negative.
func checkDensities(op string, p, q float64) {
	if !(p >= 0) || !(q >= 0) || math.IsInf(p, 1) || math.IsInf(q, 1) {
		panicf(tensor.ErrArgument, op, "densities %g and %g, want finite values ≥ 0", p, q)
	}
}
