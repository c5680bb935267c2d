package metrics

import (
	"math"
	"slices"

	"ganbook/tensor"
)

// PrecisionRecall returns the improved precision and recall of Kynkäänniemi
// et al. (arXiv 1904.06991) between real and generated feature vectors,
// (N, D) and (M, D). Each set's manifold is estimated as the union of
// balls around its points, each ball's radius the distance from its centre
// to its k-th nearest neighbour in the same set (the point itself not
// counted; the paper's k = 3):
//
//	manifold(Φ) = ∪_{φ ∈ Φ} B(φ, ‖φ − NN_k(φ, Φ)‖)
//	precision   = fraction of generated points inside manifold(real)
//	recall      = fraction of real points inside manifold(generated)
//
// with "inside" meaning ‖x − φ‖ ≤ radius(φ) for some φ, as in the
// reference code. Precision measures how much of what the generator makes
// looks real; recall how much of the real data it can make. Distances are
// exact Euclidean distances over all pairs, O((N + M)²·D). It panics with
// tensor.ErrShape if the sets are not 2-D with the same D, and with
// tensor.ErrArgument if k < 1 or a set has k points or fewer (a point needs
// k others).
func PrecisionRecall(real, generated *tensor.Tensor, k int) (precision, recall float64) {
	const op = "PrecisionRecall"
	if real.Dims() != 2 || generated.Dims() != 2 || real.Dim(1) != generated.Dim(1) {
		panicf(tensor.ErrShape, op, "real %s, generated %s", tensor.FormatShape(real.Shape()), tensor.FormatShape(generated.Shape()))
	}
	if k < 1 || real.Dim(0) <= k || generated.Dim(0) <= k {
		panicf(tensor.ErrArgument, op, "k = %d with %d real and %d generated points", k, real.Dim(0), generated.Dim(0))
	}
	realRadii := KNNRadii(real, k)
	fakeRadii := KNNRadii(generated, k)
	return fractionInside(generated, real, realRadii), fractionInside(real, generated, fakeRadii)
}

// KNNRadii returns, for every row of points (N, D), the Euclidean distance
// to its k-th nearest other row (ties and duplicates counted as they come):
// the radii of the balls of PrecisionRecall. It panics with tensor.ErrShape
// if points is not 2-D and with tensor.ErrArgument unless 1 ≤ k < N.
func KNNRadii(points *tensor.Tensor, k int) []float64 {
	if points.Dims() != 2 {
		panicf(tensor.ErrShape, "KNNRadii", "points %s are not (N,D)", tensor.FormatShape(points.Shape()))
	}
	n := points.Dim(0)
	if k < 1 || k >= n {
		panicf(tensor.ErrArgument, "KNNRadii", "k = %d with %d points", k, n)
	}
	radii := make([]float64, n)
	others := make([]float64, 0, n-1)
	for i := range n {
		others = others[:0]
		for j := range n {
			if j != i {
				others = append(others, distance(points, i, points, j))
			}
		}
		slices.Sort(others)
		radii[i] = others[k-1]
	}
	return radii
}

// fractionInside returns the fraction of the rows of x that lie in some
// ball centred at a row of centers with the matching radius.
func fractionInside(x, centers *tensor.Tensor, radii []float64) float64 {
	inside := 0
	for i := range x.Dim(0) {
		for j := range centers.Dim(0) {
			if distance(x, i, centers, j) <= radii[j] {
				inside++
				break
			}
		}
	}
	return float64(inside) / float64(x.Dim(0))
}

// distance returns ‖a_i − b_j‖₂ for rows of two (·, D) tensors.
func distance(a *tensor.Tensor, i int, b *tensor.Tensor, j int) float64 {
	d := a.Dim(1)
	ra, rb := a.Data()[i*d:(i+1)*d], b.Data()[j*d:(j+1)*d]
	sum := 0.0
	for c := range ra {
		diff := ra[c] - rb[c]
		sum += diff * diff
	}
	return math.Sqrt(sum)
}
