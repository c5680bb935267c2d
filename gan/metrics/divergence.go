package metrics

import (
	"math"

	"ganbook/tensor"
)

// KL returns the Kullback–Leibler divergence of two discrete distributions,
//
//	KL(p ‖ q) = Σᵢ pᵢ · log(pᵢ / qᵢ)   (nats),
//
// where p and q are given as non-negative weights and each is first divided
// by its sum, so a density evaluated on an evenly spaced grid can be passed
// as it is. Terms with pᵢ = 0 contribute 0; a term with pᵢ > 0 and qᵢ = 0
// makes the divergence +Inf. The inputs are not modified. It panics with
// tensor.ErrShape if the lengths differ, and with tensor.ErrArgument if a
// weight is negative, NaN or infinite, or a slice is empty or sums to 0.
func KL(p, q []float64) float64 {
	pn, qn := normalisedPair("KL", p, q)
	kl := 0.0
	for i := range pn {
		if pn[i] > 0 {
			kl += pn[i] * math.Log(pn[i]/qn[i])
		}
	}
	return kl
}

// JSD returns the Jensen–Shannon divergence of two discrete distributions,
//
//	JSD(p, q) = ½·KL(p ‖ m) + ½·KL(q ‖ m),   m = ½(p + q),
//
// in nats, with p and q normalised as in KL. It is symmetric and bounded:
// 0 for identical distributions, log 2 for distributions with disjoint
// supports. It panics like KL.
func JSD(p, q []float64) float64 {
	pn, qn := normalisedPair("JSD", p, q)
	total := 0.0
	for i := range pn {
		total += jsdTerm(pn[i], qn[i])
	}
	return total
}

// JSDOfDensities returns the Jensen–Shannon divergence of two 1-D densities
// p and q, integrated over [lo, hi] by the midpoint rule with n cells of
// width h = (hi − lo)/n:
//
//	JSD ≈ h · Σᵢ ½[p(xᵢ)·log(2p(xᵢ)/(p(xᵢ)+q(xᵢ))) + q(xᵢ)·log(2q(xᵢ)/(p(xᵢ)+q(xᵢ)))],
//
// xᵢ = lo + (i + ½)·h. The densities are not renormalised: mass outside
// [lo, hi] is left out, so the interval should hold nearly all of both, and
// h should be small against their narrowest feature. For the minimax GAN,
// the value of the game at the optimal discriminator is 2·JSD − log 4
// (arXiv 1406.2661, Theorem 1). It panics with tensor.ErrArgument if n < 1,
// lo and hi are not finite with lo < hi, or a density returns a negative,
// NaN or infinite value.
func JSDOfDensities(p, q func(float64) float64, lo, hi float64, n int) float64 {
	return integrateDensities("JSDOfDensities", p, q, lo, hi, n, jsdTerm)
}

// integrateDensities returns h·Σᵢ term(p(xᵢ), q(xᵢ)), the midpoint rule
// over [lo, hi] with n cells of width h = (hi − lo)/n at
// xᵢ = lo + (i + ½)·h, stopping at the first infinite term. It panics,
// naming op, with tensor.ErrArgument if n < 1, lo and hi are not finite
// with lo < hi, or a density returns a negative, NaN or infinite value.
func integrateDensities(op string, p, q func(float64) float64, lo, hi float64, n int, term func(px, qx float64) float64) float64 {
	if n < 1 {
		panicf(tensor.ErrArgument, op, "%d cells", n)
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panicf(tensor.ErrArgument, op, "interval [%g, %g]", lo, hi)
	}
	h := (hi - lo) / float64(n)
	total := 0.0
	for i := range n {
		x := lo + (float64(i)+0.5)*h
		px, qx := p(x), q(x)
		if !isWeight(px) || !isWeight(qx) {
			panicf(tensor.ErrArgument, op, "p(%g) = %g, q(%g) = %g: a density must be finite and ≥ 0", x, px, x, qx)
		}
		t := term(px, qx)
		if math.IsInf(t, 1) {
			return t
		}
		total += t
	}
	return total * h
}

// jsdTerm returns ½[a·log(2a/(a+b)) + b·log(2b/(a+b))], with 0·log 0 = 0.
func jsdTerm(a, b float64) float64 {
	term := 0.0
	if a > 0 {
		term += a * math.Log(2*a/(a+b))
	}
	if b > 0 {
		term += b * math.Log(2*b/(a+b))
	}
	return term / 2
}

// normalisedPair checks two weight vectors and returns copies divided by
// their sums.
func normalisedPair(op string, p, q []float64) ([]float64, []float64) {
	if len(p) != len(q) {
		panicf(tensor.ErrShape, op, "%d vs %d weights", len(p), len(q))
	}
	return normalised(op, "p", p), normalised(op, "q", q)
}

func normalised(op, name string, w []float64) []float64 {
	sum := 0.0
	for i, v := range w {
		if !isWeight(v) {
			panicf(tensor.ErrArgument, op, "%s[%d] = %g is not a weight", name, i, v)
		}
		sum += v
	}
	if sum == 0 || math.IsInf(sum, 1) {
		panicf(tensor.ErrArgument, op, "%s sums to %g", name, sum)
	}
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = v / sum
	}
	return out
}

// isWeight reports whether v is finite and non-negative.
func isWeight(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }
