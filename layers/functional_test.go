package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// functionalZoo returns one network for every module type Functional
// knows, each with an input.
func functionalZoo(r *rand.Rand) []struct {
	name string
	m    layers.Module
	x    *tensor.Tensor
} {
	sn := layers.NewSpectralNorm(r, layers.NewLinear(r, 3, 4))
	sn.SetTraining(false) // a training Forward moves u: two calls would differ
	vbn := layers.NewVirtualBatchNorm(4)
	layers.ReferenceForward(vbn, autograd.Const(tensor.RandN(r, 5, 4)))
	att := layers.NewSelfAttention(r, 2)
	att.Gamma.Value.Fill(0.5)
	return []struct {
		name string
		m    layers.Module
		x    *tensor.Tensor
	}{
		{"MLP", layers.NewSequential(layers.NewLinear(r, 3, 5), layers.NewBatchNorm(5), layers.LeakyReLU{Slope: 0.2},
			layers.NewLayerNorm(5), layers.NewMaxout(r, 5, 2, 3), layers.Tanh{}, layers.NewLinear(r, 2, 1, layers.WithoutBias()),
			&layers.Sigmoid{}, &layers.ReLU{}), tensor.RandN(r, 4, 3)},
		{"conv", layers.NewSequential(layers.NewReshape(1, 2, 2), layers.NewConvTranspose2D(r, 1, 2, 4, 2, 1),
			layers.NewUpsample(2), layers.NewConv2D(r, 2, 2, 3, 2, 1), att, layers.NewMinibatchStdDev(),
			layers.Flatten{}, layers.NewLinear(r, 48, 1)), tensor.RandN(r, 2, 4)},
		{"spectral norm", sn, tensor.RandN(r, 2, 3)},
		{"minibatch discrimination", layers.NewMinibatchDiscrimination(r, 3, 4, 2), tensor.RandN(r, 3, 3)},
		{"virtual batch norm", vbn, tensor.RandN(r, 2, 4)},
	}
}

// clones returns new leaves holding copies of the module's parameters.
func clones(m layers.Module) []*autograd.Var {
	var out []*autograd.Var
	for _, v := range layers.Vars(m) {
		out = append(out, autograd.Param(v.Value.Clone()))
	}
	return out
}

// With its own parameters, or with copies of them, the functional copy
// computes bit for bit what the module computes, and the gradients reach
// the given variables (with the module's own gradient values), not the
// module's parameters.
func TestFunctionalMatchesModule(t *testing.T) {
	for _, tc := range functionalZoo(rand.New(rand.NewPCG(61, 0))) {
		t.Run(tc.name, func(t *testing.T) {
			want := forward(tc.m, tc.x)
			assert.Equal(t, want.Data(), forward(layers.Functional(tc.m, layers.Vars(tc.m)), tc.x).Data())

			own := layers.Vars(tc.m)
			ownGrads := autograd.Grad([]*autograd.Var{autograd.Sum(tc.m.Forward(autograd.Const(tc.x)))}, own, false)
			params := clones(tc.m)
			f := layers.Functional(tc.m, params)
			y := f.Forward(autograd.Const(tc.x))
			assert.Equal(t, want.Data(), y.Value.Data())
			grads := autograd.Grad([]*autograd.Var{autograd.Sum(y)}, append(params, own...), false)
			for i := range params {
				assert.Equal(t, ownGrads[i].Value.Data(), grads[i].Value.Data(), "parameter %d", i)
				zero := grads[len(params)+i].Value
				assert.Equal(t, tensor.ZerosLike(zero).Data(), zero.Data(), "the module's own parameter %d is not used", i)
			}
			// The parameters of the copy are the given variables, in order.
			for i, v := range layers.Vars(f) {
				assert.Same(t, params[i], v)
			}
		})
	}
}

// The copy shares buffers and mode: a BatchNorm copy updates the original
// running statistics, a SpectralNorm copy the original u.
func TestFunctionalSharesBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(62, 0))
	bn := layers.NewBatchNorm(2)
	fbn := layers.Functional(bn, clones(bn))
	forward(fbn, tensor.RandN(r, 4, 2))
	assert.NotEqual(t, []float64{0, 0}, bn.RunningMean.Data())
	assert.Same(t, bn.RunningMean, layers.BuffersOf(fbn)[0].Tensor)

	sn := layers.NewSpectralNorm(r, layers.NewLinear(r, 2, 3))
	fsn := layers.Functional(sn, clones(sn))
	u := sn.U.Clone()
	forward(fsn, tensor.RandN(r, 1, 2))
	assert.NotEqual(t, u.Data(), sn.U.Data())

	bn.SetTraining(false)
	fbn = layers.Functional(bn, clones(bn))
	before := bn.RunningMean.Clone()
	forward(fbn, tensor.RandN(r, 4, 2))
	assert.Equal(t, before.Data(), bn.RunningMean.Data(), "evaluation mode is copied")
}

// ---- The unrolled GAN --------------------------------------------------------------
//
// D is a 2 → 4 → 1 tanh network. The generator's loss after K simulated
// SGD steps of D, as a function of the generated batch:
//
//	θ₀ = θ_D,  θ_{k+1} = θ_k − lr·∇_θ L_D(θ_k; real, fake),
//	L_G = mean softplus(−D_{θ_K}(fake)),
//
// with L_D the non-saturating discriminator loss. fake enters the inner
// steps as well, so ∂L_G/∂fake goes through them.

func softplusD(real, fake *autograd.Var) *autograd.Var {
	return autograd.Add(autograd.Mean(autograd.Softplus(autograd.Neg(real))), autograd.Mean(autograd.Softplus(fake)))
}

func softplusG(fake *autograd.Var) *autograd.Var {
	return autograd.Mean(autograd.Softplus(autograd.Neg(fake)))
}

func unrolledLoss(d layers.Module, real, fake *autograd.Var, k int, lr float64) *autograd.Var {
	theta := layers.Vars(d)
	for range k {
		dk := layers.Functional(d, theta)
		lossD := softplusD(dk.Forward(real), dk.Forward(fake))
		theta = optim.SGDStep(theta, autograd.Grad([]*autograd.Var{lossD}, theta, true), lr)
	}
	return softplusG(layers.Functional(d, theta).Forward(fake))
}

func tinyD(r *rand.Rand) layers.Module {
	return layers.NewSequential(layers.NewLinear(r, 2, 4), layers.Tanh{}, layers.NewLinear(r, 4, 1))
}

func TestUnrolledLossGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 0))
	d := tinyD(r)
	real := autograd.Const(tensor.RandN(r, 3, 2))
	f := func(xs []*autograd.Var) *autograd.Var { return unrolledLoss(d, real, xs[0], 2, 0.5) }
	in := []*tensor.Tensor{tensor.RandN(r, 3, 2)}
	require.NoError(t, autograd.GradCheck("unrolled K=2", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("unrolled K=2", f, in, autograd.DefaultTolerance))

	// The look-ahead matters: with K = 2 the gradient differs from K = 0's.
	fake := autograd.Param(in[0].Clone())
	g0 := autograd.Grad([]*autograd.Var{unrolledLoss(d, real, fake, 0, 0.5)}, []*autograd.Var{fake}, false)[0]
	g2 := autograd.Grad([]*autograd.Var{unrolledLoss(d, real, fake, 2, 0.5)}, []*autograd.Var{fake}, false)[0]
	assert.Greater(t, maxAbsDiff(g0.Value, g2.Value), 1e-3)
}

// Chapter 10's configuration: a ReLU discriminator, whose Linear and ReLU
// run as one node (autograd.LinearReLU) in the functional copies too, and
// K simulated Adam steps that continue from D's live optimizer
// (Adam.FunctionalState: moments and a step count). The generator's loss
// −L_D(θ_K) as a function of the generated batch, to first and second
// order, with every hidden pre-activation at every θ_k away from the kink.
func TestUnrolledAdamReLUGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(66, 0))
	hidden := layers.NewLinear(r, 2, 4)
	d := layers.NewSequential(hidden, layers.ReLU{}, layers.NewLinear(r, 4, 1))
	real := autograd.Const(tensor.RandN(r, 3, 2))
	fake := tensor.RandN(r, 3, 2)
	opt := optim.NewAdam(layers.Vars(d), 0.05, 0.5, 0.999)
	for range 2 { // D's own updates, for a state to continue from
		opt.ZeroGrad()
		softplusD(d.Forward(real), d.Forward(autograd.Const(fake))).Backward()
		opt.Step()
	}
	const k = 2
	beta1, beta2 := opt.Betas()
	lookAhead := func(fake *autograd.Var) [][]*autograd.Var { // θ_0, …, θ_K
		thetas := [][]*autograd.Var{layers.Vars(d)}
		st := opt.FunctionalState()
		for j := range k {
			dj := layers.Functional(d, thetas[j])
			grads := autograd.Grad([]*autograd.Var{softplusD(dj.Forward(real), dj.Forward(fake))}, thetas[j], true)
			next, nextSt := optim.AdamStep(thetas[j], grads, st, opt.LR(), beta1, beta2, opt.Eps)
			thetas, st = append(thetas, next), nextSt
		}
		return thetas
	}
	for _, theta := range lookAhead(autograd.Const(fake)) {
		for _, x := range []*autograd.Var{real, autograd.Const(fake)} {
			requireAwayFromZero(t, autograd.Linear(x, theta[0], theta[1]).Value, 1e-3)
		}
	}
	fused := layers.Functional(layers.NewSequential(hidden, layers.ReLU{}), layers.Vars(hidden))
	require.Equal(t, "LinearReLU", fused.Forward(real).Op())

	f := func(xs []*autograd.Var) *autograd.Var {
		dk := layers.Functional(d, lookAhead(xs[0])[k])
		return autograd.Neg(softplusD(dk.Forward(real), dk.Forward(xs[0])))
	}
	in := []*tensor.Tensor{fake}
	require.NoError(t, autograd.GradCheck("unrolled Adam K=2, ReLU", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("unrolled Adam K=2, ReLU", f, in, autograd.DefaultTolerance))
}

// K = 0 is the plain GAN: the same gradient, bit for bit.
func TestUnrolledLossWithoutStepsIsThePlainLoss(t *testing.T) {
	r := rand.New(rand.NewPCG(64, 0))
	d := tinyD(r)
	real := autograd.Const(tensor.RandN(r, 3, 2))
	fake := autograd.Param(tensor.RandN(r, 3, 2))
	plain := softplusG(d.Forward(fake))
	unrolled := unrolledLoss(d, real, fake, 0, 0.5)
	assert.Equal(t, plain.Item(), unrolled.Item())
	want := autograd.Grad([]*autograd.Var{plain}, []*autograd.Var{fake}, false)[0]
	got := autograd.Grad([]*autograd.Var{unrolled}, []*autograd.Var{fake}, false)[0]
	assert.Equal(t, want.Value.Data(), got.Value.Data())
}

func maxAbsDiff(a, b *tensor.Tensor) float64 {
	return tensor.Max(tensor.Reshape(tensor.Abs(tensor.Sub(a, b)), -1), 0).Item()
}

// reparam is a module from outside the package that opts in.
type reparam struct{ W *autograd.Var }

func (m *reparam) Forward(x *autograd.Var) *autograd.Var { return autograd.Mul(x, m.W) }
func (m *reparam) Parameters() []layers.Parameter {
	return []layers.Parameter{{Name: "w", Var: m.W}}
}
func (m *reparam) WithParameters(p []*autograd.Var) layers.Module { return &reparam{W: p[0]} }

// opaque is a module Functional cannot know.
type opaque struct{ W *autograd.Var }

func (m *opaque) Forward(x *autograd.Var) *autograd.Var { return autograd.Mul(x, m.W) }
func (m *opaque) Parameters() []layers.Parameter {
	return []layers.Parameter{{Name: "w", Var: m.W}}
}

func TestFunctionalReparameterizable(t *testing.T) {
	m := layers.NewSequential(&reparam{W: autograd.Param(tensor.Full(2, 1))}, layers.Tanh{})
	w := autograd.Param(tensor.Full(3, 1))
	y := forward(layers.Functional(m, []*autograd.Var{w}), tensor.Full(0.1, 1, 1))
	assert.InDelta(t, 0.2913126124515909, y.Item(), 1e-15) // tanh(0.3)
}

func TestFunctionalPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(65, 0))
	lin := layers.NewLinear(r, 2, 3)
	requirePanicsWith(t, tensor.ErrArgument, "layers: Functional: bad argument 1 parameters for a *layers.Linear with 2",
		func() { layers.Functional(lin, layers.Vars(lin)[:1]) })
	requirePanicsWith(t, tensor.ErrShape, "layers: Functional: shape mismatch parameter 0 (weight) is (2,3), want (3,2)",
		func() {
			layers.Functional(lin, []*autograd.Var{autograd.Param(tensor.Zeros(2, 3)), lin.Bias})
		})
	requirePanicsWith(t, tensor.ErrShape, "layers: Functional: shape mismatch parameter 1 (bias) is nil, want (3)",
		func() { layers.Functional(lin, []*autograd.Var{lin.Weight, nil}) })
	op := &opaque{W: autograd.Param(tensor.Full(2, 1))}
	requirePanicsWith(t, tensor.ErrArgument,
		"layers: Functional: bad argument unknown module type *layers_test.opaque; it can implement layers.Reparameterizable",
		func() { layers.Functional(layers.NewSequential(layers.ReLU{}, op), layers.Vars(op)) })
}
