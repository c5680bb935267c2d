package tensor

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks are named after the product they time: _MxKxN is an (m,k)·(k,n)
// product, with the suffix _transA or _transB when that operand is stored
// transposed. The GAN shapes are those of the reference workload (batch 256,
// hidden width 512, 2-D data, one critic output) and their backward products.

func BenchmarkMatMul64(b *testing.B)  { benchMatMul(b, 64, 64, 64, false, false) }
func BenchmarkMatMul128(b *testing.B) { benchMatMul(b, 128, 128, 128, false, false) }
func BenchmarkMatMul256(b *testing.B) { benchMatMul(b, 256, 256, 256, false, false) }
func BenchmarkMatMul512(b *testing.B) { benchMatMul(b, 512, 512, 512, false, false) }

// First layer forward: x (256,2) · W (2,512).
func BenchmarkMatMul_256x2x512(b *testing.B) { benchMatMul(b, 256, 2, 512, false, false) }

// First layer dW = xᵀ·dY: (256,2)ᵀ · (256,512).
func BenchmarkMatMul_2x256x512_transA(b *testing.B) { benchMatMul(b, 2, 256, 512, true, false) }

// Hidden layer forward: h (256,512) · W (512,512).
func BenchmarkMatMul_256x512x512(b *testing.B) { benchMatMul(b, 256, 512, 512, false, false) }

// Hidden layer dX = dY·Wᵀ: (256,512) · (512,512)ᵀ.
func BenchmarkMatMul_256x512x512_transB(b *testing.B) { benchMatMul(b, 256, 512, 512, false, true) }

// Hidden layer dW = Xᵀ·dY: (256,512)ᵀ · (256,512).
func BenchmarkMatMul_512x256x512_transA(b *testing.B) { benchMatMul(b, 512, 256, 512, true, false) }

// Last layer forward: h (256,512) · W (512,1).
func BenchmarkMatMul_256x512x1(b *testing.B) { benchMatMul(b, 256, 512, 1, false, false) }

// Last layer dX = dY·Wᵀ: (256,1) · (512,1)ᵀ.
func BenchmarkMatMul_256x1x512_transB(b *testing.B) { benchMatMul(b, 256, 1, 512, false, true) }

// benchMatMul times op(A)·op(B) for op(A) (m,k) and op(B) (k,n) into a
// reused result, and reports GFLOP/s counting 2·m·n·k flops per product.
func benchMatMul(b *testing.B, m, k, n int, transA, transB bool) {
	r := rand.New(rand.NewPCG(1, 2))
	a := RandN(r, m, k)
	if transA {
		a = RandN(r, k, m)
	}
	w := RandN(r, k, n)
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
