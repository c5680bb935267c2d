package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/tensor"
)

// ---- Fréchet distance (FID) -------------------------------------------------------------

// frechetOffset is the regulariser of the reference FID code: when the
// square root is not finite, ε·I is added to both covariances and the
// computation is repeated once.
const frechetOffset = 1e-6

// FrechetDistance returns the Fréchet (2-Wasserstein) distance between the
// Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂),
//
//	d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr (Σ₁Σ₂)^½,
//
// which is the Fréchet Inception Distance (Heusel et al., arXiv 1706.08500)
// when the statistics are those of Inception features of real and generated
// images (here, of whatever feature network the caller uses: values from
// different networks are not comparable). Σ₁Σ₂ is not symmetric, but it is
// similar to the symmetric positive semi-definite S = Σ₁^½·Σ₂·Σ₁^½, so
// Tr (Σ₁Σ₂)^½ = Tr S^½, computed with tensor.SqrtPSD (eigenvalues that
// rounding makes slightly negative are clamped to 0, so no complex values
// arise, unlike scipy's sqrtm in the reference code).
//
// As in the reference code, if the trace term is not finite, 1e-6·I is
// added to both covariances and it is computed once more; with the
// symmetric formulation above this only happens when the inputs are not
// finite or overflow. FrechetDistance returns an error if the result is
// still not finite; it is data, not a caller's mistake. mu1, mu2 are (D)
// and cov1, cov2 (D, D), symmetric positive semi-definite; it panics with
// tensor.ErrShape otherwise.
func FrechetDistance(mu1, cov1, mu2, cov2 *tensor.Tensor) (float64, error) {
	d := mu1.Len()
	for _, m := range []*tensor.Tensor{mu1, mu2} {
		if m.Dims() != 1 || m.Len() != d {
			panicf(tensor.ErrShape, "FrechetDistance", "means %s and %s", tensor.FormatShape(mu1.Shape()), tensor.FormatShape(mu2.Shape()))
		}
	}
	for _, c := range []*tensor.Tensor{cov1, cov2} {
		if c.Dims() != 2 || c.Dim(0) != d || c.Dim(1) != d {
			panicf(tensor.ErrShape, "FrechetDistance", "covariances %s and %s for means of length %d",
				tensor.FormatShape(cov1.Shape()), tensor.FormatShape(cov2.Shape()), d)
		}
	}
	diff := tensor.Sub(mu1, mu2)
	meanTerm := tensor.Sum(tensor.Mul(diff, diff)).Item()
	cross := traceSqrtProduct(cov1, cov2)
	if math.IsNaN(cross) || math.IsInf(cross, 0) {
		offset := tensor.Scale(tensor.Eye(d), frechetOffset)
		cross = traceSqrtProduct(tensor.Add(cov1, offset), tensor.Add(cov2, offset))
	}
	fd := meanTerm + tensor.Trace(cov1) + tensor.Trace(cov2) - 2*cross
	if math.IsNaN(fd) || math.IsInf(fd, 0) {
		return fd, fmt.Errorf("metrics: FrechetDistance: the result %g is not finite, even with %g·I added to the covariances", fd, frechetOffset)
	}
	return fd, nil
}

// traceSqrtProduct returns Tr (Σ₁Σ₂)^½ = Tr (Σ₁^½·Σ₂·Σ₁^½)^½.
func traceSqrtProduct(cov1, cov2 *tensor.Tensor) float64 {
	root := tensor.SqrtPSD(cov1)
	inner := tensor.MatMul(tensor.MatMul(root, cov2), root) // symmetric up to rounding; SqrtPSD uses its symmetric part
	return tensor.Trace(tensor.SqrtPSD(inner))
}

// GaussianStatistics returns the mean μ (D) and the unbiased covariance
// Σ (D, D), divided by N − 1 as in the reference FID code, of the rows of
// features (N, D). It panics with tensor.ErrShape if features is not 2-D and
// with tensor.ErrArgument if N < 2.
func GaussianStatistics(features *tensor.Tensor) (mu, cov *tensor.Tensor) {
	cov = tensor.Cov(features) // checks the shape and N
	return tensor.Mean(features, 0), cov
}

// FrechetDistanceOf returns FrechetDistance between the Gaussians fitted
// (GaussianStatistics) to two sets of features, (N₁, D) and (N₂, D). It
// panics with tensor.ErrShape if the feature widths differ or a set is not
// 2-D, and with tensor.ErrArgument if a set has fewer than 2 rows.
func FrechetDistanceOf(features1, features2 *tensor.Tensor) (float64, error) {
	if features1.Dims() != 2 || features2.Dims() != 2 || features1.Dim(1) != features2.Dim(1) {
		panicf(tensor.ErrShape, "FrechetDistanceOf", "features %s and %s", tensor.FormatShape(features1.Shape()), tensor.FormatShape(features2.Shape()))
	}
	mu1, cov1 := GaussianStatistics(features1)
	mu2, cov2 := GaussianStatistics(features2)
	return FrechetDistance(mu1, cov1, mu2, cov2)
}

// ---- FID∞: removing the bias of finite samples ----------------------------------------

// FIDInfinity fits FID_N = a + b/N by least squares to values measured at
// sample sizes N and returns the intercept a, the extrapolation to
// infinitely many samples, and the slope b (Chong and Forsyth, "Effectively
// Unbiased FID and Inception Score and where to find them", arXiv
// 1911.07023): FID computed from N generated samples is biased upwards by an
// amount close to linear in 1/N, and the bias depends on the generator, so
// comparing FID_N across models at one N can mislead. The paper uses 15 N
// evenly spaced from 5,000 to 50,000.
//
// It panics with tensor.ErrShape if the slices differ in length, and with
// tensor.ErrArgument if an N is below 1, a value is not finite, or fewer than
// two distinct N are given.
func FIDInfinity(ns []int, fids []float64) (fidInf, slope float64) {
	const op = "FIDInfinity"
	if len(ns) != len(fids) {
		panicf(tensor.ErrShape, op, "%d sizes, %d values", len(ns), len(fids))
	}
	distinct := map[int]bool{}
	var sx, sy float64
	for i, n := range ns {
		if n < 1 || math.IsNaN(fids[i]) || math.IsInf(fids[i], 0) {
			panicf(tensor.ErrArgument, op, "N = %d with FID %g", n, fids[i])
		}
		distinct[n] = true
		sx += 1 / float64(n)
		sy += fids[i]
	}
	if len(distinct) < 2 {
		panicf(tensor.ErrArgument, op, "%d distinct sample sizes; need at least 2 for a line", len(distinct))
	}
	k := float64(len(ns))
	mx, my := sx/k, sy/k
	var sxx, sxy float64
	for i, n := range ns {
		dx := 1/float64(n) - mx
		sxx += dx * dx
		sxy += dx * (fids[i] - my)
	}
	slope = sxy / sxx
	return my - slope*mx, slope
}

// FIDCurve computes FID_N between fixed real statistics (μ, Σ) and the
// Gaussian fitted to N rows drawn without replacement from the generated
// features (M, D), for every N in ns (each N ≤ M, at least 2), one fresh
// draw from r per N, and returns the values and their extrapolation
// FIDInfinity(ns, fids). This is the protocol of arXiv 1911.07023 (whose
// real statistics come from the whole training set). It returns an error if
// a FrechetDistance does; it panics with tensor.ErrShape if the shapes do
// not fit and with tensor.ErrArgument if an N is out of range.
func FIDCurve(mu, cov, generated *tensor.Tensor, ns []int, r *rand.Rand) (fids []float64, fidInf float64, err error) {
	if generated.Dims() != 2 {
		panicf(tensor.ErrShape, "FIDCurve", "generated features %s are not (M,D)", tensor.FormatShape(generated.Shape()))
	}
	m := generated.Dim(0)
	fids = make([]float64, len(ns))
	for i, n := range ns {
		if n < 2 || n > m {
			panicf(tensor.ErrArgument, "FIDCurve", "N = %d from %d generated samples", n, m)
		}
		subset := tensor.IndexSelect(generated, 0, r.Perm(m)[:n])
		muN, covN := GaussianStatistics(subset)
		if fids[i], err = FrechetDistance(mu, cov, muN, covN); err != nil {
			return nil, 0, err
		}
	}
	fidInf, _ = FIDInfinity(ns, fids)
	return fids, fidInf, nil
}
