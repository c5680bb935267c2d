package layers

// Shape legend for this file:
//
//	N        batch size
//	C, O     input and output channels
//	H, W     input height and width; OH, OW output height and width
//	K        kernel side; S stride; P zero padding on each side
//
// A convolution is data movement plus one matrix product (see
// tensor.Conv2D): the K×K windows of all N images are laid out as columns,
// and the flattened kernel multiplies them. A transposed convolution runs
// the same two steps backwards (tensor.ConvTranspose2D): the kernel's
// transpose makes the columns, which are folded into the larger image.

import (
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Conv2D ----------------------------------------------------------------------

// Conv2D is a 2-D convolution (strictly, a cross-correlation, as in every
// deep-learning library) with a square kernel:
//
//	y[n,o,i,j] = b[o] + Σ_{c,u,v} W[o,c,u,v] · x[n, c, i·S − P + u, j·S − P + v],
//
// reading zeros outside the image. x (N,C,H,W) → y (N,O,OH,OW) with
// OH = ⌊(H + 2P − K)/S⌋ + 1 (and OW alike). Parameters: "weight" W
// (O, C, K, K) and, unless built WithoutBias, "bias" b (O).
type Conv2D struct {
	Weight *autograd.Var   // W, (O, C, K, K)
	Bias   *autograd.Var   // b, (O); nil without a bias
	Geom   tensor.ConvGeom // kernel, stride and padding
}

// NewConv2D returns a convolution from in to out channels with a
// kernel×kernel window moved stride pixels at a time over the input padded
// with padding zeros on every side. By default W and b are drawn uniformly
// from ±1/√(in·kernel²), PyTorch's default; WithInit chooses another scheme
// for W (and zeros for b), WithoutBias drops b. It panics with
// tensor.ErrArgument if in, out, kernel or stride is below 1, padding is
// negative, or r is nil.
func NewConv2D(r *rand.Rand, in, out, kernel, stride, padding int, opts ...Option) *Conv2D {
	geom := newGeom("NewConv2D", in, out, kernel, stride, padding)
	w, b := newWeightAndBias("NewConv2D", r, opts, []int{out, in, kernel, kernel}, out)
	return &Conv2D{Weight: w, Bias: b, Geom: geom}
}

// Forward convolves x (N,C,H,W) into (N,O,OH,OW). It panics with
// tensor.ErrShape if x is not 4-D with C channels, or is smaller than the
// kernel even with its padding.
func (l *Conv2D) Forward(x *autograd.Var) *autograd.Var {
	ws := l.Weight.Value.Shape()
	xs := x.Value.Shape()
	if len(xs) != 4 || xs[1] != ws[1] || xs[2]+2*l.Geom.PH < l.Geom.KH || xs[3]+2*l.Geom.PW < l.Geom.KW {
		panicf(tensor.ErrShape, "Conv2D", "input %s for weight %s with %v", tensor.FormatShape(xs), tensor.FormatShape(ws), l.Geom)
	}
	y := autograd.Conv2D(x, l.Weight, l.Geom) // (N, O, OH, OW)
	return addChannelBias(y, l.Bias)
}

// Parameters returns "weight" and, if present, "bias".
func (l *Conv2D) Parameters() []Parameter { return weightAndBias(l.Weight, l.Bias) }

// ---- ConvTranspose2D --------------------------------------------------------------

// ConvTranspose2D is the transposed convolution (sometimes called
// "deconvolution") that DCGAN generators use to enlarge feature maps:
// every input pixel adds a copy of the kernel, scaled by its value, into
// the output, at a position that moves S pixels for every input pixel,
//
//	y[n, o, i·S − P + u, j·S − P + v] += W[c,o,u,v] · x[n,c,i,j]   (summed over c, i, j, u, v),
//
// then b[o] is added. Output pixels that fall in the P-pixel border are
// dropped. x (N,C,H,W) → y (N,O,OH,OW) with OH = (H − 1)·S − 2P + K (and
// OW alike); PyTorch's output_padding is not supported. It is the adjoint
// (the transpose) of Conv2D with the same weight tensor, which maps O
// channels back to C. Parameters: "weight" W (C, O, K, K), ordered as in
// PyTorch, and, unless built WithoutBias, "bias" b (O).
type ConvTranspose2D struct {
	Weight *autograd.Var   // W, (C, O, K, K)
	Bias   *autograd.Var   // b, (O); nil without a bias
	Geom   tensor.ConvGeom // kernel, stride and padding of the convolution it transposes
}

// NewConvTranspose2D returns a transposed convolution from in to out
// channels. By default W and b are drawn uniformly from ±1/√(out·kernel²):
// PyTorch's default, where fan_in is read from the weight's dimension 1,
// which here is out. WithInit chooses another scheme for W (and zeros for
// b), WithoutBias drops b. It panics with tensor.ErrArgument if in, out,
// kernel or stride is below 1, padding is negative, or r is nil.
func NewConvTranspose2D(r *rand.Rand, in, out, kernel, stride, padding int, opts ...Option) *ConvTranspose2D {
	geom := newGeom("NewConvTranspose2D", in, out, kernel, stride, padding)
	w, b := newWeightAndBias("NewConvTranspose2D", r, opts, []int{in, out, kernel, kernel}, out)
	return &ConvTranspose2D{Weight: w, Bias: b, Geom: geom}
}

// Forward maps x (N,C,H,W) to (N,O,OH,OW). It panics with tensor.ErrShape
// if x is not 4-D with C channels, or if the output would be empty
// (padding too large for the kernel).
func (l *ConvTranspose2D) Forward(x *autograd.Var) *autograd.Var {
	g := l.Geom
	ws := l.Weight.Value.Shape()
	xs := x.Value.Shape()
	if len(xs) != 4 || xs[1] != ws[0] {
		panicf(tensor.ErrShape, "ConvTranspose2D", "input %s for weight %s", tensor.FormatShape(xs), tensor.FormatShape(ws))
	}
	h, w := xs[2], xs[3]
	oh, ow := (h-1)*g.SH-2*g.PH+g.KH, (w-1)*g.SW-2*g.PW+g.KW
	if oh < 1 || ow < 1 {
		panicf(tensor.ErrShape, "ConvTranspose2D", "input %s with %v gives an empty output", tensor.FormatShape(xs), g)
	}
	// W (C, O, K, K) is the kernel of the convolution from O channels to C
	// that this layer transposes.
	y := autograd.ConvTranspose2D(x, l.Weight, g, oh, ow) // (N, O, OH, OW)
	return addChannelBias(y, l.Bias)
}

// Parameters returns "weight" and, if present, "bias".
func (l *ConvTranspose2D) Parameters() []Parameter { return weightAndBias(l.Weight, l.Bias) }

// ---- Helpers ------------------------------------------------------------------------

// newGeom validates a constructor's sizes and returns the square geometry.
func newGeom(op string, in, out, kernel, stride, padding int) tensor.ConvGeom {
	requirePositive(op, "in", in)
	requirePositive(op, "out", out)
	requirePositive(op, "kernel", kernel)
	requirePositive(op, "stride", stride)
	if padding < 0 {
		panicf(tensor.ErrArgument, op, "padding %d: must not be negative", padding)
	}
	return tensor.ConvGeom{KH: kernel, KW: kernel, SH: stride, SW: stride, PH: padding, PW: padding}
}

// addChannelBias adds b[o] to every pixel of channel o of y (N,O,OH,OW);
// a nil b leaves y as it is.
func addChannelBias(y, b *autograd.Var) *autograd.Var {
	if b == nil {
		return y
	}
	return autograd.AddChannels(y, b)
}
