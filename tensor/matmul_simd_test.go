//go:build goexperiment.simd && amd64

package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simdNamedTile is a tile kernel and its name, for the tests.
type simdNamedTile struct {
	name string
	tile simdTile
}

// simdKernels lists the tile kernels this CPU can run.
func simdKernels() []simdNamedTile {
	var kernels []simdNamedTile
	if archsimd.X86.AVX512() {
		kernels = append(kernels, simdNamedTile{"AVX-512", simdTileAVX512})
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		kernels = append(kernels, simdNamedTile{"AVX2", simdTileAVX2})
	}
	return kernels
}

// simdOperand is a stored matrix: rows×cols values with row stride ld ≥
// cols, in a slice that ends right after the last value of the last row
// (as a band that gemm hands out does), so any read past it panics.
type simdOperand struct {
	data             []float64
	rows, cols, ld   int
	transposedStored bool
}

// newSIMDOperand returns a random operand for op(X) of shape (r, c), stored
// as X (r×c) or, if trans, as Xᵀ (c×r), with pad unused values at the end
// of each row. About one value in eight is +0 or -0, and the first stored
// row is all -0, so that a row of C (from A) or a column (from Bᵀ) is a sum
// of zero products: it must come out +0, as +0 + -0 = +0, which holds only
// if the sum starts from +0.
func newSIMDOperand(rng *rand.Rand, r, c int, trans bool, pad int) simdOperand {
	rows, cols := r, c
	if trans {
		rows, cols = c, r
	}
	ld := cols + pad
	data := make([]float64, (rows-1)*ld+cols)
	for i := range data {
		switch rng.IntN(16) {
		case 0:
			data[i] = 0
		case 1:
			data[i] = math.Copysign(0, -1)
		default:
			data[i] = rng.NormFloat64()
		}
	}
	for j := range cols {
		data[j] = math.Copysign(0, -1)
	}
	return simdOperand{data: data, rows: rows, cols: cols, ld: ld, transposedStored: trans}
}

// at returns op(X)_ij.
func (x simdOperand) at(i, j int) float64 {
	if x.transposedStored {
		return x.data[j*x.ld+i]
	}
	return x.data[i*x.ld+j]
}

// simdFMAReference returns op(A)·op(B) (m×n, row stride n) by the chain
// c = fma(a_ip, b_pj, c) for p = 0, 1, ..., k-1 from c = +0: the order the
// SIMD kernel promises, one rounding per step.
func simdFMAReference(a, b simdOperand, m, n, k int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				s = math.FMA(a.at(i, p), b.at(p, j), s)
			}
			c[i*n+j] = s
		}
	}
	return c
}

// simdFirstBitDifference returns the first index where x and y differ in
// any bit, or -1.
func simdFirstBitDifference(x, y []float64) int {
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return i
		}
	}
	return -1
}

// simdShapes are (m, k, n) that cover full and edge tiles in both
// directions (m mod 4, n mod 16), several k blocks (k > simdKC, with a
// short last block), several packed slabs of A (m > simdMC) and of B
// (n > simdNC), and the degenerate 1×1×1.
var simdShapes = [][3]int{
	{1, 1, 1},
	{3, 5, 7},
	{4, 16, 16},
	{5, 17, 33},
	{8, 3, 15},
	{17, 1, 19},
	{13, 29, 64},
	{37, simdKC + 44, 45},
	{simdMC + 7, 70, 20},
	{6, 2*simdKC + 1, 50},
	{3, 9, simdNC + 21},
}

func TestSIMDGemmMatchesFMALoop(t *testing.T) {
	kernels := simdKernels()
	if len(kernels) == 0 {
		t.Skip("the CPU has neither AVX-512 nor AVX2+FMA")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, kernel := range kernels {
		for _, shape := range simdShapes {
			m, k, n := shape[0], shape[1], shape[2]
			for _, tr := range []struct{ a, b bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
				t.Run(simdCaseName(kernel.name, m, k, n, tr.a, tr.b), func(t *testing.T) {
					// Odd paddings make every leading dimension larger
					// than the row it holds, and different from the others.
					a := newSIMDOperand(rng, m, k, tr.a, 3)
					b := newSIMDOperand(rng, k, n, tr.b, 5)
					want := simdFMAReference(a, b, m, n, k)

					ldc := n + 2
					c := make([]float64, m*ldc)
					for i := range c {
						c[i] = math.NaN() // C must be overwritten, not added to
					}
					simdGemmWith(kernel.tile, tr.a, tr.b, m, n, k, a.data, a.ld, b.data, b.ld, c, ldc)

					got := make([]float64, m*n)
					for i := range m {
						copy(got[i*n:(i+1)*n], c[i*ldc:])
						for j := n; j < ldc; j++ {
							require.True(t, math.IsNaN(c[i*ldc+j]), "padding of C row %d was written", i)
						}
					}
					d := simdFirstBitDifference(got, want)
					require.Equal(t, -1, d, "c[%d] = %v, want the FMA chain's %v", d, simdAt(got, d), simdAt(want, d))
				})
			}
		}
	}
}

// simdAt returns x[i], or NaN if i is out of range (for failure messages).
func simdAt(x []float64, i int) float64 {
	if i < 0 || i >= len(x) {
		return math.NaN()
	}
	return x[i]
}

// simdCaseName names a test case such as "AVX-512/5x17x33_transA", with
// the sizes of op(A) (m,k) and op(B) (k,n).
func simdCaseName(kernel string, m, k, n int, transA, transB bool) string {
	name := fmt.Sprintf("%s/%dx%dx%d", kernel, m, k, n)
	if transA {
		name += "_transA"
	}
	if transB {
		name += "_transB"
	}
	return name
}

// TestSIMDGemmBandsMatchWhole computes C in the bands that gemm hands to
// goroutines (rows i0.. of C with rows, or columns, i0.. of the stored A;
// columns j0.. with columns, or rows, j0.. of the stored B) and checks the
// bits against the whole product: the split changes nothing.
func TestSIMDGemmBandsMatchWhole(t *testing.T) {
	if accelGemm == nil {
		t.Skip("no accelerated kernel on this CPU")
	}
	const m, k, n = 45, 300, 70
	rng := rand.New(rand.NewPCG(3, 5))
	for _, tr := range []struct{ a, b bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		t.Run(simdCaseName(AccelName(), m, k, n, tr.a, tr.b), func(t *testing.T) {
			a := newSIMDOperand(rng, m, k, tr.a, 1)
			b := newSIMDOperand(rng, k, n, tr.b, 1)
			whole := make([]float64, m*n)
			accelGemm(tr.a, tr.b, m, n, k, a.data, a.ld, b.data, b.ld, whole, n)

			rowBands := make([]float64, m*n)
			for i0 := 0; i0 < m; i0 += 13 { // 13 rows: bands that cut tiles
				ai := a.data[i0*a.ld:]
				if tr.a {
					ai = a.data[i0:]
				}
				accelGemm(tr.a, tr.b, min(13, m-i0), n, k, ai, a.ld, b.data, b.ld, rowBands[i0*n:], n)
			}
			colBands := make([]float64, m*n)
			for j0 := 0; j0 < n; j0 += 23 { // 23 columns: bands that cut panels
				bj := b.data[j0:]
				if tr.b {
					bj = b.data[j0*b.ld:]
				}
				accelGemm(tr.a, tr.b, m, min(23, n-j0), k, a.data, a.ld, bj, b.ld, colBands[j0:], n)
			}
			assert.Equal(t, -1, simdFirstBitDifference(rowBands, whole), "row bands")
			assert.Equal(t, -1, simdFirstBitDifference(colBands, whole), "column bands")
		})
	}
}

// TestSIMDKernelMatchesCPU checks that init installed the widest kernel
// the CPU supports, and named it.
func TestSIMDKernelMatchesCPU(t *testing.T) {
	switch {
	case archsimd.X86.AVX512():
		assert.Equal(t, "archsimd AVX-512 4x16", AccelName())
		assert.NotNil(t, accelGemm)
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		assert.Equal(t, "archsimd AVX2 4x16 (two 4x8)", AccelName())
		assert.NotNil(t, accelGemm)
	default:
		assert.Empty(t, AccelName())
		assert.Nil(t, accelGemm)
	}
}

// Benchmarks call the kernel directly, on one goroutine, and report
// GFLOP/s (2·m·n·k flops per product). Names follow matmul_bench_test.go:
// _MxKxN is op(A) (m,k) times op(B) (k,n), _transA/_transB says which
// operand is stored transposed.

func BenchmarkSIMDGemm512(b *testing.B)        { benchSIMDGemm(b, 512, 512, 512, false, false) }
func BenchmarkSIMDGemm512_transA(b *testing.B) { benchSIMDGemm(b, 512, 512, 512, true, false) }
func BenchmarkSIMDGemm512_transB(b *testing.B) { benchSIMDGemm(b, 512, 512, 512, false, true) }

// The GAN hidden layer (batch 256, width 512): y = x·W, dX = dY·Wᵀ, dW = xᵀ·dY.
func BenchmarkSIMDGemm_256x512x512(b *testing.B)        { benchSIMDGemm(b, 256, 512, 512, false, false) }
func BenchmarkSIMDGemm_256x512x512_transA(b *testing.B) { benchSIMDGemm(b, 256, 512, 512, true, false) }
func BenchmarkSIMDGemm_256x512x512_transB(b *testing.B) { benchSIMDGemm(b, 256, 512, 512, false, true) }
func BenchmarkSIMDGemm_512x256x512_transA(b *testing.B) { benchSIMDGemm(b, 512, 256, 512, true, false) }

// The AVX2 kernel on the same machine, for comparison.
func BenchmarkSIMDGemm512_AVX2(b *testing.B) {
	benchSIMDGemmWith(b, simdTileAVX2, 512, 512, 512, false, false)
}

// benchSIMDGemm times the kernel init chose for an (m,k)·(k,n) product.
func benchSIMDGemm(b *testing.B, m, k, n int, transA, transB bool) {
	if accelGemm == nil {
		b.Skip("no accelerated kernel on this CPU")
	}
	benchSIMDGemmWith(b, simdKernel, m, k, n, transA, transB)
}

// benchSIMDGemmWith times simdGemmWith(tile, ...) for an (m,k)·(k,n)
// product with seeded random operands.
func benchSIMDGemmWith(b *testing.B, tile simdTile, m, k, n int, transA, transB bool) {
	if !archsimd.X86.AVX2() || !archsimd.X86.FMA() {
		b.Skip("the CPU lacks AVX2+FMA")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := newSIMDOperand(rng, m, k, transA, 0)
	y := newSIMDOperand(rng, k, n, transB, 0)
	c := make([]float64, m*n)
	b.ReportAllocs()
	for b.Loop() {
		simdGemmWith(tile, transA, transB, m, n, k, x.data, x.ld, y.data, y.ld, c, n)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
