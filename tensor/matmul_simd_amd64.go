//go:build goexperiment.simd && amd64

package tensor

// A matrix-multiply kernel written with Go's experimental SIMD package,
// simd/archsimd (GOEXPERIMENT=simd, amd64 only). init plugs it into
// accelGemm when the CPU can run it; matmul.go's portable kernel stays the
// default everywhere else and the reference for the tests.
//
// Shape legend: C (m×n) = op(A) (m×k) · op(B) (k×n), as in matmul.go.
//
// The plan is matmul.go's (Goto and van de Geijn, ACM TOMS 34(3), 2008),
// with a wider register tile:
//
//  1. For each kc-deep k block, op(B) is packed into panels of nr = 16
//     columns, row p of a panel being (b_pj, ..., b_p,j+15), and op(A) into
//     micro-panels of mr = 4 rows, row p being (a_ip, ..., a_i+3,p). Edges
//     are padded with zeros, so every tile is a full 4×16.
//  2. The tile kernel keeps the 4×16 block of C in vector registers: per
//     step p it loads the 16 values b_p,j.. as two Float64x8, broadcasts
//     each a_rp to all lanes and does 8 fused multiply-adds of 8 lanes.
//     Without AVX-512 the same tile is done as two 4×8 halves with
//     Float64x4 (AVX2).
//
// Why 4×16: Go's register allocator gives vector code only the 15
// registers Z0–Z14 (X15 is reserved; Z16–Z31 go unused even with AVX-512),
// and its scheduler issues every load and broadcast of the loop body before
// the multiply-adds. So a tile fits only if accumulators + B vectors +
// broadcasts ≤ 15: 8 + 2 + 4 = 14 for 4×16. A 3×24 tile (9 + 3 + 3) already
// spills a broadcast to the stack on every step and runs 3× slower; 8×24
// spills nearly everything. archsimd offers only the VFMADD213 form, whose
// result replaces the multiplicand, so each step also costs register
// copies; the CPU absorbs them. On the AMD EPYC (Zen 5) machine of
// docs/performance.md, a core retires one 8-lane FMA per cycle, or two
// 4-lane ones (58.7 GFLOP/s either way, measured), and this kernel runs at
// about 95% of that with its operands in L1, 90% for a whole 512³ product.
// The AVX2 version reaches about half of it.
//
// Determinism: each c_ij is the chain
//
//	c = fma(a_ip, b_pj, c),  p = 0, 1, ..., k-1, starting from c = +0,
//
// one rounding per step (math.FMA computes the same thing). Vector lanes
// never mix: lane j of row i only ever sees a_ip and b_pj, so the zero
// padding of edge tiles changes nothing in the lanes that are kept, and
// the AVX-512 and AVX2 kernels give the same bits. A k block starts from
// the sums the previous block left in C. So the result does not depend on
// blocking, on tile position, or on how gemm splits C over goroutines: it
// is bit-identical to the triple loop with math.FMA (the tests check this).
// It does differ from the portable kernel's bits (GOAMD64=v1), which rounds
// each product before adding it.

import (
	"simd/archsimd"
	"sync"
)

const (
	simdMR = 4    // rows of the register tile
	simdNR = 16   // columns of the register tile: two Float64x8, or four Float64x4
	simdKC = 256  // depth of a k block: a B panel (256·16 values, 32 KB) stays in L1
	simdMC = 128  // rows of op(A) packed at once: 256 KB, in L2
	simdNC = 2048 // columns of op(B) packed at once: 4 MB, streamed panel by panel
)

// simdTile computes one 4×16 tile of C from a packed A micro-panel a and
// a packed B panel b of the same depth: for r < 4, j < 16 it runs
// c_rj = fma(a[p][r], b[p][j], c_rj) for p = 0, 1, ..., starting from the
// value in C, or from +0 if first. Row r of the tile is c[r·ldc : r·ldc+16].
type simdTile func(a [][simdMR]float64, b [][simdNR]float64, c []float64, ldc int, first bool)

// simdKernel is the tile kernel chosen for this CPU by init.
var simdKernel simdTile

func init() {
	switch {
	case archsimd.X86.AVX512():
		simdKernel, accelName = simdTileAVX512, "archsimd AVX-512 4x16"
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		simdKernel, accelName = simdTileAVX2, "archsimd AVX2 4x16 (two 4x8)"
	default:
		return
	}
	accelGemm = simdGemm
}

// simdGemm computes C = op(A)·op(B) with the kernel chosen by init; see
// accelGemm for the contract.
func simdGemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	simdGemmWith(simdKernel, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
}

// simdBuffers is one goroutine's scratch space: packed slabs of op(A) and
// op(B), and a tile of C for the edges.
type simdBuffers struct {
	a    [][simdMR]float64
	b    [][simdNR]float64
	edge [simdMR * simdNR]float64
}

// simdPool recycles scratch space, so that a product allocates nothing.
var simdPool = sync.Pool{New: func() any { return new(simdBuffers) }}

// simdGemmWith computes C = op(A)·op(B) blocked and packed for the tile
// kernel: for each block of nc columns and each k block of depth kc, it
// packs op(B) once, then packs op(A) mc rows at a time and runs the tiles.
func simdGemmWith(tile simdTile, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	buf := simdPool.Get().(*simdBuffers)
	defer simdPool.Put(buf)
	kMax := min(simdKC, k)
	if size := (min(simdMC, m) + simdMR - 1) / simdMR * kMax; cap(buf.a) < size {
		buf.a = make([][simdMR]float64, size)
	}
	if size := (min(simdNC, n) + simdNR - 1) / simdNR * kMax; cap(buf.b) < size {
		buf.b = make([][simdNR]float64, size)
	}
	for j0 := 0; j0 < n; j0 += simdNC {
		nb := min(simdNC, n-j0)
		for p0 := 0; p0 < k; p0 += simdKC {
			kb := min(simdKC, k-p0)
			first := p0 == 0 // the first k block stores into C, later ones add
			simdPackB(transB, kb, nb, b, ldb, p0, j0, buf.b)
			for i0 := 0; i0 < m; i0 += simdMC {
				mb := min(simdMC, m-i0)
				simdPackA(transA, mb, kb, a, lda, i0, p0, buf.a)
				simdMacroKernel(tile, mb, nb, kb, buf, c[i0*ldc+j0:], ldc, first)
			}
		}
	}
	// The vector registers' upper halves are dirty; clearing them spares
	// the scalar SSE code that follows a false dependency on some CPUs.
	archsimd.ClearAVXUpperBits()
}

// simdPackA copies the mb×kb block of op(A) at (i0, p0) into micro-panels
// of simdMR rows: panel t is dst[t·kb : (t+1)·kb], with
// dst[t·kb + p][r] = a_{i0+4t+r, p0+p}. Rows past mb are zeros.
func simdPackA(trans bool, mb, kb int, a []float64, lda, i0, p0 int, dst [][simdMR]float64) {
	full := mb / simdMR // panels with all four rows
	if trans {
		// a_ip = a[p·lda + i]: walk Aᵀ row by row, four neighbours at a time.
		for p := range kb {
			row := a[(p0+p)*lda+i0 : (p0+p)*lda+i0+full*simdMR]
			for t := range full {
				dst[t*kb+p] = [simdMR]float64(row[t*simdMR:])
			}
		}
	} else {
		// Four rows of A, read side by side.
		for t := range full {
			i := i0 + t*simdMR
			r0 := a[i*lda+p0 : i*lda+p0+kb]
			r1 := a[(i+1)*lda+p0 : (i+1)*lda+p0+kb]
			r2 := a[(i+2)*lda+p0 : (i+2)*lda+p0+kb]
			r3 := a[(i+3)*lda+p0 : (i+3)*lda+p0+kb]
			panel := dst[t*kb : (t+1)*kb]
			for p := range panel {
				panel[p] = [simdMR]float64{r0[p], r1[p], r2[p], r3[p]}
			}
		}
	}
	if rows := mb - full*simdMR; rows > 0 { // the last, partial panel
		panel := dst[full*kb : (full+1)*kb]
		i := i0 + full*simdMR
		clear(panel)
		for p := range panel {
			for r := range rows {
				if trans {
					panel[p][r] = a[(p0+p)*lda+i+r]
				} else {
					panel[p][r] = a[(i+r)*lda+p0+p]
				}
			}
		}
	}
}

// simdPackB copies the kb×nb block of op(B) at (p0, j0) into panels of
// simdNR columns: panel s is dst[s·kb : (s+1)·kb], with
// dst[s·kb + p][jj] = b_{p0+p, j0+16s+jj}. Columns past nb are zeros.
func simdPackB(trans bool, kb, nb int, b []float64, ldb, p0, j0 int, dst [][simdNR]float64) {
	full := nb / simdNR // panels with all 16 columns
	if trans {
		// Column j of op(B) is row j of the stored Bᵀ: read it along p.
		for s := range full {
			panel := dst[s*kb : (s+1)*kb]
			for jj := range simdNR {
				j := j0 + s*simdNR + jj
				for p, v := range b[j*ldb+p0 : j*ldb+p0+kb] {
					panel[p][jj] = v
				}
			}
		}
	} else {
		// Walk B row by row, 16 neighbours at a time.
		for p := range kb {
			row := b[(p0+p)*ldb+j0 : (p0+p)*ldb+j0+full*simdNR]
			for s := range full {
				dst[s*kb+p] = [simdNR]float64(row[s*simdNR:])
			}
		}
	}
	if cols := nb - full*simdNR; cols > 0 { // the last, partial panel
		panel := dst[full*kb : (full+1)*kb]
		j := j0 + full*simdNR
		clear(panel)
		for p := range panel {
			for jj := range cols {
				if trans {
					panel[p][jj] = b[(j+jj)*ldb+p0+p]
				} else {
					panel[p][jj] = b[(p0+p)*ldb+j+jj]
				}
			}
		}
	}
}

// simdMacroKernel multiplies the packed mb×kb slab of op(A) by the packed
// kb×nb slab of op(B) and adds the result to the mb×nb block of C at c,
// taken as 0 if first. Each B panel (32 KB) stays in L1 while all the A
// micro-panels stream past it from L2.
func simdMacroKernel(tile simdTile, mb, nb, kb int, buf *simdBuffers, c []float64, ldc int, first bool) {
	for j := 0; j < nb; j += simdNR {
		bPanel := buf.b[j/simdNR*kb : (j/simdNR+1)*kb]
		cols := min(simdNR, nb-j)
		for i := 0; i < mb; i += simdMR {
			aPanel := buf.a[i/simdMR*kb : (i/simdMR+1)*kb]
			rows := min(simdMR, mb-i)
			if rows == simdMR && cols == simdNR {
				tile(aPanel, bPanel, c[i*ldc+j:], ldc, first)
				continue
			}
			// An edge tile: run the full tile on a copy and keep the
			// rows×cols corner. The other lanes are computed from the zero
			// padding (or from stale scratch values) and thrown away; no
			// lane reads another, so the kept ones are exact.
			t := buf.edge[:]
			if !first {
				for r := range rows {
					copy(t[r*simdNR:r*simdNR+cols], c[(i+r)*ldc+j:])
				}
			}
			tile(aPanel, bPanel, t, simdNR, first)
			for r := range rows {
				copy(c[(i+r)*ldc+j:(i+r)*ldc+j+cols], t[r*simdNR:])
			}
		}
	}
}

// ---- AVX-512: Float64x8 ----

// simdTileAVX512 is the simdTile kernel with 8-lane vectors: the 4×16
// tile is eight Float64x8 accumulators, cRh holding c_r,8h ... c_r,8h+7.
func simdTileAVX512(a [][simdMR]float64, b [][simdNR]float64, c []float64, ldc int, first bool) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float64x8 // +0
	if !first {
		c00, c01 = simdLoadRow512(c[0*ldc:])
		c10, c11 = simdLoadRow512(c[1*ldc:])
		c20, c21 = simdLoadRow512(c[2*ldc:])
		c30, c31 = simdLoadRow512(c[3*ldc:])
	}
	a = a[:len(b)] // lets the compiler drop the bounds checks in the loop
	for p := range b {
		bp, ap := &b[p], &a[p]
		b0 := archsimd.LoadFloat64x8((*[8]float64)(bp[0:8]))  // b_pj, j = 0..7
		b1 := archsimd.LoadFloat64x8((*[8]float64)(bp[8:16])) // b_pj, j = 8..15
		// x.MulAdd(y, z) is fma(x, y, z) lane by lane; its result takes
		// x's register, so the compiler copies x when it is used again.
		x := archsimd.BroadcastFloat64x8(ap[0]) // a_0p in every lane
		c00 = x.MulAdd(b0, c00)
		c01 = x.MulAdd(b1, c01)
		x = archsimd.BroadcastFloat64x8(ap[1])
		c10 = x.MulAdd(b0, c10)
		c11 = x.MulAdd(b1, c11)
		x = archsimd.BroadcastFloat64x8(ap[2])
		c20 = x.MulAdd(b0, c20)
		c21 = x.MulAdd(b1, c21)
		x = archsimd.BroadcastFloat64x8(ap[3])
		c30 = x.MulAdd(b0, c30)
		c31 = x.MulAdd(b1, c31)
	}
	simdStoreRow512(c[0*ldc:], c00, c01)
	simdStoreRow512(c[1*ldc:], c10, c11)
	simdStoreRow512(c[2*ldc:], c20, c21)
	simdStoreRow512(c[3*ldc:], c30, c31)
}

// simdLoadRow512 loads row[0:16] as two vectors.
func simdLoadRow512(row []float64) (lo, hi archsimd.Float64x8) {
	return archsimd.LoadFloat64x8Slice(row[0:8]), archsimd.LoadFloat64x8Slice(row[8:16])
}

// simdStoreRow512 stores two vectors into row[0:16].
func simdStoreRow512(row []float64, lo, hi archsimd.Float64x8) {
	lo.StoreSlice(row[0:8])
	hi.StoreSlice(row[8:16])
}

// ---- AVX2: Float64x4 ----

// simdTileAVX2 is the simdTile kernel with 4-lane vectors. Sixteen
// Float64x4 accumulators would not fit in the registers, so it does the
// tile's left and right halves one after the other.
func simdTileAVX2(a [][simdMR]float64, b [][simdNR]float64, c []float64, ldc int, first bool) {
	simdHalfTileAVX2(a, b, false, c, ldc, first)
	simdHalfTileAVX2(a, b, true, c[8:], ldc, first)
}

// simdHalfTileAVX2 computes columns 0..7 (or 8..15 if right) of the tile
// into c[r·ldc : r·ldc+8], r < 4; cRh holds c_r,4h ... c_r,4h+3.
func simdHalfTileAVX2(a [][simdMR]float64, b [][simdNR]float64, right bool, c []float64, ldc int, first bool) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float64x4 // +0
	if !first {
		c00, c01 = simdLoadRow256(c[0*ldc:])
		c10, c11 = simdLoadRow256(c[1*ldc:])
		c20, c21 = simdLoadRow256(c[2*ldc:])
		c30, c31 = simdLoadRow256(c[3*ldc:])
	}
	a = a[:len(b)]
	for p := range b {
		bp, ap := (*[8]float64)(b[p][0:8]), &a[p]
		if right {
			bp = (*[8]float64)(b[p][8:16])
		}
		b0 := archsimd.LoadFloat64x4((*[4]float64)(bp[0:4]))
		b1 := archsimd.LoadFloat64x4((*[4]float64)(bp[4:8]))
		x := archsimd.BroadcastFloat64x4(ap[0])
		c00 = x.MulAdd(b0, c00)
		c01 = x.MulAdd(b1, c01)
		x = archsimd.BroadcastFloat64x4(ap[1])
		c10 = x.MulAdd(b0, c10)
		c11 = x.MulAdd(b1, c11)
		x = archsimd.BroadcastFloat64x4(ap[2])
		c20 = x.MulAdd(b0, c20)
		c21 = x.MulAdd(b1, c21)
		x = archsimd.BroadcastFloat64x4(ap[3])
		c30 = x.MulAdd(b0, c30)
		c31 = x.MulAdd(b1, c31)
	}
	simdStoreRow256(c[0*ldc:], c00, c01)
	simdStoreRow256(c[1*ldc:], c10, c11)
	simdStoreRow256(c[2*ldc:], c20, c21)
	simdStoreRow256(c[3*ldc:], c30, c31)
}

// simdLoadRow256 loads row[0:8] as two vectors.
func simdLoadRow256(row []float64) (lo, hi archsimd.Float64x4) {
	return archsimd.LoadFloat64x4Slice(row[0:4]), archsimd.LoadFloat64x4Slice(row[4:8])
}

// simdStoreRow256 stores two vectors into row[0:8].
func simdStoreRow256(row []float64, lo, hi archsimd.Float64x4) {
	lo.StoreSlice(row[0:4])
	hi.StoreSlice(row[4:8])
}
