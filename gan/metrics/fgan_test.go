package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Closed forms on Gaussians -------------------------------------------------------
//
// P = N(0, 1), Q = N(1, 1). Expectations are taken over n quantile points
// xᵢ = μ + Φ⁻¹((i + ½)/n), a deterministic stand-in for samples whose means
// converge like a midpoint rule. log p/q = ½ − x, so the optimal critics are
// known in closed form.

const quantilePoints = 20000

func gaussianQuantiles(mu float64) []float64 {
	x := make([]float64, quantilePoints)
	for i := range x {
		u := (float64(i) + 0.5) / quantilePoints
		x[i] = mu + math.Sqrt2*math.Erfinv(2*u-1)
	}
	return x
}

// critic evaluates v on the quantiles of P and of Q.
func critic(v func(x float64) float64) (vp, vq *autograd.Var) {
	apply := func(xs []float64) *autograd.Var {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = v(x)
		}
		return autograd.Const(tensor.New(out, len(out), 1))
	}
	return apply(gaussianQuantiles(0)), apply(gaussianQuantiles(1))
}

func normalPDF(mu float64) func(float64) float64 {
	return func(x float64) float64 { return math.Exp(-(x-mu)*(x-mu)/2) / math.Sqrt(2*math.Pi) }
}

func TestDivergenceBoundsAreTightAtTheOptimalCritic(t *testing.T) {
	logRatio := func(x float64) float64 { return 0.5 - x }

	// KL(N(0,1) ‖ N(1,1)) = ½, at V* = 1 + log p/q.
	kl := KLLowerBound(critic(func(x float64) float64 { return 1 + logRatio(x) }))
	assert.InDelta(t, 0.5, kl.Item(), 5e-4) // the quantiles miss a little of e^{V−1}'s tail

	// JSD has no closed form for Gaussians: integrate it.
	jsd := JSDOfDensities(normalPDF(0), normalPDF(1), -12, 13, 100000)
	js := JSLowerBound(critic(logRatio))
	assert.InDelta(t, jsd, js.Item(), 1e-5)

	// TV = P(x < ½) − Q(x < ½) = Φ(½) − Φ(−½) = erf(½/√2), at
	// T* = ½·sign(p − q), which ½·tanh(10⁴·log p/q) approximates.
	tv := math.Erf(0.5 / math.Sqrt2)
	b := TVLowerBound(critic(func(x float64) float64 { return 1e4 * logRatio(x) }))
	assert.InDelta(t, tv, b.Item(), 1e-5)
}

// Any other critic gives less: the bounds are lower bounds.
func TestDivergenceBoundsAreLowerBounds(t *testing.T) {
	jsd := JSDOfDensities(normalPDF(0), normalPDF(1), -12, 13, 100000)
	tv := math.Erf(0.5 / math.Sqrt2)
	for _, c := range []struct {
		name string
		v    func(float64) float64
	}{
		{"scaled", func(x float64) float64 { return 0.4 * (0.5 - x) }},
		{"shifted", func(x float64) float64 { return 1.2 - x }},
		{"constant", func(float64) float64 { return 0.3 }},
	} {
		assert.Less(t, KLLowerBound(critic(c.v)).Item(), 0.5-1e-3, c.name)
		assert.Less(t, JSLowerBound(critic(c.v)).Item(), jsd-1e-3, c.name)
		assert.Less(t, TVLowerBound(critic(c.v)).Item(), tv-1e-3, c.name)
	}
	// With P = Q every bound is at most 0, and 0 at the optimum.
	same := autograd.Const(tensor.New([]float64{0.3, -1, 2}, 3, 1))
	assert.InDelta(t, 0, KLLowerBound(autograd.Const(tensor.Ones(3, 1)), autograd.Const(tensor.Ones(3, 1))).Item(), 1e-15)
	assert.InDelta(t, 0, JSLowerBound(autograd.Const(tensor.Zeros(3, 1)), autograd.Const(tensor.Zeros(3, 1))).Item(), 1e-15)
	assert.InDelta(t, 0, TVLowerBound(same, same).Item(), 1e-15)
}

func TestDivergenceBoundsGradCheck(t *testing.T) {
	vp := tensor.New([]float64{0.3, -1.2, 0.8, 1.5}, 4, 1)
	vq := tensor.New([]float64{-0.4, 0.9, -1.7}, 3, 1)
	for name, f := range map[string]func(vp, vq *autograd.Var) *autograd.Var{
		"KL": KLLowerBound, "JS": JSLowerBound, "TV": TVLowerBound,
	} {
		g := func(xs []*autograd.Var) *autograd.Var { return f(xs[0], xs[1]) }
		in := []*tensor.Tensor{vp, vq}
		require.NoError(t, autograd.GradCheck(name, g, in, autograd.DefaultTolerance))
		require.NoError(t, autograd.GradGradCheck(name, g, in, autograd.DefaultTolerance))
	}
}
