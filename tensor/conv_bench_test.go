package tensor

import (
	"math/rand/v2"
	"testing"
)

// dcganGeom is the window of a DCGAN discriminator layer: 4×4 kernel,
// stride 2, padding 1, which halves the image size.
var dcganGeom = ConvGeom{KH: 4, KW: 4, SH: 2, SW: 2, PH: 1, PW: 1}

// A first discriminator layer on MNIST: batch 64, 1×28×28 → 14×14 windows.
func BenchmarkIm2Col(b *testing.B) { benchIm2Col(b, 64, 1, 28, 28, dcganGeom) }
func BenchmarkCol2Im(b *testing.B) { benchCol2Im(b, 64, 1, 28, 28, dcganGeom) }

// The second layer: batch 64, 64×14×14 → 7×7 windows.
func BenchmarkIm2Col64x14(b *testing.B) { benchIm2Col(b, 64, 64, 14, 14, dcganGeom) }
func BenchmarkCol2Im64x14(b *testing.B) { benchCol2Im(b, 64, 64, 14, 14, dcganGeom) }

func benchIm2Col(b *testing.B, n, c, h, w int, g ConvGeom) {
	x := RandN(rand.New(rand.NewPCG(1, 0)), n, c, h, w)
	b.ReportAllocs()
	for b.Loop() {
		Im2Col(x, g)
	}
}

func benchCol2Im(b *testing.B, n, c, h, w int, g ConvGeom) {
	oh, ow := g.OutSize(h, w)
	cols := RandN(rand.New(rand.NewPCG(1, 0)), n, c*g.KH*g.KW, oh*ow)
	b.ReportAllocs()
	for b.Loop() {
		Col2Im(cols, n, c, h, w, g)
	}
}

// The DCGAN layers of gan/bench_dcgan_test.go (batch 64, 4×4 kernels,
// stride 2, padding 1), each of the three products a layer's forward and
// backward passes make. GFLOP/s counts 2·N·O·OH·OW·C·KH·KW flops.

// D's second layer: 64×14×14 → 128×7×7 (and G's first transposed
// convolution, 128×7×7 → 64×14×14, is the same three products).
func BenchmarkConv2D_64x14_to_128x7(b *testing.B) {
	benchConv(b, "forward", 64, 64, 14, 14, 128)
}
func BenchmarkConvTranspose2D_128x7_to_64x14(b *testing.B) {
	benchConv(b, "transpose", 64, 64, 14, 14, 128)
}
func BenchmarkConv2DWeightGrad_64x14_to_128x7(b *testing.B) {
	benchConv(b, "weight", 64, 64, 14, 14, 128)
}

// D's first layer: 1×28×28 → 64×14×14 (and G's last, transposed).
func BenchmarkConv2D_1x28_to_64x14(b *testing.B) { benchConv(b, "forward", 64, 1, 28, 28, 64) }
func BenchmarkConvTranspose2D_64x14_to_1x28(b *testing.B) {
	benchConv(b, "transpose", 64, 1, 28, 28, 64)
}
func BenchmarkConv2DWeightGrad_1x28_to_64x14(b *testing.B) {
	benchConv(b, "weight", 64, 1, 28, 28, 64)
}

// benchConv times one of the three convolution products for an input
// x (n, c, h, w), o output channels and the DCGAN window.
func benchConv(b *testing.B, op string, n, c, h, w, o int) {
	r := rand.New(rand.NewPCG(1, 0))
	g := dcganGeom
	oh, ow := g.OutSize(h, w)
	x := RandN(r, n, c, h, w)
	k := RandN(r, o, c, g.KH, g.KW)
	y := RandN(r, n, o, oh, ow)
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		switch op {
		case "forward":
			Conv2D(x, k, g)
		case "transpose":
			ConvTranspose2D(y, k, g, h, w)
		case "weight":
			Conv2DWeightGrad(x, y, g)
		}
	}
	flops := 2 * float64(n*o*oh*ow*c*g.KH*g.KW) * float64(b.N)
	reportGFLOPs(b, flops, processCPUTime()-cpu)
}
