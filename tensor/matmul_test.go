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
// c_ij = fma(a_i,k-1, b_k-1,j, ... fma(a_i0, b_0j, +0)): a chain of fused
// multiply-adds from +0, p increasing. A transposed operand is read with
// its indices swapped. It shares no code with the package's kernels.
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
				s = math.FMA(a.data[i*ai+p*ap], b.data[p*bp+j*bj], s)
			}
			c.data[i*n+j] = s
		}
	}
	return c
}

// matmulOperands returns random operands for an (m,k)·(k,n) product,
// stored transposed ((k,m), (n,k)) where the flags say so. About one value
// in eight is +0 or -0, and the first stored row is all -0: a row of C
// (from A) or a column (from Bᵀ) is then a sum of zero products, which is
// +0 only if the chain starts from +0, as the definition says.
func matmulOperands(r *rand.Rand, m, k, n int, transA, transB bool) (a, b *Tensor) {
	a, b = matmulRandom(r, m, k), matmulRandom(r, k, n)
	if transA {
		a = matmulRandom(r, k, m)
	}
	if transB {
		b = matmulRandom(r, n, k)
	}
	return a, b
}

// matmulRandom returns a rows×cols tensor of normal samples with signed
// zeros mixed in and a first row of -0 (see matmulOperands).
func matmulRandom(r *rand.Rand, shape ...int) *Tensor {
	t := RandN(r, shape...)
	for i := range t.data {
		switch r.IntN(16) {
		case 0:
			t.data[i] = 0
		case 1:
			t.data[i] = math.Copysign(0, -1)
		}
	}
	if len(shape) == 2 && shape[0] > 0 {
		for j := range shape[1] {
			t.data[j] = math.Copysign(0, -1)
		}
	}
	return t
}

// requireSameBits fails unless got and want hold the same float64 bits,
// naming the first index that differs.
func requireSameBits(t *testing.T, want, got []float64, msgAndArgs ...any) {
	t.Helper()
	require.Len(t, got, len(want), msgAndArgs...)
	if i := matmulFirstDifference(want, got); i >= 0 {
		require.Failf(t, "bits differ", "at flat index %d: got %v (%#x), want %v (%#x) %s", i,
			got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]), fmt.Sprint(msgAndArgs...))
	}
}

// withKernel runs f with every product using kern, then restores the
// kernel chosen for this CPU.
func withKernel(kern *gemmKernel, f func()) {
	saved := activeKernel
	defer func() { activeKernel = saved }()
	activeKernel = kern
	f()
}

// withProcs runs f with GOMAXPROCS set to procs, then restores it.
func withProcs(procs int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	f()
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

// matmulSweepShapes are (m, k, n) that cross every threshold of gemm for
// every kernel: the tiny products that run the definition; n = 1 and
// m = 1 (simple loops); few columns (n < nr/2: the transposed product);
// tile edges (m mod 8, 6, 2 and n mod 16, 8, 4 not 0); k blocks of 256
// (k = 255 ... 513, with short last blocks); more rows than one block of
// work (mc = 64 ... 128); and products past splitFlops, split by rows and
// by columns over goroutines when GOMAXPROCS is 2.
var matmulSweepShapes = [][3]int{
	{1, 1, 1}, {2, 3, 2}, {3, 5, 7}, {7, 8, 9}, // tiny
	{64, 512, 1}, {1, 300, 1}, {33, 7, 1}, {1, 256, 512}, {1, 3, 40}, // n = 1, m = 1
	{130, 40, 3}, {33, 300, 2}, {100, 64, 7}, {256, 2, 5}, // few columns
	{17, 33, 19}, {13, 29, 64}, {45, 70, 31}, {5, 17, 33}, {8, 4, 600}, {2, 256, 512}, // edges
	{9, 257, 17}, {12, 513, 20}, {6, 256, 16}, {16, 255, 8}, // k blocks
	{130, 65, 130}, {250, 40, 50}, {256, 2, 64}, // several blocks of rows
	{128, 64, 128}, {130, 300, 65}, {67, 520, 75}, {20, 300, 700}, {300, 300, 300}, // big
	{512, 256, 300}, {20, 600, 3000}, // split
}

// TestMatMulSweep checks every path of MatMulT, with each kernel this CPU
// can run and with GOMAXPROCS 1 and 2, bit for bit against the definition.
func TestMatMulSweep(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	for _, s := range matmulSweepShapes {
		m, k, n := s[0], s[1], s[2]
		for _, tc := range transposeCases {
			a, b := matmulOperands(r, m, k, n, tc.transA, tc.transB)
			want := matmulReference(a, tc.transA, b, tc.transB)
			for _, kern := range gemmKernels {
				for _, procs := range []int{1, 2} {
					name := fmt.Sprintf("%s/procs=%d/%dx%dx%d/transA=%v/transB=%v", kern.name, procs, m, k, n, tc.transA, tc.transB)
					t.Run(name, func(t *testing.T) {
						var got *Tensor
						withKernel(kern, func() {
							withProcs(procs, func() { got = MatMulT(a, tc.transA, b, tc.transB) })
						})
						require.Equal(t, []int{m, n}, got.Shape())
						requireSameBits(t, want.Data(), got.Data())
					})
				}
			}
		}
	}
}

// TestMatMulBatched checks the batched shapes, with each kernel and with
// GOMAXPROCS 1 and 2, bit for bit against the definition entry by entry.
func TestMatMulBatched(t *testing.T) {
	tests := []struct {
		name           string
		batchA, batchB int // 0: a 2-D operand shared across the batch
		m, k, n        int
	}{
		{"both 3-D", 3, 3, 5, 9, 8},
		{"shared A", 0, 4, 6, 27, 33},
		{"shared B", 4, 0, 33, 17, 7},
		{"many small products, split by entry", 0, 64, 64, 100, 100},
		{"many small products, shared B", 64, 0, 64, 100, 100},
		{"big products, split inside", 2, 2, 300, 200, 600},
		{"empty batch", 0, 0, 3, 4, 5},
	}
	r := rand.New(rand.NewPCG(8, 0))
	for _, tt := range tests {
		for _, tc := range transposeCases {
			batch := max(tt.batchA, tt.batchB)
			a2, b2 := matmulOperands(r, tt.m, tt.k, tt.n, tc.transA, tc.transB)
			a, b := a2, b2
			if tt.batchA > 0 {
				a = matmulRandom(r, append([]int{tt.batchA}, a2.shape...)...)
			}
			if tt.batchB > 0 {
				b = matmulRandom(r, append([]int{tt.batchB}, b2.shape...)...)
			}
			if tt.batchA == 0 && tt.batchB == 0 { // an empty batch of 3-D operands
				a = Zeros(append([]int{0}, a2.shape...)...)
				b = Zeros(append([]int{0}, b2.shape...)...)
			}
			want := make([]float64, 0, batch*tt.m*tt.n)
			for i := range batch {
				ai, bi := a, b
				if tt.batchA > 0 {
					ai = matmulEntry(a, i)
				}
				if tt.batchB > 0 {
					bi = matmulEntry(b, i)
				}
				want = append(want, matmulReference(ai, tc.transA, bi, tc.transB).Data()...)
			}
			for _, kern := range gemmKernels {
				for _, procs := range []int{1, 2} {
					name := fmt.Sprintf("%s/%s/procs=%d/transA=%v/transB=%v", tt.name, kern.name, procs, tc.transA, tc.transB)
					t.Run(name, func(t *testing.T) {
						var got *Tensor
						withKernel(kern, func() {
							withProcs(procs, func() { got = MatMulT(a, tc.transA, b, tc.transB) })
						})
						require.Equal(t, []int{batch, tt.m, tt.n}, got.Shape())
						requireSameBits(t, want, got.Data())
					})
				}
			}
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
			requireSameBits(t, matmulReference(a, false, b, false).Data(), dst.Data())
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

// The sweeps above run every shape with GOMAXPROCS 1 and 2; the big ones
// must really be shared out with two.
func TestMatMulSweepSplits(t *testing.T) {
	if c := physicalCores(); c == 1 {
		t.Skip("all CPUs are hyperthreads of one core: products are not split")
	}
	withProcs(2, func() {
		assert.True(t, worthSplitting(512, 300, 256), "512x256x300 is not split")
		assert.True(t, worthSplitting(20, 3000, 600), "20x600x3000 is not split")
		assert.True(t, worthSplitting(64*64, 100, 100), "the batch of 64 small products is not split")
		assert.False(t, worthSplitting(64, 100, 100), "one small product is split")
	})
	withProcs(1, func() { assert.False(t, worthSplitting(512, 512, 512), "split with GOMAXPROCS 1") })
}

func TestMatMulTIntoDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop scratch space at random")
	}
	r := rand.New(rand.NewPCG(12, 0))
	tests := []struct {
		name           string
		m, k, n        int
		transA, transB bool
	}{
		{"packed", 64, 64, 64, false, false},
		{"packed, transposed", 64, 64, 64, true, true},
		{"packed, edge tiles", 61, 30, 37, false, false},
		{"small k", 256, 2, 64, false, false},
		{"few columns", 256, 64, 3, false, false},
		{"matrix-vector", 64, 512, 1, false, false},
		{"outer product, transB", 64, 1, 64, false, true},
		{"tiny", 3, 4, 5, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := matmulOperands(r, tt.m, tt.k, tt.n, tt.transA, tt.transB)
			dst := Zeros(tt.m, tt.n)
			// Scratch space comes from sync.Pools, filled by the first run.
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
	if physicalCores() == 1 {
		t.Skip("all CPUs are hyperthreads of one core: products are not split")
	}
	r := rand.New(rand.NewPCG(13, 0))
	// op(A) = Aᵀ is 640×100 (A stored 100×640): a band starting at row 320
	// of op(A) would have been sliced at 320·640 > 100·640. (The product is
	// wider than in chapter 01, 640 columns, to be big enough to split.)
	a, b := RandN(r, 100, 640), RandN(r, 100, 640)
	require.True(t, worthSplitting(640, 640, 100))
	got := MatMulT(a, true, b, false)
	requireSameBits(t, matmulReference(a, true, b, false).Data(), got.Data())
}
