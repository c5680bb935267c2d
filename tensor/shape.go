package tensor

// Shape operations: they move values around without arithmetic (IndexAdd,
// which sums, is the one exception). Almost all of them look at a tensor
// through one picture, built by aroundAxis: split the shape at an axis into
//
//	outer = product of the dims before axis
//	dim   = the size of axis itself
//	inner = product of the dims after axis
//
// In row-major storage the element (o, i, r) of that 3-D view sits at
// (o·dim + i)·inner + r, so for each fixed o the positions i..i+k-1 along
// the axis are one contiguous run of k·inner values. Slice, Pad, Concat,
// Split and IndexSelect are then a loop of copy() calls over such runs.

// aroundAxis views shape as (outer, dim, inner) around axis, which must
// already be normalized into [0, len(shape)).
func aroundAxis(shape []int, axis int) (outer, dim, inner int) {
	return numel(shape[:axis]), shape[axis], numel(shape[axis+1:])
}

// copyAlong copies count positions along an axis, for each of the outer
// blocks: src positions [srcAt, srcAt+count) of an axis of size srcDim go to
// dst positions [dstAt, dstAt+count) of an axis of size dstDim. Both tensors
// share outer and inner; each block is one copy of count·inner values.
func copyAlong(dst []float64, dstDim, dstAt int, src []float64, srcDim, srcAt int, outer, count, inner int) {
	run := count * inner
	for o := 0; o < outer; o++ {
		d := (o*dstDim + dstAt) * inner
		s := (o*srcDim + srcAt) * inner
		copy(dst[d:d+run], src[s:s+run])
	}
}

// withAxis returns a copy of shape whose entry at axis is replaced by n.
func withAxis(shape []int, axis, n int) []int {
	out := append([]int(nil), shape...)
	out[axis] = n
	return out
}

// ---- Reshape

// Reshape returns a tensor with the same values, in the same row-major
// order, and the given shape. The result SHARES storage with t: writing an
// element of one changes the other. No values are copied.
//
// One entry of shape may be -1; it is inferred so that the element counts
// agree, e.g. a (2,3,4) tensor reshaped to (-1,4) has shape (6,4).
// Reshape panics with ErrShape if the element counts differ (the message
// shows both shapes), and with ErrArgument on more than one -1, on any other
// negative entry, or on a -1 that a zero-size shape leaves undetermined.
func Reshape(t *Tensor, shape ...int) *Tensor {
	out := append([]int(nil), shape...)
	unknown := -1 // position of the -1, if any
	known := 1    // product of the other entries
	for i, d := range out {
		switch {
		case d == -1 && unknown >= 0:
			panicf(ErrArgument, "Reshape", "more than one -1 in %s", FormatShape(shape))
		case d == -1:
			unknown = i
		case d < 0:
			panicf(ErrArgument, "Reshape", "negative dimension in %s", FormatShape(shape))
		default:
			known *= d
		}
	}
	n := len(t.data)
	if unknown >= 0 {
		switch {
		case known == 0 && n == 0:
			panicf(ErrArgument, "Reshape", "-1 in %s is ambiguous for 0 values", FormatShape(shape))
		case known == 0 || n%known != 0:
			panicf(ErrShape, "Reshape", "%s to %s", FormatShape(t.shape), FormatShape(shape))
		}
		out[unknown] = n / known
		known = n
	}
	if known != n {
		panicf(ErrShape, "Reshape", "%s to %s", FormatShape(t.shape), FormatShape(shape))
	}
	return &Tensor{shape: out, data: t.data}
}

// ---- Transpose and Permute

// transposeTile is the side of the square tiles Transpose works in. A 32×32
// tile of float64 is 8 KiB, so the rows read and the columns written for
// one tile stay in the L1 cache together.
const transposeTile = 32

// Transpose swaps the last two dimensions: for t of shape (..., m, n) it
// returns the (..., n, m) tensor y with y[..., j, i] = t[..., i, j]. A 2-D
// t gives the matrix transpose tᵀ; a 3-D or higher t is a batch of matrices,
// each transposed. It panics with ErrShape if t has fewer than 2 dimensions.
func Transpose(t *Tensor) *Tensor {
	k := len(t.shape)
	if k < 2 {
		panicf(ErrShape, "Transpose", "%s needs at least 2 dimensions", FormatShape(t.shape))
	}
	m, n := t.shape[k-2], t.shape[k-1]
	shape := t.Shape()
	shape[k-2], shape[k-1] = n, m
	out := Zeros(shape...)
	size := m * n
	for b := 0; b < len(t.data); b += size {
		transposeMatrix(out.data[b:b+size], t.data[b:b+size], m, n)
	}
	return out
}

// transposeMatrix writes the transpose of the m×n row-major matrix src into
// dst (n×m). It walks the matrix in tiles: reading src row by row inside a
// tile touches at most transposeTile cache lines of dst, which stay cached
// until the tile is done, instead of one new line of dst per element.
func transposeMatrix(dst, src []float64, m, n int) {
	for i0 := 0; i0 < m; i0 += transposeTile {
		i1 := min(i0+transposeTile, m)
		for j0 := 0; j0 < n; j0 += transposeTile {
			j1 := min(j0+transposeTile, n)
			for i := i0; i < i1; i++ {
				row := src[i*n : i*n+n]
				for j := j0; j < j1; j++ {
					dst[j*m+i] = row[j]
				}
			}
		}
	}
}

// Permute reorders the dimensions: dimension i of the result is dimension
// perm[i] of t, so for a 3-D t and perm = (2,0,1)
//
//	y[a, b, c] = t[b, c, a],   shape (d₂, d₀, d₁).
//
// In general y[i₀, …, iₙ₋₁] = t[j] with j[perm[k]] = iₖ. Permute(t, 1, 0)
// of a matrix is Transpose. It panics with ErrAxis unless perm holds each
// of 0, 1, …, t.Dims()-1 exactly once.
func Permute(t *Tensor, perm ...int) *Tensor {
	n := len(t.shape)
	if !isPermutation(perm, n) {
		panicf(ErrAxis, "Permute", "%v is not a permutation of the %d axes of %s", perm, n, FormatShape(t.shape))
	}
	shape := make([]int, n)
	for i, p := range perm {
		shape[i] = t.shape[p]
	}
	if swapsLastTwo(perm) {
		return Transpose(t)
	}

	// The axes that keep their place at the end (perm[k] = k for all k ≥ keep)
	// are still contiguous in t: each output run of `run` values is a single
	// copy. The axes before keep are walked by an odometer over the output.
	keep := n
	for keep > 0 && perm[keep-1] == keep-1 {
		keep--
	}
	run := numel(t.shape[keep:])
	stride := make([]int, keep) // stride[i]: step in t.data when output index i grows by 1
	for i := range stride {
		stride[i] = numel(t.shape[perm[i]+1:])
	}
	out := Zeros(shape...)
	permuteRuns(out.data, t.data, shape[:keep], stride, run)
	return out
}

// permuteRuns fills dst in order, run values at a time. The output index
// (i₀, …) over the dims in shape is kept as an odometer; src moves by
// stride[k] when digit k ticks, and back by stride[k]·shape[k] when it wraps.
func permuteRuns(dst, src []float64, shape, stride []int, run int) {
	index := make([]int, len(shape))
	s := 0 // offset in src of the current run
	for d := 0; d < len(dst); d += run {
		if run == 1 {
			dst[d] = src[s]
		} else {
			copy(dst[d:d+run], src[s:s+run])
		}
		for k := len(shape) - 1; k >= 0; k-- {
			index[k]++
			s += stride[k]
			if index[k] < shape[k] {
				break
			}
			s -= stride[k] * shape[k]
			index[k] = 0
		}
	}
}

// isPermutation reports whether perm holds each of 0..n-1 exactly once.
func isPermutation(perm []int, n int) bool {
	if len(perm) != n {
		return false
	}
	seen := make([]bool, n)
	for _, p := range perm {
		if p < 0 || p >= n || seen[p] {
			return false
		}
		seen[p] = true
	}
	return true
}

// swapsLastTwo reports whether perm is (0, 1, …, n-3, n-1, n-2), the
// permutation Transpose computes with its cache-friendly tiles.
func swapsLastTwo(perm []int) bool {
	n := len(perm)
	if n < 2 || perm[n-2] != n-1 || perm[n-1] != n-2 {
		return false
	}
	for i := 0; i < n-2; i++ {
		if perm[i] != i {
			return false
		}
	}
	return true
}

// ---- Concat and Split

// Concat joins tensors along an axis (negative counts from the end): all
// must have the same shape except along axis, where the result's size is
// the sum of theirs. For two matrices a (m×p) and b (m×q), Concat(1, a, b)
// is the m×(p+q) block matrix [a b]. The result is a fresh tensor, also
// when only one tensor is given.
//
// It panics with ErrArgument when given no tensors, with ErrAxis on an axis
// out of range, and with ErrShape (naming both shapes) when two tensors
// differ in rank or in a dimension other than axis.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panicf(ErrArgument, "Concat", "no tensors")
	}
	first := ts[0].shape
	axis = normAxis("Concat", axis, len(first))
	total := 0
	for _, t := range ts {
		if len(t.shape) != len(first) {
			panicf(ErrShape, "Concat", "%s and %s differ in rank", FormatShape(first), FormatShape(t.shape))
		}
		if !sameExceptAxis(first, t.shape, axis) {
			panicf(ErrShape, "Concat", "%s and %s differ outside axis %d",
				FormatShape(first), FormatShape(t.shape), axis)
		}
		total += t.shape[axis]
	}
	out := Zeros(withAxis(first, axis, total)...)
	outer, _, inner := aroundAxis(out.shape, axis)
	at := 0
	for _, t := range ts {
		n := t.shape[axis]
		copyAlong(out.data, total, at, t.data, n, 0, outer, n, inner)
		at += n
	}
	return out
}

// sameExceptAxis reports whether a and b, of the same rank, agree in every
// dimension but axis.
func sameExceptAxis(a, b []int, axis int) bool {
	for i := range a {
		if i != axis && a[i] != b[i] {
			return false
		}
	}
	return true
}

// Split cuts t along an axis (negative counts from the end) into pieces of
// the given sizes, in order: piece k holds positions
// [s₀+…+sₖ₋₁, s₀+…+sₖ) of that axis. It undoes Concat:
// Concat(axis, Split(t, axis, sizes...)...) equals t. Each piece is a fresh
// tensor. It panics with ErrAxis on a bad axis, with ErrArgument on a
// negative size, and with ErrShape unless the sizes sum to t.Dim(axis).
func Split(t *Tensor, axis int, sizes ...int) []*Tensor {
	axis = normAxis("Split", axis, len(t.shape))
	outer, dim, inner := aroundAxis(t.shape, axis)
	sum := 0
	for _, s := range sizes {
		if s < 0 {
			panicf(ErrArgument, "Split", "negative size in %v", sizes)
		}
		sum += s
	}
	if sum != dim {
		panicf(ErrShape, "Split", "sizes %v sum to %d, axis %d of %s has %d",
			sizes, sum, axis, FormatShape(t.shape), dim)
	}
	pieces := make([]*Tensor, len(sizes))
	at := 0
	for k, s := range sizes {
		piece := Zeros(withAxis(t.shape, axis, s)...)
		copyAlong(piece.data, s, 0, t.data, dim, at, outer, s, inner)
		pieces[k] = piece
		at += s
	}
	return pieces
}

// ---- Slice and Pad

// Slice returns the positions [start, end) of t along an axis (negative
// counts from the end): y[…, i, …] = t[…, start+i, …] for 0 ≤ i < end-start.
// The result is a fresh tensor. It panics with ErrAxis on a bad axis and
// with ErrIndex unless 0 ≤ start ≤ end ≤ t.Dim(axis).
//
// Slice and Pad are adjoint linear maps: for x of t's shape and y of the
// result's shape, ⟨Slice(x, axis, s, e), y⟩ = ⟨x, Pad(y, axis, s, d-e)⟩ with
// d = t.Dim(axis), so each is the other's gradient.
func Slice(t *Tensor, axis, start, end int) *Tensor {
	axis = normAxis("Slice", axis, len(t.shape))
	outer, dim, inner := aroundAxis(t.shape, axis)
	if start < 0 || start > end || end > dim {
		panicf(ErrIndex, "Slice", "[%d,%d) on axis %d of %s", start, end, axis, FormatShape(t.shape))
	}
	n := end - start
	out := Zeros(withAxis(t.shape, axis, n)...)
	copyAlong(out.data, n, 0, t.data, dim, start, outer, n, inner)
	return out
}

// Pad surrounds t with zeros along an axis (negative counts from the end):
// before zeros, then t, then after zeros, so the axis grows from d to
// before+d+after and y[…, before+i, …] = t[…, i, …]. Slice(Pad(t, axis, b, a),
// axis, b, b+d) gives back t; see Slice for the adjoint identity. It panics
// with ErrAxis on a bad axis and with ErrArgument on a negative amount.
func Pad(t *Tensor, axis, before, after int) *Tensor {
	axis = normAxis("Pad", axis, len(t.shape))
	if before < 0 || after < 0 {
		panicf(ErrArgument, "Pad", "negative padding (%d before, %d after)", before, after)
	}
	outer, dim, inner := aroundAxis(t.shape, axis)
	n := before + dim + after
	out := Zeros(withAxis(t.shape, axis, n)...)
	copyAlong(out.data, n, before, t.data, dim, 0, outer, dim, inner)
	return out
}

// ---- IndexSelect and IndexAdd

// IndexSelect gathers positions along an axis (negative counts from the
// end): y[…, k, …] = t[…, index[k], …] for k = 0..len(index)-1. Positions
// may repeat or be left out; the result has len(index) along axis and is a
// fresh tensor. An embedding lookup is IndexSelect(table, 0, ids).
//
// Its adjoint, and so its gradient with respect to t, is
// IndexAdd(g, axis, index, t.Dim(axis)). It panics with ErrAxis on a bad
// axis and with ErrIndex, naming the entry, on an index outside the axis.
func IndexSelect(t *Tensor, axis int, index []int) *Tensor {
	axis = normAxis("IndexSelect", axis, len(t.shape))
	outer, dim, inner := aroundAxis(t.shape, axis)
	checkIndex("IndexSelect", index, dim, axis, t.shape)
	n := len(index)
	out := Zeros(withAxis(t.shape, axis, n)...)
	for o := 0; o < outer; o++ {
		for k, j := range index {
			d := (o*n + k) * inner
			s := (o*dim + j) * inner
			copy(out.data[d:d+inner], t.data[s:s+inner])
		}
	}
	return out
}

// IndexAdd scatters slices of t into zeros, adding where they collide: the
// result has t's shape except `size` along axis (negative counts from the
// end), and
//
//	y[…, j, …] = Σ { t[…, k, …] : index[k] = j },
//
// zero where no k points. It is the adjoint of IndexSelect,
// ⟨IndexSelect(x, axis, index), t⟩ = ⟨x, IndexAdd(t, axis, index, size)⟩, so
// each is the other's gradient. Sums over repeated positions run in order
// of k, so the result does not depend on scheduling.
//
// It panics with ErrAxis on a bad axis, with ErrArgument on a negative
// size, with ErrShape unless len(index) = t.Dim(axis), and with ErrIndex,
// naming the entry, on an index outside [0, size).
func IndexAdd(t *Tensor, axis int, index []int, size int) *Tensor {
	axis = normAxis("IndexAdd", axis, len(t.shape))
	if size < 0 {
		panicf(ErrArgument, "IndexAdd", "negative size %d", size)
	}
	outer, dim, inner := aroundAxis(t.shape, axis)
	if len(index) != dim {
		panicf(ErrShape, "IndexAdd", "%d indices for axis %d of %s",
			len(index), axis, FormatShape(t.shape))
	}
	shape := withAxis(t.shape, axis, size)
	checkIndex("IndexAdd", index, size, axis, shape)
	out := Zeros(shape...)
	for o := 0; o < outer; o++ {
		for k, j := range index {
			d := (o*size + j) * inner
			s := (o*dim + k) * inner
			dst := out.data[d : d+inner]
			for r, v := range t.data[s : s+inner] {
				dst[r] += v
			}
		}
	}
	return out
}

// checkIndex panics with ErrIndex, naming the first entry of index outside
// [0, dim), where dim is the size of axis in shape.
func checkIndex(op string, index []int, dim, axis int, shape []int) {
	for k, j := range index {
		if j < 0 || j >= dim {
			panicf(ErrIndex, op, "index[%d] = %d on axis %d of %s", k, j, axis, FormatShape(shape))
		}
	}
}
