package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/tensor"
)

func TestPearsonChi2OfDensities(t *testing.T) {
	normal := func(mu, sigma float64) func(float64) float64 {
		return func(x float64) float64 {
			z := (x - mu) / sigma
			return math.Exp(-z*z/2) / (sigma * math.Sqrt(2*math.Pi))
		}
	}
	box := func(lo, hi, mass float64) func(float64) float64 {
		return func(x float64) float64 {
			if x >= lo && x < hi {
				return mass / (hi - lo)
			}
			return 0
		}
	}
	cases := []struct {
		name   string
		p, q   func(float64) float64
		lo, hi float64
		n      int
		want   float64
		tol    float64
	}{
		{"identical", normal(0.3, 0.5), normal(0.3, 0.5), -5, 5, 1000, 0, 0},
		// For unit Gaussians ∫ q²/p = exp(μ²), so χ²(N(0,1) ‖ N(μ,1)) =
		// exp(μ²) − 1. The integrand is smooth and negligible beyond ±15,
		// where the midpoint rule is exact to rounding.
		{"shifted unit Gaussians", normal(0, 1), normal(1, 1), -15, 15, 3000, math.E - 1, 1e-12},
		{"shifted by ½", normal(0, 1), normal(0.5, 1), -15, 15, 3000, math.Exp(0.25) - 1, 1e-12},
		// Not symmetric: with the reference N(0, 1) and q = N(0, s²),
		// ∫ q²/p = 1/(s·√(2 − s²)) for s² < 2; s = 0.8 gives 1/(0.8·√1.36).
		{"narrower q", normal(0, 1), normal(0, 0.8), -15, 15, 3000, 1/(0.8*math.Sqrt(1.36)) - 1, 1e-12},
		// p = U[0,2) of mass 2 (density 1), q = 2·U[1,2) (density 2 on
		// [1,2)): (0 − 1)²/1 on [0,1) and (2 − 1)²/1 on [1,2), total 2. This
		// is LSGAN's ∫ (p_d − p_g)²/(p_d + p_g) for the disjoint
		// p_d = U[0,1), p_g = U[1,2): the largest value it can take.
		{"disjoint supports, LSGAN's form", box(0, 2, 2), box(1, 2, 2), -0.5, 2.5, 300, 2, 1e-13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, PearsonChi2OfDensities(tc.p, tc.q, tc.lo, tc.hi, tc.n), tc.tol)
		})
	}
	// q has mass where p has none: +Inf, the other way round a finite number.
	assert.True(t, math.IsInf(PearsonChi2OfDensities(box(0, 1, 1), box(0, 2, 1), -1, 3, 400), 1))
	assert.InDelta(t, 1, PearsonChi2OfDensities(box(0, 2, 1), box(0, 1, 1), -1, 3, 400), 1e-13)
	// Where both vanish nothing is added (no 0/0).
	assert.Equal(t, 0.0, PearsonChi2OfDensities(box(0, 1, 1), box(0, 1, 1), -5, 5, 100))
}

func TestPearsonChi2Panics(t *testing.T) {
	one := func(float64) float64 { return 1 }
	runPanicCases(t, []panicCase{
		{"cells", tensor.ErrArgument, "metrics: PearsonChi2OfDensities: bad argument 0 cells",
			func() { PearsonChi2OfDensities(one, one, 0, 1, 0) }},
		{"interval", tensor.ErrArgument, "metrics: PearsonChi2OfDensities: bad argument interval [0, +Inf]",
			func() { PearsonChi2OfDensities(one, one, 0, math.Inf(1), 10) }},
		{"NaN density", tensor.ErrArgument,
			"metrics: PearsonChi2OfDensities: bad argument p(0.5) = NaN, q(0.5) = 1: a density must be finite and ≥ 0",
			func() { PearsonChi2OfDensities(func(float64) float64 { return math.NaN() }, one, 0, 1, 1) }},
	})
}
