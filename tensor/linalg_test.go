package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// naiveMatMul returns a·b for a (m,k) and b (k,n), by the definition.
func naiveMatMul(a, b *Tensor) *Tensor {
	m, k, n := a.shape[0], a.shape[1], b.shape[1]
	out := Zeros(m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			sum := 0.0
			for p := 0; p < k; p++ {
				sum += a.data[i*k+p] * b.data[p*n+j]
			}
			out.data[i*n+j] = sum
		}
	}
	return out
}

// naiveTranspose returns aᵀ for a 2-D a.
func naiveTranspose(a *Tensor) *Tensor {
	m, n := a.shape[0], a.shape[1]
	out := Zeros(n, m)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			out.data[j*m+i] = a.data[i*n+j]
		}
	}
	return out
}

// maxAbsDiff returns max_i |a_i − b_i|.
func maxAbsDiff(a, b *Tensor) float64 {
	worst := 0.0
	for i := range a.data {
		worst = max(worst, math.Abs(a.data[i]-b.data[i]))
	}
	return worst
}

// randSymmetric returns (B + Bᵀ)/2 for a standard normal n×n B.
func randSymmetric(r *rand.Rand, n int) *Tensor {
	b := RandN(r, n, n)
	a := Zeros(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.data[i*n+j] = (b.data[i*n+j] + b.data[j*n+i]) / 2
		}
	}
	return a
}

// householder returns the orthogonal (and symmetric) reflection
// Q = I − 2·u·uᵀ/(uᵀu) for a random u, a cheap random orthogonal matrix.
func householder(r *rand.Rand, n int) *Tensor {
	u := RandN(r, n)
	uu := 0.0
	for _, v := range u.data {
		uu += v * v
	}
	q := Eye(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			q.data[i*n+j] -= 2 * u.data[i] * u.data[j] / uu
		}
	}
	return q
}

// withEigenvalues returns Q·diag(λ)·Qᵀ, which has eigenvalues λ.
func withEigenvalues(q *Tensor, lambda []float64) *Tensor {
	n := len(lambda)
	ql := q.Clone()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			ql.data[i*n+j] *= lambda[j]
		}
	}
	return naiveMatMul(ql, naiveTranspose(q))
}

// checkEigen asserts what SymEig promises for a symmetric a: values
// ascending, VᵀV = I and A = V·diag(λ)·Vᵀ, within tol·(1 + ‖A‖_F).
func checkEigen(t *testing.T, a, values, vectors *Tensor, tol float64) {
	t.Helper()
	n := a.shape[0]
	require.Equal(t, []int{n}, values.Shape())
	require.Equal(t, []int{n, n}, vectors.Shape())
	for i := 1; i < n; i++ {
		assert.LessOrEqual(t, values.data[i-1], values.data[i], "values not ascending at %d", i)
	}
	scale := 1 + frobeniusNorm(a.data)
	vt := naiveTranspose(vectors)
	assert.LessOrEqual(t, maxAbsDiff(naiveMatMul(vt, vectors), Eye(n)), tol, "VᵀV ≠ I")
	rebuilt := withEigenvalues(vectors, values.data)
	assert.LessOrEqual(t, maxAbsDiff(rebuilt, a), tol*scale, "A ≠ V·diag(λ)·Vᵀ")
}

func TestSymEigKnown2x2(t *testing.T) {
	// [[2 1] [1 2]]·(1, −1) = (1, −1) and ·(1, 1) = 3·(1, 1).
	values, vectors := SymEig(FromRows([][]float64{{2, 1}, {1, 2}}))
	require.Len(t, values.Data(), 2)
	assert.InDeltaSlice(t, []float64{1, 3}, values.Data(), 1e-14)
	// Up to sign: column 0 is (1, −1)/√2, column 1 is (1, 1)/√2.
	h := 1 / math.Sqrt2
	for i := 0; i < 2; i++ {
		for k := 0; k < 2; k++ {
			assert.InDelta(t, h, math.Abs(vectors.At(i, k)), 1e-14, "|V[%d,%d]|", i, k)
		}
	}
	assert.InDelta(t, -0.5, vectors.At(0, 0)*vectors.At(1, 0), 1e-14, "column 0 ∝ (1, −1)")
	assert.InDelta(t, 0.5, vectors.At(0, 1)*vectors.At(1, 1), 1e-14, "column 1 ∝ (1, 1)")
}

func TestSymEigRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 0))
	for _, n := range []int{1, 2, 6, 20, 50} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			a := randSymmetric(r, n)
			before := a.Clone()
			values, vectors := SymEig(a)
			checkEigen(t, a, values, vectors, 1e-12)
			assert.Equal(t, before.Data(), a.Data(), "input modified")
			// The trace is the sum of the eigenvalues.
			sum := 0.0
			for _, l := range values.data {
				sum += l
			}
			assert.InDelta(t, Trace(a), sum, 1e-12*(1+math.Abs(sum)))
		})
	}
}

func TestSymEigDiagonal(t *testing.T) {
	// A diagonal matrix needs no rotation: the values are its diagonal,
	// sorted, and the vectors are the matching unit vectors.
	a := FromRows([][]float64{
		{3, 0, 0, 0},
		{0, -1, 0, 0},
		{0, 0, 2, 0},
		{0, 0, 0, 0},
	})
	values, vectors := SymEig(a)
	require.Len(t, values.Data(), 4)
	assert.InDeltaSlice(t, []float64{-1, 0, 2, 3}, values.Data(), 0)
	want := FromRows([][]float64{ // columns e1, e3, e2, e0
		{0, 0, 0, 1},
		{1, 0, 0, 0},
		{0, 0, 1, 0},
		{0, 1, 0, 0},
	})
	require.Len(t, vectors.Data(), 16)
	assert.InDeltaSlice(t, want.Data(), vectors.Data(), 0)
}

func TestSymEigRepeatedEigenvalues(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 0))
	t.Run("prescribed spectrum", func(t *testing.T) {
		// Q·diag(λ)·Qᵀ with a reflection Q has exactly the eigenvalues λ.
		lambda := []float64{5, 2, -1, 2, 5, 2}
		a := withEigenvalues(householder(r, 6), lambda)
		values, vectors := SymEig(a)
		require.Len(t, values.Data(), 6)
		assert.InDeltaSlice(t, []float64{-1, 2, 2, 2, 5, 5}, values.Data(), 1e-13)
		checkEigen(t, a, values, vectors, 1e-13)
	})
	t.Run("all ones", func(t *testing.T) {
		// The n×n matrix of ones is n·(e/√n)(e/√n)ᵀ: eigenvalue n on the
		// all-ones vector, 0 on the n−1 dimensions orthogonal to it.
		a := Ones(5, 5)
		values, vectors := SymEig(a)
		require.Len(t, values.Data(), 5)
		assert.InDeltaSlice(t, []float64{0, 0, 0, 0, 5}, values.Data(), 1e-14)
		checkEigen(t, a, values, vectors, 1e-14)
	})
	t.Run("zero matrix", func(t *testing.T) {
		values, vectors := SymEig(Zeros(3, 3))
		require.Len(t, values.Data(), 3)
		assert.InDeltaSlice(t, []float64{0, 0, 0}, values.Data(), 0)
		require.Len(t, vectors.Data(), 9)
		assert.InDeltaSlice(t, Eye(3).Data(), vectors.Data(), 0)
	})
	t.Run("3 times identity", func(t *testing.T) {
		a := FromRows([][]float64{{3, 0, 0}, {0, 3, 0}, {0, 0, 3}})
		values, vectors := SymEig(a)
		require.Len(t, values.Data(), 3)
		assert.InDeltaSlice(t, []float64{3, 3, 3}, values.Data(), 0)
		checkEigen(t, a, values, vectors, 0)
	})
}

func TestSymEigUsesSymmetricPart(t *testing.T) {
	// [[1 4] [0 1]] has symmetric part [[1 2] [2 1]], eigenvalues 1 ∓ 2.
	values, _ := SymEig(FromRows([][]float64{{1, 4}, {0, 1}}))
	require.Len(t, values.Data(), 2)
	assert.InDeltaSlice(t, []float64{-1, 3}, values.Data(), 1e-14)
}

func TestSymEigEmpty(t *testing.T) {
	values, vectors := SymEig(Zeros(0, 0))
	assert.Equal(t, []int{0}, values.Shape())
	assert.Equal(t, []int{0, 0}, vectors.Shape())
}

func TestSqrtPSD(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	// b (6,k) gives A = b·bᵀ of rank k: full rank for k = 6, rank 2 for k = 2.
	for _, k := range []int{6, 2} {
		t.Run(fmt.Sprintf("rank %d", k), func(t *testing.T) {
			b := RandN(r, 6, k)
			a := naiveMatMul(b, naiveTranspose(b))
			before := a.Clone()
			s := SqrtPSD(a)
			require.Equal(t, []int{6, 6}, s.Shape())
			assert.Equal(t, naiveTranspose(s).Data(), s.Data(), "S not exactly symmetric")
			scale := 1 + frobeniusNorm(a.data)
			assert.Less(t, maxAbsDiff(naiveMatMul(s, s), a), 1e-12*scale, "S·S ≠ A")
			// S is semi-definite: its eigenvalues are the roots of A's, ≥ 0.
			values, _ := SymEig(s)
			assert.GreaterOrEqual(t, values.data[0], -1e-12*scale)
			assert.Equal(t, before.Data(), a.Data(), "input modified")
		})
	}
}

func TestSqrtPSDKnown(t *testing.T) {
	// √3 and 1 on the eigenvectors (1,1)/√2 and (1,−1)/√2 of [[2 1] [1 2]]:
	// S = ½·[[1 1] [1 1]]·√3 + ½·[[1 −1] [−1 1]]·1.
	r3 := math.Sqrt(3)
	h := 1 / math.Sqrt2
	cases := []struct {
		name string
		a    [][]float64
		want []float64
	}{
		{"diagonal", [][]float64{{4, 0}, {0, 9}}, []float64{2, 0, 0, 3}},
		{"2 1 1 2", [][]float64{{2, 1}, {1, 2}}, []float64{(r3 + 1) / 2, (r3 - 1) / 2, (r3 - 1) / 2, (r3 + 1) / 2}},
		// [[1 1] [1 1]] = 2·(e/√2)(e/√2)ᵀ has root √2·(e/√2)(e/√2)ᵀ = e·eᵀ/√2.
		{"singular ones", [][]float64{{1, 1}, {1, 1}}, []float64{h, h, h, h}},
		// A rounding-size negative eigenvalue is clamped to 0, not NaN.
		{"tiny negative eigenvalue", [][]float64{{4, 0}, {0, -1e-17}}, []float64{2, 0, 0, 0}},
		{"zero", [][]float64{{0, 0}, {0, 0}}, []float64{0, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := SqrtPSD(FromRows(tc.a))
			require.Len(t, s.Data(), len(tc.want))
			assert.InDeltaSlice(t, tc.want, s.Data(), 1e-14)
		})
	}
}

func TestFrechetTraceTermOfEqualCovariances(t *testing.T) {
	// The FID term Tr (Σ₁Σ₂)^½, computed as Tr SqrtPSD(R·Σ₂·R) with
	// R = Σ₁^½, must equal Tr Σ when Σ₁ = Σ₂ = Σ: then R·Σ·R = Σ², whose
	// root is Σ. So the distance of a Gaussian to itself is 0.
	r := rand.New(rand.NewPCG(13, 0))
	b := RandN(r, 5, 8)
	sigma := naiveMatMul(b, naiveTranspose(b))
	root := SqrtPSD(sigma)
	inner := naiveMatMul(naiveMatMul(root, sigma), root)
	assert.InDelta(t, Trace(sigma), Trace(SqrtPSD(inner)), 1e-11*Trace(sigma))
}

func TestCovHandExample(t *testing.T) {
	// Rows (1,2), (3,6), (5,7): μ = (3, 5), deviations (−2,−3), (0,1), (2,2).
	// Σ₁₁ = (4+0+4)/2 = 4, Σ₂₂ = (9+1+4)/2 = 7, Σ₁₂ = (6+0+4)/2 = 5.
	x := FromRows([][]float64{{1, 2}, {3, 6}, {5, 7}})
	before := x.Clone()
	cov := Cov(x)
	require.Equal(t, []int{2, 2}, cov.Shape())
	assert.InDeltaSlice(t, []float64{4, 5, 5, 7}, cov.Data(), 1e-15)
	assert.Equal(t, before.Data(), x.Data(), "input modified")
}

func TestCovMatchesOnePassFormula(t *testing.T) {
	// Σ = (Σ_n x_n·x_nᵀ − N·μ·μᵀ)/(N − 1), an algebraically equal formula
	// that Cov does not use (inputs near 0, so its cancellation is harmless).
	r := rand.New(rand.NewPCG(14, 0))
	for _, shape := range [][2]int{{2, 1}, {7, 3}, {50, 8}} {
		n, d := shape[0], shape[1]
		t.Run(fmt.Sprintf("%dx%d", n, d), func(t *testing.T) {
			x := RandN(r, n, d)
			mean := make([]float64, d)
			for i := 0; i < n; i++ {
				for k := 0; k < d; k++ {
					mean[k] += x.At(i, k) / float64(n)
				}
			}
			want := Zeros(d, d)
			for j := 0; j < d; j++ {
				for k := 0; k < d; k++ {
					sum := 0.0
					for i := 0; i < n; i++ {
						sum += x.At(i, j) * x.At(i, k)
					}
					want.Set((sum-float64(n)*mean[j]*mean[k])/float64(n-1), j, k)
				}
			}
			got := Cov(x)
			require.Equal(t, []int{d, d}, got.Shape())
			assert.InDeltaSlice(t, want.Data(), got.Data(), 1e-12)
			assert.Equal(t, naiveTranspose(got).Data(), got.Data(), "not exactly symmetric")
		})
	}
}

func TestCovOfShiftedData(t *testing.T) {
	// Adding 1e8 to every value leaves the covariance unchanged; the
	// two-pass algorithm keeps that true in floating point.
	x := FromRows([][]float64{{1, 2}, {3, 6}, {5, 7}})
	for i := range x.data {
		x.data[i] += 1e8
	}
	cov := Cov(x)
	require.Len(t, cov.Data(), 4)
	assert.InDeltaSlice(t, []float64{4, 5, 5, 7}, cov.Data(), 1e-6)
}

func TestTrace(t *testing.T) {
	assert.Equal(t, 5.0, Trace(FromRows([][]float64{{1, 2}, {3, 4}})))
	assert.Equal(t, 0.0, Trace(Zeros(0, 0)))
}

func TestLinalgPanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"SymEig not square", func() { SymEig(Zeros(2, 3)) },
			ErrArgument, "tensor: SymEig: bad argument matrix (2,3) is not square"},
		{"SymEig 1-D", func() { SymEig(Zeros(4)) },
			ErrArgument, "tensor: SymEig: bad argument matrix (4) is not square"},
		{"SqrtPSD 3-D", func() { SqrtPSD(Zeros(2, 2, 2)) },
			ErrArgument, "tensor: SqrtPSD: bad argument matrix (2,2,2) is not square"},
		{"Trace not square", func() { Trace(Zeros(3, 2)) },
			ErrArgument, "tensor: Trace: bad argument matrix (3,2) is not square"},
		{"Cov one observation", func() { Cov(Zeros(1, 3)) },
			ErrArgument, "tensor: Cov: bad argument 1 observations in (1,3); need at least 2"},
		{"Cov 1-D", func() { Cov(Zeros(5)) },
			ErrShape, "tensor: Cov: shape mismatch input (5) is not (N,D)"},
	})
}

func BenchmarkSymEig20(b *testing.B) { benchSymEig(b, 20) }
func BenchmarkSymEig64(b *testing.B) { benchSymEig(b, 64) }

func benchSymEig(b *testing.B, n int) {
	a := randSymmetric(rand.New(rand.NewPCG(1, 0)), n)
	b.ReportAllocs()
	for b.Loop() {
		SymEig(a)
	}
}
