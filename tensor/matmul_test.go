package tensor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matmulReference returns op(A)·op(B) for 2-D a and b by the definition,
// c_ij = Σ_p a_ip·b_pj, with p in increasing order; a transposed operand is
// read with its indices swapped.
func matmulReference(a *Tensor, transA bool, b *Tensor, transB bool) *Tensor {
	m, k, n := a.shape[0], a.shape[1], b.shape[1]
	ai, ap := k, 1 // a_ip = a.data[i*ai + p*ap]
	if transA {
		m, k = k, m
		ai, ap = 1, m
	}
	bp, bj := n, 1 // b_pj = b.data[p*bp + j*bj]
	if transB {
		n = b.shape[0]
		bp, bj = 1, k
	}
	c := Zeros(m, n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				s += a.data[i*ai+p*ap] * b.data[p*bp+j*bj]
			}
			c.data[i*n+j] = s
		}
	}
	return c
}

// matmulOperands returns random operands for an (m,k)·(k,n) product,
// stored transposed ((k,m), (n,k)) where the flags say so.
func matmulOperands(r *rand.Rand, m, k, n int, transA, transB bool) (a, b *Tensor) {
	a, b = RandN(r, m, k), RandN(r, k, n)
	if transA {
		a = RandN(r, k, m)
	}
	if transB {
		b = RandN(r, n, k)
	}
	return a, b
}

// matmulTolerance bounds the difference between two ways of summing
// k products of values from a and b: rounding errors grow at most like
// k·ε·max|a_ip·b_pj| with ε ≈ 1.1e-16, so 1e-12·k·max|a|·max|b| is loose
// for rounding and still far below any indexing mistake.
func matmulTolerance(a, b *Tensor, k int) float64 {
	maxAbs := func(t *Tensor) float64 {
		m := 0.0
		for _, v := range t.data {
			m = max(m, math.Abs(v))
		}
		return m
	}
	return 1e-12 * float64(k) * maxAbs(a) * maxAbs(b)
}

// matmulEntry returns batch entry i of a 3-D tensor as a 2-D tensor
// sharing its storage.
func matmulEntry(t *Tensor, i int) *Tensor {
	rows, cols := t.shape[1], t.shape[2]
	return New(t.data[i*rows*cols:(i+1)*rows*cols], rows, cols)
}

// matmulPanic runs f and returns the *Error it panics with (nil if none).
func matmulPanic(t *testing.T, f func()) (err *Error) {
	t.Helper()
	defer func() {
		r := recover()
		require.NotNil(t, r, "no panic")
		e, ok := r.(*Error)
		require.True(t, ok, "panic value %T is not *Error: %v", r, r)
		err = e
	}()
	f()
	return nil
}

// matmulFirstDifference returns the first index at which x and y differ
// in any bit, or -1.
func matmulFirstDifference(x, y []float64) int {
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return i
		}
	}
	return -1
}

var transposeCases = []struct{ transA, transB bool }{
	{false, false}, {true, false}, {false, true}, {true, true},
}

func TestMatMulHandExamples(t *testing.T) {
	a := FromRows([][]float64{{1, 2}, {3, 4}})
	b := FromRows([][]float64{{5, 6}, {7, 8}})
	tests := []struct {
		name           string
		transA, transB bool
		want           []float64
	}{
		// [1 2; 3 4]·[5 6; 7 8]: 1·5+2·7 = 19, 1·6+2·8 = 22, 3·5+4·7 = 43, 3·6+4·8 = 50.
		{"A·B", false, false, []float64{19, 22, 43, 50}},
		// Aᵀ = [1 3; 2 4]: 1·5+3·7 = 26, 1·6+3·8 = 30, 2·5+4·7 = 38, 2·6+4·8 = 44.
		{"Aᵀ·B", true, false, []float64{26, 30, 38, 44}},
		// Bᵀ = [5 7; 6 8]: 1·5+2·6 = 17, 1·7+2·8 = 23, 3·5+4·6 = 39, 3·7+4·8 = 53.
		{"A·Bᵀ", false, true, []float64{17, 23, 39, 53}},
		// Aᵀ·Bᵀ = (B·A)ᵀ; B·A = [5+18 10+24; 7+24 14+32] = [23 34; 31 46].
		{"Aᵀ·Bᵀ", true, true, []float64{23, 31, 34, 46}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MatMulT(a, tt.transA, b, tt.transB)
			require.Equal(t, []int{2, 2}, c.Shape())
			require.Len(t, c.Data(), len(tt.want))
			assert.InDeltaSlice(t, tt.want, c.Data(), 0)
		})
	}
	assert.InDeltaSlice(t, []float64{19, 22, 43, 50}, MatMul(a, b).Data(), 0, "MatMul is MatMulT without transposes")
}

func TestMatMulMatchesReference(t *testing.T) {
	// Sizes straddle every edge of the blocking: 7-wide panels (n mod 7),
	// k blocks of 256, row slabs of 64, column slabs of 512; every branch of
	// the simple loops (m, n or k ≤ 4, tiny); and the split over goroutines
	// (the biggest ones).
	shapes := [][3]int{ // m, k, n
		{1, 1, 1}, {1, 7, 1}, {3, 5, 7}, {7, 3, 17}, {17, 33, 7}, {33, 17, 65},
		{65, 130, 33}, {130, 65, 130}, {5, 1, 9}, {1, 300, 1}, {64, 512, 1},
		{256, 2, 64}, {2, 256, 512}, {9, 4, 600}, {130, 300, 17}, {67, 520, 75},
		{70, 40, 600}, {130, 300, 65}, {65, 300, 130}, {130, 40, 3}, {33, 300, 2},
		{6, 7, 4}, {4, 600, 9},
	}
	r := rand.New(rand.NewPCG(7, 0))
	for _, s := range shapes {
		m, k, n := s[0], s[1], s[2]
		for _, tc := range transposeCases {
			t.Run(fmt.Sprintf("%dx%dx%d/transA=%v/transB=%v", m, k, n, tc.transA, tc.transB), func(t *testing.T) {
				a, b := matmulOperands(r, m, k, n, tc.transA, tc.transB)
				got := MatMulT(a, tc.transA, b, tc.transB)
				want := matmulReference(a, tc.transA, b, tc.transB)
				require.Equal(t, []int{m, n}, got.Shape())
				require.Len(t, got.Data(), len(want.Data()))
				assert.InDeltaSlice(t, want.Data(), got.Data(), matmulTolerance(a, b, k))
			})
		}
	}
}

func TestMatMulBatched(t *testing.T) {
	tests := []struct {
		name           string
		batchA, batchB int // 0: a 2-D operand shared across the batch
		m, k, n        int
	}{
		{"both 3-D", 3, 3, 5, 9, 8},
		{"shared A (conv weights)", 0, 4, 6, 27, 33},
		{"shared B", 4, 0, 33, 17, 7},
		{"many small products, split by entry", 0, 40, 24, 50, 60},
		{"big products, split inside", 2, 2, 130, 200, 90},
		{"empty batch", 0, 0, 3, 4, 5},
	}
	r := rand.New(rand.NewPCG(8, 0))
	for _, tt := range tests {
		for _, tc := range transposeCases {
			t.Run(fmt.Sprintf("%s/transA=%v/transB=%v", tt.name, tc.transA, tc.transB), func(t *testing.T) {
				batch := max(tt.batchA, tt.batchB)
				a2, b2 := matmulOperands(r, tt.m, tt.k, tt.n, tc.transA, tc.transB)
				a, b := a2, b2
				if tt.batchA > 0 {
					a = RandN(r, append([]int{tt.batchA}, a2.shape...)...)
				}
				if tt.batchB > 0 {
					b = RandN(r, append([]int{tt.batchB}, b2.shape...)...)
				}
				if tt.batchA == 0 && tt.batchB == 0 { // an empty batch of 3-D operands
					a = Zeros(append([]int{0}, a2.shape...)...)
					b = Zeros(append([]int{0}, b2.shape...)...)
				}
				got := MatMulT(a, tc.transA, b, tc.transB)
				require.Equal(t, []int{batch, tt.m, tt.n}, got.Shape())
				for i := range batch {
					ai, bi := a, b
					if tt.batchA > 0 {
						ai = matmulEntry(a, i)
					}
					if tt.batchB > 0 {
						bi = matmulEntry(b, i)
					}
					want := matmulReference(ai, tc.transA, bi, tc.transB)
					gi := matmulEntry(got, i)
					require.Len(t, gi.Data(), len(want.Data()))
					assert.InDeltaSlice(t, want.Data(), gi.Data(), matmulTolerance(ai, bi, tt.k), "entry %d", i)
				}
			})
		}
	}
}

func TestMatMulEmpty(t *testing.T) {
	tests := []struct {
		m, k, n int
	}{{0, 5, 3}, {4, 5, 0}, {0, 0, 0}, {4, 0, 3}, {300, 0, 300}}
	for _, tt := range tests {
		for _, tc := range transposeCases {
			t.Run(fmt.Sprintf("%dx%dx%d/transA=%v/transB=%v", tt.m, tt.k, tt.n, tc.transA, tc.transB), func(t *testing.T) {
				a, b := matmulOperands(rand.New(rand.NewPCG(9, 0)), tt.m, tt.k, tt.n, tc.transA, tc.transB)
				// An empty sum is 0: every element must be overwritten with it.
				dst := Full(math.NaN(), tt.m, tt.n)
				MatMulTInto(dst, a, tc.transA, b, tc.transB)
				require.Len(t, dst.Data(), tt.m*tt.n)
				assert.InDeltaSlice(t, make([]float64, tt.m*tt.n), dst.Data(), 0)
			})
		}
	}
}

func TestMatMulTIntoOverwrites(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 0))
	for _, s := range [][3]int{{3, 2, 5}, {40, 300, 90}, {256, 512, 1}} {
		t.Run(fmt.Sprintf("%dx%dx%d", s[0], s[1], s[2]), func(t *testing.T) {
			a, b := RandN(r, s[0], s[1]), RandN(r, s[1], s[2])
			dst := Full(math.NaN(), s[0], s[2]) // garbage that must not leak into the result
			MatMulTInto(dst, a, false, b, false)
			want := matmulReference(a, false, b, false)
			require.Len(t, dst.Data(), len(want.Data()))
			assert.InDeltaSlice(t, want.Data(), dst.Data(), matmulTolerance(a, b, s[1]))
		})
	}
}

func TestMatMulPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"inner sizes differ", func() { MatMul(Zeros(2, 3), Zeros(4, 5)) },
			"tensor: MatMul: shape mismatch (2,3) x (4,5)"},
		{"transA", func() { MatMulT(Zeros(2, 3), true, Zeros(3, 4), false) },
			"tensor: MatMul: shape mismatch (2,3) x (3,4) (transA)"},
		{"transB", func() { MatMulT(Zeros(2, 3), false, Zeros(3, 4), true) },
			"tensor: MatMul: shape mismatch (2,3) x (3,4) (transB)"},
		{"both transposed", func() { MatMulT(Zeros(2, 3), true, Zeros(2, 3), true) },
			"tensor: MatMul: shape mismatch (2,3) x (2,3) (transA, transB)"},
		{"1-D operand", func() { MatMul(Zeros(3), Zeros(3, 4)) },
			"tensor: MatMul: shape mismatch (3) x (3,4)"},
		{"scalar operand", func() { MatMul(Zeros(2, 2), Scalar(2)) },
			"tensor: MatMul: shape mismatch (2,2) x ()"},
		{"4-D operand", func() { MatMul(Zeros(1, 2, 3, 4), Zeros(4, 5)) },
			"tensor: MatMul: shape mismatch (1,2,3,4) x (4,5)"},
		{"batch sizes differ", func() { MatMul(Zeros(2, 3, 4), Zeros(3, 4, 5)) },
			"tensor: MatMul: shape mismatch (2,3,4) x (3,4,5)"},
		{"Into: operands", func() { MatMulTInto(Zeros(2, 5), Zeros(2, 3), false, Zeros(4, 5), false) },
			"tensor: MatMulTInto: shape mismatch (2,3) x (4,5)"},
		{"Into: wrong dst", func() { MatMulTInto(Zeros(2, 5), Zeros(2, 3), false, Zeros(3, 4), false) },
			"tensor: MatMulTInto: shape mismatch dst (2,5) for (2,3) x (3,4)"},
		{"Into: 3-D dst for a 2-D product", func() { MatMulTInto(Zeros(1, 2, 4), Zeros(2, 3), false, Zeros(3, 4), false) },
			"tensor: MatMulTInto: shape mismatch dst (1,2,4) for (2,3) x (3,4)"},
		{"Into: wrong batch", func() { MatMulTInto(Zeros(3, 2, 4), Zeros(2, 3), false, Zeros(2, 4, 3), true) },
			"tensor: MatMulTInto: shape mismatch dst (3,2,4) for (2,3) x (2,4,3) (transB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := matmulPanic(t, tt.f)
			require.NotNil(t, err)
			assert.True(t, errors.Is(err, ErrShape), "errors.Is(%v, ErrShape)", err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestMatMulDeterministicAcrossGOMAXPROCS(t *testing.T) {
	if testing.Short() {
		t.Skip("multiplies 512×512 matrices")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	tests := []struct {
		name   string
		aShape []int
		transA bool
		bShape []int
		transB bool
	}{
		{"512x512x512 (split by rows)", []int{512, 512}, false, []int{512, 512}, false},
		{"256x512x512 (split by columns)", []int{256, 512}, false, []int{512, 512}, false},
		{"256x512x512 transB", []int{256, 512}, false, []int{512, 512}, true},
		{"512x256x512 transA", []int{256, 512}, true, []int{256, 512}, false},
		{"conv-like batch (split by entry)", []int{24, 50}, false, []int{40, 50, 60}, false},
	}
	r := rand.New(rand.NewPCG(11, 0))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := RandN(r, tt.aShape...), RandN(r, tt.bShape...)
			runtime.GOMAXPROCS(1)
			serial := MatMulT(a, tt.transA, b, tt.transB)
			runtime.GOMAXPROCS(2)
			parallel := MatMulT(a, tt.transA, b, tt.transB)
			require.Equal(t, serial.Shape(), parallel.Shape())
			i := matmulFirstDifference(serial.Data(), parallel.Data())
			assert.Equal(t, -1, i, "GOMAXPROCS 1 and 2 differ at flat index %d", i)
		})
	}
	// The products above must really have been shared out with two Ps.
	runtime.GOMAXPROCS(2)
	assert.True(t, worthSplitting(256, 512, 512), "256x512x512 is not split")
	assert.True(t, worthSplitting(40*24, 60, 50), "the conv-like batch is not split")
}

func TestMatMulTIntoDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	tests := []struct {
		name           string
		m, k, n        int
		transA, transB bool
	}{
		{"packed", 64, 64, 64, false, false},
		{"packed, transposed", 64, 64, 64, true, true},
		{"row combinations", 256, 2, 64, false, false},
		{"matrix-vector", 64, 512, 1, false, false},
		{"outer product, transB", 64, 1, 64, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := matmulOperands(r, tt.m, tt.k, tt.n, tt.transA, tt.transB)
			dst := Zeros(tt.m, tt.n)
			// Scratch space comes from a sync.Pool, which the race detector
			// empties now and then: averaged over many runs (and rounded down
			// by AllocsPerRun) that still counts as 0.
			allocs := testing.AllocsPerRun(1000, func() { MatMulTInto(dst, a, tt.transA, b, tt.transB) })
			assert.Zero(t, allocs)
		})
	}
}

// A row split of a transposed A must start at column i0 of the stored Aᵀ:
// slicing A at row i0 first (i0·lda past the end of a wide Aᵀ) panicked
// with two workers (out of range [204800:64000] in chapter 01 at width 128).
func TestMatMulRowSplitOfTransposedA(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	r := rand.New(rand.NewPCG(13, 0))
	// op(A) = Aᵀ is 640×100 (A stored 100×640): the second band starts at
	// row 320 of op(A), and 320·640 > 100·640.
	a, b := RandN(r, 100, 640), RandN(r, 100, 128)
	require.True(t, worthSplitting(640, 128, 100))
	got := MatMulT(a, true, b, false)
	want := matmulReference(a, true, b, false)
	assert.InDeltaSlice(t, want.Data(), got.Data(), matmulTolerance(a, b, 100))
}
