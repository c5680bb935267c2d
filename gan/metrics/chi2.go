package metrics

import "math"

// PearsonChi2OfDensities returns Pearson's χ² divergence of a 1-D density q
// from a reference density p,
//
//	χ²(p ‖ q) = ∫ (q(x) − p(x))² / p(x) dx,
//
// the reference in the denominator, as the LSGAN paper writes it (Mao et
// al., arXiv 1611.04076, §3.2): there the generator's objective at the
// optimal discriminator is ½·χ²(p_d + p_g ‖ 2p_g) = ½·∫ (p_d − p_g)²/(p_d + p_g).
// (Texts differ on which argument goes in the denominator; the integral is
// what this function computes.) The densities need not integrate to 1, so
// p_d + p_g, of mass 2, can be passed as it is.
//
// The integral runs over [lo, hi] by the midpoint rule with n cells of
// width h = (hi − lo)/n, at xᵢ = lo + (i + ½)·h:
//
//	χ² ≈ h · Σᵢ (q(xᵢ) − p(xᵢ))² / p(xᵢ).
//
// A cell where both densities are 0 adds nothing; a cell where p is 0 and
// q is not makes the divergence +Inf. Mass outside [lo, hi] is left out.
// It panics with tensor.ErrArgument if n < 1, lo and hi are not finite
// with lo < hi, or a density returns a negative, NaN or infinite value.
func PearsonChi2OfDensities(p, q func(float64) float64, lo, hi float64, n int) float64 {
	return integrateDensities("PearsonChi2OfDensities", p, q, lo, hi, n, func(px, qx float64) float64 {
		switch {
		case px > 0:
			d := qx - px
			return d * d / px
		case qx > 0:
			return math.Inf(1)
		}
		return 0
	})
}
