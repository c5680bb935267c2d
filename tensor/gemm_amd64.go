//go:build !purego

package tensor

// The amd64 micro-kernels of gemm_amd64.s, chosen at run time from CPUID.
//
// Go's compiler emits scalar SSE2 code only (no FMA under the default
// GOAMD64=v1), so the vector kernels are written in Go assembly, as the
// standard library's crypto and math packages and gonum do. Build with
// -tags purego to leave them out and use the portable Go kernel.

import "unsafe"

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns XCR0: which register state the operating system saves.
func xgetbv() (eax, edx uint32)

// gemmTilesAVX512 and gemmTilesAVX2 implement gemmKernel.tiles (see there)
// for an 8×16 and a 6×8 tile on raw pointers.
//
//go:noescape
func gemmTilesAVX512(count, kc int, a, b, c *float64, ldc int, load bool)

//go:noescape
func gemmTilesAVX2(count, kc int, a, b, c *float64, ldc int, load bool)

// kernelAVX512 keeps an 8×16 tile of C in 16 of the 32 ZMM registers: per
// step p it loads 16 values of B (two registers), broadcasts each of the
// 8 a_rp and does 16 fused multiply-adds of 8 lanes.
var kernelAVX512 = &gemmKernel{
	name: "AVX-512 8x16", mr: 8, nr: 16, kc: 256, mc: 128,
	tiles: func(count, kc int, a, b, c []float64, ldc int, load bool) {
		if checkTiles(8, 16, count, kc, a, b, c, ldc) {
			gemmTilesAVX512(count, kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, load)
		}
	},
}

// kernelAVX2 keeps a 6×8 tile of C in 12 of the 16 YMM registers; per step
// it loads 8 values of B and broadcasts each of the 6 a_rp.
var kernelAVX2 = &gemmKernel{
	name: "AVX2 6x8", mr: 6, nr: 8, kc: 256, mc: 120,
	tiles: func(count, kc int, a, b, c []float64, ldc int, load bool) {
		if checkTiles(6, 8, count, kc, a, b, c, ldc) {
			gemmTilesAVX2(count, kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, load)
		}
	},
}

// checkTiles panics unless a, b and c hold everything a call to a tile
// kernel reads or writes: count micro-panels of A (mr·kc each), one of B
// (kc·nr) and count·mr rows of C. It reports whether there is any work.
// The assembly does no bounds checks of its own.
func checkTiles(mr, nr, count, kc int, a, b, c []float64, ldc int) bool {
	if count <= 0 || kc <= 0 {
		return false
	}
	if len(a) < count*mr*kc || len(b) < kc*nr || ldc < nr || len(c) < (count*mr-1)*ldc+nr {
		panic("tensor: internal error: gemm tile kernel called with short slices")
	}
	return true
}

// CPUID feature bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, appendix E).
const (
	cpuid1ECXFMA     = 1 << 12
	cpuid1ECXOSXSAVE = 1 << 27
	cpuid1ECXAVX     = 1 << 28
	cpuid7EBXAVX2    = 1 << 5
	cpuid7EBXAVX512F = 1 << 16

	xcr0SSE    = 1 << 1 // XMM state
	xcr0AVX    = 1 << 2 // upper halves of YMM
	xcr0Opmask = 1 << 5 // K0-K7
	xcr0ZMMHi  = 1 << 6 // upper halves of ZMM0-15
	xcr0Hi16   = 1 << 7 // ZMM16-31
)

// cpuKernels returns the kernels this CPU and operating system can run,
// fastest first: AVX-512 needs AVX512F and the OS saving the opmask and
// all 32 ZMM registers; AVX2 needs AVX2, FMA and the OS saving YMM state
// (OSXSAVE tells that XGETBV may be used to ask).
func cpuKernels() []*gemmKernel {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return nil
	}
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&cpuid1ECXOSXSAVE == 0 || ecx1&cpuid1ECXAVX == 0 || ecx1&cpuid1ECXFMA == 0 {
		return nil
	}
	xcr0, _ := xgetbv()
	if xcr0&(xcr0SSE|xcr0AVX) != xcr0SSE|xcr0AVX {
		return nil
	}
	_, ebx7, _, _ := cpuid(7, 0)
	var kernels []*gemmKernel
	const zmmState = xcr0SSE | xcr0AVX | xcr0Opmask | xcr0ZMMHi | xcr0Hi16
	if ebx7&cpuid7EBXAVX512F != 0 && xcr0&zmmState == zmmState {
		kernels = append(kernels, kernelAVX512)
	}
	if ebx7&cpuid7EBXAVX2 != 0 {
		kernels = append(kernels, kernelAVX2)
	}
	return kernels
}

// platformKernels lists the kernels for this build, fastest first; the
// portable kernel comes last and always works.
func platformKernels() []*gemmKernel { return append(cpuKernels(), kernelGo) }
