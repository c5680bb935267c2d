package metrics

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/tensor"
)

func column(v ...float64) *tensor.Tensor { return tensor.New(v, len(v), 1) }

// Worked by hand on a line, k = 2 (radius = distance to the 2nd nearest
// other point). Real {0, 1, 2, 3, 4}: radii 2, 1, 1, 1, 2.
func TestPrecisionRecallByHand(t *testing.T) {
	real := column(0, 1, 2, 3, 4)
	assert.Equal(t, []float64{2, 1, 1, 1, 2}, KNNRadii(real, 2))

	// Fakes {0, ¼, ½, ¾} all lie in the ball of 0 (radius 2): precision 1.
	// Their radii are ½, ¼, ¼, ½, reaching at most 1¼: reals 0 and 1 are
	// covered, 2, 3, 4 are not: recall 2/5.
	p, r := PrecisionRecall(real, column(0, 0.25, 0.5, 0.75), 2)
	assert.Equal(t, 1.0, p)
	assert.Equal(t, 0.4, r)

	// An outlier at 10 is outside every real ball (precision 3/4), but its
	// own ball (radius 9.5, to the 2nd nearest fake) covers all the reals:
	// the k-NN manifold's known weakness to outliers.
	p, r = PrecisionRecall(real, column(0.25, 0.5, 0.75, 10), 2)
	assert.Equal(t, 0.75, p)
	assert.Equal(t, 1.0, r)

	// k = 1 shrinks the balls: real radii all 1, so 5.5 (1.5 from 4) is out.
	p, _ = PrecisionRecall(real, column(0.5, 4.5, 5.5), 1)
	assert.InDelta(t, 2.0/3, p, 1e-15)
}

// A point exactly on a ball's boundary is inside (≤), as in the reference.
func TestPrecisionRecallBoundary(t *testing.T) {
	p, _ := PrecisionRecall(column(0, 1, 2), column(3, 3.5), 1) // radius of 2 is 1: 3 in, 3.5 out
	assert.Equal(t, 0.5, p)
}

// Two dimensions, where the distance is Euclidean: the corners of a unit
// square have 1st-neighbour radius 1; (0.6, 0.6) is 0.57 from (1, 1) and
// (1.8, 0) is 0.8 from (1, 0), both inside; (2.1, 0) is not.
func TestPrecisionRecallEuclidean(t *testing.T) {
	square := tensor.FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	fake := tensor.FromRows([][]float64{{0.6, 0.6}, {1.8, 0}, {2.1, 0}})
	p, _ := PrecisionRecall(square, fake, 1)
	assert.InDelta(t, 2.0/3, p, 1e-15)
}

func TestPrecisionRecallPanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"widths", tensor.ErrShape, "metrics: PrecisionRecall: shape mismatch real (4,2), generated (4,3)", func() {
			PrecisionRecall(tensor.Zeros(4, 2), tensor.Zeros(4, 3), 1)
		}},
		{"k too large", tensor.ErrArgument, "metrics: PrecisionRecall: bad argument k = 3 with 5 real and 3 generated points", func() {
			PrecisionRecall(tensor.Zeros(5, 2), tensor.Zeros(3, 2), 3)
		}},
		{"k zero", tensor.ErrArgument, "metrics: KNNRadii: bad argument k = 0 with 3 points", func() {
			KNNRadii(tensor.Zeros(3, 2), 0)
		}},
	})
}
