package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReLUGrad(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	x := New([]float64{2, -3, 0, math.Copysign(0, -1), 1e-300, -1e-300, inf, -inf}, 8)
	g := New([]float64{5, 7, 11, 13, inf, inf, -4, -inf}, 8)
	got := ReLUGrad(g, x).Data()
	want := []float64{5, 0, 0, 0, inf, 0, -4, 0}
	assert.Equal(t, want, got)
	for i, v := range got {
		if v == 0 {
			assert.False(t, math.Signbit(v), "entry %d is -0", i)
		}
	}
	// NaN gradients pass where x > 0.
	assert.True(t, math.IsNaN(ReLUGrad(New([]float64{nan}, 1), New([]float64{1}, 1)).Data()[0]))
}

func TestLeakyReLUGrad(t *testing.T) {
	x := New([]float64{2, -3, 0, math.Copysign(0, -1)}, 2, 2)
	g := New([]float64{5, 7, 11, 13}, 2, 2)
	slope := 0.2 // a variable: constant arithmetic would be exact, the kernel's is rounded
	assert.Equal(t, []float64{5, slope * 7, slope * 11, slope * 13}, LeakyReLUGrad(g, x, slope).Data())
	assert.Equal(t, []int{2, 2}, LeakyReLUGrad(g, x, 0.2).Shape())
}

func TestFusedKernelsRejectShapes(t *testing.T) {
	a, b := Zeros(2, 3), Zeros(3, 2)
	for name, f := range map[string]func(){
		"ReLUGrad":       func() { ReLUGrad(a, b) },
		"LeakyReLUGrad":  func() { LeakyReLUGrad(a, b, 0.1) },
		"AddRowsInplace": func() { AddRowsInplace(a, Zeros(2)) },
		"PutAlong":       func() { PutAlong(a, 1, []int{0, 0}, 4) },
		"TakeAlong":      func() { TakeAlong(a, 1, []int{0}) },
		"BatchNorm":      func() { BatchNormForward(a, []float64{1, 1}, []float64{0, 0, 0}, 1e-5) },
	} {
		t.Run(name, func(t *testing.T) {
			err := matmulPanic(t, f)
			require.NotNil(t, err)
			assert.True(t, errors.Is(err, ErrShape), "%v", err)
			assert.Contains(t, err.Error(), name)
		})
	}
	err := matmulPanic(t, func() { TakeAlong(a, 1, []int{0, 3}) })
	require.NotNil(t, err)
	assert.True(t, errors.Is(err, ErrIndex), "%v", err)
}

// TakeAlong and PutAlong are adjoint: ⟨TakeAlong(x), y⟩ = ⟨x, PutAlong(y)⟩,
// and with MaxKeepArg's index TakeAlong gathers the maxima.
func TestTakePutAlong(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := RandN(r, 2, 5, 3)
	m, idx := MaxKeepArg(x, 1)
	assert.Equal(t, MaxKeep(x, 1).Data(), m.Data())
	assert.Equal(t, ArgMax(x, 1), idx)
	assert.Equal(t, m.Data(), TakeAlong(x, 1, idx).Data())

	y := RandN(r, 2, 1, 3)
	lhs := Sum(Mul(TakeAlong(x, 1, idx), y)).Item()
	put := PutAlong(y, 1, idx, 5)
	require.Equal(t, []int{2, 5, 3}, put.Shape())
	rhs := Sum(Mul(x, put)).Item()
	assert.InDelta(t, lhs, rhs, 1e-12)
	// Every slice holds exactly one non-zero, at its index.
	nonZero := 0
	for _, v := range put.Data() {
		if v != 0 {
			nonZero++
		}
	}
	assert.Equal(t, 6, nonZero)
}

func TestAddRowsInplace(t *testing.T) {
	m := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	AddRowsInplace(m, New([]float64{10, 20, 30}, 3))
	assert.Equal(t, []float64{11, 22, 33, 14, 25, 36}, m.Data())
}

// The fused forward pass computes what the definition says: the composite
// of MeanKeep, Sub, Mul and Pow, to rounding.
func TestBatchNormForwardMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][]int{{7, 3}, {4, 3, 2, 5}} {
		x := Add(Scale(RandN(r, shape...), 3), Full(2, shape...))
		f := shape[1]
		gamma, beta := RandN(r, f).Data(), RandN(r, f).Data()
		y, mean, variance := BatchNormForward(x, gamma, beta, 1e-5)

		axes, ps := []int{0}, []int{1, f}
		for d := 2; d < len(shape); d++ {
			axes, ps = append(axes, d), append(ps, 1)
		}
		mu := MeanKeep(x, axes...)
		v := VarianceKeep(x, axes...)
		want := Add(Mul(Sub(x, mu), Mul(New(gamma, ps...), Pow(AddScalar(v, 1e-5), -0.5))), New(beta, ps...))
		require.Len(t, y.Data(), len(want.Data()))
		assert.InDeltaSlice(t, want.Data(), y.Data(), 1e-12)
		assert.InDeltaSlice(t, mu.Data(), mean.Data(), 1e-12)
		assert.InDeltaSlice(t, v.Data(), variance.Data(), 1e-12)
	}
}
