package layers

import (
	"slices"
	"strconv"

	"ganbook/tensor"
)

// ---- Counting work -----------------------------------------------------------------

// MACCounter is implemented by modules that MACs does not know (a
// chapter's own module, say): given the shape of an input, a module
// returns the multiply-accumulates of its forward pass and the shape of
// its output. It should panic with tensor.ErrShape for an input it cannot
// take.
type MACCounter interface {
	MACs(in []int) (macs int64, out []int)
}

// MACs returns the multiply-accumulates of one forward pass of m on an
// input of shape in (the batch dimension included), and the shape of the
// output. A multiply-accumulate is one a·b added to a sum: the unit of
// the matrix products, which take nearly all the time of a training step.
// Counting them gives a measure of work that, unlike a stopwatch, is the
// same on every machine and every run, so that two ways of training can
// be given the same budget. Element-wise work (activations, additions,
// normalisations, the softmax) is not counted.
//
//	Linear            (N, in) → (N, out)                  N·in·out
//	Conv2D            (N, C, H, W) → (N, O, OH, OW)       N·O·OH·OW·C·K²
//	ConvTranspose2D   (N, C, H, W) → (N, O, OH, OW)       N·C·H·W·O·K²
//	SelfAttention     f, g, h, then N·P²·C̄ (scores) + N·P²·C (values)
//	SpectralNorm      its layer, plus 2·h·w per power iteration and h·w for σ
//	Maxout            its Linear
//	MinibatchDiscrimination  N·A·B·K, plus N²·B·K for the distances
//	Sequential        the sum over its modules, each given the previous output
//
// The activations, BatchNorm, LayerNorm and VirtualBatchNorm count 0 and
// keep the shape; Flatten, Reshape, Upsample and MinibatchStdDev count 0
// and change it. Any other module must implement MACCounter. A backward
// pass costs about twice its forward pass (the gradients of the input and
// of the weights are a product each).
//
// MACs panics with tensor.ErrArgument for a module it does not know that
// does not implement MACCounter, and with tensor.ErrShape for an input
// shape the module cannot take.
func MACs(m Module, in []int) (macs int64, out []int) {
	in = slices.Clone(in)
	bad := func(want string) {
		tensor.Panicf(tensor.ErrShape, "MACs", "%T on input %s: want %s", m, tensor.FormatShape(in), want)
	}
	switch l := m.(type) {
	case MACCounter:
		return l.MACs(in)
	case *Sequential:
		shape := in
		for _, sub := range l.Layers {
			var k int64
			k, shape = MACs(sub, shape)
			macs += k
		}
		return macs, shape
	case *Linear:
		ws := l.Weight.Value.Shape() // (out, in)
		if len(in) != 2 || in[1] != ws[1] {
			bad("(N," + strconv.Itoa(ws[1]) + ")")
		}
		return int64(in[0]) * int64(ws[0]) * int64(ws[1]), []int{in[0], ws[0]}
	case *Maxout:
		k, lin := MACs(l.Linear, in)
		return k, []int{lin[0], lin[1] / l.Pieces}
	case *Conv2D:
		ws := l.Weight.Value.Shape() // (O, C, K, K)
		if len(in) != 4 || in[1] != ws[1] || in[2]+2*l.Geom.PH < l.Geom.KH || in[3]+2*l.Geom.PW < l.Geom.KW {
			bad("(N," + strconv.Itoa(ws[1]) + ",H,W) at least as large as the kernel")
		}
		oh, ow := l.Geom.OutSize(in[2], in[3])
		return int64(in[0]) * int64(ws[0]) * int64(oh*ow) * int64(ws[1]*ws[2]*ws[3]), []int{in[0], ws[0], oh, ow}
	case *ConvTranspose2D:
		ws := l.Weight.Value.Shape() // (C, O, K, K)
		g := l.Geom
		oh, ow := (in[len(in)-2]-1)*g.SH-2*g.PH+g.KH, (in[len(in)-1]-1)*g.SW-2*g.PW+g.KW
		if len(in) != 4 || in[1] != ws[0] || oh < 1 || ow < 1 {
			bad("(N," + strconv.Itoa(ws[0]) + ",H,W)")
		}
		return int64(in[0]) * int64(ws[0]) * int64(in[2]*in[3]) * int64(ws[1]*ws[2]*ws[3]), []int{in[0], ws[1], oh, ow}
	case *SpectralNorm:
		h, w := matrixSize(l.Layer, weightOf("MACs", l.Layer).Value)
		k, shape := MACs(l.Layer, in)
		return k + int64(2*l.PowerIterations+1)*int64(h)*int64(w), shape
	case *SelfAttention:
		if len(in) != 4 || in[1] != l.Channels {
			bad("(N," + strconv.Itoa(l.Channels) + ",H,W)")
		}
		kf, fShape := MACs(l.F, in)
		kg, _ := MACs(l.G, in)
		kh, _ := MACs(l.H, in)
		n, c, p := int64(in[0]), int64(in[1]), int64(in[2]*in[3])
		reduced := int64(fShape[1])
		return kf + kg + kh + n*p*p*reduced + n*p*p*c, in
	case *MinibatchDiscrimination:
		ts := l.Weight.Value.Shape() // (A, B, K)
		if len(in) != 2 || in[1] != ts[0] {
			bad("(N," + strconv.Itoa(ts[0]) + ")")
		}
		n, a, b, k := int64(in[0]), int64(ts[0]), int64(ts[1]), int64(ts[2])
		return n*a*b*k + n*n*b*k, []int{in[0], in[1] + ts[1]}
	case *MinibatchStdDev:
		if len(in) != 2 && len(in) != 4 {
			bad("(N,F) or (N,C,H,W)")
		}
		in[1]++
		return 0, in
	case Flatten, *Flatten:
		if len(in) < 1 {
			bad("(N,…)")
		}
		rest := 1
		for _, d := range in[1:] {
			rest *= d
		}
		return 0, []int{in[0], rest}
	case *Reshape:
		return 0, reshaped(in, l.Shape, bad)
	case Reshape:
		return 0, reshaped(in, l.Shape, bad)
	case *Upsample:
		return 0, upsampled(in, l.Scale, bad)
	case Upsample:
		return 0, upsampled(in, l.Scale, bad)
	case ReLU, *ReLU, LeakyReLU, *LeakyReLU, Tanh, *Tanh, Sigmoid, *Sigmoid,
		*BatchNorm, *LayerNorm, *VirtualBatchNorm:
		return 0, in
	}
	tensor.Panicf(tensor.ErrArgument, "MACs", "%T: a module MACs does not know; it must implement MACCounter", m)
	return 0, nil
}

func reshaped(in, shape []int, bad func(string)) []int {
	per, have := 1, 1
	for _, d := range shape {
		per *= d
	}
	if len(in) < 1 {
		bad("(N,…)")
	}
	for _, d := range in[1:] {
		have *= d
	}
	if per != have {
		bad("(N,…) with " + strconv.Itoa(per) + " values per sample")
	}
	return append([]int{in[0]}, shape...)
}

func upsampled(in []int, s int, bad func(string)) []int {
	if len(in) != 4 {
		bad("(N,C,H,W)")
	}
	return []int{in[0], in[1], in[2] * s, in[3] * s}
}
