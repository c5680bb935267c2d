package optim_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// ---- A fixed problem ---------------------------------------------------------------
//
// Two parameters, shapes (2,3) and (3), and the quadratic loss
// L(p) = ½ Σⱼ cⱼ (pⱼ − aⱼ)², whose gradient gⱼ = cⱼ (pⱼ − aⱼ) the tests write
// down directly in float64. The curvatures c span four orders of magnitude,
// so that Adam's and RMSprop's per-coordinate scaling matters.

var (
	startValues = []float64{0.5, -1.2, 2.0, 0.03, -0.7, 1.1, 3.0, -2.5, 0.25}
	curvature   = []float64{1, 10, 0.1, 100, 0.5, 2, 0.01, 5, 30}
	target      = []float64{-0.3, 0.4, 1.0, -1.0, 0.2, 0.9, -2.0, 1.5, 0.75}
)

// gradient is ∂L/∂pⱼ for the flat vector of all parameter values.
func gradient(p []float64) []float64 {
	g := make([]float64, len(p))
	for j := range p {
		g[j] = curvature[j] * (p[j] - target[j])
	}
	return g
}

// newParams returns the two parameters holding startValues.
func newParams() []*autograd.Var {
	return []*autograd.Var{
		autograd.Param(tensor.New(append([]float64(nil), startValues[:6]...), 2, 3)),
		autograd.Param(tensor.New(append([]float64(nil), startValues[6:]...), 3)),
	}
}

// flat concatenates the parameters' values.
func flat(params []*autograd.Var) []float64 {
	var out []float64
	for _, p := range params {
		out = append(out, p.Value.Data()...)
	}
	return out
}

// setGrads stores the gradient of the fixed problem in every p.Grad.
func setGrads(params []*autograd.Var) {
	g := gradient(flat(params))
	off := 0
	for _, p := range params {
		n := p.Value.Len()
		p.Grad = tensor.New(append([]float64(nil), g[off:off+n]...), p.Value.Shape()...)
		off += n
	}
}

// ---- Reference updates, one scalar at a time, straight from the papers ---------

// referenceSGD is PyTorch's SGD: v ← μv + (g + λp), p ← p − lr·v.
func referenceSGD(steps int, lr, mu, wd float64) []float64 {
	p := append([]float64(nil), startValues...)
	v := make([]float64, len(p))
	for range steps {
		g := gradient(p)
		for j := range p {
			d := g[j] + wd*p[j]
			v[j] = mu*v[j] + d
			p[j] = p[j] - lr*v[j]
		}
	}
	return p
}

// referenceAdam is Algorithm 1 of arXiv 1412.6980 with PyTorch's L2 decay:
// m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), p ← p − lr·m̂/(√v̂ + ε).
func referenceAdam(steps int, lr, b1, b2, eps, wd float64) []float64 {
	p := append([]float64(nil), startValues...)
	m := make([]float64, len(p))
	v := make([]float64, len(p))
	for t := 1; t <= steps; t++ {
		g := gradient(p)
		for j := range p {
			d := g[j] + wd*p[j]
			m[j] = b1*m[j] + (1-b1)*d
			v[j] = b2*v[j] + (1-b2)*d*d
			mHat := m[j] / (1 - math.Pow(b1, float64(t)))
			vHat := v[j] / (1 - math.Pow(b2, float64(t)))
			p[j] = p[j] - lr*mHat/(math.Sqrt(vHat)+eps)
		}
	}
	return p
}

// referenceRMSprop is PyTorch's default RMSprop: s ← αs + (1−α)d²,
// p ← p − lr·d/(√s + ε).
func referenceRMSprop(steps int, lr, alpha, eps, wd float64) []float64 {
	p := append([]float64(nil), startValues...)
	s := make([]float64, len(p))
	for range steps {
		g := gradient(p)
		for j := range p {
			d := g[j] + wd*p[j]
			s[j] = alpha*s[j] + (1-alpha)*d*d
			p[j] = p[j] - lr*d/(math.Sqrt(s[j])+eps)
		}
	}
	return p
}

func TestStepsMatchPublishedRules(t *testing.T) {
	const steps = 7
	cases := []struct {
		name string
		opt  func(params []*autograd.Var) optim.Optimizer
		want []float64
	}{
		{"SGD", func(p []*autograd.Var) optim.Optimizer { return optim.NewSGD(p, 0.01, 0) },
			referenceSGD(steps, 0.01, 0, 0)},
		{"SGD momentum", func(p []*autograd.Var) optim.Optimizer { return optim.NewSGD(p, 0.01, 0.9) },
			referenceSGD(steps, 0.01, 0.9, 0)},
		{"SGD momentum weight decay", func(p []*autograd.Var) optim.Optimizer {
			o := optim.NewSGD(p, 0.01, 0.5)
			o.WeightDecay = 0.1
			return o
		}, referenceSGD(steps, 0.01, 0.5, 0.1)},
		{"Adam", func(p []*autograd.Var) optim.Optimizer { return optim.NewAdam(p, 0.01, 0.9, 0.999) },
			referenceAdam(steps, 0.01, 0.9, 0.999, 1e-8, 0)},
		{"Adam β1=0 (TTUR)", func(p []*autograd.Var) optim.Optimizer { return optim.NewAdam(p, 4e-4, 0, 0.9) },
			referenceAdam(steps, 4e-4, 0, 0.9, 1e-8, 0)},
		{"Adam eps weight decay", func(p []*autograd.Var) optim.Optimizer {
			o := optim.NewAdam(p, 0.05, 0.5, 0.99)
			o.Eps, o.WeightDecay = 1e-3, 0.01
			return o
		}, referenceAdam(steps, 0.05, 0.5, 0.99, 1e-3, 0.01)},
		{"RMSprop (WGAN lr)", func(p []*autograd.Var) optim.Optimizer { return optim.NewRMSprop(p, 5e-5) },
			referenceRMSprop(steps, 5e-5, 0.99, 1e-8, 0)},
		{"RMSprop alpha eps weight decay", func(p []*autograd.Var) optim.Optimizer {
			o := optim.NewRMSprop(p, 0.01)
			o.Alpha, o.Eps, o.WeightDecay = 0.9, 1e-4, 0.1
			return o
		}, referenceRMSprop(steps, 0.01, 0.9, 1e-4, 0.1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			params := newParams()
			opt := c.opt(params)
			for range steps {
				setGrads(params)
				opt.Step()
			}
			got := flat(params)
			require.Len(t, got, len(c.want))
			for j := range got {
				// The implementation folds the bias corrections into two
				// scalars; the reference applies them as written. Both
				// round differently, by a few ulps.
				assert.InEpsilon(t, c.want[j], got[j], 1e-15, "coordinate %d", j)
			}
			// The parameters moved, so the test could have failed.
			assert.NotEqual(t, startValues, got)
		})
	}
}

// Worked by hand: with a constant gradient g = 1 from p = 0, lr = 0.1 and
// μ = 0.9 the velocity is 1, 1.9, 2.71 and p is −0.1, −0.29, −0.561.
func TestSGDMomentumByHand(t *testing.T) {
	p := autograd.Param(tensor.Scalar(0))
	opt := optim.NewSGD([]*autograd.Var{p}, 0.1, 0.9)
	want := []float64{-0.1, -0.29, -0.561}
	for i, w := range want {
		p.Grad = tensor.Scalar(1)
		opt.Step()
		assert.InDelta(t, w, p.Value.Item(), 1e-15, "step %d", i+1)
	}
	assert.Equal(t, 3, opt.Steps())
}

// Worked by hand: RMSprop's first step with g = 2, α = 0.99, lr = 0.01:
// s = 0.01·4 = 0.04, √s = 0.2, p = −0.01·2/(0.2 + 1e-8) ≈ −0.1.
func TestRMSpropFirstStepByHand(t *testing.T) {
	p := autograd.Param(tensor.Scalar(0))
	opt := optim.NewRMSprop([]*autograd.Var{p}, 0.01)
	p.Grad = tensor.Scalar(2)
	opt.Step()
	assert.InDelta(t, -0.02/(0.2+1e-8), p.Value.Item(), 1e-16)
}

// After one Adam step m̂ = g and v̂ = g², so the move is lr·g/(|g| + ε):
// lr·sign(g) up to a relative ε/|g|, whatever the gradient's size.
func TestAdamFirstStepIsLRTimesSign(t *testing.T) {
	grads := []float64{1e-3, -0.02, 0.5, -7, 300, -1e4}
	for _, beta1 := range []float64{0, 0.5, 0.9} {
		p := autograd.Param(tensor.Zeros(len(grads)))
		opt := optim.NewAdam([]*autograd.Var{p}, 0.01, beta1, 0.999)
		p.Grad = tensor.New(append([]float64(nil), grads...), len(grads))
		opt.Step()
		for j, g := range grads {
			assert.InEpsilon(t, -0.01*math.Copysign(1, g), p.Value.Data()[j], 1e-5, "β1 %g, g %g", beta1, g)
		}
	}
}

// With β1 = 0 the first moment is the last gradient itself.
func TestAdamBeta1ZeroKeepsLastGradient(t *testing.T) {
	params := newParams()
	opt := optim.NewAdam(params, 1e-3, 0, 0.9)
	for range 3 {
		setGrads(params)
		opt.Step()
	}
	for _, b := range opt.State() {
		if b.Name == "adam.m.1" {
			assert.Equal(t, params[1].Grad.Data(), b.Tensor.Data())
		}
	}
}

func TestZeroGrad(t *testing.T) {
	params := newParams()
	for _, opt := range []optim.Optimizer{optim.NewSGD(params, 0.1, 0), optim.NewAdam(params, 0.1, 0.9, 0.999), optim.NewRMSprop(params, 0.1)} {
		setGrads(params)
		opt.ZeroGrad()
		for i, p := range params {
			assert.Nil(t, p.Grad, "parameter %d", i)
		}
	}
}

// A parameter without a gradient is not moved and its state is not touched;
// the others are.
func TestStepSkipsNilGradients(t *testing.T) {
	for _, newOpt := range []func([]*autograd.Var) optim.Optimizer{
		func(p []*autograd.Var) optim.Optimizer { return optim.NewSGD(p, 0.1, 0.9) },
		func(p []*autograd.Var) optim.Optimizer { return optim.NewAdam(p, 0.1, 0.9, 0.999) },
		func(p []*autograd.Var) optim.Optimizer { return optim.NewRMSprop(p, 0.1) },
	} {
		params := newParams()
		opt := newOpt(params)
		setGrads(params)
		params[0].Grad = nil
		opt.Step()
		assert.Equal(t, startValues[:6], params[0].Value.Data())
		assert.NotEqual(t, startValues[6:], params[1].Value.Data())
		for _, b := range opt.State() {
			if b.Name[len(b.Name)-2:] == ".0" {
				assert.Equal(t, make([]float64, 6), b.Tensor.Data(), b.Name)
			}
		}
	}
}

// After the first step (which may warm caches) a step allocates nothing.
func TestStepDoesNotAllocate(t *testing.T) {
	params := newParams()
	setGrads(params)
	for name, opt := range map[string]optim.Optimizer{
		"SGD": optim.NewSGD(params, 1e-3, 0.9), "Adam": optim.NewAdam(params, 1e-3, 0.5, 0.999), "RMSprop": optim.NewRMSprop(params, 1e-3),
	} {
		opt.Step()
		assert.Zero(t, testing.AllocsPerRun(10, opt.Step), name)
	}
}

func TestSetLR(t *testing.T) {
	p := autograd.Param(tensor.Scalar(1))
	opt := optim.NewSGD([]*autograd.Var{p}, 0.1, 0)
	opt.SetLR(0.5)
	assert.Equal(t, 0.5, opt.LR())
	p.Grad = tensor.Scalar(2)
	opt.Step()
	assert.Equal(t, 0.0, p.Value.Item()) // 1 − 0.5·2
}

// ---- Panics on caller mistakes ---------------------------------------------------

// panicError runs f and returns the error it panicked with (nil if none).
func panicError(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	f()
	return nil
}

func TestCallerMistakesPanic(t *testing.T) {
	one := []*autograd.Var{autograd.Param(tensor.Zeros(2, 3))}
	cases := []struct {
		name string
		f    func()
		kind error
		msg  string
	}{
		{"negative lr", func() { optim.NewAdam(one, -1, 0.9, 0.999) }, tensor.ErrArgument,
			"optim: NewAdam: bad argument learning rate -1, want a finite lr ≥ 0"},
		{"β1 = 1", func() { optim.NewAdam(one, 1e-3, 1, 0.999) }, tensor.ErrArgument,
			"optim: NewAdam: bad argument β1 = 1, want 0 ≤ β1 < 1"},
		{"momentum 1.5", func() { optim.NewSGD(one, 1e-3, 1.5) }, tensor.ErrArgument,
			"optim: NewSGD: bad argument momentum 1.5, want 0 ≤ μ < 1"},
		{"NaN SetLR", func() { optim.NewRMSprop(one, 1e-3).SetLR(math.NaN()) }, tensor.ErrArgument,
			"optim: SetLR: bad argument learning rate NaN, want a finite lr ≥ 0"},
		{"nil parameter", func() { optim.NewSGD([]*autograd.Var{nil}, 1e-3, 0) }, tensor.ErrArgument,
			"optim: NewSGD: bad argument parameter 0 is nil"},
		{"gradient shape", func() {
			opt := optim.NewAdam(one, 1e-3, 0.9, 0.999)
			one[0].Grad = tensor.Zeros(3, 2)
			defer func() { one[0].Grad = nil }()
			opt.Step()
		}, tensor.ErrShape, "optim: Adam.Step: shape mismatch parameter 0 has shape (2,3), its gradient (3,2)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := panicError(c.f)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.kind), err.Error())
			assert.Equal(t, c.msg, err.Error())
		})
	}
}

// ---- State -------------------------------------------------------------------------

func TestStateNames(t *testing.T) {
	params := newParams()
	cases := []struct {
		opt  optim.Optimizer
		want []string
	}{
		{optim.NewSGD(params, 0.1, 0.9), []string{"sgd.step", "sgd.v.0", "sgd.v.1"}},
		{optim.NewAdam(params, 0.1, 0.9, 0.999), []string{"adam.step", "adam.m.0", "adam.m.1", "adam.v.0", "adam.v.1"}},
		{optim.NewRMSprop(params, 0.1), []string{"rmsprop.step", "rmsprop.s.0", "rmsprop.s.1"}},
	}
	for _, c := range cases {
		var names []string
		for _, b := range c.opt.State() {
			names = append(names, b.Name)
		}
		assert.Equal(t, c.want, names)
	}
}

// An optimizer that loads another's state continues exactly as the other.
func TestLoadStateContinuesExactly(t *testing.T) {
	paramsA, paramsB := newParams(), newParams()
	a := optim.NewAdam(paramsA, 0.01, 0.5, 0.99)
	for range 3 {
		setGrads(paramsA)
		a.Step()
	}
	b := optim.NewAdam(paramsB, 0.01, 0.5, 0.99)
	require.NoError(t, b.LoadState(a.State()))
	for i := range paramsB {
		paramsB[i].Value.CopyFrom(paramsA[i].Value)
	}
	assert.Equal(t, 3, b.Steps())
	for range 2 {
		setGrads(paramsA)
		a.Step()
		setGrads(paramsB)
		b.Step()
	}
	assert.Equal(t, flat(paramsA), flat(paramsB))
}

func TestLoadStateErrors(t *testing.T) {
	params := newParams()
	good := func() []layers.Buffer { return optim.NewAdam(newParams(), 0.1, 0.9, 0.999).State() }
	cases := []struct {
		name  string
		state func() []layers.Buffer
		msg   string
	}{
		{"missing", func() []layers.Buffer { return good()[:4] },
			`optim: Adam.LoadState: missing "adam.v.1"`},
		{"extra", func() []layers.Buffer {
			return append(good(), layers.Buffer{Name: "adam.m.2", Tensor: tensor.Zeros(1)})
		}, `optim: Adam.LoadState: unexpected "adam.m.2"`},
		{"wrong kind", func() []layers.Buffer { return optim.NewRMSprop(newParams(), 0.1).State() },
			`optim: Adam.LoadState: missing "adam.step"; missing "adam.m.0"; missing "adam.m.1"; missing "adam.v.0"; missing "adam.v.1"; ` +
				`unexpected "rmsprop.s.0"; unexpected "rmsprop.s.1"; unexpected "rmsprop.step"`},
		{"shape", func() []layers.Buffer {
			s := good()
			s[1].Tensor = tensor.Zeros(3, 2)
			return s
		}, `optim: Adam.LoadState: "adam.m.0" has shape (3,2), want (2,3)`},
		{"negative step", func() []layers.Buffer {
			s := good()
			s[0].Tensor = tensor.Scalar(-1)
			return s
		}, `optim: Adam.LoadState: "adam.step" is -1, want a whole number ≥ 0`},
		{"fractional step", func() []layers.Buffer {
			s := good()
			s[0].Tensor = tensor.Scalar(2.5)
			return s
		}, `optim: Adam.LoadState: "adam.step" is 2.5, want a whole number ≥ 0`},
		{"duplicate", func() []layers.Buffer { s := good(); return append(s, s[2]) },
			`optim: Adam.LoadState: "adam.m.1" appears twice`},
		{"nil tensor", func() []layers.Buffer {
			s := good()
			s[3].Tensor = nil
			return s
		}, `optim: Adam.LoadState: "adam.v.0" is nil; missing "adam.v.0"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := optim.NewAdam(params, 0.1, 0.9, 0.999)
			setGrads(params)
			opt.Step()
			before := cloneState(opt.State())
			err := opt.LoadState(c.state())
			require.Error(t, err)
			assert.Equal(t, c.msg, err.Error())
			// Nothing changed.
			assert.Equal(t, before, cloneState(opt.State()))
		})
	}
}

func cloneState(s []layers.Buffer) map[string][]float64 {
	out := make(map[string][]float64, len(s))
	for _, b := range s {
		out[b.Name] = append([]float64(nil), b.Tensor.Data()...)
	}
	return out
}
