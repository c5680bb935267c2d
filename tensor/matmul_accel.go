package tensor

// An optional, faster serial matrix-multiply kernel.
//
// The portable kernel in matmul.go is the default and the reference. A
// build may plug in a kernel that uses vector instructions the Go compiler
// does not emit by itself: matmul_simd_amd64.go does so when the program is
// built with GOEXPERIMENT=simd on amd64 and the CPU has AVX2 and FMA.
// Without that experiment, accelGemm stays nil and nothing here runs.

// accelGemm, when not nil, computes C = op(A)·op(B) with the contract of
// the portable serial kernels (gemmPacked): op(A) is m×k, stored as A (m×k,
// row stride lda) or, if transA, as Aᵀ (k×m, row stride lda); op(B) is k×n,
// stored as B (k×n) or, if transB, as Bᵀ (n×k), row stride ldb; C is m×n
// with row stride ldc, is overwritten and must not overlap A or B; m, n,
// k ≥ 1. It runs on the calling goroutine only: splitting the work over
// goroutines stays with gemm.
//
// Every c_ij is the chain of fused multiply-adds
//
//	c = fma(a_ip, b_pj, c),  p = 0, 1, ..., k-1, starting from c = 0,
//
// so its bits do not depend on blocking or on how the caller splits C into
// bands. They do differ from the portable kernel's (built with GOAMD64=v1),
// which rounds every product before adding it.
var accelGemm func(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int)

// accelName names the kernel in accelGemm ("" when there is none).
var accelName string

// AccelName returns the name of the accelerated matrix-multiply kernel
// this program was built with and this CPU can run, such as
// "archsimd AVX-512 4x16", or "" when products use the portable kernel
// only. Benchmarks and documentation use it to say which kernel ran.
func AccelName() string { return accelName }
