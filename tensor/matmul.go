package tensor

// Matrix multiply.
//
// Shape legend: C (m×n) = op(A) (m×k) · op(B) (k×n), where op(X) is X or Xᵀ.
//
// The product is computed the way optimized BLAS libraries do it (Goto and
// van de Geijn, "Anatomy of high-performance matrix multiplication", ACM
// TOMS 34(3), 2008), scaled down to what pure Go can express:
//
//  1. The k dimension is cut into blocks of kc. For each block, a kc×nc
//     slab of op(B) is copied ("packed") into panels of nr columns, and an
//     mc×kc slab of op(A) into contiguous rows. Packing reads A and B with
//     whatever strides the transposes imply, so the hot loop always walks
//     contiguous memory, and the slabs are sized to stay in cache while
//     they are reused.
//  2. A micro-kernel multiplies one row of the A slab by one B panel,
//     keeping the 1×nr strip of C in registers for the whole kc loop.
//
// The Go compiler emits scalar SSE2 code (no FMA under GOAMD64=v1) and has
// 15 float registers. It also schedules all the multiplies of a loop body
// before the additions that carry into the next iteration, so a tile of t
// accumulators needs about 2t registers at the end of the body: a 1×7 tile
// (7 sums + 7 products + the A value = 15) just fits, while the classic 2×4
// tile spills. docs/performance.md has the measurements.
//
// Skinny products (m, n or k ≤ 4) and tiny ones skip packing: they run
// simple loops that stream over rows.
//
// Determinism: on every path, each c_ij is the textbook sum
//
//	((0 + a_i0·b_0j) + a_i1·b_1j) + ... + a_i,k-1·b_k-1,j
//
// added one term at a time in increasing p (the packed kernel carries its
// sums over from one k block to the next). So the result does not depend
// on how the work is split over goroutines: it is bit-identical for any
// GOMAXPROCS, and to a plain triple loop.
//
// Built with GOEXPERIMENT=simd on amd64, large products go instead to the
// vector kernel of matmul_simd_amd64.go (see matmul_accel.go). It sums in
// the same order but fuses each multiply-add (one rounding instead of two),
// so its bits differ from the portable kernel's; within one build they are
// still the same for any GOMAXPROCS.

import (
	"runtime"
	"sync"
)

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
//	(m,k)   · (B,k,n) → (B,m,n)   A shared by every entry (conv weights · columns)
//	(B,m,k) · (k,n)   → (B,m,n)   B shared by every entry
//
// Each c_ij = Σ_p a_ip·b_pj is summed from p = 0 up, one term at a time, as
// in the textbook triple loop, so results never depend on GOMAXPROCS.
//
// It panics with ErrShape for any other combination of shapes, e.g.
// "tensor: MatMul: shape mismatch (2,3) x (4,5)", with "(transA)",
// "(transB)" or "(transA, transB)" appended when flags are set.
func MatMulT(a *Tensor, transA bool, b *Tensor, transB bool) *Tensor {
	pl := planMatMul("MatMul", a, transA, b, transB)
	dst := Zeros(pl.m, pl.n)
	if pl.batched {
		dst = Zeros(pl.batch, pl.m, pl.n)
	}
	pl.run(dst.data, a.data, b.data)
	return dst
}

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
		Panicf(ErrShape, "MatMulTInto", "dst %s for %s",
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
		Panicf(ErrShape, op, "%s", describeMatMul(a, transA, b, transB))
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
	// Many small products (a convolution's batch) are shared out whole,
	// one entry per task; big ones are split inside gemm instead.
	if pl.batch > 1 && !worthSplitting(pl.m, pl.n, pl.k) && worthSplitting(pl.batch*pl.m, pl.n, pl.k) {
		plan := *pl // captured by the goroutines, so it lives on the heap
		parallelFor(pl.batch, func(i int) { plan.entry(i, c, a, b) })
		return
	}
	for i := range pl.batch {
		pl.entry(i, c, a, b)
	}
}

// entry computes batch entry i.
func (pl *matMulPlan) entry(i int, c, a, b []float64) {
	gemm(pl.transA, pl.transB, pl.m, pl.n, pl.k,
		a[i*pl.strideA:], pl.lda, b[i*pl.strideB:], pl.ldb, c[i*pl.m*pl.n:], pl.n)
}

// ---- gemm: the product on raw slices ----

const (
	nr = 7   // columns of the register tile of C (its one row is the A row)
	kc = 256 // depth of a k block: an A row (2 KB) and a B panel (14 KB) fit in L1
	mc = 64  // rows of op(A) packed at once: a 128 KB slab, in L2
	nc = 512 // columns of op(B) packed at once: a 1 MB slab, in L2

	// splitFlops is the size (2·m·n·k flops) from which a product is split
	// over goroutines: about 0.4 ms of work for one core, well above the
	// ~0.1 ms it can take to wake a second one.
	splitFlops = 4 << 20

	// smallFlops is the size below which packing costs more than it saves
	// (measured crossover: 16³ to 24³ for A·B, about 40³ for A·Bᵀ).
	smallFlops = 2 * 20 * 20 * 20
)

// gemm computes C = op(A)·op(B) on row-major slices: op(A) is m×k, stored
// as A (m×k, row stride lda) or, if transA, as Aᵀ (k×m, row stride lda);
// likewise op(B) is k×n, stored as B (k×n) or, if transB, as Bᵀ (n×k), row
// stride ldb. C is m×n with row stride ldc; it is overwritten and must not
// overlap A or B.
//
// Every c_ij is the sum ((0 + a_i0·b_0j) + a_i1·b_1j) + ..., in increasing
// p, whichever loops compute it and however many goroutines share the work.
func gemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 { // an empty sum
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	// The kernel is chosen once for the whole product, before any split,
	// so every band of C is computed the same way whatever GOMAXPROCS is.
	serial := gemmPacked
	if accelGemm != nil { // a SIMD kernel, in builds with GOEXPERIMENT=simd
		serial = accelGemm
	}
	if m <= 4 || n <= 4 || k <= 4 || 2*m*n*k < smallFlops {
		serial = gemmSimple
	}
	if !worthSplitting(m, n, k) {
		serial(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	// Split C into bands of whole rows (or whole columns, if it is wider
	// than tall), one per goroutine; each band is a smaller gemm.
	workers := runtime.GOMAXPROCS(0)
	if m >= n {
		rows := (m + workers - 1) / workers
		parallelFor((m+rows-1)/rows, func(w int) {
			i0 := w * rows
			// Slice A only after checking transA: rows i0... of A start
			// at i0·lda, columns i0... of Aᵀ at i0 (and i0·lda may lie
			// past the end of Aᵀ).
			var ai []float64
			if transA {
				ai = a[i0:]
			} else {
				ai = a[i0*lda:]
			}
			serial(transA, transB, min(rows, m-i0), n, k, ai, lda, b, ldb, c[i0*ldc:], ldc)
		})
		return
	}
	cols := (n + workers - 1) / workers
	cols = (cols + nr - 1) / nr * nr // whole B panels
	parallelFor((n+cols-1)/cols, func(w int) {
		j0 := w * cols
		var bj []float64
		if transB {
			bj = b[j0*ldb:] // rows j0... of Bᵀ
		} else {
			bj = b[j0:] // columns j0... of B
		}
		serial(transA, transB, m, min(cols, n-j0), k, a, lda, bj, ldb, c[j0:], ldc)
	})
}

// worthSplitting reports whether an (m×k)·(k×n) product is big enough to
// share between goroutines, and there is more than one to share it with.
func worthSplitting(m, n, k int) bool {
	return 2*m*n*k >= splitFlops && runtime.GOMAXPROCS(0) > 1
}

// parallelFor runs task(0), ..., task(count-1) on at most GOMAXPROCS
// goroutines (the caller's among them) and waits for all of them.
func parallelFor(count int, task func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), count)
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() {
			for i := w; i < count; i += workers {
				task(i)
			}
		})
	}
	for i := 0; i < count; i += max(workers, 1) {
		task(i)
	}
	wg.Wait()
}

// gemmBuffers is one goroutine's scratch space: packed slabs of op(A) and
// op(B), or a contiguous copy of op(B) for the simple loops.
type gemmBuffers struct {
	a []float64
	b [][nr]float64
}

// gemmPool recycles scratch space, so that a product allocates nothing but
// its result.
var gemmPool = sync.Pool{New: func() any { return new(gemmBuffers) }}

// floats returns a scratch slice of n floats.
func (g *gemmBuffers) floats(n int) []float64 {
	if cap(g.a) < n {
		g.a = make([]float64, n)
	}
	return g.a[:n]
}

// panels returns a scratch slice of n B-panel rows.
func (g *gemmBuffers) panels(n int) [][nr]float64 {
	if cap(g.b) < n {
		g.b = make([][nr]float64, n)
	}
	return g.b[:n]
}

// ---- Simple loops for skinny and tiny products ----

// gemmSimple computes C = op(A)·op(B) without packing, for products too
// small or too skinny for packing to pay (m, n or k ≤ 4). Each c_ij is
// summed over p in increasing order.
func gemmSimple(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	buf := gemmPool.Get().(*gemmBuffers)
	defer gemmPool.Put(buf)
	switch {
	case n == 1: // C is a column: c_i = Σ_p a_ip·x_p
		x := b[:k] // b_p0 = b[p] when op(B) is the row Bᵀ or a contiguous column
		if !transB && ldb != 1 {
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

	case n <= 4 && m > n:
		// A few columns: Cᵀ = op(B)ᵀ·op(A)ᵀ has a few rows, which the cases
		// below handle well; compute it and transpose it into C.
		ct := buf.floats(n * m)
		gemmSimple(!transB, !transA, n, m, k, b, ldb, a, lda, ct, m)
		for i := range m {
			for j := range n {
				c[i*ldc+j] = ct[j*m+i]
			}
		}

	case transB && k > 4:
		// Rows of Bᵀ are contiguous: row i of C is Bᵀ times row i of op(A).
		x := buf.floats(k)
		for i := range m {
			if transA { // a_ip = a[p*lda + i]
				for p := range x {
					x[p] = a[p*lda+i]
				}
			} else {
				copy(x, a[i*lda:i*lda+k])
			}
			matVec(n, k, b, ldb, x, c[i*ldc:], 1)
		}

	default:
		if transB { // k ≤ 4: copy the few columns of Bᵀ into rows
			rows := buf.floats(k * n)
			for j := range n {
				for p := range k {
					rows[p*n+j] = b[j*ldb+p]
				}
			}
			b, ldb = rows, n
		}
		rowCombinations(transA, m, n, k, a, lda, b, ldb, c, ldc)
	}
}

// matVec sets c_i = Σ_p a_ip·x_p for the rows of A (m×k, row stride lda),
// four rows at a time so that four independent sums hide the latency of
// the additions.
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
			s0 += r0[p] * xp
			s1 += r1[p] * xp
			s2 += r2[p] * xp
			s3 += r3[p] * xp
		}
		c[i*ldc], c[(i+1)*ldc], c[(i+2)*ldc], c[(i+3)*ldc] = s0, s1, s2, s3
	}
	for ; i < m; i++ {
		r := a[i*lda : i*lda+k]
		r = r[:len(x)]
		s := 0.0
		for p, xp := range x {
			s += r[p] * xp
		}
		c[i*ldc] = s
	}
}

// matTVec sets c_i = Σ_p a_ip·x_p where A is stored transposed (k×m, row
// stride lda): it adds x_p times row p of the stored matrix to c, for p in
// increasing order.
func matTVec(m, k int, a []float64, lda int, x []float64, c []float64, ldc int) {
	if ldc != 1 { // C is a strided column (not from a Tensor): one sum at a time
		for i := range m {
			s := 0.0
			for p, xp := range x {
				s += a[p*lda+i] * xp
			}
			c[i*ldc] = s
		}
		return
	}
	c = c[:m]
	for p, xp := range x {
		axpyRow(c, xp, a[p*lda:p*lda+m], p == 0)
	}
}

// rowCombinations computes each row of C as a combination of the rows of
// B (k×n, row stride ldb): c_i: = Σ_p a_ip·b_p:, two terms per pass.
func rowCombinations(transA bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	ai, ap := lda, 1 // a_ip = a[i*ai + p*ap]
	if transA {
		ai, ap = 1, lda
	}
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		p := 0
		for ; p+2 <= k; p += 2 {
			axpyRows2(ci, a[i*ai+p*ap], b[p*ldb:p*ldb+n], a[i*ai+(p+1)*ap], b[(p+1)*ldb:(p+1)*ldb+n], p == 0)
		}
		if p < k {
			axpyRow(ci, a[i*ai+p*ap], b[p*ldb:p*ldb+n], p == 0)
		}
	}
}

// Every sum in this file starts from +0 and adds its terms in order, so a
// sum that is written out, like the first pass below, starts with "0 +":
// it keeps even the sign of a zero result the same on every path.

// axpyRows2 sets y = (y + α·x) + β·z, element by element, with y taken as
// 0 if first.
func axpyRows2(y []float64, alpha float64, x []float64, beta float64, z []float64, first bool) {
	x, z = x[:len(y)], z[:len(y)]
	if first {
		for j := range y {
			y[j] = 0 + alpha*x[j] + beta*z[j]
		}
		return
	}
	for j := range y {
		y[j] = y[j] + alpha*x[j] + beta*z[j]
	}
}

// axpyRow sets y = y + α·x, element by element, with y taken as 0 if first.
func axpyRow(y []float64, alpha float64, x []float64, first bool) {
	x = x[:len(y)]
	if first {
		for j := range y {
			y[j] = 0 + alpha*x[j]
		}
		return
	}
	for j := range y {
		y[j] += alpha * x[j]
	}
}

// ---- Packed, blocked product ----

// gemmPacked computes C = op(A)·op(B) by packing kc-deep slabs of op(A)
// and op(B) and running the micro-kernel over them.
func gemmPacked(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	buf := gemmPool.Get().(*gemmBuffers)
	defer gemmPool.Put(buf)
	aPack := buf.floats(min(mc, m) * min(kc, k))
	bPack := buf.panels((min(nc, n) + nr - 1) / nr * min(kc, k))
	for p0 := 0; p0 < k; p0 += kc {
		kb := min(kc, k-p0)
		first := p0 == 0 // the first k block stores into C, later ones add
		for j0 := 0; j0 < n; j0 += nc {
			nb := min(nc, n-j0)
			packB(transB, kb, nb, b, ldb, p0, j0, bPack)
			for i0 := 0; i0 < m; i0 += mc {
				mb := min(mc, m-i0)
				packA(transA, mb, kb, a, lda, i0, p0, aPack)
				macroKernel(mb, nb, kb, aPack, bPack, c[i0*ldc+j0:], ldc, first)
			}
		}
	}
}

// packA copies the mb×kb block of op(A) at (i0, p0) into dst, row-major:
// dst[ii·kb + p] = a_{i0+ii, p0+p}.
func packA(trans bool, mb, kb int, a []float64, lda, i0, p0 int, dst []float64) {
	if !trans { // rows of op(A) are rows of A
		for ii := range mb {
			i := i0 + ii
			copy(dst[ii*kb:(ii+1)*kb], a[i*lda+p0:i*lda+p0+kb])
		}
		return
	}
	// Rows of op(A) are columns of the stored Aᵀ. Walking a column strides
	// through memory by lda, and a power-of-two stride maps every element
	// to the same cache set; so read 8 stored rows at a time, which keeps
	// 8 cache lines busy and writes 8 consecutive values of each dst row.
	for pb := 0; pb < kb; pb += 8 {
		pe := min(pb+8, kb)
		for ii := range mb {
			out := dst[ii*kb+pb : ii*kb+pe]
			for q := range out {
				out[q] = a[(p0+pb+q)*lda+i0+ii]
			}
		}
	}
}

// packB copies the kb×nb block of op(B) at (p0, j0) into panels of nr
// columns: panel s, columns j0+nr·s ..., is dst[s·kb + p] = (b_pj, b_p,j+1, ...)
// for p = p0 ... Columns past nb are padded with zeros.
func packB(trans bool, kb, nb int, b []float64, ldb, p0, j0 int, dst [][nr]float64) {
	for s := 0; s*nr < nb; s++ {
		panel := dst[s*kb : (s+1)*kb]
		j := j0 + s*nr
		w := min(nr, nb-s*nr) // columns in this panel
		if w < nr {
			clear(panel)
		}
		if trans { // column j of op(B) is row j of the stored Bᵀ
			for jj := range w {
				col := b[(j+jj)*ldb+p0 : (j+jj)*ldb+p0+kb]
				for p, v := range col {
					panel[p][jj] = v
				}
			}
			continue
		}
		for p := range panel { // w neighbours in row p of B
			copy(panel[p][:w], b[(p0+p)*ldb+j:])
		}
	}
}

// macroKernel multiplies a packed mb×kb slab of op(A) by a packed kb×nb
// slab of op(B) and adds the result to the mb×nb block of C at c, which is
// taken as 0 if first.
func macroKernel(mb, nb, kb int, aPack []float64, bPack [][nr]float64, c []float64, ldc int, first bool) {
	// B panels in the outer loop: one panel (kb×nr) stays in L1 while every
	// row of the A slab streams past it.
	for j := 0; j < nb; j += nr {
		panel := bPack[j/nr*kb : (j/nr+1)*kb]
		for i := range mb {
			ap := aPack[i*kb : (i+1)*kb]
			row := c[i*ldc+j : i*ldc+j+min(nr, nb-j)]
			var t [nr]float64 // the sums so far: 0, or the earlier k blocks'
			if len(row) < nr {
				if !first {
					copy(t[:], row)
				}
				t[0], t[1], t[2], t[3], t[4], t[5], t[6] = kernel1x7(ap, panel, t[0], t[1], t[2], t[3], t[4], t[5], t[6])
				copy(row, t[:])
				continue
			}
			r := (*[nr]float64)(row)
			if !first {
				t = *r
			}
			r[0], r[1], r[2], r[3], r[4], r[5], r[6] = kernel1x7(ap, panel, t[0], t[1], t[2], t[3], t[4], t[5], t[6])
		}
	}
}

// kernel1x7 adds Σ_p a[p]·b[p][j] to c_j for j = 0..6, one term at a time,
// p in increasing order; a and b must have the same length. Per step it
// loads 1 + 7 values and does 7 multiplies and 7 additions, with the seven
// sums in registers. Slicing a to len(b) lets the compiler drop every
// bounds check in the loop.
//
// Because the sums carry over from one k block to the next, every c_ij is
// ((0 + a_i0·b_0j) + a_i1·b_1j) + ..., exactly as in the textbook loop.
//
// The kernel is kept out of line: inlined into macroKernel, the loop has to
// share registers with the caller's and runs about 10% slower.
//
//go:noinline
func kernel1x7(a []float64, b [][nr]float64, c0, c1, c2, c3, c4, c5, c6 float64) (float64, float64, float64, float64, float64, float64, float64) {
	a = a[:len(b)]
	for p, ap := range a {
		bp := &b[p]
		c0 += ap * bp[0]
		c1 += ap * bp[1]
		c2 += ap * bp[2]
		c3 += ap * bp[3]
		c4 += ap * bp[4]
		c5 += ap * bp[5]
		c6 += ap * bp[6]
	}
	return c0, c1, c2, c3, c4, c5, c6
}
