package tensor

// Convolution as data movement plus a matrix product.
//
// A 2-D convolution takes every KH×KW window of every input channel, lays
// it out as a column, and multiplies the weights by the matrix of columns:
//
//	x     (N, C, H, W)            input images
//	cols  (N, C·KH·KW, OH·OW)     Im2Col(x): one column per output pixel
//	w     (O, C·KH·KW)            the (O, C, KH, KW) kernel, flattened
//	y     (N, O, OH·OW)           w · cols[n] for each n, read as (N, O, OH, OW)
//
// Col2Im is the adjoint of Im2Col: it scatters every column back onto the
// pixels it was read from, adding where windows overlap. That makes it the
// backward pass of Im2Col and the forward pass of a transposed convolution.
// UpsampleNearest and SumPool2D are another such adjoint pair.

import (
	"fmt"
	"slices"
	"sync"
)

// ConvGeom describes the sliding window of a 2-D convolution: a KH×KW
// kernel moved SH rows and SW columns at a time over an input padded with
// PH rows of zeros above and below and PW columns of zeros left and right.
// Kernel sizes and strides must be at least 1, paddings at least 0.
type ConvGeom struct {
	KH, KW int // kernel height and width
	SH, SW int // stride: rows and columns between neighbouring windows
	PH, PW int // zero padding added on each side
}

// String formats the geometry as "kernel 4x4 stride 2x2 padding 1x1".
func (g ConvGeom) String() string {
	return fmt.Sprintf("kernel %dx%d stride %dx%d padding %dx%d", g.KH, g.KW, g.SH, g.SW, g.PH, g.PW)
}

// OutSize returns the output height and width for an h×w input:
//
//	oh = ⌊(h + 2·PH − KH) / SH⌋ + 1,   ow = ⌊(w + 2·PW − KW) / SW⌋ + 1.
//
// It panics with ErrArgument if a kernel size or stride is below 1, a
// padding is negative, h or w is below 1, or the kernel does not fit in
// the padded input (an output size below 1).
func (g ConvGeom) OutSize(h, w int) (oh, ow int) {
	return g.outSize("ConvGeom.OutSize", []int{h, w})
}

// outSize validates g against an input whose last two dimensions are the
// height and width and returns the output size; op and the full input
// shape go into the panic message.
func (g ConvGeom) outSize(op string, input []int) (oh, ow int) {
	h, w := input[len(input)-2], input[len(input)-1]
	if g.KH < 1 || g.KW < 1 || g.SH < 1 || g.SW < 1 || g.PH < 0 || g.PW < 0 {
		panicf(ErrArgument, op, "%v on input %s: kernel and stride must be positive, padding non-negative",
			g, FormatShape(input))
	}
	if h < 1 || w < 1 {
		panicf(ErrArgument, op, "%v on input %s: image height and width must be positive", g, FormatShape(input))
	}
	// Check the numerators before dividing: Go's division truncates toward
	// zero, so a negative numerator would not give a negative size.
	nh, nw := h+2*g.PH-g.KH, w+2*g.PW-g.KW
	if nh < 0 || nw < 0 {
		panicf(ErrArgument, op, "%v on input %s leaves no output", g, FormatShape(input))
	}
	return nh/g.SH + 1, nw/g.SW + 1
}

// imageDims returns the four dimensions of an (N,C,H,W) tensor, panicking
// with ErrShape if x is not 4-D.
func imageDims(op string, x *Tensor) (n, c, h, w int) {
	if len(x.shape) != 4 {
		panicf(ErrShape, op, "input %s is not (N,C,H,W)", FormatShape(x.shape))
	}
	return x.shape[0], x.shape[1], x.shape[2], x.shape[3]
}

// convOutRange returns the half-open range [lo, hi) of output positions o
// in [0, out) whose input position o·stride − pad + k lies inside [0, size).
// Outside it the window reads padding. Computing it once per kernel offset
// keeps the bounds checks out of the inner loops.
func convOutRange(k, stride, pad, size, out int) (lo, hi int) {
	// First o with o·stride − pad + k ≥ 0, i.e. o ≥ ⌈(pad − k)/stride⌉.
	if d := pad - k; d > 0 {
		lo = (d + stride - 1) / stride
	}
	// Last o with o·stride − pad + k ≤ size − 1, i.e. o ≤ ⌊(size − 1 + pad − k)/stride⌋.
	if d := size - 1 + pad - k; d >= 0 {
		hi = min(out, d/stride+1)
	}
	return min(lo, hi), hi
}

// Im2Col unfolds the convolution windows of x (N,C,H,W) into columns
// (N, C·KH·KW, OH·OW), with (OH, OW) = g.OutSize(H, W):
//
//	cols[n, (c·KH + i)·KW + j, oy·OW + ox] = x[n, c, oy·SH − PH + i, ox·SW − PW + j],
//
// and 0 where that position falls in the padding. Row r = (c·KH + i)·KW + j
// matches a (O, C, KH, KW) weight tensor flattened to (O, C·KH·KW), so the
// convolution is the batched product w · cols[n] → (N, O, OH·OW), which is
// already (N, O, OH, OW) in row-major order.
//
// It panics with ErrShape if x is not 4-D and with ErrArgument on a bad
// geometry (see ConvGeom.OutSize).
func Im2Col(x *Tensor, g ConvGeom) *Tensor {
	n, c, h, w := imageDims("Im2Col", x)
	oh, ow := g.outSize("Im2Col", x.shape)
	rows, plane := c*g.KH*g.KW, oh*ow
	cols := Zeros(n, rows, plane) // entries that read padding stay 0
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			img := x.data[(b*c+ch)*h*w : (b*c+ch+1)*h*w] // one (H,W) channel
			for i := 0; i < g.KH; i++ {
				oy0, oy1 := convOutRange(i, g.SH, g.PH, h, oh)
				for j := 0; j < g.KW; j++ {
					ox0, ox1 := convOutRange(j, g.SW, g.PW, w, ow)
					if ox0 == ox1 {
						continue // this kernel column only ever sees padding
					}
					r := b*rows + (ch*g.KH+i)*g.KW + j
					dst := cols.data[r*plane : (r+1)*plane] // one (OH·OW) row of cols
					x0 := ox0*g.SW - g.PW + j               // input column read by ox0
					for oy := oy0; oy < oy1; oy++ {
						y := oy*g.SH - g.PH + i
						gatherStrided(dst[oy*ow+ox0:oy*ow+ox1], img[y*w+x0:(y+1)*w], g.SW)
					}
				}
			}
		}
	}
	return cols
}

// gatherStrided sets dst[k] = src[k·stride] for every k in dst.
func gatherStrided(dst, src []float64, stride int) {
	if stride == 1 {
		copy(dst, src)
		return
	}
	at := 0 // a running index instead of k·stride
	for k := range dst {
		dst[k] = src[at]
		at += stride
	}
}

// Col2Im is the adjoint of Im2Col: it maps cols (N, C·KH·KW, OH·OW) to an
// image (N, C, H, W) by adding every entry back onto the pixel Im2Col read
// it from,
//
//	x[n, c, oy·SH − PH + i, ox·SW − PW + j] += cols[n, (c·KH + i)·KW + j, oy·OW + ox],
//
// dropping entries that land in the padding. Pixels covered by several
// windows receive the sum of their contributions. So ⟨Im2Col(x), y⟩ =
// ⟨x, Col2Im(y)⟩ for all x and y: Col2Im is Im2Col's backward pass and a
// transposed convolution's forward pass.
//
// It panics with ErrArgument on a bad geometry or image size (see
// ConvGeom.OutSize) and with ErrShape if cols is not (n, c·KH·KW, OH·OW).
func Col2Im(cols *Tensor, n, c, h, w int, g ConvGeom) *Tensor {
	image := []int{n, c, h, w}
	oh, ow := g.outSize("Col2Im", image)
	rows, plane := c*g.KH*g.KW, oh*ow
	if n < 0 || c < 0 || !slices.Equal(cols.shape, []int{n, rows, plane}) {
		panicf(ErrShape, "Col2Im", "cols %s for image %s with %v; want %s",
			FormatShape(cols.shape), FormatShape(image), g, FormatShape([]int{n, rows, plane}))
	}
	x := Zeros(n, c, h, w)
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			img := x.data[(b*c+ch)*h*w : (b*c+ch+1)*h*w]
			for i := 0; i < g.KH; i++ {
				oy0, oy1 := convOutRange(i, g.SH, g.PH, h, oh)
				for j := 0; j < g.KW; j++ {
					ox0, ox1 := convOutRange(j, g.SW, g.PW, w, ow)
					if ox0 == ox1 {
						continue
					}
					r := b*rows + (ch*g.KH+i)*g.KW + j
					src := cols.data[r*plane : (r+1)*plane]
					x0 := ox0*g.SW - g.PW + j
					for oy := oy0; oy < oy1; oy++ {
						y := oy*g.SH - g.PH + i
						scatterAddStrided(img[y*w+x0:(y+1)*w], src[oy*ow+ox0:oy*ow+ox1], g.SW)
					}
				}
			}
		}
	}
	return x
}

// scatterAddStrided adds src[k] to dst[k·stride] for every k in src.
func scatterAddStrided(dst, src []float64, stride int) {
	at := 0 // a running index instead of k·stride
	for _, v := range src {
		dst[at] += v
		at += stride
	}
}

// UpsampleNearest enlarges x (N,C,H,W) to (N, C, H·s, W·s) by repeating
// every pixel in an s×s block: y[n, c, Y, X] = x[n, c, ⌊Y/s⌋, ⌊X/s⌋].
// Its adjoint is SumPool2D with the same s.
//
// It panics with ErrShape if x is not 4-D and with ErrArgument if s < 1.
func UpsampleNearest(x *Tensor, s int) *Tensor {
	n, c, h, w := imageDims("UpsampleNearest", x)
	if s < 1 {
		panicf(ErrArgument, "UpsampleNearest", "scale %d for input %s", s, FormatShape(x.shape))
	}
	ws := w * s // width of an output row
	out := Zeros(n, c, h*s, ws)
	for p := 0; p < n*c; p++ {
		img := x.data[p*h*w : (p+1)*h*w]
		up := out.data[p*h*w*s*s : (p+1)*h*w*s*s]
		for y := 0; y < h; y++ {
			// Build the first of the s output rows of input row y ...
			first := up[y*s*ws : (y*s+1)*ws]
			for col, v := range img[y*w : (y+1)*w] {
				block := first[col*s : (col+1)*s]
				for k := range block {
					block[k] = v
				}
			}
			// ... and copy it into the other s−1.
			for k := 1; k < s; k++ {
				copy(up[(y*s+k)*ws:(y*s+k+1)*ws], first)
			}
		}
	}
	return out
}

// SumPool2D sums non-overlapping s×s blocks of x (N,C,H,W), giving
// (N, C, H/s, W/s): y[n, c, oy, ox] = Σ_{dy,dx < s} x[n, c, oy·s + dy, ox·s + dx].
// It is the adjoint of UpsampleNearest with the same s, and vice versa.
//
// It panics with ErrShape if x is not 4-D or H or W is not divisible by s,
// and with ErrArgument if s < 1.
func SumPool2D(x *Tensor, s int) *Tensor { return sumPool("SumPool2D", x, s) }

// AvgPool2D averages non-overlapping s×s blocks of x (N,C,H,W), giving
// (N, C, H/s, W/s): AvgPool2D(x, s) = SumPool2D(x, s) / s². Its adjoint is
// UpsampleNearest(·, s) / s². It panics like SumPool2D.
func AvgPool2D(x *Tensor, s int) *Tensor {
	out := sumPool("AvgPool2D", x, s)
	area := float64(s * s)
	for i := range out.data {
		out.data[i] /= area
	}
	return out
}

// sumPool is SumPool2D with the op name for its panics.
func sumPool(op string, x *Tensor, s int) *Tensor {
	n, c, h, w := imageDims(op, x)
	if s < 1 {
		panicf(ErrArgument, op, "block size %d for input %s", s, FormatShape(x.shape))
	}
	if h%s != 0 || w%s != 0 {
		panicf(ErrShape, op, "input %s is not divisible into %dx%d blocks", FormatShape(x.shape), s, s)
	}
	oh, ow := h/s, w/s
	out := Zeros(n, c, oh, ow)
	for p := 0; p < n*c; p++ {
		img := x.data[p*h*w : (p+1)*h*w]
		pooled := out.data[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			dst := pooled[oy*ow : (oy+1)*ow]
			// Add the block's s input rows one after the other.
			for y := oy * s; y < (oy+1)*s; y++ {
				row := img[y*w : (y+1)*w]
				for ox := range dst {
					for _, v := range row[ox*s : (ox+1)*s] {
						dst[ox] += v
					}
				}
			}
		}
	}
	return out
}

// ---- Convolution as one matrix product ----
//
// Conv2D, its adjoint in x (ConvTranspose2D) and its adjoint in w
// (Conv2DWeightGrad) are each one matrix product over the whole batch:
//
//	X̂  (C·KH·KW, N·OH·OW)   the windows of all N images side by side:
//	                         column n·OH·OW + oy·OW + ox holds window (oy, ox) of image n
//	Ŷ  (O, N·OH·OW)          the output's channels, the images side by side
//
//	Conv2D            Ŷ = W · X̂               (O×CKK)·(CKK×N·P)
//	ConvTranspose2D   D = Wᵀ · Ŷ, then D is folded into the image as Col2Im does
//	Conv2DWeightGrad  W = Ŷ · X̂ᵀ              k = N·OH·OW
//
// with W the (O, C, KH, KW) kernel flattened to (O, C·KH·KW). Laying the
// images side by side (rather than one product per image, as Im2Col's
// layout gives) makes every product large: a DCGAN layer on 7×7 outputs
// has 49 columns per image but 3136 for a batch of 64, so the kernel
// works on full tiles, and the weight gradient is one product with
// k = N·OH·OW instead of N products and a sum over the batch. X̂, Ŷ and D
// live in scratch buffers; only the result is allocated.

// convDims are a convolution's sizes: x (N,C,H,W), w (O,C,KH,KW) and
// y (N,O,OH,OW).
type convDims struct {
	n, c, h, w, o, oh, ow int
}

// rows returns C·KH·KW, the rows of X̂.
func (d convDims) rows(g ConvGeom) int { return d.c * g.KH * g.KW }

// cols returns N·OH·OW, the columns of X̂ and Ŷ.
func (d convDims) cols() int { return d.n * d.oh * d.ow }

// checkKernel panics with ErrShape unless w is (O, C, KH, KW) for g and
// the given number of input channels.
func checkKernel(op string, w *Tensor, c int, g ConvGeom, input []int) {
	if len(w.shape) != 4 || w.shape[1] != c || w.shape[2] != g.KH || w.shape[3] != g.KW {
		panicf(ErrShape, op, "weight %s for input %s with %v; want (O,%d,%d,%d)",
			FormatShape(w.shape), FormatShape(input), g, c, g.KH, g.KW)
	}
}

// Conv2D returns the 2-D convolution (a cross-correlation, as in every
// deep-learning library) of x (N,C,H,W) with the kernel w (O,C,KH,KW):
//
//	y[n,o,oy,ox] = Σ_{c,i,j} w[o,c,i,j] · x[n, c, oy·SH − PH + i, ox·SW − PW + j],
//
// reading zeros outside the image; y is (N, O, OH, OW) with (OH, OW) =
// g.OutSize(H, W). Each sum is the chain of fused multiply-adds of
// MatMulT, over (c, i, j) in row-major order, padding terms included. It
// is one product, W (O, C·KH·KW) by the windows of all N images side by
// side (see above).
//
// It panics with ErrShape if x is not 4-D or w is not (O, C, KH, KW), and
// with ErrArgument on a bad geometry (see ConvGeom.OutSize).
func Conv2D(x, w *Tensor, g ConvGeom) *Tensor {
	n, c, h, wd := imageDims("Conv2D", x)
	oh, ow := g.outSize("Conv2D", x.shape)
	checkKernel("Conv2D", w, c, g, x.shape)
	d := convDims{n: n, c: c, h: h, w: wd, o: w.shape[0], oh: oh, ow: ow}
	rows, cols := d.rows(g), d.cols()

	xhat := getConvScratch()
	yhat := getConvScratch()
	defer putConvScratch(xhat)
	defer putConvScratch(yhat)
	windowsInto(xhat.floats(rows*cols), x.data, d, g)
	gemm(false, false, d.o, cols, rows, w.data, rows, xhat.f, cols, yhat.floats(d.o*cols), cols)
	countMultiplyAdds(1, d.o, cols, rows)
	y := newMatMulResult(n, d.o, oh, ow)
	fromChannelMajor(y.data, yhat.f, n, d.o, oh*ow)
	return y
}

// ConvTranspose2D is the adjoint of Conv2D in x: it maps y (N,O,OH,OW) to
// an image x (N, C, h, w) with the kernel w (O,C,KH,KW), every output
// pixel spreading its kernel-weighted value back over the window it was
// computed from:
//
//	x[n, c, oy·SH − PH + i, ox·SW − PW + j] += Σ_o w[o,c,i,j] · y[n,o,oy,ox],
//
// dropping what lands in the padding. So ⟨Conv2D(x, w), y⟩ =
// ⟨x, ConvTranspose2D(y, w)⟩; it is Conv2D's gradient with respect to x,
// and the forward pass of a transposed convolution (a DCGAN generator's
// upsampling layer). Each Σ_o is a chain of fused multiply-adds (the
// product Wᵀ·Ŷ); the windows' contributions to a pixel are then added as
// Col2Im adds them. h and w must be an input size that g maps to
// (OH, OW).
//
// It panics with ErrShape if y is not 4-D, w is not (O, C, KH, KW) with
// y's O, or g.OutSize(h, w) is not (OH, OW), and with ErrArgument on a bad
// geometry.
func ConvTranspose2D(y, w *Tensor, g ConvGeom, h, wd int) *Tensor {
	n, o, oh, ow := imageDims("ConvTranspose2D", y)
	if len(w.shape) != 4 || w.shape[0] != o || w.shape[2] != g.KH || w.shape[3] != g.KW {
		panicf(ErrShape, "ConvTranspose2D", "weight %s for input %s with %v; want (%d,C,%d,%d)",
			FormatShape(w.shape), FormatShape(y.shape), g, o, g.KH, g.KW)
	}
	c := w.shape[1]
	image := []int{n, c, h, wd}
	if eh, ew := g.outSize("ConvTranspose2D", image); eh != oh || ew != ow {
		panicf(ErrShape, "ConvTranspose2D", "input %s for image %s with %v; want (%d,%d,%d,%d)",
			FormatShape(y.shape), FormatShape(image), g, n, o, eh, ew)
	}
	d := convDims{n: n, c: c, h: h, w: wd, o: o, oh: oh, ow: ow}
	rows, cols := d.rows(g), d.cols()

	yhat := getConvScratch()
	dcols := getConvScratch()
	defer putConvScratch(yhat)
	defer putConvScratch(dcols)
	toChannelMajor(yhat.floats(o*cols), y.data, n, o, oh*ow)
	gemm(true, false, rows, cols, o, w.data, rows, yhat.f, cols, dcols.floats(rows*cols), cols)
	countMultiplyAdds(1, rows, cols, o)
	x := Zeros(n, c, h, wd) // the windows add into it
	foldWindows(x.data, dcols.f, d, g)
	return x
}

// Conv2DWeightGrad is the adjoint of Conv2D in w: for x (N,C,H,W) and y
// (N,O,OH,OW) it returns (O, C, KH, KW)
//
//	dw[o,c,i,j] = Σ_{n,oy,ox} y[n,o,oy,ox] · x[n, c, oy·SH − PH + i, ox·SW − PW + j],
//
// so ⟨Conv2D(x, w), y⟩ = ⟨w, Conv2DWeightGrad(x, y)⟩: with y = ∂L/∂(conv
// output) it is the gradient of L with respect to the kernel. Each sum is
// a chain of fused multiply-adds over (n, oy, ox) in row-major order: one
// product with k = N·OH·OW.
//
// It panics with ErrShape if x or y is not 4-D, their batch sizes differ,
// or y is not g's output size for x, and with ErrArgument on a bad
// geometry.
func Conv2DWeightGrad(x, y *Tensor, g ConvGeom) *Tensor {
	n, c, h, wd := imageDims("Conv2DWeightGrad", x)
	oh, ow := g.outSize("Conv2DWeightGrad", x.shape)
	if len(y.shape) != 4 || y.shape[0] != n || y.shape[2] != oh || y.shape[3] != ow {
		panicf(ErrShape, "Conv2DWeightGrad", "output %s for input %s with %v; want (%d,O,%d,%d)",
			FormatShape(y.shape), FormatShape(x.shape), g, n, oh, ow)
	}
	d := convDims{n: n, c: c, h: h, w: wd, o: y.shape[1], oh: oh, ow: ow}
	rows, cols := d.rows(g), d.cols()

	xhat := getConvScratch()
	yhat := getConvScratch()
	defer putConvScratch(xhat)
	defer putConvScratch(yhat)
	windowsInto(xhat.floats(rows*cols), x.data, d, g)
	toChannelMajor(yhat.floats(d.o*cols), y.data, n, d.o, oh*ow)
	dw := newMatMulResult(d.o, c, g.KH, g.KW)
	gemm(false, true, d.o, rows, cols, yhat.f, cols, xhat.f, cols, dw.data, rows)
	countMultiplyAdds(1, d.o, rows, cols)
	return dw
}

// convScratch keeps the scratch buffers of the convolutions (X̂, Ŷ and
// D: up to 25 MB each for a DCGAN layer) across calls. A sync.Pool would
// drop them at every garbage collection, and a training step that
// allocates hundreds of MB collects often: reallocating and faulting in
// 25 MB then cost more than filling it. At most convScratchKept buffers
// are kept (two per call, and one spare).
var convScratch struct {
	sync.Mutex
	free []*scratch
}

const convScratchKept = 3

// getConvScratch returns a scratch buffer, reused if one is free.
func getConvScratch() *scratch {
	convScratch.Lock()
	defer convScratch.Unlock()
	if n := len(convScratch.free); n > 0 {
		s := convScratch.free[n-1]
		convScratch.free = convScratch.free[:n-1]
		return s
	}
	return new(scratch)
}

// putConvScratch returns a buffer from getConvScratch for reuse, or lets
// it go if enough are kept.
func putConvScratch(s *scratch) {
	convScratch.Lock()
	defer convScratch.Unlock()
	if len(convScratch.free) < convScratchKept {
		convScratch.free = append(convScratch.free, s)
	}
}

// convSplitValues is the amount of data movement (values written) from
// which the loops below are shared over goroutines, one image per item.
const convSplitValues = 1 << 16

// forImages calls f(b) for every image b < n, shared with helper
// goroutines if values (the data the loop moves) is large.
func forImages(n, values int, f func(b int)) {
	if values >= convSplitValues && n > 1 && helpersWanted() > 0 {
		shareItems(n, f)
		return
	}
	for b := range n {
		f(b)
	}
}

// pointwise reports a 1×1 kernel with stride 1 and no padding, whose
// windows are the pixels themselves.
func (g ConvGeom) pointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0
}

// padded describes one image channel copied into a zero border, so that
// every window of the convolution lies inside it: pixel (y, x) sits at
// (y + PH)·w + x + PW, and window position (oy, ox) of kernel tap (i, j)
// reads (oy·SH + i)·w + ox·SW + j. off[oy·OW + ox] = oy·SH·w + ox·SW is
// that position's offset from the tap's corner i·w + j.
type padded struct {
	h, w int
	off  []int
}

func newPadded(d convDims, g ConvGeom) padded {
	p := padded{
		h: max(d.h+2*g.PH, (d.oh-1)*g.SH+g.KH),
		w: max(d.w+2*g.PW, (d.ow-1)*g.SW+g.KW),
	}
	p.off = make([]int, d.oh*d.ow)
	for oy := range d.oh {
		for ox := range d.ow {
			p.off[oy*d.ow+ox] = oy*g.SH*p.w + ox*g.SW
		}
	}
	return p
}

// interior returns the row of the padded buffer buf that holds image row y.
func (p padded) interior(buf []float64, y int, d convDims, g ConvGeom) []float64 {
	at := (y+g.PH)*p.w + g.PW
	return buf[at : at+d.w]
}

// windowsInto writes X̂ for the images x (N,C,H,W) into xhat (C·KH·KW
// rows of N·OH·OW): xhat[(c·KH + i)·KW + j, b·OH·OW + oy·OW + ox] =
// x[b, c, oy·SH − PH + i, ox·SW − PW + j], and 0 in the padding. Every
// entry is written. Each image channel is first copied into a zeroed
// border (padded), so that each row of X̂ is one gather through a table
// of offsets, with no test for the padding and no short runs.
func windowsInto(xhat, x []float64, d convDims, g ConvGeom) {
	plane, cols := d.oh*d.ow, d.cols()
	if g.pointwise() { // X̂ is x with channels and images swapped
		toChannelMajor(xhat, x, d.n, d.c, plane)
		return
	}
	pad := newPadded(d, g)
	forImages(d.n, d.rows(g)*plane*d.n, func(b int) {
		buf := make([]float64, pad.h*pad.w) // the border stays 0
		for ch := range d.c {
			img := x[(b*d.c+ch)*d.h*d.w : (b*d.c+ch+1)*d.h*d.w]
			for y := range d.h { // rows are short: a loop, not a call to copy
				dst, src := pad.interior(buf, y, d, g), img[y*d.w:(y+1)*d.w]
				for k, v := range src[:len(dst)] {
					dst[k] = v
				}
			}
			for i := range g.KH {
				for j := range g.KW {
					r := (ch*g.KH+i)*g.KW + j
					dst := xhat[r*cols+b*plane : r*cols+(b+1)*plane] // window row r of image b
					dst = dst[:len(pad.off)]
					src := buf[i*pad.w+j:]
					for q, o := range pad.off {
						dst[q] = src[o]
					}
				}
			}
		}
	})
}

// foldWindows adds the window entries dcols (C·KH·KW rows of N·OH·OW, laid
// out as X̂) into the images x (N,C,H,W), each onto the pixel X̂ reads it
// from, dropping those in the padding: the adjoint of windowsInto. A
// pixel's contributions are summed in the order of (i, j, oy, ox), from 0,
// in a padded buffer (whose border collects the dropped ones), and the sum
// is then added to the pixel.
func foldWindows(x, dcols []float64, d convDims, g ConvGeom) {
	plane, cols := d.oh*d.ow, d.cols()
	if g.pointwise() { // each pixel has one entry: add it
		for b := range d.n {
			for ch := range d.c {
				img := x[(b*d.c+ch)*plane : (b*d.c+ch+1)*plane]
				for k, v := range dcols[ch*cols+b*plane : ch*cols+(b+1)*plane][:len(img)] {
					img[k] += v
				}
			}
		}
		return
	}
	pad := newPadded(d, g)
	forImages(d.n, d.rows(g)*plane*d.n, func(b int) {
		buf := make([]float64, pad.h*pad.w)
		for ch := range d.c {
			if ch > 0 {
				clear(buf)
			}
			for i := range g.KH {
				for j := range g.KW {
					r := (ch*g.KH+i)*g.KW + j
					src := dcols[r*cols+b*plane : r*cols+(b+1)*plane]
					src = src[:len(pad.off)]
					dst := buf[i*pad.w+j:]
					for q, o := range pad.off {
						dst[o] += src[q]
					}
				}
			}
			img := x[(b*d.c+ch)*d.h*d.w : (b*d.c+ch+1)*d.h*d.w]
			for y := range d.h {
				row, sum := img[y*d.w:(y+1)*d.w], pad.interior(buf, y, d, g)
				for k, v := range sum[:len(row)] {
					row[k] += v
				}
			}
		}
	})
}

// toChannelMajor copies y (N, O, P) into yhat (O, N·P): the images'
// channel o side by side in row o.
func toChannelMajor(yhat, y []float64, n, o, p int) {
	for b := range n {
		for ch := range o {
			copy(yhat[ch*n*p+b*p:ch*n*p+(b+1)*p], y[(b*o+ch)*p:(b*o+ch+1)*p])
		}
	}
}

// fromChannelMajor is the inverse of toChannelMajor: y (N, O, P) from
// yhat (O, N·P).
func fromChannelMajor(y, yhat []float64, n, o, p int) {
	for b := range n {
		for ch := range o {
			copy(y[(b*o+ch)*p:(b*o+ch+1)*p], yhat[ch*n*p+b*p:ch*n*p+(b+1)*p])
		}
	}
}
