package tensor

// Matrix multiply.
//
// Shape legend: C (m×n) = op(A) (m×k) · op(B) (k×n), where op(X) is X or Xᵀ.
//
// ---- The definition ----
//
// Every entry of C is a chain of fused multiply-adds, p increasing, each
// rounded once (math.FMA(x, y, z) is x·y + z with a single rounding):
//
//	c_ij = fma(a_i,k-1, b_k-1,j, ... fma(a_i1, b_1j, fma(a_i0, b_0j, +0)))
//
// which is this triple loop, gemmDefinition below:
//
//	for i := range m {
//		for j := range n {
//			s := 0.0
//			for p := range k {
//				s = math.FMA(a_ip, b_pj, s)
//			}
//			c_ij = s
//		}
//	}
//
// Every path in this file computes exactly that, bit for bit: the vector
// kernels (one VFMADD231PD lane per c_ij), the portable Go kernel, and the
// simple loops for skinny products. So a product has the same bits on 1 or
// 2 cores, with or without assembly (-tags purego), on AVX-512 or AVX2,
// and the tests compare against the triple loop with ==.
//
// ---- How it is made fast ----
//
// As optimized BLAS libraries do (Goto and van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008):
//
//  1. The k dimension is cut into blocks of at most kc (256). For each
//     block, op(A) is copied ("packed") into micro-panels of mr rows, each
//     a kc×mr array (the mr values of one step p side by side), and op(B)
//     into micro-panels of nr columns (kc×nr). Packing reads A and B with
//     whatever strides the transposes imply, so the kernel always walks
//     contiguous memory. Edges are padded with zeros.
//  2. A micro-kernel keeps an mr×nr tile of C in registers for the whole
//     block: per step p it loads nr values of B and does mr·nr fused
//     multiply-adds. The tile's sums start from C (or from +0 in the first
//     block) and go back to C after it, so the chain of each c_ij simply
//     continues from one block to the next: blocking changes no bit.
//     A B micro-panel (kc·nr values, 32 KB) stays in L1 while the A
//     micro-panels of a block of rows stream past it from L2.
//  3. Edge tiles are computed whole on a copy and only their valid part is
//     written back; lanes never mix, so the zero padding changes nothing.
//
// The kernel is chosen at run time (platformKernels, KernelName): on amd64
// an assembly kernel for AVX-512 (8×16 tile, 16 of the 32 ZMM registers,
// A broadcast from memory) or AVX2+FMA (6×8 tile, 12 of 16 YMM), in
// gemm_amd64.s; elsewhere, or built with -tags purego, the portable Go
// kernel at the end of this file. The Go compiler emits only scalar SSE2
// code and, under the default GOAMD64=v1, no FMA of its own, which is why
// the vector kernels are assembly.
//
// Skinny products (n = 1 or m = 1) and tiny ones skip packing: simple
// loops, written with math.FMA in the same order.
//
// Big products are shared between the caller and helper goroutines (see
// gemm_parallel.go): B's block is packed once, by all of them, into one
// shared buffer; then blocks of C are handed out from a counter. Who
// computes a block does not change how, so the bits do not depend on
// GOMAXPROCS.

import (
	"math"
	"sync"
)

// gemmDefinition computes C = op(A)·op(B) by the definition: the triple
// loop at the top of this file, on the raw slices of gemm. It runs the
// tiny products, where packing costs more than it saves.
func gemmDefinition(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	ai, ap := lda, 1 // a_ip = a[i·ai + p·ap]
	if transA {
		ai, ap = 1, lda
	}
	bp, bj := ldb, 1 // b_pj = b[p·bp + j·bj]
	if transB {
		bp, bj = 1, ldb
	}
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				s = math.FMA(a[i*ai+p*ap], b[p*bp+j*bj], s)
			}
			c[i*ldc+j] = s
		}
	}
}

// MatMul returns the matrix product C = A·B, c_ij = Σ_p a_ip·b_pj.
// It is MatMulT(a, false, b, false): see there for the shapes (2-D, batched
// 3-D, or one 2-D operand shared across a batch) and the panics.
func MatMul(a, b *Tensor) *Tensor { return MatMulT(a, false, b, false) }

// MatMulT returns C = op(A)·op(B), where op(X) is X, or Xᵀ when the matching
// flag is set; Xᵀ swaps the last two dimensions. No transposed copy is made:
// the operand is read with the transposed strides.
//
// Shapes, writing op(A) as (m,k) and op(B) as (k,n):
//
//	(m,k)   · (k,n)   → (m,n)
//	(B,m,k) · (B,k,n) → (B,m,n)   one product per batch entry
//	(m,k)   · (B,k,n) → (B,m,n)   A shared by every entry
//	(B,m,k) · (k,n)   → (B,m,n)   B shared by every entry
//
// Each c_ij = Σ_p a_ip·b_pj is the chain of fused multiply-adds
// fma(a_i,k-1, b_k-1,j, ... fma(a_i0, b_0j, +0)), p increasing, one
// rounding per term, as the triple loop at the top of matmul.go computes
// it: the bits never depend on GOMAXPROCS or on the kernel.
//
// It panics with ErrShape for any other combination of shapes, e.g.
// "tensor: MatMul: shape mismatch (2,3) x (4,5)", with "(transA)",
// "(transB)" or "(transA, transB)" appended when flags are set.
func MatMulT(a *Tensor, transA bool, b *Tensor, transB bool) *Tensor {
	pl := planMatMul("MatMul", a, transA, b, transB)
	var dst *Tensor
	if pl.batched {
		dst = newMatMulResult(pl.batch, pl.m, pl.n)
	} else {
		dst = newMatMulResult(pl.m, pl.n)
	}
	pl.run(dst.data, a.data, b.data)
	return dst
}

// newMatMulResult allocates the result of a product. Every entry is
// overwritten, so its initial contents do not matter, and recycled storage
// will do (see pool.go).
func newMatMulResult(shape ...int) *Tensor { return empty(shape) }

// MatMulTInto computes C = op(A)·op(B) like MatMulT and writes it into dst,
// which must already have the result's shape. dst must not share storage
// with a or b: the product would read values it has already overwritten.
// It panics with ErrShape if a and b do not fit together or dst has the
// wrong shape.
func MatMulTInto(dst *Tensor, a *Tensor, transA bool, b *Tensor, transB bool) {
	pl := planMatMul("MatMulTInto", a, transA, b, transB)
	ok := len(dst.shape) == 2 && !pl.batched
	if pl.batched {
		ok = len(dst.shape) == 3 && dst.shape[0] == pl.batch
	}
	if !ok || dst.shape[len(dst.shape)-2] != pl.m || dst.shape[len(dst.shape)-1] != pl.n {
		panicf(ErrShape, "MatMulTInto", "dst %s for %s",
			FormatShape(dst.shape), describeMatMul(a, transA, b, transB))
	}
	pl.run(dst.data, a.data, b.data)
}

// matMulPlan describes a checked (batched) product: batch products of
// op(A) (m×k) by op(B) (k×n), entry i reading A at i·strideA and B at
// i·strideB (a stride of 0 shares a 2-D operand) and writing C at i·m·n.
type matMulPlan struct {
	transA, transB   bool
	batched          bool // the result is 3-D
	batch, m, n, k   int
	lda, ldb         int // row strides of the stored A and B
	strideA, strideB int
}

// planMatMul checks the shapes of op(A)·op(B) and describes the product.
// It panics with ErrShape, naming op, if they do not fit together.
func planMatMul(op string, a *Tensor, transA bool, b *Tensor, transB bool) matMulPlan {
	da, db := len(a.shape), len(b.shape)
	ok := (da == 2 || da == 3) && (db == 2 || db == 3)
	if ok && da == 3 && db == 3 {
		ok = a.shape[0] == b.shape[0]
	}
	pl := matMulPlan{transA: transA, transB: transB, batch: 1}
	if ok {
		var kb int
		pl.m, pl.k = lastTwo(a.shape, transA)
		kb, pl.n = lastTwo(b.shape, transB)
		ok = pl.k == kb
	}
	if !ok {
		panicf(ErrShape, op, "%s", describeMatMul(a, transA, b, transB))
	}
	pl.lda, pl.ldb = a.shape[da-1], b.shape[db-1]
	if da == 3 {
		pl.batched, pl.batch, pl.strideA = true, a.shape[0], pl.m*pl.k
	}
	if db == 3 {
		pl.batched, pl.batch, pl.strideB = true, b.shape[0], pl.k*pl.n
	}
	return pl
}

// lastTwo returns the last two dimensions of shape, swapped if trans is set.
func lastTwo(shape []int, trans bool) (rows, cols int) {
	rows, cols = shape[len(shape)-2], shape[len(shape)-1]
	if trans {
		return cols, rows
	}
	return rows, cols
}

// describeMatMul formats the operands for a panic message: "(2,3) x (4,5)",
// followed by "(transA)", "(transB)" or "(transA, transB)" if a flag is set.
func describeMatMul(a *Tensor, transA bool, b *Tensor, transB bool) string {
	s := FormatShape(a.shape) + " x " + FormatShape(b.shape)
	switch {
	case transA && transB:
		s += " (transA, transB)"
	case transA:
		s += " (transA)"
	case transB:
		s += " (transB)"
	}
	return s
}

// run computes every product of the plan into c.
func (pl *matMulPlan) run(c, a, b []float64) {
	countMultiplyAdds(pl.batch, pl.m, pl.n, pl.k)
	if pl.batch == 0 {
		return
	}
	// Many small products (a convolution's batch) are shared out whole,
	// one entry per item; big ones are split inside gemm instead.
	if pl.batch > 1 && !worthSplitting(pl.m, pl.n, pl.k) && worthSplitting(pl.batch*pl.m, pl.n, pl.k) {
		plan := *pl // captured by helpers, so it lives on the heap
		shareItems(pl.batch, func(i int) { plan.entry(i, c, a, b, false) })
		return
	}
	for i := range pl.batch {
		pl.entry(i, c, a, b, true)
	}
}

// entry computes batch entry i, split over goroutines if split is set and
// the product is big enough.
func (pl *matMulPlan) entry(i int, c, a, b []float64, split bool) {
	gemmWith(activeKernel, split, pl.transA, pl.transB, pl.m, pl.n, pl.k,
		a[i*pl.strideA:], pl.lda, b[i*pl.strideB:], pl.ldb, c[i*pl.m*pl.n:], pl.n)
}

// ---- gemm: the product on raw slices ----

const (
	// splitFlops is the size (2·m·n·k flops) from which a product is shared
	// with helper goroutines: about 0.7 ms of work for one core. On the
	// shared 2-core machine of docs/performance.md, smaller products (the
	// toy GANs' (100×512)·(512×512), 52 Mflop) ran no faster on two: the
	// helper's wake-up and the waits at the end of each phase ate the gain.
	splitFlops = 64 << 20

	// tinyFlops is the size below which the definition's triple loop is
	// faster than packing.
	tinyFlops = 2 * 8 * 8 * 8
)

// gemmKernel is a micro-kernel and the blocking that suits it.
type gemmKernel struct {
	name   string
	mr, nr int // rows and columns of the register tile
	kc     int // deepest k block
	mc     int // rows of C per block of work (a multiple of mr): mc·kc values of A stay in L2

	// tiles computes count mr×nr tiles of C, one under the other: for
	// t < count, tile t is rows t·mr ... of c (row stride ldc, nr columns),
	// from the A micro-panel a[t·mr·kc : (t+1)·mr·kc] and the B micro-panel
	// b[:kc·nr]:
	//
	//	c_rj = fma(a[p·mr + r], b[p·nr + j], c_rj) for p = 0, 1, ..., kc−1,
	//
	// starting from the values in c if load is set, from +0 otherwise.
	tiles func(count, kc int, a, b, c []float64, ldc int, load bool)
}

// gemmKernels lists the kernels this program can run on this CPU, fastest
// first; activeKernel is the one products use (tests switch it).
var (
	gemmKernels  = platformKernels()
	activeKernel = gemmKernels[0]
)

// KernelName names the matrix-multiply micro-kernel products use on this
// machine, e.g. "AVX-512 8x16", "AVX2 6x8" or "portable Go 2x4" (built
// with -tags purego, on other CPUs, or without AVX2 and FMA). Benchmarks
// and documentation use it to say which kernel ran; the results are the
// same bits whichever it is.
func KernelName() string { return activeKernel.name }

// gemm computes C = op(A)·op(B) on row-major slices with the active
// kernel, shared with helper goroutines if it is big enough; see gemmWith.
func gemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	gemmWith(activeKernel, true, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
}

// gemmWith computes C = op(A)·op(B) on row-major slices: op(A) is m×k,
// stored as A (m×k, row stride lda) or, if transA, as Aᵀ (k×m, row stride
// lda); likewise op(B) is k×n, stored as B (k×n) or, if transB, as Bᵀ
// (n×k), row stride ldb. C is m×n with row stride ldc; it is overwritten
// and must not overlap A or B. Packed products use kern; the work is
// shared with helpers only if split is set and it is big enough.
//
// Every c_ij is the definition's chain of fused multiply-adds, whichever
// branch computes it.
func gemmWith(kern *gemmKernel, split bool, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	switch {
	case m == 0 || n == 0:
	case k == 0: // an empty sum
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
	case n == 1:
		gemv(transA, transB, m, k, a, lda, b, ldb, c, ldc)
	case m == 1: // cᵀ = op(B)ᵀ·aᵀ: the same sums with the roles swapped
		gemv(!transB, !transA, n, k, b, ldb, a, lda, c, 1)
	case 2*m*n*k < tinyFlops:
		gemmDefinition(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	case n < kern.nr/2 && m >= 2*n:
		// A few columns: most of every nr-wide tile would be padding. Cᵀ =
		// op(B)ᵀ·op(A)ᵀ has a few rows instead (the same products, the
		// same sums); compute it and transpose it into C.
		buf := gemmScratch.Get().(*scratch)
		ct := buf.floats(n * m)
		gemmPacked(kern, split, !transB, !transA, n, m, k, b, ldb, a, lda, ct, m)
		for i := range m {
			for j := range n {
				c[i*ldc+j] = ct[j*m+i]
			}
		}
		gemmScratch.Put(buf)
	default:
		gemmPacked(kern, split, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	}
}

// worthSplitting reports whether an (m×k)·(k×n) product is big enough to
// share between goroutines, and there is more than one to share it with.
func worthSplitting(m, n, k int) bool {
	return 2*m*n*k >= splitFlops && helpersWanted() > 0
}

// ---- Simple loops: one row or one column ----

// gemv sets c_i = Σ_p a_ip·x_p for i < m (c_i at c[i·ldc]), where op(A)
// is m×k and x is the single column of op(B) (k×1): stored as B (k×1, row
// stride ldb) or, if transB, as the row Bᵀ (1×k). Each sum is the chain
// of fused multiply-adds from +0, p increasing.
func gemv(transA, transB bool, m, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	x := b[:k] // x_p = b[p] for the row Bᵀ, or a contiguous column
	var buf *scratch
	if !transB && ldb != 1 {
		buf = gemmScratch.Get().(*scratch)
		x = buf.floats(k)
		for p := range x {
			x[p] = b[p*ldb]
		}
	}
	if transA {
		matTVec(m, k, a, lda, x, c, ldc)
	} else {
		matVec(m, k, a, lda, x, c, ldc)
	}
	if buf != nil {
		gemmScratch.Put(buf)
	}
}

// matVec sets c_i = Σ_p a_ip·x_p for the rows of A (m×k, row stride lda),
// four rows at a time so that four independent chains hide the latency of
// the fused multiply-adds.
func matVec(m, k int, a []float64, lda int, x []float64, c []float64, ldc int) {
	i := 0
	for ; i+4 <= m; i += 4 {
		r0 := a[i*lda : i*lda+k]
		r1 := a[(i+1)*lda : (i+1)*lda+k]
		r2 := a[(i+2)*lda : (i+2)*lda+k]
		r3 := a[(i+3)*lda : (i+3)*lda+k]
		r0, r1, r2, r3 = r0[:len(x)], r1[:len(x)], r2[:len(x)], r3[:len(x)]
		var s0, s1, s2, s3 float64
		for p, xp := range x {
			s0 = math.FMA(r0[p], xp, s0)
			s1 = math.FMA(r1[p], xp, s1)
			s2 = math.FMA(r2[p], xp, s2)
			s3 = math.FMA(r3[p], xp, s3)
		}
		c[i*ldc], c[(i+1)*ldc], c[(i+2)*ldc], c[(i+3)*ldc] = s0, s1, s2, s3
	}
	for ; i < m; i++ {
		r := a[i*lda : i*lda+k]
		r = r[:len(x)]
		s := 0.0
		for p, xp := range x {
			s = math.FMA(r[p], xp, s)
		}
		c[i*ldc] = s
	}
}

// matTVec sets c_i = Σ_p a_ip·x_p where A is stored transposed (k×m, row
// stride lda): it adds x_p times row p of the stored matrix to c, for p in
// increasing order, which keeps every chain in order.
func matTVec(m, k int, a []float64, lda int, x []float64, c []float64, ldc int) {
	if ldc != 1 { // C is a strided column: one chain at a time
		for i := range m {
			s := 0.0
			for p, xp := range x {
				s = math.FMA(a[p*lda+i], xp, s)
			}
			c[i*ldc] = s
		}
		return
	}
	c = c[:m]
	clear(c) // the chains start from +0
	for p, xp := range x {
		row := a[p*lda : p*lda+m]
		row = row[:len(c)]
		for i, v := range row {
			c[i] = math.FMA(v, xp, c[i])
		}
	}
}

// ---- Packed, blocked product ----

// gemmJob is one packed product: its operands, its blocking, the packed
// blocks of A and B that every goroutine working on it shares, and the
// counters that hand out its items.
type gemmJob struct {
	sharedWork
	kern           *gemmKernel
	transA, transB bool
	m, n, k        int
	a, b, c        []float64
	lda, ldb, ldc  int

	kc, kBlocks     int // depth of the k blocks (the last may be shallower), their number
	mTiles, nPanels int // micro-panels of A (mr rows) and of B (nr columns)
	aPack, bPack    []float64

	// Items of a packing phase: aItems groups of aGroup A micro-panels,
	// then groups of bGroup B micro-panels.
	aItems, packItems int
	aGroup, bGroup    int
	// Items of a compute phase: blocks of rowTiles tiles down by colPanels
	// panels across; rowItems·colItems of them.
	rowTiles, colPanels int
	rowItems, colItems  int

	phases []workCounter // two per k block: packing, then computing
}

var gemmJobPool = sync.Pool{New: func() any {
	j := new(gemmJob)
	j.run = j.work
	return j
}}

// gemmPacked computes C = op(A)·op(B) (see gemmWith) by packing and the
// micro-kernel, shared with idle helper goroutines if split is set and the
// product is big enough.
func gemmPacked(kern *gemmKernel, split bool, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	helpers := 0
	if split && 2*m*n*k >= splitFlops {
		helpers = helpersWanted()
	}
	j := gemmJobPool.Get().(*gemmJob)
	j.kern, j.transA, j.transB = kern, transA, transB
	j.m, j.n, j.k = m, n, k
	j.a, j.b, j.c = a, b, c
	j.lda, j.ldb, j.ldc = lda, ldb, ldc

	// Blocking. Equal k blocks of at most kern.kc; whole micro-panels.
	j.kBlocks = (k + kern.kc - 1) / kern.kc
	j.kc = (k + j.kBlocks - 1) / j.kBlocks
	j.mTiles = (m + kern.mr - 1) / kern.mr
	j.nPanels = (n + kern.nr - 1) / kern.nr
	j.aPack = grow(j.aPack, j.mTiles*kern.mr*j.kc)
	j.bPack = grow(j.bPack, j.nPanels*kern.nr*j.kc)

	// Items. Alone, the caller packs each operand in one go and computes C
	// in blocks of mc rows. Shared, each operand is packed in about 2 items
	// per goroutine and C computed in about 8, so that whoever is faster
	// (or not interrupted) takes more, and a goroutine that finishes first
	// waits for at most one small item.
	workers := helpers + 1
	j.aGroup = max(1, (j.mTiles+2*workers-1)/(2*workers))
	j.bGroup = max(1, (j.nPanels+2*workers-1)/(2*workers))
	j.aItems = (j.mTiles + j.aGroup - 1) / j.aGroup
	j.packItems = j.aItems + (j.nPanels+j.bGroup-1)/j.bGroup
	j.rowTiles = kern.mc / kern.mr
	j.rowItems = (j.mTiles + j.rowTiles - 1) / j.rowTiles
	j.colItems = 1
	if workers > 1 {
		j.colItems = min(j.nPanels, (8*workers+j.rowItems-1)/j.rowItems)
	}
	j.colPanels = (j.nPanels + j.colItems - 1) / j.colItems
	j.colItems = (j.nPanels + j.colPanels - 1) / j.colPanels

	if cap(j.phases) < 2*j.kBlocks {
		j.phases = make([]workCounter, 2*j.kBlocks)
	}
	j.phases = j.phases[:2*j.kBlocks]
	for i := range j.phases {
		j.phases[i].next.Store(0)
		j.phases[i].done.Store(0)
	}

	if helpers > 0 {
		share(&j.sharedWork, helpers)
	} else {
		j.work()
	}
	j.a, j.b, j.c = nil, nil, nil
	gemmJobPool.Put(j)
}

// grow returns s resliced to n values, reallocated if it is too short.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// work does the job's items until none are left; every goroutine sharing
// the job runs it. For each k block: pack A and B, wait until all is
// packed, compute the blocks of C, wait until all are computed (the next
// block's packing overwrites the buffers, and adds to the same C).
func (j *gemmJob) work() {
	// Each goroutine has its own copy of C for the edge tiles.
	buf := gemmScratch.Get().(*scratch)
	defer gemmScratch.Put(buf)
	tile := buf.floats(maxTile)
	for kb := range j.kBlocks {
		p0 := kb * j.kc
		depth := min(j.kc, j.k-p0)
		packing, computing := &j.phases[2*kb], &j.phases[2*kb+1]
		for {
			it, ok := packing.take(j.packItems)
			if !ok {
				break
			}
			j.pack(it, p0, depth)
			packing.finish(&j.sharedWork, j.packItems)
		}
		packing.wait(&j.sharedWork, j.packItems)
		items := j.rowItems * j.colItems
		for {
			it, ok := computing.take(items)
			if !ok {
				break
			}
			j.compute(it, depth, kb > 0, tile)
			computing.finish(&j.sharedWork, items)
		}
		computing.wait(&j.sharedWork, items)
	}
}

// pack packs the micro-panels of packing item it for the k block of the
// given depth starting at p0.
func (j *gemmJob) pack(it, p0, depth int) {
	mr, nr := j.kern.mr, j.kern.nr
	if it < j.aItems {
		t0 := it * j.aGroup
		t1 := min(j.mTiles, t0+j.aGroup)
		packA(j.transA, j.a, j.lda, j.m, t0*mr, t1*mr, p0, depth, mr, j.aPack[t0*mr*depth:t1*mr*depth])
		return
	}
	s0 := (it - j.aItems) * j.bGroup
	s1 := min(j.nPanels, s0+j.bGroup)
	packB(j.transB, j.b, j.ldb, j.n, s0*nr, s1*nr, p0, depth, nr, j.bPack[s0*nr*depth:s1*nr*depth])
}

// compute runs the kernel over compute item it: its B micro-panels, each
// against all of its A micro-panels, the panel staying in L1 while the A
// panels stream past it. load says whether the sums continue from C
// (every k block but the first). tile is room for an edge tile.
func (j *gemmJob) compute(it, depth int, load bool, tile []float64) {
	kern := j.kern
	mr, nr := kern.mr, kern.nr
	t0 := it / j.colItems * j.rowTiles
	t1 := min(j.mTiles, t0+j.rowTiles)
	s0 := it % j.colItems * j.colPanels
	s1 := min(j.nPanels, s0+j.colPanels)
	full := t1 - t0 // tiles with all mr rows in C
	if t1*mr > j.m {
		full--
	}
	for s := s0; s < s1; s++ {
		col := s * nr
		panel := j.bPack[s*nr*depth : (s+1)*nr*depth]
		cols := min(nr, j.n-col)
		first := t0
		if cols == nr && full > 0 {
			kern.tiles(full, depth, j.aPack[t0*mr*depth:], panel, j.c[t0*mr*j.ldc+col:], j.ldc, load)
			first = t0 + full
		}
		for t := first; t < t1; t++ { // edge tiles
			rows := min(mr, j.m-t*mr)
			edgeTile(kern, depth, j.aPack[t*mr*depth:(t+1)*mr*depth], panel, j.c[t*mr*j.ldc+col:], j.ldc, rows, cols, load, tile)
		}
	}
}

// maxTile bounds mr·nr for every kernel.
const maxTile = 8 * 16

// edgeTile computes a tile that sticks out of C (rows < mr or cols < nr)
// on a copy and writes back its rows×cols corner. The other lanes see the
// zero padding of the packed panels and are thrown away; no lane reads
// another, so the kept ones are exact. tile is room for mr·nr values.
func edgeTile(kern *gemmKernel, depth int, a, b, c []float64, ldc, rows, cols int, load bool, tile []float64) {
	t := tile[:kern.mr*kern.nr]
	if load {
		for r := range rows {
			copy(t[r*kern.nr:r*kern.nr+cols], c[r*ldc:r*ldc+cols])
		}
	}
	kern.tiles(1, depth, a, b, t, kern.nr, load)
	for r := range rows {
		copy(c[r*ldc:r*ldc+cols], t[r*kern.nr:r*kern.nr+cols])
	}
}

// packA copies rows i0 ... i1−1 of op(A) (m rows in all), columns
// p0 ... p0+depth−1, into micro-panels of mr rows: the row i0 + t·mr + r
// goes to dst[t·mr·depth + p·mr + r]. Rows at or past m are zeros.
func packA(trans bool, a []float64, lda, m, i0, i1, p0, depth, mr int, dst []float64) {
	for t := i0; t < i1; t += mr {
		panel := dst[(t-i0)*depth : (t-i0+mr)*depth]
		rows := min(mr, m-t)
		if rows < mr {
			clear(panel)
		}
		if trans { // row p of the stored Aᵀ holds a_tp, a_t+1,p, ...: copy mr at a time
			for p := range depth {
				src := a[(p0+p)*lda+t : (p0+p)*lda+t+rows]
				copy(panel[p*mr:p*mr+rows], src)
			}
			continue
		}
		// Rows t+r of A, spread out with stride mr, four at a time so that
		// each step p writes four neighbouring values.
		r := 0
		for ; r+4 <= rows; r += 4 {
			r0 := a[(t+r)*lda+p0 : (t+r)*lda+p0+depth]
			r1 := a[(t+r+1)*lda+p0 : (t+r+1)*lda+p0+depth]
			r2 := a[(t+r+2)*lda+p0 : (t+r+2)*lda+p0+depth]
			r3 := a[(t+r+3)*lda+p0 : (t+r+3)*lda+p0+depth]
			r1, r2, r3 = r1[:len(r0)], r2[:len(r0)], r3[:len(r0)]
			for p, v := range r0 {
				*(*[4]float64)(panel[p*mr+r:]) = [4]float64{v, r1[p], r2[p], r3[p]}
			}
		}
		for ; r < rows; r++ {
			src := a[(t+r)*lda+p0 : (t+r)*lda+p0+depth]
			out := panel[r:]
			for p, v := range src {
				out[p*mr] = v
			}
		}
	}
}

// packB copies columns j0 ... j1−1 of op(B) (n columns in all), rows
// p0 ... p0+depth−1, into micro-panels of nr columns: the column
// j0 + s·nr + jj goes to dst[s·nr·depth + p·nr + jj]. Columns at or past n
// are zeros.
func packB(trans bool, b []float64, ldb, n, j0, j1, p0, depth, nr int, dst []float64) {
	for s := j0; s < j1; s += nr {
		panel := dst[(s-j0)*depth : (s-j0+nr)*depth]
		cols := min(nr, n-s)
		if cols < nr {
			clear(panel)
		}
		if trans { // column j of op(B) is row j of the stored Bᵀ
			// Four rows of Bᵀ at a time, so that each step p writes four
			// neighbouring values of the panel rather than one.
			jj := 0
			for ; jj+4 <= cols; jj += 4 {
				r0 := b[(s+jj)*ldb+p0 : (s+jj)*ldb+p0+depth]
				r1 := b[(s+jj+1)*ldb+p0 : (s+jj+1)*ldb+p0+depth]
				r2 := b[(s+jj+2)*ldb+p0 : (s+jj+2)*ldb+p0+depth]
				r3 := b[(s+jj+3)*ldb+p0 : (s+jj+3)*ldb+p0+depth]
				r1, r2, r3 = r1[:len(r0)], r2[:len(r0)], r3[:len(r0)]
				for p, v := range r0 {
					*(*[4]float64)(panel[p*nr+jj:]) = [4]float64{v, r1[p], r2[p], r3[p]}
				}
			}
			for ; jj < cols; jj++ {
				src := b[(s+jj)*ldb+p0 : (s+jj)*ldb+p0+depth]
				out := panel[jj:]
				for p, v := range src {
					out[p*nr] = v
				}
			}
			continue
		}
		// Row p of B holds the panel's nr neighbours side by side.
		switch {
		case cols == 16 && nr == 16:
			for p := range depth {
				*(*[16]float64)(panel[p*16:]) = *(*[16]float64)(b[(p0+p)*ldb+s:])
			}
		case cols == 8 && nr == 8:
			for p := range depth {
				*(*[8]float64)(panel[p*8:]) = *(*[8]float64)(b[(p0+p)*ldb+s:])
			}
		default:
			for p := range depth {
				copy(panel[p*nr:p*nr+cols], b[(p0+p)*ldb+s:(p0+p)*ldb+s+cols])
			}
		}
	}
}

// scratch is a reusable slice of floats.
type scratch struct{ f []float64 }

// gemmScratch recycles scratch space, so that a product allocates nothing
// but its result.
var gemmScratch = sync.Pool{New: func() any { return new(scratch) }}

// floats returns the scratch slice resized to n floats.
func (s *scratch) floats(n int) []float64 {
	s.f = grow(s.f, n)
	return s.f
}

// ---- The portable kernel ----

// kernelGo is the micro-kernel in plain Go, for builds without assembly
// (-tags purego, or a CPU other than amd64) and CPUs without AVX2 and FMA.
// Its 2×4 tile keeps 8 sums, 2 values of A and 4 of B in registers: Go
// has 15 for floats.
var kernelGo = &gemmKernel{name: "portable Go 2x4", mr: 2, nr: 4, kc: 256, mc: 64, tiles: tilesGo}

// tilesGo implements gemmKernel.tiles for a 2×4 tile with math.FMA.
func tilesGo(count, kc int, a, b, c []float64, ldc int, load bool) {
	b = b[:kc*4]
	for t := range count {
		ap := a[t*2*kc : (t+1)*2*kc]
		row0 := (*[4]float64)(c[2*t*ldc:])
		row1 := (*[4]float64)(c[(2*t+1)*ldc:])
		var c00, c01, c02, c03, c10, c11, c12, c13 float64 // +0
		if load {
			c00, c01, c02, c03 = row0[0], row0[1], row0[2], row0[3]
			c10, c11, c12, c13 = row1[0], row1[1], row1[2], row1[3]
		}
		for p := range kc {
			a0, a1 := ap[2*p], ap[2*p+1]
			bp := (*[4]float64)(b[4*p:])
			c00 = math.FMA(a0, bp[0], c00)
			c01 = math.FMA(a0, bp[1], c01)
			c02 = math.FMA(a0, bp[2], c02)
			c03 = math.FMA(a0, bp[3], c03)
			c10 = math.FMA(a1, bp[0], c10)
			c11 = math.FMA(a1, bp[1], c11)
			c12 = math.FMA(a1, bp[2], c12)
			c13 = math.FMA(a1, bp[3], c13)
		}
		*row0 = [4]float64{c00, c01, c02, c03}
		*row1 = [4]float64{c10, c11, c12, c13}
	}
}
