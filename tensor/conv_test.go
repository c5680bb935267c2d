package tensor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// convCase is an input shape (N,C,H,W) and a window geometry.
type convCase struct {
	name       string
	n, c, h, w int
	g          ConvGeom
}

// convCases covers strides 1 and 2, paddings 0, 1 and 2, non-square
// kernels, strides and paddings, the DCGAN 4/2/1 window and a 1×1 kernel.
var convCases = []convCase{
	{"3x3 stride 1 pad 0", 2, 3, 5, 6, ConvGeom{KH: 3, KW: 3, SH: 1, SW: 1}},
	{"3x3 stride 1 pad 1", 2, 2, 5, 5, ConvGeom{KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}},
	{"3x3 stride 2 pad 1", 1, 2, 7, 6, ConvGeom{KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}},
	{"5x5 stride 1 pad 2", 2, 1, 6, 7, ConvGeom{KH: 5, KW: 5, SH: 1, SW: 1, PH: 2, PW: 2}},
	{"4x4 stride 2 pad 1 (DCGAN)", 3, 2, 8, 8, ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}},
	{"2x3 stride 1 pad 0", 1, 2, 4, 5, ConvGeom{KH: 2, KW: 3, SH: 1, SW: 1}},
	{"3x2 stride 2x1 pad 2x0", 2, 2, 6, 5, ConvGeom{KH: 3, KW: 2, SH: 2, SW: 1, PH: 2, PW: 0}},
	{"1x3 stride 1x2 pad 0x1", 1, 3, 3, 8, ConvGeom{KH: 1, KW: 3, SH: 1, SW: 2, PH: 0, PW: 1}},
	{"1x1 stride 1", 2, 4, 3, 5, ConvGeom{KH: 1, KW: 1, SH: 1, SW: 1}},
	{"1x1 stride 2", 1, 2, 5, 5, ConvGeom{KH: 1, KW: 1, SH: 2, SW: 2}},
	{"2x2 stride 3 pad 2 (windows in padding only)", 1, 1, 4, 4, ConvGeom{KH: 2, KW: 2, SH: 3, SW: 3, PH: 2, PW: 2}},
}

// naiveIm2Col follows the definition of Im2Col one element at a time.
func naiveIm2Col(x *Tensor, g ConvGeom) *Tensor {
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := g.OutSize(h, w)
	cols := Zeros(n, c*g.KH*g.KW, oh*ow)
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for i := 0; i < g.KH; i++ {
				for j := 0; j < g.KW; j++ {
					r := (ch*g.KH+i)*g.KW + j
					for oy := 0; oy < oh; oy++ {
						for ox := 0; ox < ow; ox++ {
							y, xx := oy*g.SH-g.PH+i, ox*g.SW-g.PW+j
							if y >= 0 && y < h && xx >= 0 && xx < w {
								cols.Set(x.At(b, ch, y, xx), b, r, oy*ow+ox)
							}
						}
					}
				}
			}
		}
	}
	return cols
}

// naiveCol2Im follows the definition of Col2Im one element at a time.
func naiveCol2Im(cols *Tensor, n, c, h, w int, g ConvGeom) *Tensor {
	oh, ow := g.OutSize(h, w)
	x := Zeros(n, c, h, w)
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for i := 0; i < g.KH; i++ {
				for j := 0; j < g.KW; j++ {
					r := (ch*g.KH+i)*g.KW + j
					for oy := 0; oy < oh; oy++ {
						for ox := 0; ox < ow; ox++ {
							y, xx := oy*g.SH-g.PH+i, ox*g.SW-g.PW+j
							if y >= 0 && y < h && xx >= 0 && xx < w {
								x.Set(x.At(b, ch, y, xx)+cols.At(b, r, oy*ow+ox), b, ch, y, xx)
							}
						}
					}
				}
			}
		}
	}
	return x
}

// convDot is the inner product Σ a_i·b_i of two tensors' values.
func convDot(a, b *Tensor) float64 {
	sum := 0.0
	for i := range a.data {
		sum += a.data[i] * b.data[i]
	}
	return sum
}

// convPanic runs f and returns the error it panicked with, or nil.
func convPanic(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var ok bool
			if err, ok = r.(error); !ok {
				err = fmt.Errorf("panic with a non-error value: %v", r)
			}
		}
	}()
	f()
	return nil
}

// panicCase is a call that must panic with a given sentinel and message.
type panicCase struct {
	name string
	call func()
	kind error
	msg  string
}

func runPanicCases(t *testing.T, cases []panicCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := convPanic(tc.call)
			require.Error(t, err, "expected a panic")
			assert.True(t, errors.Is(err, tc.kind), "errors.Is(%v, %v)", err, tc.kind)
			assert.EqualError(t, err, tc.msg)
		})
	}
}

func TestConvGeomOutSize(t *testing.T) {
	// Counted by hand: the window's first row sits at −PH, −PH + SH, ... and
	// must end (start + KH − 1) at or before h − 1 + PH.
	cases := []struct {
		name   string
		h, w   int
		g      ConvGeom
		oh, ow int
	}{
		{"3x3 on 5x5", 5, 5, ConvGeom{KH: 3, KW: 3, SH: 1, SW: 1}, 3, 3},
		{"same padding", 5, 5, ConvGeom{KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}, 5, 5},
		{"DCGAN 28 to 14", 28, 28, ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}, 14, 14},
		{"DCGAN 14 to 7", 14, 14, ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}, 7, 7},
		{"stride leaves a remainder", 7, 8, ConvGeom{KH: 3, KW: 2, SH: 2, SW: 3}, 3, 3},
		{"kernel equals input", 4, 3, ConvGeom{KH: 4, KW: 3, SH: 5, SW: 5}, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oh, ow := tc.g.OutSize(tc.h, tc.w)
			assert.Equal(t, tc.oh, oh, "height")
			assert.Equal(t, tc.ow, ow, "width")
		})
	}
}

func TestIm2ColHandExample(t *testing.T) {
	// x = [[1 2 3] [4 5 6] [7 8 9]], 2×2 windows at stride 1 give a 2×2
	// output. Row (i,j) lists x[oy+i][ox+j] for (oy,ox) = (0,0),(0,1),(1,0),(1,1).
	x := New([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	cols := Im2Col(x, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1})
	require.Equal(t, []int{1, 4, 4}, cols.Shape())
	want := []float64{
		1, 2, 4, 5, // (i,j) = (0,0): top-left of each window
		2, 3, 5, 6, // (0,1)
		4, 5, 7, 8, // (1,0)
		5, 6, 8, 9, // (1,1)
	}
	assert.Equal(t, want, cols.Data())
}

func TestIm2ColHandExamplePadded(t *testing.T) {
	// x = [[1 2] [3 4]] padded by one zero on every side, 2×2 windows at
	// stride 2: the windows are the four 2×2 corners of the 4×4 padded
	// image, and each one holds exactly one pixel of x.
	// Row (i,j) reads padded positions (2·oy + i, 2·ox + j).
	x := New([]float64{1, 2, 3, 4}, 1, 1, 2, 2)
	cols := Im2Col(x, ConvGeom{KH: 2, KW: 2, SH: 2, SW: 2, PH: 1, PW: 1})
	require.Equal(t, []int{1, 4, 4}, cols.Shape())
	want := []float64{
		0, 0, 0, 4, // (0,0): only the bottom-right window reaches x[1][1]
		0, 0, 3, 0, // (0,1)
		0, 2, 0, 0, // (1,0)
		1, 0, 0, 0, // (1,1)
	}
	assert.Equal(t, want, cols.Data())
}

func TestCol2ImCountsWindows(t *testing.T) {
	// Col2Im of all ones counts how many windows cover each pixel: 2×2
	// windows at stride 1 on a 3×3 image cover the corners once, the edge
	// midpoints twice and the centre four times.
	g := ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}
	x := Col2Im(Ones(1, 4, 4), 1, 1, 3, 3, g)
	require.Equal(t, []int{1, 1, 3, 3}, x.Shape())
	assert.Equal(t, []float64{1, 2, 1, 2, 4, 2, 1, 2, 1}, x.Data())
}

func TestIm2ColMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			x := RandN(r, tc.n, tc.c, tc.h, tc.w)
			before := x.Clone()
			got := Im2Col(x, tc.g)
			want := naiveIm2Col(x, tc.g)
			require.Equal(t, want.Shape(), got.Shape())
			// Im2Col only moves values, so they must match exactly.
			assert.Equal(t, want.Data(), got.Data())
			assert.Equal(t, before.Data(), x.Data(), "input modified")
		})
	}
}

func TestCol2ImMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			oh, ow := tc.g.OutSize(tc.h, tc.w)
			cols := RandN(r, tc.n, tc.c*tc.g.KH*tc.g.KW, oh*ow)
			before := cols.Clone()
			got := Col2Im(cols, tc.n, tc.c, tc.h, tc.w, tc.g)
			want := naiveCol2Im(cols, tc.n, tc.c, tc.h, tc.w, tc.g)
			require.Equal(t, want.Shape(), got.Shape())
			require.Len(t, got.Data(), len(want.Data()))
			assert.InDeltaSlice(t, want.Data(), got.Data(), 1e-12)
			assert.Equal(t, before.Data(), cols.Data(), "input modified")
		})
	}
}

func TestIm2ColCol2ImAdjoint(t *testing.T) {
	// ⟨Im2Col(x), y⟩ = ⟨x, Col2Im(y)⟩: both sums add x[p]·y[q] over the
	// same pairs (pixel p read into column entry q), in different orders.
	r := rand.New(rand.NewPCG(3, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			oh, ow := tc.g.OutSize(tc.h, tc.w)
			x := RandN(r, tc.n, tc.c, tc.h, tc.w)
			y := RandN(r, tc.n, tc.c*tc.g.KH*tc.g.KW, oh*ow)
			lhs := convDot(Im2Col(x, tc.g), y)
			rhs := convDot(x, Col2Im(y, tc.n, tc.c, tc.h, tc.w, tc.g))
			assert.InDelta(t, lhs, rhs, 1e-12*math.Max(1, math.Abs(lhs)))
		})
	}
}

func TestIm2ColGivesConvolution(t *testing.T) {
	// The layout promise: the product w(O, C·KH·KW) · cols[n] read as
	// (N, O, OH, OW) is the convolution
	//   y[n,o,oy,ox] = Σ_{c,i,j} w[o,c,i,j] · x[n, c, oy·SH − PH + i, ox·SW − PW + j].
	r := rand.New(rand.NewPCG(4, 0))
	const outChannels = 3
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			oh, ow := g.OutSize(tc.h, tc.w)
			x := RandN(r, tc.n, tc.c, tc.h, tc.w)
			w := RandN(r, outChannels, tc.c, g.KH, g.KW)
			cols := Im2Col(x, g)
			rows, plane := tc.c*g.KH*g.KW, oh*ow
			for b := 0; b < tc.n; b++ {
				for o := 0; o < outChannels; o++ {
					for oy := 0; oy < oh; oy++ {
						for ox := 0; ox < ow; ox++ {
							direct := 0.0
							for ch := 0; ch < tc.c; ch++ {
								for i := 0; i < g.KH; i++ {
									for j := 0; j < g.KW; j++ {
										y, xx := oy*g.SH-g.PH+i, ox*g.SW-g.PW+j
										if y >= 0 && y < tc.h && xx >= 0 && xx < tc.w {
											direct += w.At(o, ch, i, j) * x.At(b, ch, y, xx)
										}
									}
								}
							}
							product := 0.0
							for k := 0; k < rows; k++ {
								product += w.data[o*rows+k] * cols.data[(b*rows+k)*plane+oy*ow+ox]
							}
							assert.InDelta(t, direct, product, 1e-12, "n=%d o=%d oy=%d ox=%d", b, o, oy, ox)
						}
					}
				}
			}
		})
	}
}

func TestUpsampleNearestHandExample(t *testing.T) {
	// Each pixel of [[1 2] [3 4]] becomes a 2×2 block.
	x := New([]float64{1, 2, 3, 4}, 1, 1, 2, 2)
	y := UpsampleNearest(x, 2)
	require.Equal(t, []int{1, 1, 4, 4}, y.Shape())
	assert.Equal(t, []float64{
		1, 1, 2, 2,
		1, 1, 2, 2,
		3, 3, 4, 4,
		3, 3, 4, 4,
	}, y.Data())
}

func TestUpsampleNearestScales(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	for _, s := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("s=%d", s), func(t *testing.T) {
			x := RandN(r, 2, 3, 3, 4)
			y := UpsampleNearest(x, s)
			require.Equal(t, []int{2, 3, 3 * s, 4 * s}, y.Shape())
			for b := 0; b < 2; b++ {
				for c := 0; c < 3; c++ {
					for yy := 0; yy < 3*s; yy++ {
						for xx := 0; xx < 4*s; xx++ {
							require.Equal(t, x.At(b, c, yy/s, xx/s), y.At(b, c, yy, xx), "at (%d,%d,%d,%d)", b, c, yy, xx)
						}
					}
				}
			}
		})
	}
}

func TestSumPoolAndAvgPoolHandExample(t *testing.T) {
	// x = 1..16 as a 4×4 image; the 2×2 blocks are
	// {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}.
	x := Arange(16)
	for i := range x.data {
		x.data[i]++
	}
	x = New(x.data, 1, 1, 4, 4)
	sum := SumPool2D(x, 2)
	require.Equal(t, []int{1, 1, 2, 2}, sum.Shape())
	assert.Equal(t, []float64{14, 22, 46, 54}, sum.Data())
	avg := AvgPool2D(x, 2)
	require.Equal(t, []int{1, 1, 2, 2}, avg.Shape())
	assert.Equal(t, []float64{3.5, 5.5, 11.5, 13.5}, avg.Data())
}

func TestSumPoolNonSquareImage(t *testing.T) {
	// A 3×6 image of ones in 3×3 blocks: two blocks of 9, per channel.
	sum := SumPool2D(Ones(2, 2, 3, 6), 3)
	require.Equal(t, []int{2, 2, 1, 2}, sum.Shape())
	assert.Equal(t, []float64{9, 9, 9, 9, 9, 9, 9, 9}, sum.Data())
	avg := AvgPool2D(Ones(2, 2, 3, 6), 3)
	require.Len(t, avg.Data(), 8)
	assert.InDeltaSlice(t, []float64{1, 1, 1, 1, 1, 1, 1, 1}, avg.Data(), 1e-15)
}

func TestUpsampleSumPoolAdjoint(t *testing.T) {
	// ⟨UpsampleNearest(x), y⟩ = ⟨x, SumPool2D(y)⟩: both add x[p]·y[q] over
	// the pixels q of the block that p is copied into.
	r := rand.New(rand.NewPCG(6, 0))
	for _, s := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("s=%d", s), func(t *testing.T) {
			x := RandN(r, 2, 3, 4, 5)
			y := RandN(r, 2, 3, 4*s, 5*s)
			lhs := convDot(UpsampleNearest(x, s), y)
			rhs := convDot(x, SumPool2D(y, s))
			assert.InDelta(t, lhs, rhs, 1e-12*math.Max(1, math.Abs(lhs)))
		})
	}
}

func TestPoolingDoesNotModifyInput(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	x := RandN(r, 1, 2, 4, 4)
	before := x.Clone()
	UpsampleNearest(x, 2)
	SumPool2D(x, 2)
	AvgPool2D(x, 2)
	assert.Equal(t, before.Data(), x.Data())
}

func TestConvPanics(t *testing.T) {
	x := Zeros(1, 1, 3, 3)
	runPanicCases(t, []panicCase{
		{"Im2Col on a matrix", func() { Im2Col(Zeros(3, 3), ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}) },
			ErrShape, "tensor: Im2Col: shape mismatch input (3,3) is not (N,C,H,W)"},
		{"Im2Col zero kernel", func() { Im2Col(x, ConvGeom{KH: 0, KW: 2, SH: 1, SW: 1}) },
			ErrArgument, "tensor: Im2Col: bad argument kernel 0x2 stride 1x1 padding 0x0 on input (1,1,3,3): kernel and stride must be positive, padding non-negative"},
		{"Im2Col zero stride", func() { Im2Col(x, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 0}) },
			ErrArgument, "tensor: Im2Col: bad argument kernel 2x2 stride 1x0 padding 0x0 on input (1,1,3,3): kernel and stride must be positive, padding non-negative"},
		{"Im2Col negative padding", func() { Im2Col(x, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1, PH: -1}) },
			ErrArgument, "tensor: Im2Col: bad argument kernel 2x2 stride 1x1 padding -1x0 on input (1,1,3,3): kernel and stride must be positive, padding non-negative"},
		{"Im2Col kernel larger than input", func() { Im2Col(x, ConvGeom{KH: 5, KW: 5, SH: 1, SW: 1, PW: 1}) },
			ErrArgument, "tensor: Im2Col: bad argument kernel 5x5 stride 1x1 padding 0x1 on input (1,1,3,3) leaves no output"},
		{"Im2Col empty image", func() { Im2Col(Zeros(1, 1, 0, 3), ConvGeom{KH: 1, KW: 1, SH: 1, SW: 1, PH: 1}) },
			ErrArgument, "tensor: Im2Col: bad argument kernel 1x1 stride 1x1 padding 1x0 on input (1,1,0,3): image height and width must be positive"},
		{"OutSize kernel larger than input", func() { ConvGeom{KH: 4, KW: 1, SH: 2, SW: 1}.OutSize(3, 3) },
			ErrArgument, "tensor: ConvGeom.OutSize: bad argument kernel 4x1 stride 2x1 padding 0x0 on input (3,3) leaves no output"},
		{"Col2Im wrong rows", func() { Col2Im(Zeros(1, 4, 4), 1, 2, 3, 3, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}) },
			ErrShape, "tensor: Col2Im: shape mismatch cols (1,4,4) for image (1,2,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,8,4)"},
		{"Col2Im wrong batch", func() { Col2Im(Zeros(2, 4, 4), 1, 1, 3, 3, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}) },
			ErrShape, "tensor: Col2Im: shape mismatch cols (2,4,4) for image (1,1,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,4,4)"},
		{"Col2Im not 3-D", func() { Col2Im(Zeros(4, 4), 1, 1, 3, 3, ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}) },
			ErrShape, "tensor: Col2Im: shape mismatch cols (4,4) for image (1,1,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,4,4)"},
		{"Col2Im bad geometry", func() { Col2Im(Zeros(1, 4, 4), 1, 1, 3, 3, ConvGeom{KH: 2, KW: 2}) },
			ErrArgument, "tensor: Col2Im: bad argument kernel 2x2 stride 0x0 padding 0x0 on input (1,1,3,3): kernel and stride must be positive, padding non-negative"},
		{"UpsampleNearest scale 0", func() { UpsampleNearest(x, 0) },
			ErrArgument, "tensor: UpsampleNearest: bad argument scale 0 for input (1,1,3,3)"},
		{"UpsampleNearest on 3-D", func() { UpsampleNearest(Zeros(1, 3, 3), 2) },
			ErrShape, "tensor: UpsampleNearest: shape mismatch input (1,3,3) is not (N,C,H,W)"},
		{"SumPool2D not divisible", func() { SumPool2D(Zeros(1, 1, 4, 5), 2) },
			ErrShape, "tensor: SumPool2D: shape mismatch input (1,1,4,5) is not divisible into 2x2 blocks"},
		{"SumPool2D block 0", func() { SumPool2D(x, 0) },
			ErrArgument, "tensor: SumPool2D: bad argument block size 0 for input (1,1,3,3)"},
		{"AvgPool2D not divisible", func() { AvgPool2D(x, 2) },
			ErrShape, "tensor: AvgPool2D: shape mismatch input (1,1,3,3) is not divisible into 2x2 blocks"},
	})
}

// ---- Conv2D, ConvTranspose2D, Conv2DWeightGrad ----

// convAt returns x[b, c, y, xx] of an (N,C,H,W) tensor, or 0 in the padding.
func convAt(x *Tensor, b, c, y, xx int) float64 {
	if y < 0 || y >= x.shape[2] || xx < 0 || xx >= x.shape[3] {
		return 0
	}
	return x.At(b, c, y, xx)
}

// naiveConv2D follows Conv2D's definition: each output is the chain of
// fused multiply-adds over (c, i, j), padding read as 0.
func naiveConv2D(x, w *Tensor, g ConvGeom) *Tensor {
	n, c := x.shape[0], x.shape[1]
	o := w.shape[0]
	oh, ow := g.OutSize(x.shape[2], x.shape[3])
	y := Zeros(n, o, oh, ow)
	for b := range n {
		for oc := range o {
			for oy := range oh {
				for ox := range ow {
					s := 0.0
					for ch := range c {
						for i := range g.KH {
							for j := range g.KW {
								s = math.FMA(w.At(oc, ch, i, j), convAt(x, b, ch, oy*g.SH-g.PH+i, ox*g.SW-g.PW+j), s)
							}
						}
					}
					y.Set(s, b, oc, oy, ox)
				}
			}
		}
	}
	return y
}

// naiveConv2DWeightGrad follows Conv2DWeightGrad's definition: a chain
// over (n, oy, ox).
func naiveConv2DWeightGrad(x, y *Tensor, g ConvGeom) *Tensor {
	n, c := x.shape[0], x.shape[1]
	o, oh, ow := y.shape[1], y.shape[2], y.shape[3]
	dw := Zeros(o, c, g.KH, g.KW)
	for oc := range o {
		for ch := range c {
			for i := range g.KH {
				for j := range g.KW {
					s := 0.0
					for b := range n {
						for oy := range oh {
							for ox := range ow {
								s = math.FMA(y.At(b, oc, oy, ox), convAt(x, b, ch, oy*g.SH-g.PH+i, ox*g.SW-g.PW+j), s)
							}
						}
					}
					dw.Set(s, oc, ch, i, j)
				}
			}
		}
	}
	return dw
}

// naiveConvTranspose2D follows ConvTranspose2D's definition, one term at a
// time (in another order than the product, so compared with a tolerance).
func naiveConvTranspose2D(y, w *Tensor, g ConvGeom, h, wd int) *Tensor {
	n, o, oh, ow := y.shape[0], y.shape[1], y.shape[2], y.shape[3]
	c := w.shape[1]
	x := Zeros(n, c, h, wd)
	for b := range n {
		for ch := range c {
			for oc := range o {
				for oy := range oh {
					for ox := range ow {
						for i := range g.KH {
							for j := range g.KW {
								iy, ix := oy*g.SH-g.PH+i, ox*g.SW-g.PW+j
								if iy >= 0 && iy < h && ix >= 0 && ix < wd {
									x.Set(x.At(b, ch, iy, ix)+w.At(oc, ch, i, j)*y.At(b, oc, oy, ox), b, ch, iy, ix)
								}
							}
						}
					}
				}
			}
		}
	}
	return x
}

func TestConv2DMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	const outChannels = 3
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			oh, ow := tc.g.OutSize(tc.h, tc.w)
			x := matmulRandom(r, tc.n, tc.c, tc.h, tc.w)
			w := matmulRandom(r, outChannels, tc.c, tc.g.KH, tc.g.KW)
			y := matmulRandom(r, tc.n, outChannels, oh, ow)

			got := Conv2D(x, w, tc.g)
			require.Equal(t, []int{tc.n, outChannels, oh, ow}, got.Shape())
			requireSameBits(t, naiveConv2D(x, w, tc.g).data, got.data, "Conv2D")

			dw := Conv2DWeightGrad(x, y, tc.g)
			require.Equal(t, w.Shape(), dw.Shape())
			requireSameBits(t, naiveConv2DWeightGrad(x, y, tc.g).data, dw.data, "Conv2DWeightGrad")

			dx := ConvTranspose2D(y, w, tc.g, tc.h, tc.w)
			require.Equal(t, x.Shape(), dx.Shape())
			assert.InDeltaSlice(t, naiveConvTranspose2D(y, w, tc.g, tc.h, tc.w).data, dx.data, 1e-12, "ConvTranspose2D")

			// The three are one bilinear form read three ways:
			// ⟨Conv2D(x, w), y⟩ = ⟨x, ConvTranspose2D(y, w)⟩ = ⟨w, Conv2DWeightGrad(x, y)⟩.
			form := convDot(got, y)
			assert.InDelta(t, form, convDot(x, dx), 1e-12*math.Max(1, math.Abs(form)))
			assert.InDelta(t, form, convDot(w, dw), 1e-12*math.Max(1, math.Abs(form)))
		})
	}
}

// Conv2D is the product of the flattened kernel with Im2Col's columns,
// image by image, bit for bit: the same chains over (c, i, j).
func TestConv2DIsKernelTimesIm2Col(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			x := matmulRandom(r, tc.n, tc.c, tc.h, tc.w)
			w := matmulRandom(r, 4, tc.c, tc.g.KH, tc.g.KW)
			want := MatMul(Reshape(w, 4, -1), Im2Col(x, tc.g))
			requireSameBits(t, want.data, Conv2D(x, w, tc.g).data)
		})
	}
}

// The convolutions give the same bits with every kernel and GOMAXPROCS 1
// or 2, at a DCGAN discriminator's size (where the products and the
// window loops are split over goroutines).
func TestConvDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	g := ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}
	x := matmulRandom(r, 32, 32, 14, 14)
	w := matmulRandom(r, 64, 32, 4, 4)
	y := matmulRandom(r, 32, 64, 7, 7)
	var want [3][]float64
	for _, kern := range gemmKernels {
		for _, procs := range []int{1, 2} {
			var got [3]*Tensor
			withKernel(kern, func() {
				withProcs(procs, func() {
					got[0] = Conv2D(x, w, g)
					got[1] = ConvTranspose2D(y, w, g, 14, 14)
					got[2] = Conv2DWeightGrad(x, y, g)
				})
			})
			for i := range got {
				if want[i] == nil {
					want[i] = got[i].data
				}
				requireSameBits(t, want[i], got[i].data, fmt.Sprintf("op %d, %s, GOMAXPROCS %d", i, kern.name, procs))
			}
		}
	}
	withProcs(2, func() {
		if physicalCores() == 1 {
			return // hyperthreads of one core: nothing is split
		}
		assert.True(t, worthSplitting(64, 32*7*7, 32*16), "the products are not split")
		assert.GreaterOrEqual(t, 32*32*16*7*7, convSplitValues, "the window loops are not split")
	})
}

func TestConvOpsPanics(t *testing.T) {
	g := ConvGeom{KH: 2, KW: 2, SH: 1, SW: 1}
	x := Zeros(1, 2, 3, 3)
	runPanicCases(t, []panicCase{
		{"Conv2D channels", func() { Conv2D(x, Zeros(4, 3, 2, 2), g) },
			ErrShape, "tensor: Conv2D: shape mismatch weight (4,3,2,2) for input (1,2,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (O,2,2,2)"},
		{"Conv2D kernel size", func() { Conv2D(x, Zeros(4, 2, 3, 3), g) },
			ErrShape, "tensor: Conv2D: shape mismatch weight (4,2,3,3) for input (1,2,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (O,2,2,2)"},
		{"Conv2D 3-D input", func() { Conv2D(Zeros(2, 3, 3), Zeros(4, 2, 2, 2), g) },
			ErrShape, "tensor: Conv2D: shape mismatch input (2,3,3) is not (N,C,H,W)"},
		{"ConvTranspose2D channels", func() { ConvTranspose2D(Zeros(1, 4, 2, 2), Zeros(3, 2, 2, 2), g, 3, 3) },
			ErrShape, "tensor: ConvTranspose2D: shape mismatch weight (3,2,2,2) for input (1,4,2,2) with kernel 2x2 stride 1x1 padding 0x0; want (4,C,2,2)"},
		{"ConvTranspose2D image size", func() { ConvTranspose2D(Zeros(1, 4, 2, 2), Zeros(4, 2, 2, 2), g, 4, 3) },
			ErrShape, "tensor: ConvTranspose2D: shape mismatch input (1,4,2,2) for image (1,2,4,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,4,3,2)"},
		{"Conv2DWeightGrad output size", func() { Conv2DWeightGrad(x, Zeros(1, 4, 3, 3), g) },
			ErrShape, "tensor: Conv2DWeightGrad: shape mismatch output (1,4,3,3) for input (1,2,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,O,2,2)"},
		{"Conv2DWeightGrad batch", func() { Conv2DWeightGrad(x, Zeros(2, 4, 2, 2), g) },
			ErrShape, "tensor: Conv2DWeightGrad: shape mismatch output (2,4,2,2) for input (1,2,3,3) with kernel 2x2 stride 1x1 padding 0x0; want (1,O,2,2)"},
	})
}
