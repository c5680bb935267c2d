package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// rotation returns the 3×3 rotation by θ about the axis (1, 1, 1)/√3
// (Rodrigues' formula), a fixed non-trivial orthogonal matrix.
func rotation(theta float64) *tensor.Tensor {
	c, s := math.Cos(theta), math.Sin(theta)
	u := 1 / math.Sqrt(3)
	k := tensor.FromRows([][]float64{{0, -u, u}, {u, 0, -u}, {-u, u, 0}})
	kk := tensor.MatMul(k, k)
	return tensor.Add(tensor.Add(tensor.Eye(3), tensor.Scale(k, s)), tensor.Scale(kk, 1-c))
}

func diag(v ...float64) *tensor.Tensor {
	d := tensor.Zeros(len(v), len(v))
	for i, x := range v {
		d.Set(x, i, i)
	}
	return d
}

// The closed forms: for covariances that commute (the same eigenvectors,
// eigenvalues a and b), Tr (Σ₁Σ₂)^½ = Σ √(aᵢbᵢ) and the distance is
// ‖μ₁ − μ₂‖² + Σ (√aᵢ − √bᵢ)². Rotating both by the same Q tests the
// non-diagonal path.
func TestFrechetDistanceClosedForms(t *testing.T) {
	a, b := []float64{4, 1, 0.25}, []float64{1, 9, 0.25}
	mu1, mu2 := tensor.New([]float64{1, 2, 3}, 3), tensor.New([]float64{0, 2, 5}, 3)
	want := 1.0 + 4 + (2-1)*(2-1) + (1-3)*(1-3) + 0 // ‖μ₁ − μ₂‖² = 5, Σ(√a − √b)² = 1 + 4 + 0
	q := rotation(0.7)
	rotate := func(d *tensor.Tensor) *tensor.Tensor { return tensor.MatMul(tensor.MatMul(q, d), tensor.Transpose(q)) }
	tests := []struct {
		name       string
		cov1, cov2 *tensor.Tensor
	}{
		{"diagonal", diag(a...), diag(b...)},
		{"rotated", rotate(diag(a...)), rotate(diag(b...))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FrechetDistance(mu1, tc.cov1, mu2, tc.cov2)
			require.NoError(t, err)
			assert.InDelta(t, want, got, 1e-12)
			back, err := FrechetDistance(mu2, tc.cov2, mu1, tc.cov1)
			require.NoError(t, err)
			assert.InDelta(t, got, back, 1e-12, "symmetric")
			same, err := FrechetDistance(mu1, tc.cov1, mu1, tc.cov1)
			require.NoError(t, err)
			assert.InDelta(t, 0, same, 1e-12, "identical Gaussians")
		})
	}
	// One dimension: (μ₁ − μ₂)² + (σ₁ − σ₂)².
	got, err := FrechetDistance(tensor.New([]float64{1}, 1), diag(9), tensor.New([]float64{-1}, 1), diag(0.25))
	require.NoError(t, err)
	assert.InDelta(t, 4+2.5*2.5, got, 1e-13)
	// A singular covariance (rank 1) against a full one: still the formula.
	got, err = FrechetDistance(tensor.Zeros(2), diag(4, 0), tensor.Zeros(2), diag(1, 1))
	require.NoError(t, err)
	assert.InDelta(t, 1+1, got, 1e-12)
}

// Non-commuting covariances against the eigenvalues of Σ₁Σ₂ computed here
// by the 2×2 formula: λ = (T ± √(T² − 4Δ))/2 with T, Δ the trace and
// determinant of Σ₁Σ₂.
func TestFrechetDistanceNonCommuting(t *testing.T) {
	c1 := tensor.FromRows([][]float64{{2, 0.5}, {0.5, 1}})
	c2 := tensor.FromRows([][]float64{{1, -0.3}, {-0.3, 3}})
	p := tensor.MatMul(c1, c2)
	tr := tensor.Trace(p)
	det := p.At(0, 0)*p.At(1, 1) - p.At(0, 1)*p.At(1, 0)
	disc := math.Sqrt(tr*tr - 4*det)
	traceRoot := math.Sqrt((tr+disc)/2) + math.Sqrt((tr-disc)/2)
	want := tensor.Trace(c1) + tensor.Trace(c2) - 2*traceRoot
	got, err := FrechetDistance(tensor.Zeros(2), c1, tensor.Zeros(2), c2)
	require.NoError(t, err)
	assert.InDelta(t, want, got, 1e-12)
}

func TestGaussianStatistics(t *testing.T) {
	x := tensor.FromRows([][]float64{{1, 2}, {3, 2}, {5, 8}})
	mu, cov := GaussianStatistics(x)
	assert.Equal(t, []float64{3, 4}, mu.Data())
	// deviations (−2, −2), (0, −2), (2, 4): sums of products 8, 12, 24,
	// divided by N − 1 = 2
	assert.InDeltaSlice(t, []float64{4, 6, 6, 12}, cov.Data(), 1e-14)
	// Shifting both sets by the same vector changes nothing.
	y := tensor.FromRows([][]float64{{0, 1}, {2, 2}, {1, 1}, {4, 0}})
	shift := tensor.New([]float64{10, -3}, 1, 2)
	d1, err := FrechetDistanceOf(x, y)
	require.NoError(t, err)
	d2, err := FrechetDistanceOf(tensor.Add(x, shift), tensor.Add(y, shift))
	require.NoError(t, err)
	assert.InDelta(t, d1, d2, 1e-12)
}

// A NaN in the features is data going wrong: an error, not a panic and
// not a number.
func TestFrechetDistanceNotFinite(t *testing.T) {
	cov := diag(1, math.NaN())
	_, err := FrechetDistance(tensor.Zeros(2), cov, tensor.Zeros(2), diag(1, 1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not finite, even with 1e-06·I added")
}

func TestFIDInfinityExactLine(t *testing.T) {
	ns := []int{10, 20, 40, 40}
	fids := make([]float64, len(ns))
	for i, n := range ns {
		fids[i] = 2 + 30/float64(n)
	}
	a, b := FIDInfinity(ns, fids)
	assert.InDelta(t, 2, a, 1e-12)
	assert.InDelta(t, 30, b, 1e-10)
}

// Generated samples from the real distribution itself: FID_N is positive
// (the bias of a finite sample) and shrinks with N, and the extrapolation
// removes most of it.
func TestFIDCurveRemovesTheBias(t *testing.T) {
	r := newRand(71)
	generated := tensor.RandN(r, 3000, 2)
	ns := []int{100, 200, 400, 800}
	fids, fidInf, err := FIDCurve(tensor.Zeros(2), tensor.Eye(2), generated, ns, r)
	require.NoError(t, err)
	require.Len(t, fids, 4)
	assert.Greater(t, fids[0], fids[3])
	assert.Less(t, math.Abs(fidInf), fids[0]/4)
	// The same seed gives the same curve.
	again, _, err := FIDCurve(tensor.Zeros(2), tensor.Eye(2), generated, ns, newRand(71))
	require.NoError(t, err)
	fresh, _, _ := FIDCurve(tensor.Zeros(2), tensor.Eye(2), generated, ns, newRand(71))
	assert.Equal(t, again, fresh)
}

func TestFrechetPanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"mean lengths", tensor.ErrShape, "metrics: FrechetDistance: shape mismatch means (2) and (3)", func() {
			_, _ = FrechetDistance(tensor.Zeros(2), tensor.Eye(2), tensor.Zeros(3), tensor.Eye(3))
		}},
		{"covariance shape", tensor.ErrShape, "metrics: FrechetDistance: shape mismatch covariances (2,2) and (3,3) for means of length 2", func() {
			_, _ = FrechetDistance(tensor.Zeros(2), tensor.Eye(2), tensor.Zeros(2), tensor.Eye(3))
		}},
		{"feature widths", tensor.ErrShape, "metrics: FrechetDistanceOf: shape mismatch features (3,2) and (3,4)", func() {
			_, _ = FrechetDistanceOf(tensor.Zeros(3, 2), tensor.Zeros(3, 4))
		}},
		{"one sample", tensor.ErrArgument, "tensor: Cov: bad argument 1 observations in (1,2); need at least 2", func() {
			_, _ = FrechetDistanceOf(tensor.Zeros(1, 2), tensor.Zeros(3, 2))
		}},
		{"FID∞ lengths", tensor.ErrShape, "metrics: FIDInfinity: shape mismatch 2 sizes, 1 values", func() {
			FIDInfinity([]int{1, 2}, []float64{1})
		}},
		{"FID∞ one size", tensor.ErrArgument, "metrics: FIDInfinity: bad argument 1 distinct sample sizes; need at least 2 for a line", func() {
			FIDInfinity([]int{5, 5}, []float64{1, 2})
		}},
		{"FID∞ N", tensor.ErrArgument, "metrics: FIDInfinity: bad argument N = 0 with FID 1", func() {
			FIDInfinity([]int{0, 5}, []float64{1, 2})
		}},
		{"FID curve N", tensor.ErrArgument, "metrics: FIDCurve: bad argument N = 20 from 10 generated samples", func() {
			_, _, _ = FIDCurve(tensor.Zeros(2), tensor.Eye(2), tensor.Zeros(10, 2), []int{5, 20}, newRand(1))
		}},
	})
}
