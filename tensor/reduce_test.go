package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSumMeanOverAxes(t *testing.T) {
	x := Arange(24) // shape (2,3,4), x[i,j,k] = 12i + 4j + k
	x = &Tensor{shape: []int{2, 3, 4}, data: x.data}
	cases := []struct {
		name  string
		got   *Tensor
		shape []int
		want  []float64
	}{
		{"Sum all", Sum(x), []int{}, []float64{276}},
		{"SumKeep all", SumKeep(x), []int{1, 1, 1}, []float64{276}},
		{"Sum axis 0", Sum(x, 0), []int{3, 4}, []float64{12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34}},
		{"SumKeep axis 1", SumKeep(x, 1), []int{2, 1, 4}, []float64{12, 15, 18, 21, 48, 51, 54, 57}},
		{"Sum axis -1", Sum(x, -1), []int{2, 3}, []float64{6, 22, 38, 54, 70, 86}},
		{"Sum axes 0,2", Sum(x, 2, 0), []int{3}, []float64{60, 92, 124}},
		{"Mean axis 2", Mean(x, 2), []int{2, 3}, []float64{1.5, 5.5, 9.5, 13.5, 17.5, 21.5}},
		{"MeanKeep 0,1", MeanKeep(x, 0, 1), []int{1, 1, 4}, []float64{10, 11, 12, 13}},
		{"Variance axis 2", Variance(x, 2), []int{2, 3}, []float64{1.25, 1.25, 1.25, 1.25, 1.25, 1.25}},
		{"Max axis 1", Max(x, 1), []int{2, 4}, []float64{8, 9, 10, 11, 20, 21, 22, 23}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.shape, c.got.Shape())
			require.Len(t, c.got.data, len(c.want))
			assert.InDeltaSlice(t, c.want, c.got.data, 1e-12)
		})
	}
	assert.Equal(t, 276.0, Sum(x).Item())
}

func TestArgMaxFirstOfTies(t *testing.T) {
	x := New([]float64{1, 5, 5, 2, 0, -1}, 2, 3)
	assert.Equal(t, []int{1, 0}, ArgMax(x, 1))
	assert.Equal(t, []int{1, 0, 0}, ArgMax(x, 0))
}

func TestLogSumExpAndSoftmaxStable(t *testing.T) {
	x := New([]float64{1000, 1000, -1000, 0}, 2, 2)
	lse := LogSumExp(x, 1)
	assert.InDelta(t, 1000+math.Log(2), lse.data[0], 1e-12)
	assert.InDelta(t, 0, lse.data[1], 1e-12)
	s := Softmax(x, 1)
	assert.Equal(t, []float64{0.5, 0.5, 0, 1}, s.data)
	r := rand.New(rand.NewPCG(2, 2))
	y := RandN(r, 3, 5)
	rows := Sum(Softmax(y, 1), 1)
	assert.InDeltaSlice(t, []float64{1, 1, 1}, rows.data, 1e-15)
}

func TestBroadcastToAndSumToAreAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, c := range [][2][]int{{{3, 1}, {2, 3, 4}}, {{4}, {3, 4}}, {{}, {2, 2}}, {{1, 4}, {1, 4}}, {{2, 1, 3}, {2, 5, 3}}} {
		x := RandN(r, c[0]...)
		y := RandN(r, c[1]...)
		bx := BroadcastTo(x, c[1]...)
		sy := SumTo(y, c[0]...)
		require.Equal(t, c[1], bx.Shape())
		require.Equal(t, c[0], sy.Shape())
		// ⟨broadcast(x), y⟩ = ⟨x, sumTo(y)⟩
		assert.InDelta(t, Sum(Mul(bx, y)).Item(), Sum(Mul(x, sy)).Item(), 1e-12)
	}
	b := BroadcastTo(New([]float64{1, 2}, 2, 1), 2, 3)
	assert.Equal(t, []float64{1, 1, 1, 2, 2, 2}, b.data)
}

func TestReductionErrors(t *testing.T) {
	err := panicErr(t, func() { Sum(Zeros(2, 3), 2) })
	assert.True(t, errors.Is(err, ErrAxis))
	assert.Equal(t, "tensor: Sum: bad axis axis 2 for 2 dimensions", err.Error())
	err = panicErr(t, func() { Sum(Zeros(2, 3), 1, -1) })
	assert.Equal(t, "tensor: Sum: bad axis axis 1 repeated in [1 -1]", err.Error())
	err = panicErr(t, func() { Max(Zeros(2, 0), 1) })
	assert.True(t, errors.Is(err, ErrShape))
}

// Reductions sum each output in a fixed order, so repeated calls agree to
// the bit; the whole-tensor sum equals a plain sequential loop.
func TestSumIsSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := RandN(r, 1000)
	s := 0.0
	for _, v := range x.data {
		s += v
	}
	assert.Equal(t, s, Sum(x).Item())
}
