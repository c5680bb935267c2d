package tensor

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks are named after the product they time: _MxKxN is op(A) (m,k)
// times op(B) (k,n), with _transA or _transB when that operand is stored
// transposed. Each reports GFLOP/s, counting 2·m·n·k flops per product.
//
// The GAN shapes come from the reference workload: batch 256, 2-D data,
// hidden width 512, one critic output.

func BenchmarkMatMul64(b *testing.B)  { benchMatMul(b, 64, 64, 64, false, false) }
func BenchmarkMatMul128(b *testing.B) { benchMatMul(b, 128, 128, 128, false, false) }
func BenchmarkMatMul256(b *testing.B) { benchMatMul(b, 256, 256, 256, false, false) }
func BenchmarkMatMul512(b *testing.B) { benchMatMul(b, 512, 512, 512, false, false) }

// With W stored (in, out): y = x·W, dX = dY·Wᵀ, dW = xᵀ·dY.

// First layer: y = x·W, (256,2)·(2,512); dW = xᵀ·dY, (256,2)ᵀ·(256,512).
func BenchmarkMatMul_256x2x512(b *testing.B)        { benchMatMul(b, 256, 2, 512, false, false) }
func BenchmarkMatMul_2x256x512_transA(b *testing.B) { benchMatMul(b, 2, 256, 512, true, false) }

// Hidden layer: y = x·W, (256,512)·(512,512); dX = dY·Wᵀ; dW = xᵀ·dY, (256,512)ᵀ·(256,512).
func BenchmarkMatMul_256x512x512(b *testing.B)        { benchMatMul(b, 256, 512, 512, false, false) }
func BenchmarkMatMul_256x512x512_transB(b *testing.B) { benchMatMul(b, 256, 512, 512, false, true) }
func BenchmarkMatMul_512x256x512_transA(b *testing.B) { benchMatMul(b, 512, 256, 512, true, false) }

// Last layer: y = x·W, (256,512)·(512,1); dX = dY·Wᵀ, (256,1)·(512,1)ᵀ.
func BenchmarkMatMul_256x512x1(b *testing.B)        { benchMatMul(b, 256, 512, 1, false, false) }
func BenchmarkMatMul_256x1x512_transB(b *testing.B) { benchMatMul(b, 256, 1, 512, false, true) }

// With W stored (out, in), as layers.Linear does: y = x·Wᵀ, dX = dY·W,
// dW = dYᵀ·x. The hidden layer's products are the three above, in another order.

// First layer: y = x·Wᵀ, (256,2)·(512,2)ᵀ; dW = dYᵀ·x, (256,512)ᵀ·(256,2).
func BenchmarkMatMul_256x2x512_transB(b *testing.B) { benchMatMul(b, 256, 2, 512, false, true) }
func BenchmarkMatMul_512x256x2_transA(b *testing.B) { benchMatMul(b, 512, 256, 2, true, false) }

// Last layer: y = x·Wᵀ, (256,512)·(1,512)ᵀ; dX = dY·W, (256,1)·(1,512); dW = dYᵀ·x, (256,1)ᵀ·(256,512).
func BenchmarkMatMul_256x512x1_transB(b *testing.B) { benchMatMul(b, 256, 512, 1, false, true) }
func BenchmarkMatMul_256x1x512(b *testing.B)        { benchMatMul(b, 256, 1, 512, false, false) }
func BenchmarkMatMul_1x256x512_transA(b *testing.B) { benchMatMul(b, 1, 256, 512, true, false) }

// benchMatMul times op(A)·op(B), op(A) (m,k) and op(B) (k,n), written into
// a reused result with MatMulTInto, and reports GFLOP/s.
func benchMatMul(b *testing.B, m, k, n int, transA, transB bool) {
	r := rand.New(rand.NewPCG(1, 2))
	a, w := RandN(r, m, k), RandN(r, k, n)
	if transA {
		a = RandN(r, k, m)
	}
	if transB {
		w = RandN(r, n, k)
	}
	dst := Zeros(m, n)
	b.ReportAllocs()
	for b.Loop() {
		MatMulTInto(dst, a, transA, w, transB)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
