package metrics_test

import (
	"fmt"

	"ganbook/gan/metrics"
	"ganbook/tensor"
)

// In one dimension the Fréchet distance between N(μ₁, σ₁²) and N(μ₂, σ₂²)
// is (μ₁ − μ₂)² + (σ₁ − σ₂)²: here 1 + (3 − 1)² = 5.
func ExampleFrechetDistance() {
	fd, err := metrics.FrechetDistance(
		tensor.New([]float64{0}, 1), tensor.New([]float64{9}, 1, 1),
		tensor.New([]float64{1}, 1), tensor.New([]float64{1}, 1, 1))
	fmt.Printf("%.6f %v\n", fd, err)
	// Output: 5.000000 <nil>
}

// Confident predictions spread evenly over three classes score 3, the
// number of classes; the same confident class for every sample scores 1.
func ExampleInceptionScore() {
	balanced := tensor.FromRows([][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
	collapsed := tensor.FromRows([][]float64{{0, 1, 0}, {0, 1, 0}, {0, 1, 0}})
	b, _ := metrics.InceptionScore(balanced, 1)
	c, _ := metrics.InceptionScore(collapsed, 1)
	fmt.Printf("%.3f %.3f\n", b, c)
	// Output: 3.000 1.000
}
