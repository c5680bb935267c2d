package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/tensor"
)

func TestKL(t *testing.T) {
	cases := []struct {
		name string
		p, q []float64
		want float64
	}{
		{"identical", []float64{0.2, 0.3, 0.5}, []float64{0.2, 0.3, 0.5}, 0},
		// ½·log(½/¼) + ½·log(½/¾) = ½·log 2 + ½·log(⅔) = ½·log(4/3).
		{"by hand", []float64{0.5, 0.5}, []float64{0.25, 0.75}, 0.5 * math.Log(4.0/3)},
		{"unnormalised weights", []float64{1, 1}, []float64{1, 3}, 0.5 * math.Log(4.0/3)},
		// p = 0 terms drop out: log(1/½) from the first cell only.
		{"zero in p", []float64{1, 0}, []float64{0.5, 0.5}, math.Log(2)},
		{"zero in q", []float64{0.5, 0.5}, []float64{1, 0}, math.Inf(1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := KL(tc.p, tc.q)
			if math.IsInf(tc.want, 1) {
				assert.True(t, math.IsInf(got, 1), "got %g, want +Inf", got)
				return
			}
			assert.InDelta(t, tc.want, got, 1e-15)
		})
	}
}

func TestJSD(t *testing.T) {
	cases := []struct {
		name string
		p, q []float64
		want float64
	}{
		{"identical", []float64{0.1, 0.6, 0.3}, []float64{1, 6, 3}, 0},
		// m = ½(p + q) is ½ on each support, so each KL is log 2.
		{"disjoint", []float64{0.5, 0.5, 0, 0}, []float64{0, 0, 0.3, 0.7}, math.Log(2)},
		// m = (¾, ¼): KL(p‖m) = ½·log(⅔) + ½·log 2 = ½·log(4/3),
		// KL(q‖m) = log(4/3), so JSD = ½(½ + 1)·log(4/3) = ¾·log(4/3).
		{"by hand", []float64{0.5, 0.5}, []float64{1, 0}, 0.75 * math.Log(4.0/3)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, JSD(tc.p, tc.q), 1e-15)
			assert.InDelta(t, tc.want, JSD(tc.q, tc.p), 1e-15, "symmetric")
		})
	}
}

func TestJSDOfDensities(t *testing.T) {
	normal := func(mu, sigma float64) func(float64) float64 {
		return func(x float64) float64 {
			z := (x - mu) / sigma
			return math.Exp(-z*z/2) / (sigma * math.Sqrt(2*math.Pi))
		}
	}
	box := func(lo, hi float64) func(float64) float64 {
		return func(x float64) float64 {
			if x >= lo && x < hi {
				return 1 / (hi - lo)
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
		{"identical Gaussians", normal(0.3, 0.5), normal(0.3, 0.5), -5, 5, 1000, 0, 0},
		// 40σ apart, the densities do not overlap in float64: log 2, up to
		// the midpoint error of ∫N, which is far below 1e-12 at h = σ/100.
		{"separated narrow Gaussians", normal(-2, 0.1), normal(2, 0.1), -4, 4, 8000, math.Log(2), 1e-12},
		// U[0,1) against U[½,1½): the halves that do not overlap each give
		// ½·1·log 2·½, the overlap gives 0: total ½·log 2. No midpoint
		// falls on a jump, so the rule is exact up to rounding.
		{"half-overlapping boxes", box(0, 1), box(0.5, 1.5), 0, 1.5, 300, 0.5 * math.Log(2), 1e-13},
		// U[0,1) (density 1) against U[0,2) (density ½): on [0,1) the
		// integrand is ½[log(4/3) + ½·log(⅔)], on [1,2) it is ½·½·log 2;
		// the total is ¾·log(4/3), as for the discrete (½,½) vs (1,0).
		{"nested boxes", box(0, 1), box(0, 2), -0.5, 2.5, 300, 0.75 * math.Log(4.0/3), 1e-13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, JSDOfDensities(tc.p, tc.q, tc.lo, tc.hi, tc.n), tc.tol)
			assert.InDelta(t, tc.want, JSDOfDensities(tc.q, tc.p, tc.lo, tc.hi, tc.n), tc.tol, "symmetric")
		})
	}
}

func TestDivergencePanics(t *testing.T) {
	one := func(float64) float64 { return 1 }
	runPanicCases(t, []panicCase{
		{"KL lengths", tensor.ErrShape, "metrics: KL: shape mismatch 2 vs 3 weights",
			func() { KL([]float64{1, 1}, []float64{1, 1, 1}) }},
		{"KL negative", tensor.ErrArgument, "metrics: KL: bad argument q[1] = -0.5 is not a weight",
			func() { KL([]float64{1, 1}, []float64{1, -0.5}) }},
		{"JSD NaN", tensor.ErrArgument, "metrics: JSD: bad argument p[0] = NaN is not a weight",
			func() { JSD([]float64{math.NaN()}, []float64{1}) }},
		{"JSD zero sum", tensor.ErrArgument, "metrics: JSD: bad argument p sums to 0",
			func() { JSD([]float64{0, 0}, []float64{1, 1}) }},
		{"JSD empty", tensor.ErrArgument, "metrics: JSD: bad argument p sums to 0",
			func() { JSD(nil, nil) }},
		{"JSDOfDensities cells", tensor.ErrArgument, "metrics: JSDOfDensities: bad argument 0 cells",
			func() { JSDOfDensities(one, one, 0, 1, 0) }},
		{"JSDOfDensities interval", tensor.ErrArgument, "metrics: JSDOfDensities: bad argument interval [1, 1]",
			func() { JSDOfDensities(one, one, 1, 1, 10) }},
		{"JSDOfDensities negative density", tensor.ErrArgument,
			"metrics: JSDOfDensities: bad argument p(0.5) = 1, q(0.5) = -1: a density must be finite and ≥ 0",
			func() { JSDOfDensities(one, func(float64) float64 { return -1 }, 0, 1, 1) }},
	})
}
