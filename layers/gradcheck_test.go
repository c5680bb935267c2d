package layers_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// ---- Checking a module against finite differences --------------------------------
//
// autograd.GradCheck checks a function f(x₁, …, xₖ) of variables it makes
// itself, and the gradient it compares must reach those very variables. A
// module computes a function of its input and of its parameters, but it
// reads the parameters from its own fields. So checkModule points each
// field at the variable GradCheck supplies for the length of one Forward
// call, then puts the module's own variable back. The graph built during
// the call holds the checked variables, which is all the check needs.
//
// The test names the fields (slots, e.g. &lin.Weight) and checkModule
// requires that they hold exactly m.Parameters(), in order, so that no
// parameter can be left out of the check by mistake. This needs nothing
// from the modules beyond their exported parameter fields.

// checkModule runs autograd.GradCheck and autograd.GradGradCheck on
// y = m.Forward(x) as a function of x and of every parameter of m.
func checkModule(t *testing.T, m layers.Module, x *tensor.Tensor, slots ...**autograd.Var) {
	t.Helper()
	params := m.Parameters()
	require.Len(t, slots, len(params), "one slot per parameter")
	for i, p := range params {
		require.Same(t, p.Var, *slots[i], "slot %d must hold parameter %q", i, p.Name)
	}
	require.NoError(t, moduleGradCheck(t.Name(), m, x, slots, autograd.GradCheck))
	require.NoError(t, moduleGradCheck(t.Name(), m, x, slots, autograd.GradGradCheck))
}

// checker is autograd.GradCheck or autograd.GradGradCheck.
type checker func(name string, f func([]*autograd.Var) *autograd.Var, inputs []*tensor.Tensor, tol autograd.Tolerance) error

// moduleGradCheck runs check on f(x, θ₁, …, θₖ) = m.Forward(x), where θᵢ
// is the variable in *slots[i], and returns its error.
func moduleGradCheck(name string, m layers.Module, x *tensor.Tensor, slots []**autograd.Var, check checker) error {
	inputs := []*tensor.Tensor{x}
	for _, s := range slots {
		inputs = append(inputs, (*s).Value)
	}
	f := func(xs []*autograd.Var) *autograd.Var {
		saved := make([]*autograd.Var, len(slots))
		for i, s := range slots {
			saved[i], *s = *s, xs[i+1]
		}
		defer func() {
			for i, s := range slots {
				*s = saved[i]
			}
		}()
		return m.Forward(xs[0])
	}
	return check(name, f, inputs, autograd.DefaultTolerance)
}

// detachedLinear computes x·Wᵀ but stops the gradient at W: its weight
// gradient is wrong (zero), which the check must notice.
type detachedLinear struct{ Weight *autograd.Var }

func (d *detachedLinear) Forward(x *autograd.Var) *autograd.Var {
	return autograd.MatMulT(x, false, d.Weight.Detach(), true)
}

func (d *detachedLinear) Parameters() []layers.Parameter {
	return []layers.Parameter{{Name: "weight", Var: d.Weight}}
}

func TestModuleGradCheckCatchesAWrongGradient(t *testing.T) {
	// Were the slots not swapped, the check would perturb values the
	// module never reads and compare a zero analytic gradient with a zero
	// numeric one: it would pass. It must fail on argument 1, the weight.
	r := rand.New(rand.NewPCG(9, 0))
	d := &detachedLinear{Weight: autograd.Param(tensor.RandN(r, 2, 3))}
	err := moduleGradCheck("detached", d, tensor.RandN(r, 4, 3), []**autograd.Var{&d.Weight}, autograd.GradCheck)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "argument 1 index [0 0]: analytic 0,")
}

// away returns values with magnitudes in [0.2, 1.5] and random signs, so
// that no element sits on the kink of a rectifier.
func away(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.RandU(r, 0.2, 1.5, shape...)
	for i := range t.Data() {
		if r.IntN(2) == 0 {
			t.Data()[i] = -t.Data()[i]
		}
	}
	return t
}

// requireAwayFromZero fails unless every element of t is at least gap away
// from 0: the pre-activations of a rectifier must not sit on its kink.
func requireAwayFromZero(t *testing.T, v *tensor.Tensor, gap float64) {
	t.Helper()
	for i, x := range v.Data() {
		require.Greater(t, math.Abs(x), gap, "element %d is %g", i, x)
	}
}

// requireNoTies fails unless, in every group of k consecutive elements of
// v, the largest exceeds the runner-up by more than gap, so that a
// finite-difference step never changes which piece of a maxout unit wins.
func requireNoTies(t *testing.T, v *tensor.Tensor, k int, gap float64) {
	t.Helper()
	data := v.Data()
	for g := 0; g < len(data); g += k {
		group := slices.Clone(data[g : g+k])
		slices.Sort(group)
		require.Greater(t, group[k-1]-group[k-2], gap, "group at %d: %v", g, group)
	}
}

// perturb adds N(0, 0.3²) noise to t in place, so that γ = 1, β = 0 and
// the like do not hide a wrong gradient.
func perturb(r *rand.Rand, t *tensor.Tensor) {
	tensor.AxpyInplace(t, 0.3, tensor.RandN(r, t.Shape()...))
}

func TestGradCheckLinear(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	t.Run("with bias", func(t *testing.T) {
		l := layers.NewLinear(r, 3, 2)
		checkModule(t, l, tensor.RandN(r, 4, 3), &l.Weight, &l.Bias)
	})
	t.Run("without bias", func(t *testing.T) {
		l := layers.NewLinear(r, 3, 2, layers.WithoutBias())
		checkModule(t, l, tensor.RandN(r, 4, 3), &l.Weight)
	})
}

func TestGradCheckConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	tests := []struct {
		name                         string
		in, out, kernel, stride, pad int
		x                            []int
	}{
		{"kernel 4 stride 2 padding 1", 2, 3, 4, 2, 1, []int{2, 2, 6, 6}},
		{"kernel 3 stride 1 padding 0", 2, 2, 3, 1, 0, []int{2, 2, 4, 5}},
		{"kernel 1 stride 1 padding 0", 3, 2, 1, 1, 0, []int{2, 3, 2, 3}}, // tensor's pointwise path
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := layers.NewConv2D(r, tc.in, tc.out, tc.kernel, tc.stride, tc.pad)
			checkModule(t, c, tensor.RandN(r, tc.x...), &c.Weight, &c.Bias)
		})
	}
}

func TestGradCheckConvTranspose2D(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0))
	tests := []struct {
		name                         string
		in, out, kernel, stride, pad int
		x                            []int
	}{
		{"kernel 4 stride 2 padding 1", 3, 2, 4, 2, 1, []int{2, 3, 3, 3}},
		{"kernel 3 stride 1 padding 1", 2, 2, 3, 1, 1, []int{2, 2, 3, 4}},
		{"kernel 1 stride 1 padding 0", 3, 2, 1, 1, 0, []int{2, 3, 2, 3}}, // tensor's pointwise path
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := layers.NewConvTranspose2D(r, tc.in, tc.out, tc.kernel, tc.stride, tc.pad)
			checkModule(t, c, tensor.RandN(r, tc.x...), &c.Weight, &c.Bias)
		})
	}
}

func TestGradCheckBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 0))
	tests := []struct {
		name     string
		x        []int
		training bool
	}{
		{"features, training", []int{5, 3}, true},
		{"channels, training", []int{3, 2, 2, 2}, true},
		{"features, evaluation", []int{5, 3}, false},
		{"channels, evaluation", []int{3, 2, 2, 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bn := layers.NewBatchNorm(tc.x[1])
			perturb(r, bn.Weight.Value)
			perturb(r, bn.Bias.Value)
			perturb(r, bn.RunningMean)
			bn.RunningVar.CopyFrom(tensor.RandU(r, 0.5, 2, tc.x[1]))
			bn.SetTraining(tc.training)
			checkModule(t, bn, tensor.RandN(r, tc.x...), &bn.Weight, &bn.Bias)
		})
	}
}

func TestGradCheckLayerNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	tests := []struct {
		name  string
		shape []int
		x     []int
	}{
		{"last dimension", []int{4}, []int{3, 4}},
		{"last three dimensions", []int{2, 2, 2}, []int{2, 2, 2, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ln := layers.NewLayerNorm(tc.shape...)
			perturb(r, ln.Weight.Value)
			perturb(r, ln.Bias.Value)
			checkModule(t, ln, tensor.RandN(r, tc.x...), &ln.Weight, &ln.Bias)
		})
	}
}

func TestGradCheckMaxout(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 0))
	m := layers.NewMaxout(r, 3, 2, 5) // PacGAN's k = 5
	x := tensor.RandN(r, 4, 3)
	pieces := m.Linear.Forward(autograd.Const(x)).Value // (4, 2·5)
	requireNoTies(t, pieces, 5, 1e-3)
	checkModule(t, m, x, &m.Linear.Weight, &m.Linear.Bias)
}

func TestGradCheckParameterFree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	tests := []struct {
		name string
		m    layers.Module
		x    *tensor.Tensor
	}{
		{"ReLU", layers.ReLU{}, away(r, 3, 4)},
		{"LeakyReLU", layers.LeakyReLU{Slope: 0.2}, away(r, 3, 4)},
		{"Tanh", layers.Tanh{}, tensor.RandN(r, 3, 4)},
		{"Sigmoid", layers.Sigmoid{}, tensor.RandN(r, 3, 4)},
		{"Flatten", layers.Flatten{}, tensor.RandN(r, 2, 2, 3)},
		{"Reshape", layers.NewReshape(3, 2), tensor.RandN(r, 2, 6)},
		{"Upsample", layers.NewUpsample(2), tensor.RandN(r, 2, 1, 2, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkModule(t, tc.m, tc.x) })
	}
}

func TestGradCheckSequentialMLP(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 0))
	hidden := layers.NewLinear(r, 3, 4)
	output := layers.NewLinear(r, 4, 2)
	mlp := layers.NewSequential(hidden, layers.LeakyReLU{Slope: 0.2}, output, layers.Tanh{})
	x := tensor.RandN(r, 5, 3)
	requireAwayFromZero(t, hidden.Forward(autograd.Const(x)).Value, 1e-3)
	checkModule(t, mlp, x, &hidden.Weight, &hidden.Bias, &output.Weight, &output.Bias)
}

// Sequential runs a Linear followed by a ReLU as one node,
// autograd.LinearReLU, which TestGradCheckSequentialMLP (a LeakyReLU)
// never reaches: both spellings of the ReLU, after a Linear with a bias
// and one without, with every pre-activation away from the kink. The Tanh
// at the end makes the second derivatives with respect to x non-zero.
func TestGradCheckSequentialFusedLinearReLU(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	hidden := layers.NewLinear(r, 3, 4)
	middle := layers.NewLinear(r, 4, 4, layers.WithoutBias())
	output := layers.NewLinear(r, 4, 2)
	mlp := layers.NewSequential(hidden, layers.ReLU{}, middle, &layers.ReLU{}, output, layers.Tanh{})
	x := tensor.RandN(r, 5, 3)
	h := hidden.Forward(autograd.Const(x))
	requireAwayFromZero(t, h.Value, 1e-3)
	requireAwayFromZero(t, middle.Forward(autograd.ReLU(h)).Value, 1e-3)
	require.Equal(t, "LinearReLU", layers.NewSequential(hidden, layers.ReLU{}).Forward(autograd.Const(x)).Op())
	require.Equal(t, "LinearReLU", layers.NewSequential(middle, &layers.ReLU{}).Forward(h).Op())
	checkModule(t, mlp, x, &hidden.Weight, &hidden.Bias, &middle.Weight, &output.Weight, &output.Bias)
}
