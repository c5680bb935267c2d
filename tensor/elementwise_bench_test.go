package tensor

import (
	"math/rand/v2"
	"testing"
)

// The element-wise and reduction shapes of the reference workload: a
// 256×512 activation, its 512-wide bias, and the bias gradient's column sum.

func benchBinary(b *testing.B, op func(x, y *Tensor) *Tensor, xShape, yShape []int) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := RandN(r, xShape...), RandN(r, yShape...)
	b.ReportAllocs()
	for b.Loop() {
		op(x, y)
	}
}

func BenchmarkAdd_256x512(b *testing.B) { benchBinary(b, Add, []int{256, 512}, []int{256, 512}) }
func BenchmarkAdd_256x512_bias(b *testing.B) {
	benchBinary(b, Add, []int{256, 512}, []int{512})
}
func BenchmarkMul_256x512(b *testing.B) { benchBinary(b, Mul, []int{256, 512}, []int{256, 512}) }
func BenchmarkMul_256x512_col(b *testing.B) {
	benchBinary(b, Mul, []int{256, 512}, []int{256, 1})
}

func BenchmarkReLU_256x512(b *testing.B) {
	x := RandN(rand.New(rand.NewPCG(1, 1)), 256, 512)
	b.ReportAllocs()
	for b.Loop() {
		ReLU(x)
	}
}

func BenchmarkSum_256x512_axis0(b *testing.B) {
	x := RandN(rand.New(rand.NewPCG(1, 1)), 256, 512)
	b.ReportAllocs()
	for b.Loop() {
		SumKeep(x, 0)
	}
}

func BenchmarkSum_256x512_axis1(b *testing.B) {
	x := RandN(rand.New(rand.NewPCG(1, 1)), 256, 512)
	b.ReportAllocs()
	for b.Loop() {
		SumKeep(x, 1)
	}
}
