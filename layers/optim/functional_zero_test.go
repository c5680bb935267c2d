package optim_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// A parameter the inner loss does not depend on has a gradient of exactly
// 0 in every step, so Adam's v̂ stays 0 there: the situation of a dead ReLU
// unit or a maxout piece that never wins in an unrolled discriminator.
// The step leaves it where it is (m = 0), and its derivative through the
// steps is that of the identity: 1 for the parameter itself and nothing
// through √v̂, where autograd's square root alone would give 0·∞ = NaN.
func TestAdamStepDifferentiableWhereTheGradientIsZero(t *testing.T) {
	// θ = (θ₁, θ₂, θ₃, θ₄) as (4,1); the inner loss ignores θ₄.
	inner := func(theta *autograd.Var) *autograd.Var {
		return innerLoss(autograd.Slice(theta, 0, 0, 3))
	}
	steps := func(theta []*autograd.Var, beta1 float64) []*autograd.Var {
		st := optim.AdamState{}
		for range 2 {
			theta, st = optim.AdamStep(theta, []*autograd.Var{grad1(inner, theta[0])}, st, 0.2, beta1, 0.9, 1e-8)
		}
		return theta
	}
	start := tensor.New([]float64{0.7, -1.3, 2.1, 0.4}, 4, 1)
	for _, beta1 := range []float64{0, 0.5} {
		f := func(xs []*autograd.Var) *autograd.Var { return outerLoss(steps(xs, beta1)[0]) }
		require.NoError(t, autograd.GradCheck("two Adam steps, a zero gradient", f, []*tensor.Tensor{start}, autograd.DefaultTolerance), "β1 %g", beta1)
		require.NoError(t, autograd.GradGradCheck("two Adam steps, a zero gradient", f, []*tensor.Tensor{start}, autograd.DefaultTolerance), "β1 %g", beta1)

		theta := autograd.Param(start.Clone())
		final := steps([]*autograd.Var{theta}, beta1)[0]
		assert.Equal(t, 0.4, final.Value.Data()[3], "the step leaves θ₄ alone")
		d := autograd.Grad([]*autograd.Var{autograd.Slice(final, 0, 3, 4)}, []*autograd.Var{theta}, false)[0].Value.Data()
		for i, v := range d {
			require.False(t, math.IsNaN(v), "∂θ₄′/∂θ%d is NaN", i+1)
		}
		assert.Equal(t, []float64{0, 0, 0, 1}, d, "∂θ₄′/∂θ: the identity")
	}
}
