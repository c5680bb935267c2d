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
