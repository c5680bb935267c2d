package tensor

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// countOf returns the multiply-adds that f's products add to the count.
func countOf(f func()) int64 {
	before := MultiplyAdds()
	f()
	return MultiplyAdds() - before
}

func TestMultiplyAddsCountsEveryProduct(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	a, b := RandN(r, 3, 4), RandN(r, 4, 5)
	batchA, batchB := RandN(r, 6, 3, 4), RandN(r, 6, 4, 5)
	big := RandN(r, 300, 300) // split over goroutines when there are two
	img, kernel, out := RandN(r, 2, 3, 6, 5), RandN(r, 4, 3, 3, 3), RandN(r, 2, 4, 6, 5)
	same := ConvGeom{KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}
	for _, c := range []struct {
		name string
		run  func()
		want int64
	}{
		{"MatMul (3,4)·(4,5)", func() { MatMul(a, b) }, 3 * 4 * 5},
		{"MatMulT Aᵀ·A (4,3)·(3,4)", func() { MatMulT(a, true, a, false) }, 4 * 3 * 4},
		{"MatMulT A·Aᵀ (3,4)·(4,3)", func() { MatMulT(a, false, a, true) }, 3 * 4 * 3},
		{"MatMulTInto", func() { MatMulTInto(Zeros(3, 5), a, false, b, false) }, 3 * 4 * 5},
		{"batched (6,3,4)·(6,4,5)", func() { MatMul(batchA, batchB) }, 6 * 3 * 4 * 5},
		{"shared A (3,4)·(6,4,5)", func() { MatMul(a, batchB) }, 6 * 3 * 4 * 5},
		{"shared B (6,3,4)·(4,5)", func() { MatMul(batchA, b) }, 6 * 3 * 4 * 5},
		{"large (300,300)²", func() { MatMul(big, big) }, 300 * 300 * 300},
		// (2,3,6,5) → (2,4,6,5) with a 3×3 kernel, padding 1: every output
		// a sum over a 3×3×3 window, padding terms included, and the two
		// adjoints the same products turned around.
		{"Conv2D", func() { Conv2D(img, kernel, same) }, 2 * 4 * 30 * 27},
		{"ConvTranspose2D", func() { ConvTranspose2D(out, kernel, same, 6, 5) }, 2 * 4 * 30 * 27},
		{"Conv2DWeightGrad", func() { Conv2DWeightGrad(img, out, same) }, 2 * 4 * 30 * 27},
		{"element-wise work is not counted", func() { Add(a, a); Sum(Mul(b, b), 0) }, 0},
	} {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, countOf(c.run)) })
	}
}

// The count is the same whatever the number of goroutines the products
// are split over.
func TestMultiplyAddsIndependentOfGOMAXPROCS(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := RandN(r, 8, 256, 64), RandN(r, 64, 200)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := countOf(func() { MatMul(a, b) })
	runtime.GOMAXPROCS(2)
	two := countOf(func() { MatMul(a, b) })
	assert.Equal(t, int64(8*256*64*200), one)
	assert.Equal(t, one, two)
}
