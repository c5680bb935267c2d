package metrics

import (
	"math"

	"ganbook/tensor"
)

// Pearson returns the sample correlation coefficient of x and y,
//
//	r = Σᵢ (xᵢ − x̄)(yᵢ − ȳ) / √(Σᵢ (xᵢ − x̄)² · Σᵢ (yᵢ − ȳ)²),
//
// clamped to [−1, 1] against rounding. It is +1 (−1) exactly when the
// points lie on a line of positive (negative) slope. If either variance is
// 0 (a constant series, or fewer than two points) the coefficient is not
// defined and Pearson returns NaN. It panics with tensor.ErrShape if the
// lengths differ.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) {
		panicf(tensor.ErrShape, "Pearson", "%d vs %d values", len(x), len(y))
	}
	if len(x) == 0 {
		return math.NaN()
	}
	meanX, meanY := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-meanX, y[i]-meanY
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return max(-1, min(1, sxy/math.Sqrt(sxx*syy)))
}

func mean(x []float64) float64 {
	total := 0.0
	for _, v := range x {
		total += v
	}
	return total / float64(len(x))
}
