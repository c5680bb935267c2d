package tensor

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// arangeOf returns 0, 1, 2, … laid out in the given shape, so that every
// element's value is its own row-major offset: expected values of a shape
// operation can then be read off the index arithmetic by hand.
func arangeOf(shape ...int) *Tensor { return Reshape(Arange(numel(shape)), shape...) }

// requireTensor checks a tensor's shape exactly and its values to 1e-12.
func requireTensor(t *testing.T, got *Tensor, shape []int, want []float64) {
	t.Helper()
	require.Equal(t, FormatShape(shape), FormatShape(got.shape), "shape")
	require.Len(t, got.Data(), len(want))
	assert.InDeltaSlice(t, want, got.Data(), 1e-12)
}

// shapeDot returns ⟨a, b⟩ = Σ aᵢ·bᵢ over tensors of the same shape.
func shapeDot(t *testing.T, a, b *Tensor) float64 {
	t.Helper()
	require.Equal(t, a.Shape(), b.Shape(), "inner product of different shapes")
	s := 0.0
	for i, v := range a.data {
		s += v * b.data[i]
	}
	return s
}

// shapePanic runs f and returns what it panicked with, or nil.
func shapePanic(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// ---- Reshape

func TestReshape(t *testing.T) {
	tests := []struct {
		name  string
		from  []int
		to    []int
		shape []int // expected shape, with -1 inferred
	}{
		{"matrix to matrix", []int{2, 3}, []int{3, 2}, []int{3, 2}},
		{"flatten with -1", []int{2, 3}, []int{-1}, []int{6}},
		{"infer leading", []int{2, 3, 4}, []int{-1, 4}, []int{6, 4}},
		{"infer middle", []int{2, 3}, []int{1, -1, 1}, []int{1, 6, 1}},
		{"zero size", []int{0, 3}, []int{3, 0, 5}, []int{3, 0, 5}},
		{"zero size infer", []int{0, 3}, []int{-1, 3}, []int{0, 3}},
		{"scalar to 1x1", []int{}, []int{1, 1}, []int{1, 1}},
		{"single value to scalar", []int{1, 1}, []int{}, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := arangeOf(tc.from...)
			y := Reshape(x, tc.to...)
			// Reshape keeps the row-major order, so the values are unchanged.
			requireTensor(t, y, tc.shape, x.Data())
			assert.Equal(t, FormatShape(tc.from), FormatShape(x.shape), "input shape changed")
		})
	}
}

func TestReshapeSharesStorage(t *testing.T) {
	x := arangeOf(2, 3)
	y := Reshape(x, 3, 2)
	y.Set(100, 2, 1) // offset 2·2+1 = 5, which is x[1,2]
	assert.Equal(t, 100.0, x.At(1, 2), "write through the reshaped tensor")
	x.Set(-7, 0, 1) // offset 1, which is y[0,1]
	assert.Equal(t, -7.0, y.At(0, 1), "write through the original")
}

// ---- Transpose

func TestTranspose(t *testing.T) {
	tests := []struct {
		name  string
		x     *Tensor
		shape []int
		want  []float64
	}{
		// [[0 1 2] [3 4 5]]ᵀ = [[0 3] [1 4] [2 5]].
		{"2x3", arangeOf(2, 3), []int{3, 2}, []float64{0, 3, 1, 4, 2, 5}},
		// Two 2×3 matrices, the second is the first plus 6.
		{"batch 2x2x3", arangeOf(2, 2, 3), []int{2, 3, 2},
			[]float64{0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}},
		{"row vector", arangeOf(1, 4), []int{4, 1}, []float64{0, 1, 2, 3}},
		{"zero rows", Zeros(0, 3), []int{3, 0}, []float64{}},
		{"zero batch", Zeros(0, 2, 3), []int{0, 3, 2}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, Transpose(tc.x), tc.shape, tc.want)
		})
	}
}

// TestTransposeLarge checks sizes that are not multiples of the tile, so the
// partial tiles at the right and bottom edges are exercised, against
// yᵀ[…, j, i] = x[…, i, j] element by element.
func TestTransposeLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	tests := []struct {
		name  string
		shape []int
	}{
		{"67x131", []int{67, 131}},
		{"32x32 one full tile", []int{32, 32}},
		{"batch 3x33x40", []int{3, 33, 40}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := RandN(rng, tc.shape...)
			y := Transpose(x)
			k := len(tc.shape)
			m, n := tc.shape[k-2], tc.shape[k-1]
			batch := x.Len() / (m * n)
			require.Equal(t, append(tc.shape[:k-2:k-2], n, m), y.Shape())
			mx := Reshape(x, batch, m, n)
			my := Reshape(y, batch, n, m)
			for b := 0; b < batch; b++ {
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						if my.At(b, j, i) != mx.At(b, i, j) {
							t.Fatalf("y[%d,%d,%d] = %g, want x[%d,%d,%d] = %g",
								b, j, i, my.At(b, j, i), b, i, j, mx.At(b, i, j))
						}
					}
				}
			}
		})
	}
}

// ---- Permute

// TestPermuteValues lists whole results worked out by hand from
// y[a,b,c] = x[j] with j[perm[k]] = (a,b,c)[k], on x = arangeOf(2,3,4) whose
// value at [i,j,k] is 12i + 4j + k.
func TestPermuteValues(t *testing.T) {
	tests := []struct {
		name  string
		perm  []int
		shape []int
		want  []float64
	}{
		{"identity", []int{0, 1, 2}, []int{2, 3, 4}, arangeOf(2, 3, 4).Data()},
		// y[a,b,c] = x[b,a,c] = 12b + 4a + c: rows of 4 move as blocks.
		{"swap first two", []int{1, 0, 2}, []int{3, 2, 4}, []float64{
			0, 1, 2, 3, 12, 13, 14, 15,
			4, 5, 6, 7, 16, 17, 18, 19,
			8, 9, 10, 11, 20, 21, 22, 23,
		}},
		// y[a,b,c] = x[b,c,a] = 12b + 4c + a.
		{"rotate last to front", []int{2, 0, 1}, []int{4, 2, 3}, []float64{
			0, 4, 8, 12, 16, 20,
			1, 5, 9, 13, 17, 21,
			2, 6, 10, 14, 18, 22,
			3, 7, 11, 15, 19, 23,
		}},
		// y[a,b,c] = x[a,c,b] = 12a + 4c + b: a batched transpose.
		{"swap last two", []int{0, 2, 1}, []int{2, 4, 3}, []float64{
			0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11,
			12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, Permute(arangeOf(2, 3, 4), tc.perm...), tc.shape, tc.want)
		})
	}
}

// TestPermuteDefinition checks every element of every result against the
// definition: output index i reads input index j with j[perm[k]] = i[k].
func TestPermuteDefinition(t *testing.T) {
	tests := []struct {
		shape []int
		perm  []int
	}{
		{[]int{2, 3, 4}, []int{0, 1, 2}},
		{[]int{2, 3, 4}, []int{0, 2, 1}},
		{[]int{2, 3, 4}, []int{1, 0, 2}},
		{[]int{2, 3, 4}, []int{1, 2, 0}},
		{[]int{2, 3, 4}, []int{2, 0, 1}},
		{[]int{2, 3, 4}, []int{2, 1, 0}},
		{[]int{2, 3, 1, 5}, []int{3, 1, 0, 2}},
		{[]int{2, 3, 4, 5}, []int{1, 0, 2, 3}},
		{[]int{2, 3, 4, 5}, []int{1, 0, 3, 2}},
		{[]int{3, 5}, []int{1, 0}},
		{[]int{7}, []int{0}},
		{[]int{}, []int{}},
		{[]int{2, 0, 3}, []int{2, 1, 0}},
	}
	for _, tc := range tests {
		t.Run(FormatShape(tc.shape)+FormatShape(tc.perm), func(t *testing.T) {
			x := arangeOf(tc.shape...)
			before := x.Clone()
			y := Permute(x, tc.perm...)
			want := make([]int, len(tc.perm))
			for i, p := range tc.perm {
				want[i] = tc.shape[p]
			}
			require.Equal(t, FormatShape(want), FormatShape(y.shape))
			forEachIndex(y.Shape(), func(i []int) {
				j := make([]int, len(i))
				for k, p := range tc.perm {
					j[p] = i[k]
				}
				assert.Equal(t, x.At(j...), y.At(i...), "y%v", i)
			})
			requireTensor(t, x, before.Shape(), before.Data()) // input unchanged
		})
	}
}

// forEachIndex calls f with every index of shape, in row-major order.
func forEachIndex(shape []int, f func(index []int)) {
	if numel(shape) == 0 {
		return
	}
	index := make([]int, len(shape))
	for {
		f(index)
		k := len(shape) - 1
		for ; k >= 0; k-- {
			index[k]++
			if index[k] < shape[k] {
				break
			}
			index[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// ---- Concat and Split

func TestConcat(t *testing.T) {
	a := FromRows([][]float64{{1, 2}, {3, 4}})
	b := FromRows([][]float64{{5, 6}})
	c := FromRows([][]float64{{7}, {8}})
	tests := []struct {
		name  string
		axis  int
		ts    []*Tensor
		shape []int
		want  []float64
	}{
		{"rows", 0, []*Tensor{a, b}, []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}},
		{"columns", 1, []*Tensor{a, c}, []int{2, 3}, []float64{1, 2, 7, 3, 4, 8}},
		{"columns, axis -1", -1, []*Tensor{c, a, c}, []int{2, 4},
			[]float64{7, 1, 2, 7, 8, 3, 4, 8}},
		{"with an empty piece", 0, []*Tensor{Zeros(0, 2), a}, []int{2, 2}, []float64{1, 2, 3, 4}},
		{"one tensor", 0, []*Tensor{a}, []int{2, 2}, []float64{1, 2, 3, 4}},
		// arangeOf(2,1,2) = [[[0 1]] [[2 3]]], arangeOf(2,2,2) = [[[0 1] [2 3]] [[4 5] [6 7]]]:
		// along the middle axis each batch gets its 1 row then its 2 rows.
		{"middle axis of 3-D", 1, []*Tensor{arangeOf(2, 1, 2), arangeOf(2, 2, 2)}, []int{2, 3, 2},
			[]float64{0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 6, 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Concat(tc.axis, tc.ts...)
			requireTensor(t, got, tc.shape, tc.want)
			got.Data()[0] = 99 // a fresh tensor: the inputs stay as they were
			assert.Equal(t, []float64{1, 2, 3, 4}, a.Data())
		})
	}
}

func TestSplit(t *testing.T) {
	x := arangeOf(2, 4) // [[0 1 2 3] [4 5 6 7]]
	tests := []struct {
		name   string
		axis   int
		sizes  []int
		shapes [][]int
		want   [][]float64
	}{
		{"columns", 1, []int{1, 3}, [][]int{{2, 1}, {2, 3}},
			[][]float64{{0, 4}, {1, 2, 3, 5, 6, 7}}},
		{"columns, axis -1, empty piece", -1, []int{2, 0, 2}, [][]int{{2, 2}, {2, 0}, {2, 2}},
			[][]float64{{0, 1, 4, 5}, {}, {2, 3, 6, 7}}},
		{"rows", 0, []int{1, 1}, [][]int{{1, 4}, {1, 4}},
			[][]float64{{0, 1, 2, 3}, {4, 5, 6, 7}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pieces := Split(x, tc.axis, tc.sizes...)
			require.Len(t, pieces, len(tc.want))
			for k, p := range pieces {
				requireTensor(t, p, tc.shapes[k], tc.want[k])
			}
		})
	}
}

// TestConcatSplitIdentity checks Concat(axis, Split(x, axis, sizes…)…) = x on
// random data, and that Split of a Concat gives back the parts.
func TestConcatSplitIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	tests := []struct {
		shape []int
		axis  int
		sizes []int
	}{
		{[]int{3, 5, 4}, 0, []int{1, 2}},
		{[]int{3, 5, 4}, 1, []int{2, 0, 3}},
		{[]int{3, 5, 4}, -1, []int{1, 1, 2}},
		{[]int{6}, 0, []int{6}},
	}
	for _, tc := range tests {
		t.Run(FormatShape(tc.shape)+FormatShape([]int{tc.axis}), func(t *testing.T) {
			x := RandN(rng, tc.shape...)
			pieces := Split(x, tc.axis, tc.sizes...)
			back := Concat(tc.axis, pieces...)
			requireTensor(t, back, tc.shape, x.Data())
			again := Split(back, tc.axis, tc.sizes...)
			require.Len(t, again, len(pieces))
			for k := range pieces {
				requireTensor(t, again[k], pieces[k].Shape(), pieces[k].Data())
			}
		})
	}
}

// ---- Slice and Pad

func TestSlice(t *testing.T) {
	x := arangeOf(2, 4) // [[0 1 2 3] [4 5 6 7]]
	tests := []struct {
		name       string
		axis       int
		start, end int
		shape      []int
		want       []float64
	}{
		{"middle columns", 1, 1, 3, []int{2, 2}, []float64{1, 2, 5, 6}},
		{"last column, axis -1", -1, 3, 4, []int{2, 1}, []float64{3, 7}},
		{"second row", 0, 1, 2, []int{1, 4}, []float64{4, 5, 6, 7}},
		{"all", 0, 0, 2, []int{2, 4}, x.Data()},
		{"empty range", 1, 2, 2, []int{2, 0}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, Slice(x, tc.axis, tc.start, tc.end), tc.shape, tc.want)
		})
	}
	t.Run("3-D middle axis", func(t *testing.T) {
		// arangeOf(2,3,2)[:, 1:3, :] keeps offsets 2..5 and 8..11.
		requireTensor(t, Slice(arangeOf(2, 3, 2), 1, 1, 3), []int{2, 2, 2},
			[]float64{2, 3, 4, 5, 8, 9, 10, 11})
	})
}

func TestPad(t *testing.T) {
	x := FromRows([][]float64{{1, 2}, {3, 4}})
	tests := []struct {
		name          string
		axis          int
		before, after int
		shape         []int
		want          []float64
	}{
		{"rows", 0, 1, 2, []int{5, 2}, []float64{0, 0, 1, 2, 3, 4, 0, 0, 0, 0}},
		{"columns, axis -1", -1, 2, 1, []int{2, 5}, []float64{0, 0, 1, 2, 0, 0, 0, 3, 4, 0}},
		{"nothing", 1, 0, 0, []int{2, 2}, []float64{1, 2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, Pad(x, tc.axis, tc.before, tc.after), tc.shape, tc.want)
		})
	}
	t.Run("empty tensor", func(t *testing.T) {
		requireTensor(t, Pad(Zeros(0, 2), 0, 1, 0), []int{1, 2}, []float64{0, 0})
	})
}

// TestSlicePadIdentity checks Slice(Pad(x, axis, b, a), axis, b, b+d) = x.
func TestSlicePadIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	x := RandN(rng, 3, 4, 5)
	for axis := -3; axis < 3; axis++ {
		d := x.Dim(axis)
		y := Slice(Pad(x, axis, 2, 3), axis, 2, 2+d)
		requireTensor(t, y, x.Shape(), x.Data())
	}
}

// TestSlicePadAdjoint checks ⟨Slice(x, axis, s, e), y⟩ = ⟨x, Pad(y, axis, s, d-e)⟩
// on random x and y: Pad is the transpose of the linear map Slice.
func TestSlicePadAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 0))
	tests := []struct {
		name       string
		shape      []int
		axis       int
		start, end int
	}{
		{"rows", []int{6, 3}, 0, 1, 4},
		{"last axis", []int{2, 3, 7}, -1, 2, 7},
		{"middle axis", []int{2, 5, 3}, 1, 0, 2},
		{"empty range", []int{4, 3}, 0, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := RandN(rng, tc.shape...)
			d := x.Dim(tc.axis)
			sx := Slice(x, tc.axis, tc.start, tc.end)
			y := RandN(rng, sx.Shape()...)
			lhs := shapeDot(t, sx, y)
			rhs := shapeDot(t, x, Pad(y, tc.axis, tc.start, d-tc.end))
			assert.InDelta(t, lhs, rhs, 1e-12)
		})
	}
}

// ---- IndexSelect and IndexAdd

func TestIndexSelect(t *testing.T) {
	x := arangeOf(3, 2) // [[0 1] [2 3] [4 5]]
	tests := []struct {
		name  string
		axis  int
		index []int
		shape []int
		want  []float64
	}{
		{"rows with repeats", 0, []int{2, 0, 2}, []int{3, 2}, []float64{4, 5, 0, 1, 4, 5}},
		{"columns, axis -1", -1, []int{1, 1, 0}, []int{3, 3}, []float64{1, 1, 0, 3, 3, 2, 5, 5, 4}},
		{"no index", 0, []int{}, []int{0, 2}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, IndexSelect(x, tc.axis, tc.index), tc.shape, tc.want)
		})
	}
	t.Run("3-D middle axis", func(t *testing.T) {
		// arangeOf(2,3,2): picking rows 2 then 0 of each 3×2 block.
		requireTensor(t, IndexSelect(arangeOf(2, 3, 2), 1, []int{2, 0}), []int{2, 2, 2},
			[]float64{4, 5, 0, 1, 10, 11, 6, 7})
	})
}

func TestIndexAdd(t *testing.T) {
	x := FromRows([][]float64{{1, 2}, {10, 20}, {100, 200}})
	tests := []struct {
		name  string
		axis  int
		index []int
		size  int
		shape []int
		want  []float64
	}{
		// Rows 0 and 2 of x both land on row 1, row 0 gets x's row 1,
		// rows 2 and 3 get nothing.
		{"rows with repeats", 0, []int{1, 0, 1}, 4, []int{4, 2},
			[]float64{10, 20, 101, 202, 0, 0, 0, 0}},
		{"columns, axis -1", -1, []int{2, 2}, 3, []int{3, 3},
			[]float64{0, 0, 3, 0, 0, 30, 0, 0, 300}},
		{"permutation", 0, []int{2, 0, 1}, 3, []int{3, 2},
			[]float64{10, 20, 100, 200, 1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTensor(t, IndexAdd(x, tc.axis, tc.index, tc.size), tc.shape, tc.want)
		})
	}
	t.Run("no index, size 2", func(t *testing.T) {
		requireTensor(t, IndexAdd(Zeros(0, 3), 0, []int{}, 2), []int{2, 3}, []float64{0, 0, 0, 0, 0, 0})
	})
}

// TestIndexSelectAddAdjoint checks
// ⟨IndexSelect(x, axis, index), y⟩ = ⟨x, IndexAdd(y, axis, index, d)⟩ on
// random data, with repeated and missing positions in index.
func TestIndexSelectAddAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	tests := []struct {
		name  string
		shape []int
		axis  int
		index []int
	}{
		{"embedding rows", []int{5, 3}, 0, []int{4, 0, 4, 4, 2}},
		{"last axis", []int{2, 3, 4}, -1, []int{3, 1, 1}},
		{"middle axis", []int{2, 3, 4}, 1, []int{0, 2, 0, 1, 2, 2}},
		{"empty index", []int{3, 2}, 0, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := RandN(rng, tc.shape...)
			sx := IndexSelect(x, tc.axis, tc.index)
			y := RandN(rng, sx.Shape()...)
			lhs := shapeDot(t, sx, y)
			rhs := shapeDot(t, x, IndexAdd(y, tc.axis, tc.index, x.Dim(tc.axis)))
			assert.InDelta(t, lhs, rhs, 1e-12)
		})
	}
}

// ---- Inputs stay untouched

func TestShapeOpsDoNotModifyInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 0))
	x := RandN(rng, 3, 4)
	tests := []struct {
		name string
		op   func() *Tensor
	}{
		{"Transpose", func() *Tensor { return Transpose(x) }},
		{"Permute", func() *Tensor { return Permute(x, 1, 0) }},
		{"Concat", func() *Tensor { return Concat(0, x, x) }},
		{"Split", func() *Tensor { return Split(x, 1, 1, 3)[0] }},
		{"Slice", func() *Tensor { return Slice(x, 0, 0, 3) }},
		{"Pad", func() *Tensor { return Pad(x, 1, 1, 1) }},
		{"IndexSelect", func() *Tensor { return IndexSelect(x, 0, []int{0, 1, 2}) }},
		{"IndexAdd", func() *Tensor { return IndexAdd(x, 0, []int{0, 1, 2}, 3) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := x.Clone()
			y := tc.op()
			for i := range y.data {
				y.data[i] = 42 // results are fresh: writing them leaves x alone
			}
			assert.Equal(t, before.Data(), x.Data())
			assert.Equal(t, []int{3, 4}, x.Shape())
		})
	}
}

// ---- Panics

func TestShapeOpPanics(t *testing.T) {
	x := arangeOf(2, 3)
	tests := []struct {
		name string
		op   func()
		kind error
		msg  string
	}{
		{"Reshape sizes differ", func() { Reshape(x, 4, 2) }, ErrShape,
			"tensor: Reshape: shape mismatch (2,3) to (4,2)"},
		{"Reshape -1 does not divide", func() { Reshape(x, 4, -1) }, ErrShape,
			"tensor: Reshape: shape mismatch (2,3) to (4,-1)"},
		{"Reshape -1 next to a zero", func() { Reshape(x, 0, -1) }, ErrShape,
			"tensor: Reshape: shape mismatch (2,3) to (0,-1)"},
		{"Reshape two -1", func() { Reshape(x, -1, 3, -1) }, ErrArgument,
			"tensor: Reshape: bad argument more than one -1 in (-1,3,-1)"},
		{"Reshape negative", func() { Reshape(x, 2, -3) }, ErrArgument,
			"tensor: Reshape: bad argument negative dimension in (2,-3)"},
		{"Reshape ambiguous -1", func() { Reshape(Zeros(0, 3), 0, -1) }, ErrArgument,
			"tensor: Reshape: bad argument -1 in (0,-1) is ambiguous for 0 values"},

		{"Transpose vector", func() { Transpose(Arange(3)) }, ErrShape,
			"tensor: Transpose: shape mismatch (3) needs at least 2 dimensions"},

		{"Permute repeat", func() { Permute(arangeOf(2, 3, 4), 0, 0, 1) }, ErrAxis,
			"tensor: Permute: bad axis [0 0 1] is not a permutation of the 3 axes of (2,3,4)"},
		{"Permute too short", func() { Permute(arangeOf(2, 3, 4), 1, 0) }, ErrAxis,
			"tensor: Permute: bad axis [1 0] is not a permutation of the 3 axes of (2,3,4)"},
		{"Permute out of range", func() { Permute(x, 0, 2) }, ErrAxis,
			"tensor: Permute: bad axis [0 2] is not a permutation of the 2 axes of (2,3)"},
		{"Permute negative", func() { Permute(x, -1, 0) }, ErrAxis,
			"tensor: Permute: bad axis [-1 0] is not a permutation of the 2 axes of (2,3)"},

		{"Concat nothing", func() { Concat(0) }, ErrArgument,
			"tensor: Concat: bad argument no tensors"},
		{"Concat mismatch", func() { Concat(1, x, arangeOf(3, 3)) }, ErrShape,
			"tensor: Concat: shape mismatch (2,3) and (3,3) differ outside axis 1"},
		{"Concat negative axis mismatch", func() { Concat(-2, x, arangeOf(2, 4)) }, ErrShape,
			"tensor: Concat: shape mismatch (2,3) and (2,4) differ outside axis 0"},
		{"Concat rank", func() { Concat(0, x, Arange(3)) }, ErrShape,
			"tensor: Concat: shape mismatch (2,3) and (3) differ in rank"},
		{"Concat axis", func() { Concat(2, x, x) }, ErrAxis,
			"tensor: Concat: bad axis axis 2 for 2 dimensions"},

		{"Split sum", func() { Split(x, 1, 1, 1) }, ErrShape,
			"tensor: Split: shape mismatch sizes [1 1] sum to 2, axis 1 of (2,3) has 3"},
		{"Split negative size", func() { Split(x, 0, 3, -1) }, ErrArgument,
			"tensor: Split: bad argument negative size in [3 -1]"},
		{"Split axis", func() { Split(x, -3, 1, 1) }, ErrAxis,
			"tensor: Split: bad axis axis -3 for 2 dimensions"},

		{"Slice past the end", func() { Slice(x, 1, 2, 4) }, ErrIndex,
			"tensor: Slice: index out of range [2,4) on axis 1 of (2,3)"},
		{"Slice reversed", func() { Slice(x, -1, 2, 1) }, ErrIndex,
			"tensor: Slice: index out of range [2,1) on axis 1 of (2,3)"},
		{"Slice negative start", func() { Slice(x, 0, -1, 1) }, ErrIndex,
			"tensor: Slice: index out of range [-1,1) on axis 0 of (2,3)"},
		{"Slice axis", func() { Slice(x, 2, 0, 1) }, ErrAxis,
			"tensor: Slice: bad axis axis 2 for 2 dimensions"},

		{"Pad negative before", func() { Pad(x, 0, -1, 2) }, ErrArgument,
			"tensor: Pad: bad argument negative padding (-1 before, 2 after)"},
		{"Pad negative after", func() { Pad(x, 1, 0, -3) }, ErrArgument,
			"tensor: Pad: bad argument negative padding (0 before, -3 after)"},
		{"Pad axis", func() { Pad(x, -3, 1, 1) }, ErrAxis,
			"tensor: Pad: bad axis axis -3 for 2 dimensions"},

		{"IndexSelect too large", func() { IndexSelect(x, 0, []int{1, 0, 2}) }, ErrIndex,
			"tensor: IndexSelect: index out of range index[2] = 2 on axis 0 of (2,3)"},
		{"IndexSelect negative", func() { IndexSelect(x, -1, []int{-1}) }, ErrIndex,
			"tensor: IndexSelect: index out of range index[0] = -1 on axis 1 of (2,3)"},
		{"IndexSelect axis", func() { IndexSelect(x, 2, []int{0}) }, ErrAxis,
			"tensor: IndexSelect: bad axis axis 2 for 2 dimensions"},

		{"IndexAdd count", func() { IndexAdd(x, 0, []int{0, 1, 1}, 2) }, ErrShape,
			"tensor: IndexAdd: shape mismatch 3 indices for axis 0 of (2,3)"},
		{"IndexAdd too large", func() { IndexAdd(x, 1, []int{0, 4, 1}, 4) }, ErrIndex,
			"tensor: IndexAdd: index out of range index[1] = 4 on axis 1 of (2,4)"},
		{"IndexAdd negative size", func() { IndexAdd(x, 0, []int{0, 0}, -1) }, ErrArgument,
			"tensor: IndexAdd: bad argument negative size -1"},
		{"IndexAdd axis", func() { IndexAdd(x, -3, []int{0, 0}, 2) }, ErrAxis,
			"tensor: IndexAdd: bad axis axis -3 for 2 dimensions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := shapePanic(tc.op)
			err, ok := r.(error)
			require.True(t, ok, "want a panic with an error, got %v", r)
			assert.ErrorIs(t, err, tc.kind)
			assert.EqualError(t, err, tc.msg)
		})
	}
}

// ---- Benchmarks

func BenchmarkTranspose512(b *testing.B)  { benchTranspose(b, 512, 512) }
func BenchmarkTranspose1000(b *testing.B) { benchTranspose(b, 1000, 1000) }
func BenchmarkPermute64Rotate(b *testing.B) {
	benchPermute(b, []int{64, 64, 64}, []int{2, 0, 1})
}
func BenchmarkPermute64KeepLast(b *testing.B) {
	benchPermute(b, []int{64, 64, 64}, []int{1, 0, 2})
}
func BenchmarkIndexSelectRows(b *testing.B) { benchIndexSelect(b, 1000, 64, 256) }

func benchTranspose(b *testing.B, m, n int) {
	x := RandN(rand.New(rand.NewPCG(1, 0)), m, n)
	b.ReportAllocs()
	for b.Loop() {
		Transpose(x)
	}
}

func benchPermute(b *testing.B, shape, perm []int) {
	x := RandN(rand.New(rand.NewPCG(1, 0)), shape...)
	b.ReportAllocs()
	for b.Loop() {
		Permute(x, perm...)
	}
}

// benchIndexSelect gathers n random rows of a rows×cols table, as an
// embedding lookup does.
func benchIndexSelect(b *testing.B, rows, cols, n int) {
	rng := rand.New(rand.NewPCG(1, 0))
	x := RandN(rng, rows, cols)
	index := make([]int, n)
	for i := range index {
		index[i] = rng.IntN(rows)
	}
	b.ReportAllocs()
	for b.Loop() {
		IndexSelect(x, 0, index)
	}
}

// Every constructor refuses a negative size under its own name, not
// under Zeros, which they all allocate with.
func TestConstructorPanicsNameTheirOp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	runPanicCases(t, []panicCase{
		{"Zeros", func() { Zeros(2, -1) }, ErrArgument, "tensor: Zeros: bad argument negative dimension in shape (2,-1)"},
		{"Ones", func() { Ones(-1) }, ErrArgument, "tensor: Ones: bad argument negative dimension in shape (-1)"},
		{"Full", func() { Full(3, -2, 2) }, ErrArgument, "tensor: Full: bad argument negative dimension in shape (-2,2)"},
		{"Arange", func() { Arange(-3) }, ErrArgument, "tensor: Arange: bad argument negative dimension in shape (-3)"},
		{"Eye", func() { Eye(-1) }, ErrArgument, "tensor: Eye: bad argument negative dimension in shape (-1,-1)"},
		{"RandN", func() { RandN(r, -1) }, ErrArgument, "tensor: RandN: bad argument negative dimension in shape (-1)"},
		{"RandU", func() { RandU(r, 0, 1, 1, -1) }, ErrArgument, "tensor: RandU: bad argument negative dimension in shape (1,-1)"},
		{"Set", func() { Zeros(2).Set(1, 2) }, ErrIndex, "tensor: Set: index out of range index [2] for shape (2)"},
	})
}
