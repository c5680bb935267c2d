package metrics

import (
	"math"

	"ganbook/tensor"
)

// MaxPackedTerms bounds the work of PackedTotalVariation: the number of
// count vectors it visits, C(m + K − 1, K − 1) for K atoms and packs of m.
const MaxPackedTerms = 10_000_000

// PackedTotalVariation returns the total variation distance between the
// m-fold products of two discrete distributions over K atoms,
//
//	d_TV(Pᵐ, Qᵐ) = ½ · Σ over (x₁, …, xₘ) of |Πᵢ p(xᵢ) − Πᵢ q(xᵢ)|,
//
// the distance a discriminator that sees packs of m independent samples
// could at best exploit (PacGAN, Lin et al. 2018, arXiv 1712.04086, §3).
// p and q are non-negative weights, each divided by its sum. The sum over
// the Kᵐ ordered tuples is taken over the C(m + K − 1, K − 1) count vectors
// (n₁, …, n_K), n₁ + … + n_K = m, each weighted by the multinomial
// coefficient m!/(n₁!⋯n_K!), since a product depends only on the counts.
//
// For mixtures whose components do not overlap (the modes of ring-8 and
// grid-25, 3σ apart from each other by far), the total variation of the
// mixtures equals that of their mixing weights, so p and q may be the
// weights of the modes.
//
// PackedTotalVariation(p, q, 1) is ½·Σ|pₖ − qₖ|. When q is p with one atom
// of mass ε removed and the rest scaled up, the result is 1 − (1 − ε)ᵐ.
// It panics with tensor.ErrShape if the lengths differ, and with
// tensor.ErrArgument if a weight is negative, NaN or infinite, a slice is
// empty or sums to 0, m < 1, or there are more than MaxPackedTerms count
// vectors.
func PackedTotalVariation(p, q []float64, m int) float64 {
	const op = "PackedTotalVariation"
	if len(p) == 0 {
		panicf(tensor.ErrArgument, op, "no atoms")
	}
	pn, qn := normalisedPair(op, p, q)
	if m < 1 {
		panicf(tensor.ErrArgument, op, "m = %d, want m ≥ 1", m)
	}
	if terms := binomial(m+len(p)-1, len(p)-1); terms > MaxPackedTerms {
		panicf(tensor.ErrArgument, op, "%.3g count vectors for %d atoms and m = %d, more than %d", terms, len(p), m, MaxPackedTerms)
	}
	// Depth-first over the atoms: atom k takes n of the left slots of the
	// pack, in C(left, n) ways; coef is the multinomial coefficient so far
	// (a product of binomials, exact in float64), pp and qq the products.
	total := 0.0
	var visit func(k, left int, coef, pp, qq float64)
	visit = func(k, left int, coef, pp, qq float64) {
		if k == len(pn)-1 {
			n := float64(left)
			total += coef * math.Abs(pp*math.Pow(pn[k], n)-qq*math.Pow(qn[k], n))
			return
		}
		for n := 0; n <= left; n++ {
			fn := float64(n)
			visit(k+1, left-n, coef*binomial(left, n), pp*math.Pow(pn[k], fn), qq*math.Pow(qn[k], fn))
		}
	}
	visit(0, m, 1, 1, 1)
	return total / 2
}

// binomial returns C(n, k) as a float64 (exact while it fits in 2⁵³).
func binomial(n, k int) float64 {
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return c
}
