package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
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

// The toy GANs of chapters 01 and 08: batch 100, width W, layers.Linear
// storing W as (out, in). Forward y = x·Wᵀ, (100,W)·(W,W)ᵀ; backward
// dX = dY·W, (100,W)·(W,W); dW = dYᵀ·x, (100,W)ᵀ·(100,W), k = 100.
func BenchmarkMatMulToy(b *testing.B) {
	for _, w := range []int{32, 64, 128, 256, 512, 640} {
		b.Run(fmt.Sprintf("W=%d/forward", w), func(b *testing.B) { benchMatMul(b, 100, w, w, false, true) })
		b.Run(fmt.Sprintf("W=%d/dX", w), func(b *testing.B) { benchMatMul(b, 100, w, w, false, false) })
		b.Run(fmt.Sprintf("W=%d/dW", w), func(b *testing.B) { benchMatMul(b, w, 100, w, true, false) })
	}
}

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
	cpu := processCPUTime()
	for b.Loop() {
		MatMulTInto(dst, a, transA, w, transB)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	reportGFLOPs(b, flops, processCPUTime()-cpu)
}

// reportGFLOPs reports flops per second of wall-clock time ("GFLOP/s")
// and per second of the process's CPU time ("GFLOP/cpu-s"). With one core
// (-cpu 1) the second is the kernel's speed even on a machine busy with
// other work; with two it counts both cores' time, so it does not show
// the gain from splitting.
func reportGFLOPs(b *testing.B, flops float64, cpu time.Duration) {
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
	}
}
