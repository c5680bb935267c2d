package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

func TestW1ExactKnownCases(t *testing.T) {
	r := newRand(1)
	shifted := tensor.RandN(r, 5, 2)
	moved := shifted.Clone()
	for i := range 5 {
		moved.Set(moved.At(i, 0)+3, i, 0)
		moved.Set(moved.At(i, 1)+4, i, 1)
	}
	cases := []struct {
		name string
		a, b *tensor.Tensor
		want float64
	}{
		{"same points in another order", tensor.FromRows([][]float64{{0, 0}, {1, 0}}), tensor.FromRows([][]float64{{1, 0}, {0, 0}}), 0},
		{"one point each", tensor.FromRows([][]float64{{0, 0}}), tensor.FromRows([][]float64{{3, 4}}), 5},
		// Every matching costs at least ‖mean(a) − mean(b)‖ = ‖(3,4)‖ = 5
		// (the norm of an average is at most the average of the norms), and
		// matching each point to its own translate costs exactly 5.
		{"translation by (3, 4)", shifted, moved, 5},
		// Pairs straight across cost 1 + 1; the diagonals cost 2·√2.
		{"unit square", tensor.FromRows([][]float64{{0, 0}, {0, 1}}), tensor.FromRows([][]float64{{1, 0}, {1, 1}}), 1},
		// Greedy matching takes the closest pair 2↔1.9 first and pays
		// (0.1 + 4)/2 = 2.05; the optimum pairs in order: (1.9 + 2)/2 = 1.95.
		{"greedy is not optimal", tensor.FromRows([][]float64{{0, 0}, {2, 0}}), tensor.FromRows([][]float64{{1.9, 0}, {4, 0}}), 1.95},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, W1Exact(tc.a, tc.b), 1e-12)
		})
	}
}

// TestW1ExactMatchesBruteForce compares the Hungarian algorithm with the
// minimum over all n! matchings, for n ≤ 7, in 1, 2 and 3 dimensions.
func TestW1ExactMatchesBruteForce(t *testing.T) {
	r := newRand(2)
	for n := 1; n <= 7; n++ {
		for _, d := range []int{1, 2, 3} {
			for trial := range 5 {
				t.Run(fmt.Sprintf("n=%d d=%d trial %d", n, d, trial), func(t *testing.T) {
					a, b := tensor.RandN(r, n, d), tensor.RandN(r, n, d)
					assert.InDelta(t, bruteForceW1(a, b), W1Exact(a, b), 1e-12)
				})
			}
		}
	}
}

// bruteForceW1 tries every permutation (Heap's algorithm would be faster;
// plain recursion is clearer and n ≤ 7).
func bruteForceW1(a, b *tensor.Tensor) float64 {
	n, d := a.Dim(0), a.Dim(1)
	distance := func(i, j int) float64 {
		s := 0.0
		for k := range d {
			diff := a.At(i, k) - b.At(j, k)
			s += diff * diff
		}
		return math.Sqrt(s)
	}
	used := make([]bool, n)
	best := math.Inf(1)
	var try func(i int, cost float64)
	try = func(i int, cost float64) {
		if i == n {
			best = min(best, cost)
			return
		}
		for j := range n {
			if !used[j] {
				used[j] = true
				try(i+1, cost+distance(i, j))
				used[j] = false
			}
		}
	}
	try(0, 0)
	return best / float64(n)
}

// TestW1ExactIsAMetric checks W₁(a, a) = 0, symmetry and the triangle
// inequality on random sets large enough to exercise long augmenting paths.
func TestW1ExactIsAMetric(t *testing.T) {
	r := newRand(3)
	for _, n := range []int{10, 60, 150} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, b, c := tensor.RandN(r, n, 2), tensor.RandN(r, n, 2), tensor.RandU(r, -1, 1, n, 2)
			ab, ba := W1Exact(a, b), W1Exact(b, a)
			assert.Equal(t, 0.0, W1Exact(a, a))
			assert.InDelta(t, ab, ba, 1e-12)
			assert.Greater(t, ab, 0.0)
			assert.LessOrEqual(t, W1Exact(a, c), ab+W1Exact(b, c)+1e-12)
		})
	}
}

// TestW1ExactIn1DMatchesSorting: on the line the sorted matching is optimal,
// so the Hungarian algorithm must find the same value as W1Sorted1D.
func TestW1ExactIn1DMatchesSorting(t *testing.T) {
	r := newRand(4)
	for _, n := range []int{1, 2, 17, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, b := tensor.RandN(r, n, 1), tensor.RandU(r, -2, 3, n, 1)
			assert.InDelta(t, W1Sorted1D(a.Data(), b.Data()), W1Exact(a, b), 1e-12)
		})
	}
}

func TestAssignment(t *testing.T) {
	r := newRand(5)
	const n = 40
	a, b := tensor.RandN(r, n, 2), tensor.RandN(r, n, 2)
	sigma := Assignment(a, b)
	require.Len(t, sigma, n)
	assert.Equal(t, slices.Collect(func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}), slices.Sorted(slices.Values(sigma)), "a permutation of 0..n-1")
	cost := 0.0
	for i, j := range sigma {
		cost += math.Hypot(a.At(i, 0)-b.At(j, 0), a.At(i, 1)-b.At(j, 1))
	}
	assert.InDelta(t, W1Exact(a, b), cost/n, 1e-12)
	// The unit square of TestW1ExactKnownCases pairs straight across.
	square := Assignment(tensor.FromRows([][]float64{{0, 0}, {0, 1}}), tensor.FromRows([][]float64{{1, 1}, {1, 0}}))
	assert.Equal(t, []int{1, 0}, square)
}

func TestW1ExactNonFinite(t *testing.T) {
	a := tensor.FromRows([][]float64{{0, 0}, {math.NaN(), 1}})
	b := tensor.FromRows([][]float64{{0, 0}, {1, math.Inf(1)}})
	ok := tensor.Zeros(2, 2)
	assert.True(t, math.IsNaN(W1Exact(a, ok)))
	assert.True(t, math.IsNaN(W1Exact(ok, b)))
}

func TestW1Sorted1D(t *testing.T) {
	cases := []struct {
		name string
		a, b []float64
		want float64
	}{
		{"same values in another order", []float64{0, 1, 2}, []float64{2, 0, 1}, 0},
		// Sorted pairs (0, 3) and (1, 5): (3 + 4)/2.
		{"two points", []float64{1, 0}, []float64{5, 3}, 3.5},
		// Sorted pairs (−1, −1), (0, 2), (4, 3): (0 + 2 + 1)/3.
		{"crossing", []float64{4, -1, 0}, []float64{2, 3, -1}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := slices.Clone(tc.a), slices.Clone(tc.b)
			assert.InDelta(t, tc.want, W1Sorted1D(a, b), 1e-15)
			assert.InDelta(t, tc.want, W1Between1D(a, b), 1e-15)
			assert.Equal(t, tc.a, a, "a is not modified")
			assert.Equal(t, tc.b, b, "b is not modified")
		})
	}
}

func TestW1Between1D(t *testing.T) {
	cases := []struct {
		name string
		a, b []float64
		want float64
	}{
		// Quantile functions: 0 on [0, 1) against 0 on [0, ½), 2 on [½, 1).
		{"{0} vs {0, 2}", []float64{0}, []float64{0, 2}, 1},
		// ∫|F − G| dx with F steps of ⅓ at 0, 1, 2 and G steps of ½ at 0, 3:
		// |⅓ − ½| on [0,1) + |⅔ − ½| on [1,2) + |1 − ½| on [2,3) = ⅙ + ⅙ + ½.
		{"three against two", []float64{2, 0, 1}, []float64{3, 0}, 5.0 / 6},
		// Repeating every value leaves the distribution unchanged.
		{"a against a twice", []float64{0.5, -1, 3}, []float64{3, -1, 0.5, 0.5, 3, -1}, 0},
		// A point mass at 0 against n points: the mean absolute value.
		{"point mass", []float64{0}, []float64{-1, 2, 3, -6}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := slices.Clone(tc.a), slices.Clone(tc.b)
			assert.InDelta(t, tc.want, W1Between1D(a, b), 1e-15)
			assert.InDelta(t, tc.want, W1Between1D(b, a), 1e-15, "symmetric")
			assert.Equal(t, tc.a, a, "a is not modified")
			assert.Equal(t, tc.b, b, "b is not modified")
		})
	}
	t.Run("equal sizes agree with W1Sorted1D", func(t *testing.T) {
		r := newRand(6)
		for _, n := range []int{1, 5, 300} {
			a, b := randomSlice(r, n), randomSlice(r, n)
			assert.InDelta(t, W1Sorted1D(a, b), W1Between1D(a, b), 1e-12, "n = %d", n)
		}
	})
	assert.True(t, math.IsNaN(W1Between1D([]float64{math.NaN()}, []float64{0, 1})))
}

func randomSlice(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func TestWassersteinPanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"W1Exact sizes", tensor.ErrShape, "metrics: W1Exact: shape mismatch (3,2) vs (4,2), want two (n, d) point sets of one shape",
			func() { W1Exact(tensor.Zeros(3, 2), tensor.Zeros(4, 2)) }},
		{"W1Exact dimensions", tensor.ErrShape, "metrics: W1Exact: shape mismatch (3,2) vs (3,1), want two (n, d) point sets of one shape",
			func() { W1Exact(tensor.Zeros(3, 2), tensor.Zeros(3, 1)) }},
		{"W1Exact not 2-D", tensor.ErrShape, "metrics: W1Exact: shape mismatch (3) vs (3), want two (n, d) point sets of one shape",
			func() { W1Exact(tensor.Zeros(3), tensor.Zeros(3)) }},
		{"W1Exact empty", tensor.ErrArgument, "metrics: W1Exact: bad argument no points",
			func() { W1Exact(tensor.Zeros(0, 2), tensor.Zeros(0, 2)) }},
		{"Assignment sizes", tensor.ErrShape, "metrics: Assignment: shape mismatch (2,2) vs (1,2), want two (n, d) point sets of one shape",
			func() { Assignment(tensor.Zeros(2, 2), tensor.Zeros(1, 2)) }},
		{"Assignment NaN", tensor.ErrArgument, "metrics: Assignment: bad argument a coordinate or a distance is not finite",
			func() { Assignment(tensor.FromRows([][]float64{{math.NaN()}}), tensor.Zeros(1, 1)) }},
		{"W1Sorted1D sizes", tensor.ErrShape, "metrics: W1Sorted1D: shape mismatch 2 vs 3 values",
			func() { W1Sorted1D(make([]float64, 2), make([]float64, 3)) }},
		{"W1Sorted1D empty", tensor.ErrArgument, "metrics: W1Sorted1D: bad argument no values",
			func() { W1Sorted1D(nil, nil) }},
		{"W1Between1D empty", tensor.ErrArgument, "metrics: W1Between1D: bad argument 0 and 2 values, want at least one each",
			func() { W1Between1D(nil, make([]float64, 2)) }},
	})
}

func BenchmarkW1Exact64(b *testing.B)  { benchW1Exact(b, 64) }
func BenchmarkW1Exact256(b *testing.B) { benchW1Exact(b, 256) }
func BenchmarkW1Exact512(b *testing.B) { benchW1Exact(b, 512) }

// benchW1Exact measures n samples of a 2-D standard normal against n
// samples of a shifted and stretched one, as when a generator is compared
// with its data.
func benchW1Exact(b *testing.B, n int) {
	r := newRand(42)
	x := tensor.RandN(r, n, 2)
	y := tensor.RandN(r, n, 2)
	for i, v := range y.Data() {
		y.Data()[i] = 1.5*v + 0.5
	}
	b.ReportAllocs()
	for b.Loop() {
		W1Exact(x, y)
	}
}
