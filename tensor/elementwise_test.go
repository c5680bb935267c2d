package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panicErr runs f and returns the *Error it panicked with.
func panicErr(t *testing.T, f func()) (err *Error) {
	t.Helper()
	defer func() {
		r := recover()
		require.NotNil(t, r, "expected a panic")
		e, ok := r.(*Error)
		require.True(t, ok, "panic value %T is not *tensor.Error", r)
		err = e
	}()
	f()
	return nil
}

// naiveBroadcast computes f over the broadcast of a and b by index
// arithmetic on every output element, as the definition reads.
func naiveBroadcast(a, b *Tensor, f func(x, y float64) float64) *Tensor {
	shape := BroadcastShapes("naive", a.shape, b.shape)
	out := Zeros(shape...)
	idx := make([]int, len(shape))
	at := func(t *Tensor) float64 {
		off := 0
		lead := len(shape) - len(t.shape)
		for d, n := range t.shape {
			i := idx[lead+d]
			if n == 1 {
				i = 0
			}
			off = off*n + i
		}
		return t.data[off]
	}
	for k := range out.data {
		rem := k
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d] = rem % shape[d]
			rem /= shape[d]
		}
		out.data[k] = f(at(a), at(b))
	}
	return out
}

func TestBinaryBroadcastingAgainstDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	shapes := [][2][]int{
		{{3, 4}, {3, 4}},
		{{3, 4}, {4}},
		{{3, 4}, {3, 1}},
		{{3, 1}, {1, 4}},
		{{2, 3, 4}, {3, 1}},
		{{2, 1, 4}, {1, 3, 1}},
		{{5}, {}},
		{{}, {2, 2}},
		{{2, 3, 1}, {2, 1, 5}},
		{{1, 1}, {1}},
		{{0, 3}, {3}},
	}
	ops := []struct {
		name string
		op   func(a, b *Tensor) *Tensor
		f    func(x, y float64) float64
	}{
		{"Add", Add, func(x, y float64) float64 { return x + y }},
		{"Sub", Sub, func(x, y float64) float64 { return x - y }},
		{"Mul", Mul, func(x, y float64) float64 { return x * y }},
		{"Div", Div, func(x, y float64) float64 { return x / y }},
		{"Maximum", Maximum, math.Max},
		{"Minimum", Minimum, math.Min},
		{"Greater", Greater, func(x, y float64) float64 { return b2f(x > y) }},
	}
	for _, op := range ops {
		for _, s := range shapes {
			t.Run(op.name+FormatShape(s[0])+FormatShape(s[1]), func(t *testing.T) {
				a, b := RandN(r, s[0]...), RandU(r, 0.5, 2, s[1]...)
				want := naiveBroadcast(a, b, op.f)
				got := op.op(a, b)
				require.Equal(t, want.shape, got.shape)
				assert.Equal(t, want.data, got.data)
			})
		}
	}
}

func TestBroadcastErrors(t *testing.T) {
	err := panicErr(t, func() { Add(Zeros(2, 3), Zeros(4, 3)) })
	assert.True(t, errors.Is(err, ErrShape))
	assert.Equal(t, "tensor: Add: shape mismatch (2,3) and (4,3) do not broadcast", err.Error())
	err = panicErr(t, func() { BroadcastTo(Zeros(3, 2), 4, 2) })
	assert.Equal(t, "tensor: BroadcastTo: shape mismatch (3,2) to (4,2)", err.Error())
	err = panicErr(t, func() { SumTo(Zeros(4, 2), 3, 2) })
	assert.Equal(t, "tensor: SumTo: shape mismatch (4,2) to (3,2)", err.Error())
	err = panicErr(t, func() { Where(Zeros(2), Zeros(2), Zeros(3)) })
	assert.True(t, errors.Is(err, ErrShape))
	err = panicErr(t, func() { Clamp(Zeros(2), 1, 0) })
	assert.True(t, errors.Is(err, ErrArgument))
}

func TestUnaryOps(t *testing.T) {
	x := New([]float64{-2, -0.5, 0, 0.5, 3}, 5)
	cases := []struct {
		name string
		got  *Tensor
		want []float64
	}{
		{"Neg", Neg(x), []float64{2, 0.5, 0, -0.5, -3}},
		{"Abs", Abs(x), []float64{2, 0.5, 0, 0.5, 3}},
		{"Sign", Sign(x), []float64{-1, -1, 0, 1, 1}},
		{"ReLU", ReLU(x), []float64{0, 0, 0, 0.5, 3}},
		{"LeakyReLU", LeakyReLU(x, 0.1), []float64{-0.2, -0.05, 0, 0.5, 3}},
		{"Heaviside", Heaviside(x), []float64{0, 0, 0, 1, 1}},
		{"Clamp", Clamp(x, -1, 1), []float64{-1, -0.5, 0, 0.5, 1}},
		{"Pow2", Pow(x, 2), []float64{4, 0.25, 0, 0.25, 9}},
		{"Pow3", Pow(x, 3), []float64{-8, -0.125, 0, 0.125, 27}},
		{"Scale", Scale(x, 2), []float64{-4, -1, 0, 1, 6}},
		{"AddScalar", AddScalar(x, 1), []float64{-1, 0.5, 1, 1.5, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.got.data) })
	}
	for i, v := range x.data {
		assert.InDelta(t, 1/(1+math.Exp(-v)), Sigmoid(x).data[i], 1e-15)
		assert.InDelta(t, math.Log(1+math.Exp(v)), Softplus(x).data[i], 1e-15)
		assert.InDelta(t, math.Tanh(v), Tanh(x).data[i], 0)
	}
}

// Sigmoid and softplus must stay finite and accurate far from 0, where the
// naive formulas overflow (e^1000) or lose everything to rounding.
func TestSigmoidSoftplusStable(t *testing.T) {
	x := New([]float64{-1000, -40, 40, 1000}, 4)
	s := Sigmoid(x)
	assert.Equal(t, 0.0, s.data[0])
	assert.InDelta(t, math.Exp(-40), s.data[1], 1e-30)
	assert.Equal(t, 1.0, s.data[3])
	sp := Softplus(x)
	assert.Equal(t, 0.0, sp.data[0])
	assert.InDelta(t, math.Exp(-40), sp.data[1], 1e-30) // log(1+ε) ≈ ε
	assert.Equal(t, 40.0, sp.data[2])
	assert.Equal(t, 1000.0, sp.data[3])
	assert.False(t, sp.HasNaNOrInf())
}

func TestWhereAndComparisons(t *testing.T) {
	a := New([]float64{1, 2, 3}, 3)
	b := New([]float64{3, 2, 1}, 3)
	assert.Equal(t, []float64{0, 0, 1}, Greater(a, b).data)
	assert.Equal(t, []float64{0, 1, 1}, GreaterEqual(a, b).data)
	assert.Equal(t, []float64{0, 1, 0}, Equal(a, b).data)
	assert.Equal(t, []float64{3, 2, 3}, Where(Greater(a, b), a, b).data)
}

func TestInplaceOps(t *testing.T) {
	d := New([]float64{1, 2}, 2)
	AddInplace(d, New([]float64{10, 20}, 1, 2))
	assert.Equal(t, []float64{11, 22}, d.data)
	AxpyInplace(d, -0.5, New([]float64{2, 4}, 2))
	assert.Equal(t, []float64{10, 20}, d.data)
	err := panicErr(t, func() { AddInplace(d, Zeros(3)) })
	assert.Equal(t, "tensor: AddInplace: shape mismatch (2) += (3)", err.Error())
}
