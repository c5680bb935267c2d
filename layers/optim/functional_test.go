package optim_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// grad1 is the gradient of f at θ, built with createGraph so that it is a
// differentiable function of θ.
func grad1(f func(*autograd.Var) *autograd.Var, theta *autograd.Var) *autograd.Var {
	return autograd.Grad([]*autograd.Var{f(theta)}, []*autograd.Var{theta}, true)[0]
}

// Worked by hand: for f(θ) = θ⁴/4 the gradient is θ³. From θ = 1 with
// lr = 0.1, θ₁ = θ − lr·θ³ = 0.9 and θ₂ = θ₁ − lr·θ₁³ = 0.8271. By the chain
// rule dθ₂/dθ = (1 − 3·lr·θ₁²)(1 − 3·lr·θ²) = 0.757·0.7 = 0.5299. Treating
// the gradients as constants (no createGraph) would give 1 instead.
func TestSGDStepDerivativeByHand(t *testing.T) {
	f := func(x *autograd.Var) *autograd.Var { return autograd.Scale(autograd.Pow(x, 4), 0.25) }
	theta := autograd.Param(tensor.Scalar(1))
	theta1 := optim.SGDStep([]*autograd.Var{theta}, []*autograd.Var{grad1(f, theta)}, 0.1)[0]
	theta2 := optim.SGDStep([]*autograd.Var{theta1}, []*autograd.Var{grad1(f, theta1)}, 0.1)[0]
	assert.InDelta(t, 0.8271, theta2.Item(), 1e-15)
	d := autograd.Grad([]*autograd.Var{theta2}, []*autograd.Var{theta}, false)[0]
	assert.InDelta(t, 0.5299, d.Item(), 1e-15)
}

// The inner loss of the unrolled checks: f(θ) = Σ softplus(A·θ) + ½‖θ‖²,
// θ (3,1), A (4,3). Its Hessian Aᵀ diag(σ(Aθ)(1−σ(Aθ))) A + I is not
// constant, so second derivatives matter.
var innerA = tensor.New([]float64{
	0.8, -1.1, 0.3,
	-0.4, 0.9, 1.7,
	1.2, 0.5, -0.6,
	0.1, -0.7, 0.9,
}, 4, 3)

func innerLoss(theta *autograd.Var) *autograd.Var {
	z := autograd.MatMul(autograd.Const(innerA), theta) // (4,1)
	return autograd.Add(autograd.Sum(autograd.Softplus(z)), autograd.Scale(autograd.Sum(autograd.Square(theta)), 0.5))
}

// The outer loss, a function of the parameters after the simulated steps.
func outerLoss(theta *autograd.Var) *autograd.Var { return autograd.Tanh(autograd.Scale(theta, 2)) }

var unrollStart = tensor.New([]float64{0.7, -1.3, 2.1}, 3, 1)

// θ → outer(θ₂), θ₂ after two differentiable SGD steps on the inner loss,
// against finite differences.
func TestSGDStepUnrolledGradCheck(t *testing.T) {
	f := func(xs []*autograd.Var) *autograd.Var {
		theta := xs
		for range 2 {
			theta = optim.SGDStep(theta, []*autograd.Var{grad1(innerLoss, theta[0])}, 0.3)
		}
		return outerLoss(theta[0])
	}
	require.NoError(t, autograd.GradCheck("two SGD steps", f, []*tensor.Tensor{unrollStart}, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("two SGD steps", f, []*tensor.Tensor{unrollStart}, autograd.DefaultTolerance))
}

// The same through two Adam steps. The inner gradients at these points are
// of order 1, so √v̂ is far from 0.
func TestAdamStepUnrolledGradCheck(t *testing.T) {
	for _, beta1 := range []float64{0, 0.5} {
		f := func(xs []*autograd.Var) *autograd.Var {
			theta, st := xs, optim.AdamState{}
			for range 2 {
				theta, st = optim.AdamStep(theta, []*autograd.Var{grad1(innerLoss, theta[0])}, st, 0.2, beta1, 0.9, 1e-8)
			}
			return outerLoss(theta[0])
		}
		require.NoError(t, autograd.GradCheck("two Adam steps", f, []*tensor.Tensor{unrollStart}, autograd.DefaultTolerance), "β1 %g", beta1)
		require.NoError(t, autograd.GradGradCheck("two Adam steps", f, []*tensor.Tensor{unrollStart}, autograd.DefaultTolerance), "β1 %g", beta1)
	}
}

// With weight decay λ the step uses g + λ·p, a second path from θ to the
// new parameters. The steps continue from a state with moments and a step
// count, as an unrolled GAN continues from its optimizer's
// (Adam.FunctionalState): constants m, v, t = 3.
func TestAdamStepWeightDecayGradCheck(t *testing.T) {
	start := optim.AdamState{
		M:           []*autograd.Var{autograd.Const(tensor.New([]float64{0.3, -0.2, 0.5}, 3, 1))},
		V:           []*autograd.Var{autograd.Const(tensor.New([]float64{0.4, 0.1, 0.9}, 3, 1))},
		T:           3,
		WeightDecay: 0.1,
	}
	f := func(xs []*autograd.Var) *autograd.Var {
		theta, st := xs, start
		for range 2 {
			theta, st = optim.AdamStep(theta, []*autograd.Var{grad1(innerLoss, theta[0])}, st, 0.2, 0.5, 0.9, 1e-8)
		}
		return outerLoss(theta[0])
	}
	in := []*tensor.Tensor{unrollStart}
	require.NoError(t, autograd.GradCheck("two Adam steps, weight decay", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("two Adam steps, weight decay", f, in, autograd.DefaultTolerance))
}

// constGrads wraps the fixed problem's gradient as constants, one per parameter.
func constGrads(params []*autograd.Var) []*autograd.Var {
	g := gradient(flat(params))
	out := make([]*autograd.Var, len(params))
	off := 0
	for i, p := range params {
		n := p.Value.Len()
		out[i] = autograd.Const(tensor.New(append([]float64(nil), g[off:off+n]...), p.Value.Shape()...))
		off += n
	}
	return out
}

// The functional steps compute what the in-place optimizers compute, up to
// rounding (they order the bias corrections differently).
func TestFunctionalStepsMatchOptimizers(t *testing.T) {
	t.Run("SGD", func(t *testing.T) {
		params, fparams := newParams(), newParams()
		opt := optim.NewSGD(params, 0.05, 0)
		for range 4 {
			setGrads(params)
			opt.Step()
			fparams = optim.SGDStep(fparams, constGrads(fparams), 0.05)
		}
		assert.Equal(t, flat(params), flat(fparams))
	})
	t.Run("Adam", func(t *testing.T) {
		params, fparams := newParams(), newParams()
		opt := optim.NewAdam(params, 0.05, 0.5, 0.99)
		st := optim.AdamState{}
		for range 4 {
			setGrads(params)
			opt.Step()
			fparams, st = optim.AdamStep(fparams, constGrads(fparams), st, 0.05, 0.5, 0.99, 1e-8)
		}
		assert.Equal(t, 4, st.T)
		want, got := flat(params), flat(fparams)
		require.Len(t, got, len(want))
		for j := range want {
			assert.InEpsilon(t, want[j], got[j], 1e-15, "coordinate %d", j)
		}
	})
	t.Run("Adam from FunctionalState", func(t *testing.T) {
		params := newParams()
		opt := optim.NewAdam(params, 0.05, 0.9, 0.999)
		opt.WeightDecay = 0.3 // the state carries it to the functional step
		for range 3 {
			setGrads(params)
			opt.Step()
		}
		st := opt.FunctionalState()
		assert.Equal(t, 3, st.T)
		assert.Equal(t, 0.3, st.WeightDecay)
		fparams := []*autograd.Var{autograd.Const(params[0].Value.Clone()), autograd.Const(params[1].Value.Clone())}
		fparams, _ = optim.AdamStep(fparams, constGrads(fparams), st, 0.05, 0.9, 0.999, 1e-8)
		setGrads(params)
		opt.Step()
		want, got := flat(params), flat(fparams)
		require.Len(t, got, len(want))
		for j := range want {
			assert.InEpsilon(t, want[j], got[j], 1e-15, "coordinate %d", j)
		}
	})
}

// A nil gradient leaves the parameter (and Adam's moments) as they were.
func TestFunctionalNilGradient(t *testing.T) {
	params := newParams()
	grads := constGrads(params)
	grads[1] = nil
	out := optim.SGDStep(params, grads, 0.1)
	assert.Same(t, params[1], out[1])
	assert.NotEqual(t, params[0].Value.Data(), out[0].Value.Data())

	out, st := optim.AdamStep(params, grads, optim.AdamState{}, 0.1, 0.9, 0.999, 1e-8)
	assert.Same(t, params[1], out[1])
	assert.Equal(t, []float64{0, 0, 0}, st.M[1].Value.Data())
}

func TestFunctionalCallerMistakes(t *testing.T) {
	params := newParams()
	cases := []struct {
		name string
		f    func()
		kind error
		msg  string
	}{
		{"lengths", func() { optim.SGDStep(params, params[:1], 0.1) }, tensor.ErrArgument,
			"optim: SGDStep: bad argument 2 parameters, 1 gradients"},
		{"gradient shape", func() { optim.SGDStep(params[:1], params[1:], 0.1) }, tensor.ErrShape,
			"optim: SGDStep: shape mismatch parameter 0 has shape (2,3), its gradient (3)"},
		{"moment count", func() {
			optim.AdamStep(params, constGrads(params), optim.AdamState{M: params[:1], V: params}, 0.1, 0.9, 0.999, 1e-8)
		}, tensor.ErrArgument, "optim: AdamStep: bad argument 2 parameters, 1 values of m"},
		{"β2", func() { optim.AdamStep(params, constGrads(params), optim.AdamState{}, 0.1, 0.9, 1, 1e-8) },
			tensor.ErrArgument, "optim: AdamStep: bad argument β2 = 1, want 0 ≤ β2 < 1"},
		{"weight decay", func() {
			optim.AdamStep(params, constGrads(params), optim.AdamState{WeightDecay: -0.1}, 0.1, 0.9, 0.999, 1e-8)
		}, tensor.ErrArgument, "optim: AdamStep: bad argument weight decay λ = -0.1, want finite λ ≥ 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := panicError(c.f)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.kind))
			assert.Equal(t, c.msg, err.Error())
		})
	}
}
