package autograd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// away returns values with magnitudes in [0.2, 1.5] and random signs, so
// that no test point sits on a kink (ReLU and |x| at 0, max ties).
func away(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.RandU(r, 0.2, 1.5, shape...)
	for i := range t.Data() {
		if r.IntN(2) == 0 {
			t.Data()[i] = -t.Data()[i]
		}
	}
	return t
}

// positive returns values in [0.5, 2].
func positive(r *rand.Rand, shape ...int) *tensor.Tensor { return tensor.RandU(r, 0.5, 2, shape...) }

// distinct returns a random permutation of well-separated values, so max
// has no ties within a finite-difference step.
func distinct(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(shape...)
	for i, p := range r.Perm(t.Len()) {
		t.Data()[i] = 0.3*float64(p) - 1
	}
	return t
}

type opCase struct {
	name string
	f    func(x []*Var) *Var
	in   []*tensor.Tensor
}

func unary(f func(*Var) *Var) func([]*Var) *Var { return func(x []*Var) *Var { return f(x[0]) } }
func binaryOp(f func(a, b *Var) *Var) func([]*Var) *Var {
	return func(x []*Var) *Var { return f(x[0], x[1]) }
}

func opCases() []opCase {
	r := rand.New(rand.NewPCG(1, 2))
	geom := tensor.ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}
	a := away(r, 3, 4)
	mixed := tensor.New([]float64{0.5, -0.7, 1.2, -0.3, 0.9, -1.1}, 2, 3) // both signs, surely
	return []opCase{
		{"Add", binaryOp(Add), []*tensor.Tensor{away(r, 3, 4), away(r, 3, 4)}},
		{"Add/broadcast row", binaryOp(Add), []*tensor.Tensor{away(r, 3, 4), away(r, 4)}},
		{"Add/broadcast outer", binaryOp(Add), []*tensor.Tensor{away(r, 3, 1), away(r, 1, 4)}},
		{"Sub/broadcast", binaryOp(Sub), []*tensor.Tensor{away(r, 2, 3, 4), away(r, 3, 1)}},
		{"Mul", binaryOp(Mul), []*tensor.Tensor{away(r, 3, 4), away(r, 3, 4)}},
		{"Mul/broadcast", binaryOp(Mul), []*tensor.Tensor{away(r, 3, 4), away(r, 3, 1)}},
		{"Mul/scalar", binaryOp(Mul), []*tensor.Tensor{away(r, 3, 4), away(r)}},
		{"Div", binaryOp(Div), []*tensor.Tensor{away(r, 3, 4), away(r, 3, 4)}},
		{"Div/broadcast", binaryOp(Div), []*tensor.Tensor{away(r, 4), away(r, 3, 4)}},
		{"Maximum", binaryOp(Maximum), []*tensor.Tensor{a, tensor.Add(a, away(r, 3, 4))}},
		{"Minimum/broadcast", binaryOp(Minimum), []*tensor.Tensor{distinct(r, 3, 4), tensor.New([]float64{0.05, 0.35, 1.25, -0.55}, 4)}},
		{"Where", binaryOp(func(x, y *Var) *Var {
			return Where(tensor.New([]float64{1, 0, 0, 1, 1, 0}, 2, 3), x, y)
		}), []*tensor.Tensor{away(r, 2, 3), away(r, 2, 3)}},
		{"Mul/same input twice", unary(func(x *Var) *Var { return Mul(x, x) }), []*tensor.Tensor{away(r, 5)}},
		{"Neg", unary(Neg), []*tensor.Tensor{away(r, 5)}},
		{"Scale", unary(func(x *Var) *Var { return Scale(x, -2.5) }), []*tensor.Tensor{away(r, 5)}},
		{"AddScalar", unary(func(x *Var) *Var { return AddScalar(x, 3) }), []*tensor.Tensor{away(r, 5)}},
		{"Exp", unary(Exp), []*tensor.Tensor{away(r, 2, 3)}},
		{"Log", unary(Log), []*tensor.Tensor{positive(r, 2, 3)}},
		{"Sqrt", unary(Sqrt), []*tensor.Tensor{positive(r, 2, 3)}},
		{"Pow/3", unary(func(x *Var) *Var { return Pow(x, 3) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Pow/2.5", unary(func(x *Var) *Var { return Pow(x, 2.5) }), []*tensor.Tensor{positive(r, 2, 3)}},
		{"Pow/-1", unary(func(x *Var) *Var { return Pow(x, -1) }), []*tensor.Tensor{positive(r, 2, 3)}},
		{"Square", unary(Square), []*tensor.Tensor{away(r, 2, 3)}},
		{"Abs", unary(Abs), []*tensor.Tensor{away(r, 2, 3)}},
		{"Tanh", unary(Tanh), []*tensor.Tensor{away(r, 2, 3)}},
		{"Sigmoid", unary(Sigmoid), []*tensor.Tensor{away(r, 2, 3)}},
		{"Softplus", unary(Softplus), []*tensor.Tensor{away(r, 2, 3)}},
		{"ReLU", unary(ReLU), []*tensor.Tensor{away(r, 2, 3)}},
		{"LeakyReLU", unary(func(x *Var) *Var { return LeakyReLU(x, 0.2) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Clamp", unary(func(x *Var) *Var { return Clamp(x, -0.1, 0.1) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Clamp/inside", unary(func(x *Var) *Var { return Mul(Clamp(x, -2, 2), x) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Sum/all", unary(func(x *Var) *Var { return Sum(x) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Sum/axis", unary(func(x *Var) *Var { return Sum(x, 1) }), []*tensor.Tensor{away(r, 2, 3, 4)}},
		{"SumKeep/axes", unary(func(x *Var) *Var { return SumKeep(x, 0, 2) }), []*tensor.Tensor{away(r, 2, 3, 4)}},
		{"Mean", unary(func(x *Var) *Var { return Mean(x, -1) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"MeanKeep", unary(func(x *Var) *Var { return MeanKeep(x, 0) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"VarianceKeep", unary(func(x *Var) *Var { return VarianceKeep(x, 0) }), []*tensor.Tensor{away(r, 4, 3)}},
		{"MaxKeep", unary(func(x *Var) *Var { return MaxKeep(x, 1) }), []*tensor.Tensor{distinct(r, 3, 4)}},
		{"LogSumExp", unary(func(x *Var) *Var { return LogSumExp(x, 1) }), []*tensor.Tensor{away(r, 3, 4)}},
		{"Softmax", unary(func(x *Var) *Var { return Softmax(x, 0) }), []*tensor.Tensor{away(r, 3, 4)}},
		{"BroadcastTo", unary(func(x *Var) *Var { return BroadcastTo(x, 2, 3, 4) }), []*tensor.Tensor{away(r, 3, 1)}},
		{"SumTo", unary(func(x *Var) *Var { return SumTo(x, 1, 4) }), []*tensor.Tensor{away(r, 2, 3, 4)}},
		{"Reshape", unary(func(x *Var) *Var { return Mul(Reshape(x, 3, -1), Reshape(x, 3, 2)) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"Flatten", unary(Flatten), []*tensor.Tensor{away(r, 2, 3, 2)}},
		{"Transpose", unary(Transpose), []*tensor.Tensor{away(r, 2, 3, 4)}},
		{"Permute", unary(func(x *Var) *Var { return Permute(x, 2, 0, 1) }), []*tensor.Tensor{away(r, 2, 3, 4)}},
		{"Concat", binaryOp(func(x, y *Var) *Var { return Concat(1, x, y) }), []*tensor.Tensor{away(r, 2, 3), away(r, 2, 1)}},
		{"Split", unary(func(x *Var) *Var {
			p := Split(x, 0, 1, 3)
			return Mul(Sum(p[0]), Sum(p[1])) // products make the second order non-zero
		}), []*tensor.Tensor{away(r, 4, 2)}},
		{"Slice", unary(func(x *Var) *Var { return Slice(x, 1, 1, 3) }), []*tensor.Tensor{away(r, 2, 4)}},
		{"Pad", unary(func(x *Var) *Var { return Pad(x, 0, 1, 2) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"IndexSelect", unary(func(x *Var) *Var { return IndexSelect(x, 0, []int{2, 0, 2, 1}) }), []*tensor.Tensor{away(r, 3, 2)}},
		{"IndexAdd", unary(func(x *Var) *Var { return IndexAdd(x, 1, []int{1, 1, 0}, 3) }), []*tensor.Tensor{away(r, 2, 3)}},
		{"MatMul", binaryOp(MatMul), []*tensor.Tensor{away(r, 3, 4), away(r, 4, 5)}},
		{"MatMulT/transA", binaryOp(func(x, y *Var) *Var { return MatMulT(x, true, y, false) }), []*tensor.Tensor{away(r, 4, 3), away(r, 4, 5)}},
		{"MatMulT/transB", binaryOp(func(x, y *Var) *Var { return MatMulT(x, false, y, true) }), []*tensor.Tensor{away(r, 3, 4), away(r, 5, 4)}},
		{"MatMulT/both", binaryOp(func(x, y *Var) *Var { return MatMulT(x, true, y, true) }), []*tensor.Tensor{away(r, 4, 3), away(r, 5, 4)}},
		{"MatMul/batched", binaryOp(MatMul), []*tensor.Tensor{away(r, 2, 3, 4), away(r, 2, 4, 2)}},
		{"MatMul/shared left", binaryOp(MatMul), []*tensor.Tensor{away(r, 3, 4), away(r, 2, 4, 2)}},
		{"MatMulT/shared right transB", binaryOp(func(x, y *Var) *Var { return MatMulT(x, false, y, true) }), []*tensor.Tensor{away(r, 2, 3, 4), away(r, 5, 4)}},
		{"Im2Col", unary(func(x *Var) *Var { return Im2Col(x, geom) }), []*tensor.Tensor{away(r, 2, 2, 4, 4)}},
		{"Col2Im", unary(func(x *Var) *Var { return Col2Im(x, 2, 2, 4, 4, geom) }), []*tensor.Tensor{away(r, 2, 32, 4)}},
		{"UpsampleNearest", unary(func(x *Var) *Var { return UpsampleNearest(x, 2) }), []*tensor.Tensor{away(r, 1, 2, 2, 3)}},
		{"SumPool2D", unary(func(x *Var) *Var { return SumPool2D(x, 2) }), []*tensor.Tensor{away(r, 1, 2, 4, 2)}},
		{"AvgPool2D", unary(func(x *Var) *Var { return AvgPool2D(x, 2) }), []*tensor.Tensor{away(r, 1, 1, 4, 4)}},
		// Times a second input y: the gradient with respect to x is then
		// mask ⊙ (y·g), and its derivative with respect to y runs through
		// the mask's own backward pass (reluGrad, putAlong, ...).
		{"ReLU/times y", binaryOp(func(x, y *Var) *Var { return Mul(ReLU(x), y) }), []*tensor.Tensor{mixed, away(r, 2, 3)}},
		{"LeakyReLU/times y", binaryOp(func(x, y *Var) *Var { return Mul(LeakyReLU(x, 0.2), y) }), []*tensor.Tensor{mixed, away(r, 2, 3)}},
		{"MaxKeep/times y", binaryOp(func(x, y *Var) *Var { return Mul(MaxKeep(x, 2), y) }), []*tensor.Tensor{distinct(r, 2, 3, 4), away(r, 2, 3, 1)}},
		{"Tanh/times y", binaryOp(func(x, y *Var) *Var { return Mul(Tanh(x), y) }), []*tensor.Tensor{away(r, 2, 3), away(r, 2, 3)}},
		{"AddChannels", binaryOp(func(x, b *Var) *Var { return Tanh(AddChannels(x, b)) }), []*tensor.Tensor{away(r, 2, 3, 2, 2), away(r, 3)}},
		{"AddChannels/2-D", binaryOp(func(x, b *Var) *Var { return Mul(AddChannels(x, b), AddChannels(x, b)) }), []*tensor.Tensor{away(r, 4, 3), away(r, 3)}},
		{"Linear", func(x []*Var) *Var { return Linear(x[0], x[1], x[2]) },
			[]*tensor.Tensor{away(r, 3, 2), away(r, 4, 2), away(r, 4)}},
		// Random inputs against distinct weights: no two pieces tie (grid
		// values in both could), and a small step never changes a winner.
		{"Maxout", func(x []*Var) *Var { return Tanh(Maxout(x[0], x[1], x[2], 3)) },
			[]*tensor.Tensor{away(r, 3, 2), distinct(r, 6, 2), distinct(r, 6)}},
		{"Maxout/no bias, times y", func(x []*Var) *Var { return Mul(Maxout(x[0], x[1], nil, 2), x[2]) },
			[]*tensor.Tensor{away(r, 3, 2), distinct(r, 8, 2), away(r, 3, 4)}},
		{"LinearReLU", func(x []*Var) *Var { return Tanh(LinearReLU(x[0], x[1], x[2])) },
			[]*tensor.Tensor{away(r, 3, 2), away(r, 4, 2), away(r, 4)}},
		{"LinearReLU/no bias, times y", func(x []*Var) *Var { return Mul(LinearReLU(x[0], x[1], nil), x[2]) },
			[]*tensor.Tensor{away(r, 3, 2), away(r, 4, 2), away(r, 3, 4)}},
		{"Linear/no bias", binaryOp(func(x, w *Var) *Var { return Linear(x, w, nil) }), []*tensor.Tensor{away(r, 3, 2), away(r, 4, 2)}},
		{"Linear/tanh", func(x []*Var) *Var { return Tanh(Linear(x[0], x[1], x[2])) },
			[]*tensor.Tensor{away(r, 3, 2), away(r, 4, 2), away(r, 4)}},
		{"BatchNorm/2-D", func(x []*Var) *Var {
			y, _, _ := BatchNorm(x[0], x[1], x[2], 1e-5)
			return Tanh(y) // a non-linearity after it makes every second derivative non-zero
		}, []*tensor.Tensor{away(r, 5, 3), away(r, 3), away(r, 3)}},
		{"BatchNorm/4-D", func(x []*Var) *Var {
			y, _, _ := BatchNorm(x[0], x[1], x[2], 1e-5)
			return Tanh(y)
		}, []*tensor.Tensor{away(r, 2, 3, 2, 2), away(r, 3), away(r, 3)}},
		{"MLP", func(x []*Var) *Var {
			h := Tanh(Add(MatMulT(x[0], false, x[1], true), x[2]))
			return Sigmoid(MatMul(h, x[3]))
		}, []*tensor.Tensor{away(r, 3, 2), away(r, 4, 2), away(r, 4), away(r, 4, 1)}},
		{"Conv2D-like", func(x []*Var) *Var { // weight (O, C·KH·KW) times columns
			return Tanh(MatMul(x[1], Im2Col(x[0], geom)))
		}, []*tensor.Tensor{away(r, 2, 1, 4, 4), away(r, 3, 16)}},
	}
}

func TestOpsFirstOrder(t *testing.T) {
	for _, c := range opCases() {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, GradCheck(c.name, c.f, c.in, DefaultTolerance))
		})
	}
}

func TestOpsSecondOrder(t *testing.T) {
	for _, c := range opCases() {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, GradGradCheck(c.name, c.f, c.in, DefaultTolerance))
		})
	}
}

// A gradient check that cannot fail would prove nothing: an op with a
// deliberately wrong derivative (2x instead of 3x² for x³) must be caught
// and reported by name, argument and index, at both orders.
func TestGradCheckCatchesWrongGradient(t *testing.T) {
	wrongCube := func(x *Var) *Var {
		return newOp(tensor.Pow(x.Value, 3), "WrongCube", []*Var{x}, func(g *Var, _ []bool) []*Var {
			return []*Var{Mul(g, Scale(x, 2))}
		})
	}
	in := []*tensor.Tensor{tensor.New([]float64{1.5, -0.7}, 2)}
	err := GradCheck("WrongCube", unary(wrongCube), in, DefaultTolerance)
	require.Error(t, err)
	require.Contains(t, err.Error(), "autograd: GradCheck WrongCube: argument 0 index [0]: analytic")

	// First order right, second order wrong: the derivative of the
	// gradient 3x² is computed as if it were a constant.
	wrongSecond := func(x *Var) *Var {
		return newOp(tensor.Pow(x.Value, 3), "WrongSecond", []*Var{x}, func(g *Var, _ []bool) []*Var {
			return []*Var{Mul(g, Const(tensor.Scale(tensor.Pow(x.Value, 2), 3)))}
		})
	}
	require.NoError(t, GradCheck("WrongSecond", unary(wrongSecond), in, DefaultTolerance))
	err = GradGradCheck("WrongSecond", unary(wrongSecond), in, DefaultTolerance)
	require.Error(t, err)
	require.Contains(t, err.Error(), "WrongSecond (second order)")
}

func TestGradCheckToleranceFormula(t *testing.T) {
	// |analytic − numeric| ≤ atol + rtol·|numeric| must be what decides.
	// f(x) = x² at x = 100: the gradient is 200; finite differences give it
	// to ~1e-7. A wrong gradient 200.1 passes rtol 1e-3 (bound 0.2) and
	// fails rtol 1e-4 (bound 0.02).
	off := func(x *Var) *Var {
		return newOp(tensor.Pow(x.Value, 2), "Off", []*Var{x}, func(g *Var, _ []bool) []*Var {
			return []*Var{Mul(g, AddScalar(Scale(x, 2), 0.1))}
		})
	}
	in := []*tensor.Tensor{tensor.New([]float64{100}, 1)}
	f := func(x []*Var) *Var { return Sum(off(x[0])) }
	require.NoError(t, GradCheck("Off", f, in, Tolerance{Eps: 1e-6, Atol: 0, Rtol: 1e-3}))
	require.Error(t, GradCheck("Off", f, in, Tolerance{Eps: 1e-6, Atol: 0, Rtol: 1e-4}))
	require.False(t, math.IsNaN(in[0].Data()[0]))
	require.Equal(t, 100.0, in[0].Data()[0], "GradCheck must not modify its inputs")
}

// requirePanicsWith checks that f panics with an error wrapping kind whose
// message is msg.
func requirePanicsWith(t *testing.T, kind error, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		err, ok := recover().(error)
		require.True(t, ok, "the panic value is not an error")
		require.ErrorIs(t, err, kind)
		require.EqualError(t, err, msg)
	}()
	f()
	t.Error("no panic")
}

// Split checks its sizes before it slices: a negative or oversized piece is
// reported under Split's name, not as a Slice out of range.
func TestSplitPanics(t *testing.T) {
	x := Param(tensor.Zeros(4, 2))
	requirePanicsWith(t, tensor.ErrArgument, "autograd: Split: bad argument negative size in [-1 5]", func() { Split(x, 0, -1, 5) })
	requirePanicsWith(t, tensor.ErrShape, "autograd: Split: shape mismatch sizes [3 3] sum to 6, axis 0 of (4,2) has 4", func() { Split(x, 0, 3, 3) })
	requirePanicsWith(t, tensor.ErrShape, "autograd: Split: shape mismatch sizes [1] sum to 1, axis -1 of (4,2) has 2", func() { Split(x, -1, 1) })
	requirePanicsWith(t, tensor.ErrAxis, "autograd: Split: bad axis axis 2 for 2 dimensions", func() { Split(x, 2, 4) })
	p := Split(x, -1, 1, 1)
	require.Len(t, p, 2)
	require.Equal(t, []int{4, 1}, p[1].Shape())
}

// The operations without checks of their own panic as the tensor
// operation they start with, under its name (the package documentation's
// "Errors").
func TestOpsPanicAsTheirTensorOps(t *testing.T) {
	a, b := Param(tensor.Zeros(2, 3)), Param(tensor.Zeros(4, 5))
	requirePanicsWith(t, tensor.ErrShape, "tensor: MatMul: shape mismatch (2,3) x (4,5)", func() { MatMul(a, b) })
	requirePanicsWith(t, tensor.ErrShape, "tensor: Add: shape mismatch (2,3) and (4,5) do not broadcast", func() { Add(a, b) })
	requirePanicsWith(t, tensor.ErrAxis, "tensor: Sum: bad axis axis 2 for 2 dimensions", func() { Mean(a, 2) })
	requirePanicsWith(t, tensor.ErrAxis, "tensor: Max: bad axis axis -3 for 2 dimensions", func() { Softmax(a, -3) })
}
