package autograd

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

func vec(v ...float64) *tensor.Tensor { return tensor.New(v, len(v)) }

func TestBackwardAccumulatesIntoLeaves(t *testing.T) {
	x := Param(vec(1, 2, 3))
	y := Param(vec(4, 5, 6))
	c := Const(vec(1, 1, 1))
	loss := Sum(Add(Mul(x, y), c)) // L = Σ xᵢyᵢ + 3: ∂L/∂x = y, ∂L/∂y = x
	loss.Backward()
	assert.Equal(t, []float64{4, 5, 6}, x.Grad.Data())
	assert.Equal(t, []float64{1, 2, 3}, y.Grad.Data())
	assert.Nil(t, c.Grad, "constants get no gradient")

	loss.Backward() // a second pass adds
	assert.Equal(t, []float64{8, 10, 12}, x.Grad.Data())
	x.ZeroGrad()
	assert.Nil(t, x.Grad)
}

func TestGradLeavesStoredGradientsAlone(t *testing.T) {
	x := Param(vec(3))
	x.Grad = vec(100)
	g := Grad([]*Var{Sum(Square(x))}, []*Var{x}, false)
	assert.Equal(t, []float64{6}, g[0].Value.Data())
	assert.Equal(t, []float64{100}, x.Grad.Data())
	assert.False(t, g[0].RequiresGrad(), "without createGraph the gradient is a constant")
}

func TestGradOfSeveralOutputsIsGradOfTheirSum(t *testing.T) {
	x := Param(vec(2))
	a := Sum(Square(x)) // 2x = 4
	b := Sum(Scale(x, 3))
	g := Grad([]*Var{a, b}, []*Var{x}, false)
	assert.Equal(t, []float64{7}, g[0].Value.Data())
}

func TestGradWithRespectToAnIntermediate(t *testing.T) {
	x := Param(vec(2))
	h := Square(x) // h = 4
	loss := Sum(Scale(h, 5))
	g := Grad([]*Var{loss}, []*Var{h, x}, false)
	assert.Equal(t, []float64{5}, g[0].Value.Data())
	assert.Equal(t, []float64{20}, g[1].Value.Data())
}

func TestGradOfUnusedInputIsZero(t *testing.T) {
	x := Param(vec(1, 2))
	unused := Param(tensor.Zeros(2, 2))
	g := Grad([]*Var{Sum(x)}, []*Var{x, unused}, false)
	assert.Equal(t, []float64{0, 0, 0, 0}, g[1].Value.Data())
	assert.Equal(t, []int{2, 2}, g[1].Shape())
}

func TestGradPanicsOnInputWithoutGradient(t *testing.T) {
	c := Const(vec(1))
	defer func() {
		err, ok := recover().(error)
		require.True(t, ok)
		assert.True(t, errors.Is(err, tensor.ErrArgument))
		assert.Equal(t, "autograd: Grad: bad argument input 0 (Const (1)) does not require a gradient", err.Error())
	}()
	Grad([]*Var{Sum(c)}, []*Var{c}, false)
}

func TestSetRequiresGradOnlyOnLeaves(t *testing.T) {
	x := Param(vec(1))
	y := Square(x)
	assert.PanicsWithError(t, "autograd: SetRequiresGrad: bad argument (1) is the result of Pow, not a leaf", func() { y.SetRequiresGrad(false) })
	c := Const(vec(1)).SetRequiresGrad(true)
	assert.True(t, c.RequiresGrad())
}

func TestNoGradRecordsNothing(t *testing.T) {
	x := Param(vec(1, 2))
	var y *Var
	NoGrad(func() {
		assert.False(t, IsRecording())
		y = Sum(Square(x))
	})
	assert.True(t, IsRecording())
	assert.False(t, y.RequiresGrad())
	assert.True(t, y.IsLeaf())
	assert.Equal(t, 5.0, y.Item())
}

func TestDetachStopsGradient(t *testing.T) {
	x := Param(vec(3))
	loss := Sum(Mul(x, Square(x).Detach())) // d/dx [x·c] = c = 9
	loss.Backward()
	assert.Equal(t, []float64{9}, x.Grad.Data())
}

func TestCreateGraphGivesDifferentiableGradients(t *testing.T) {
	x := Param(vec(2))
	g := Grad([]*Var{Sum(Pow(x, 3))}, []*Var{x}, true)[0] // 3x² = 12
	require.True(t, g.RequiresGrad())
	assert.Equal(t, 12.0, g.Item())
	gg := Grad([]*Var{g}, []*Var{x}, false)[0] // 6x = 12
	assert.Equal(t, 12.0, gg.Item())
	ggg := Grad([]*Var{Grad([]*Var{g}, []*Var{x}, true)[0]}, []*Var{x}, false)[0] // 6
	assert.Equal(t, 6.0, ggg.Item())
}

// Only the branches that lead to the requested inputs are computed: asking
// for ∂L/∂x must not build the gradient of the weight.
func TestGradSkipsBranchesNotAsked(t *testing.T) {
	x := Param(tensor.Ones(2, 3))
	w := Param(tensor.Ones(4, 3))
	calls := 0
	spy := func(a *Var) *Var {
		return newOp(a.Value.Clone(), "Spy", []*Var{a}, func(g *Var, _ []bool) []*Var {
			calls++
			return []*Var{g}
		})
	}
	loss := Sum(MatMulT(x, false, spy(w), true))
	Grad([]*Var{loss}, []*Var{x}, false)
	assert.Equal(t, 0, calls, "the weight's branch was differentiated")
	Grad([]*Var{loss}, []*Var{w}, false)
	assert.Equal(t, 1, calls)
}

// The topological sort keeps its own stack: a chain of 100,000 operations
// back-propagates without deep recursion. d/dx of x·aⁿ is aⁿ.
func TestLongChain(t *testing.T) {
	const n = 100_000
	a := 1 + 1.0/n
	x := Param(vec(1))
	y := x
	for range n {
		y = Scale(y, a)
	}
	y.Backward()
	assert.InDelta(t, math.Pow(a, n), x.Grad.Item(), 1e-9)
	assert.InDelta(t, math.E, x.Grad.Item(), 2e-5)
}

// ---- Second order: Hessian-vector product and gradient penalty -------------

// mlp is a small network 2 → 5 → 1 with tanh, parameters in ws.
func mlp(x *Var, ws []*Var) *Var {
	h := Tanh(Add(MatMulT(x, false, ws[0], true), ws[1]))
	return Add(MatMulT(h, false, ws[2], true), ws[3])
}

func mlpWeights(r *rand.Rand) []*tensor.Tensor {
	return []*tensor.Tensor{tensor.RandN(r, 5, 2), tensor.RandN(r, 5), tensor.RandN(r, 1, 5), tensor.RandN(r, 1)}
}

// The Hessian-vector product H·v of an MLP's loss, computed as the gradient
// of ⟨∇L, v⟩ (Pearlmutter's trick, double backprop), against central
// differences of the gradient: (∇L(w + εv) − ∇L(w − εv)) / 2ε.
func TestHessianVectorProductOfMLP(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := Const(tensor.RandN(r, 8, 2))
	y := Const(tensor.RandN(r, 8, 1))
	w0 := mlpWeights(r)
	v := mlpWeights(r)
	loss := func(ws []*Var) *Var { return Mean(Square(Sub(mlp(x, ws), y))) }
	params := func(shift float64) []*Var {
		ws := make([]*Var, len(w0))
		for i := range w0 {
			ws[i] = Param(tensor.Add(w0[i], tensor.Scale(v[i], shift)))
		}
		return ws
	}

	ws := params(0)
	grads := Grad([]*Var{loss(ws)}, ws, true)
	dot := Scalar(0)
	for i, g := range grads {
		dot = Add(dot, Sum(Mul(g, Const(v[i]))))
	}
	hv := Grad([]*Var{dot}, ws, false)

	const eps = 1e-5
	wp, wm := params(eps), params(-eps)
	gp := Grad([]*Var{loss(wp)}, wp, false)
	gm := Grad([]*Var{loss(wm)}, wm, false)
	for i := range hv {
		numeric := tensor.Scale(tensor.Sub(gp[i].Value, gm[i].Value), 1/(2*eps))
		require.Len(t, hv[i].Value.Data(), numeric.Len())
		assert.InDeltaSlice(t, numeric.Data(), hv[i].Value.Data(), 1e-6, "parameter %d", i)
	}
	nonzero := 0.0
	for _, h := range hv {
		nonzero += tensor.Sum(tensor.Abs(h.Value)).Item()
	}
	assert.Greater(t, nonzero, 1e-3, "a vanishing H·v would make the comparison empty")
}

// The WGAN-GP penalty (arXiv 1704.00028), mean over samples of
// (‖∇ₓD(x)‖₂ − 1)², depends on D's weights through a gradient. Its gradient
// with respect to the weights must match finite differences.
func TestGradientPenaltyGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	points := tensor.RandN(r, 6, 2)
	penalty := func(ws []*Var) *Var {
		x := Param(points) // differentiate D with respect to its input
		grad := Grad([]*Var{mlp(x, ws)}, []*Var{x}, true)[0]
		norm := Sqrt(Sum(Square(grad), 1)) // per sample, over its features
		return Mean(Square(AddScalar(norm, -1)))
	}
	require.NoError(t, GradCheck("gradient penalty", penalty, mlpWeights(r), DefaultTolerance))

	ws := make([]*Var, 4)
	for i, w := range mlpWeights(r) {
		ws[i] = Param(w)
	}
	assert.Greater(t, penalty(ws).Item(), 0.0)
}
