package tensor

// Small dense linear algebra for statistics on features: covariance,
// symmetric eigen-decomposition and the square root of a covariance. These
// are what the Fréchet Inception Distance needs (arXiv:1706.08500):
//
//	FID = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr (Σ₁Σ₂)^½.
//
// Σ₁Σ₂ is not symmetric, but it is similar to the symmetric positive
// semi-definite R·Σ₂·R with R = Σ₁^½, so Tr (Σ₁Σ₂)^½ = Tr SqrtPSD(R·Σ₂·R).

import (
	"cmp"
	"math"
	"slices"
)

const (
	// jacobiTol stops the Jacobi sweeps once the off-diagonal part of the
	// matrix is this small relative to the whole (Frobenius norms).
	jacobiTol = 1e-14
	// jacobiMaxSweeps bounds the sweeps; convergence is quadratic and
	// usually takes fewer than 10.
	jacobiMaxSweeps = 100
)

// squareSize returns n for an n×n matrix, panicking with ErrArgument otherwise.
func squareSize(op string, a *Tensor) int {
	if len(a.shape) != 2 || a.shape[0] != a.shape[1] {
		panicf(ErrArgument, op, "matrix %s is not square", FormatShape(a.shape))
	}
	return a.shape[0]
}

// SymEig computes the eigen-decomposition A = V·diag(λ)·Vᵀ of a symmetric
// n×n matrix A by the cyclic Jacobi method (Golub & Van Loan, Matrix
// Computations, §8.5). values (n) holds the eigenvalues λ in ascending
// order; vectors (n,n) is orthogonal and holds the unit eigenvector of
// values[i] in column i. The sign of each eigenvector is arbitrary, and
// within a repeated eigenvalue any orthonormal basis of its eigenspace may
// come back.
//
// Symmetry is the caller's promise: SymEig decomposes the symmetric part
// (A + Aᵀ)/2, which is A itself when A is symmetric.
//
// Each sweep applies a plane rotation to every off-diagonal pair (p, q) in
// turn, choosing the angle that zeroes a_pq with |θ| ≤ π/4 (the stable
// choice), until the off-diagonal Frobenius norm is at most 1e-14·‖A‖_F,
// or for at most 100 sweeps. It costs O(n³) per sweep.
//
// It panics with ErrArgument if a is not a square 2-D matrix.
func SymEig(a *Tensor) (values, vectors *Tensor) {
	n := squareSize("SymEig", a)
	return symEig(a, n)
}

// symEig is SymEig after the shape check.
func symEig(a *Tensor, n int) (values, vectors *Tensor) {
	m := make([]float64, n*n) // the symmetric part of a, diagonalized in place
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			m[i*n+j] = (a.data[i*n+j] + a.data[j*n+i]) / 2
		}
	}
	v := Eye(n) // accumulates the rotations: A = V·M·Vᵀ throughout
	jacobiDiagonalize(m, v.data, n)

	// Sort ascending; a stable sort keeps the result deterministic on ties.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(p, q int) int {
		return cmp.Compare(m[p*n+p], m[q*n+q])
	})
	values, vectors = Zeros(n), Zeros(n, n)
	for k, col := range order {
		values.data[k] = m[col*n+col]
		for r := 0; r < n; r++ {
			vectors.data[r*n+k] = v.data[r*n+col]
		}
	}
	return values, vectors
}

// jacobiDiagonalize rotates the symmetric n×n matrix a towards diagonal
// form, a ← Jᵀ·a·J, and accumulates v ← v·J, sweeping over all pairs
// (p, q), p < q, in row order.
func jacobiDiagonalize(a, v []float64, n int) {
	scale := frobeniusNorm(a)
	if scale == 0 {
		return // the zero matrix is already diagonal
	}
	for sweep := 0; sweep < jacobiMaxSweeps; sweep++ {
		if offDiagonalNorm(a, n) <= jacobiTol*scale {
			return
		}
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				jacobiRotate(a, v, n, p, q)
			}
		}
	}
}

// jacobiRotate applies the plane rotation J in coordinates (p, q),
//
//	J_pp = J_qq = c,  J_pq = s,  J_qp = −s,
//
// that makes (Jᵀ·a·J)_pq zero, to a (both sides) and to v (on the right).
func jacobiRotate(a, v []float64, n, p, q int) {
	apq := a[p*n+q]
	if apq == 0 {
		return
	}
	// t = tan θ solves t² + 2τt − 1 = 0 with τ = (a_qq − a_pp)/(2·a_pq);
	// taking the root of smaller magnitude keeps |θ| ≤ π/4, so the rotation
	// moves the matrix as little as possible. Hypot avoids overflow in
	// √(1 + τ²); if τ overflows, t becomes 0 and a_pq is simply dropped.
	tau := (a[q*n+q] - a[p*n+p]) / (2 * apq)
	t := 1 / (math.Abs(tau) + math.Hypot(1, tau))
	if tau < 0 {
		t = -t
	}
	c := 1 / math.Sqrt(1+t*t)
	s := t * c

	// The 2×2 block: the diagonal moves by t·a_pq, the pair becomes 0.
	a[p*n+p] -= t * apq
	a[q*n+q] += t * apq
	a[p*n+q], a[q*n+p] = 0, 0
	// Rows and columns p and q, kept symmetric.
	for r := 0; r < n; r++ {
		if r == p || r == q {
			continue
		}
		arp, arq := a[r*n+p], a[r*n+q]
		newP := c*arp - s*arq
		newQ := s*arp + c*arq
		a[r*n+p], a[p*n+r] = newP, newP
		a[r*n+q], a[q*n+r] = newQ, newQ
	}
	for r := 0; r < n; r++ {
		vrp, vrq := v[r*n+p], v[r*n+q]
		v[r*n+p] = c*vrp - s*vrq
		v[r*n+q] = s*vrp + c*vrq
	}
}

// frobeniusNorm returns √(Σ a_ij²).
func frobeniusNorm(a []float64) float64 {
	sum := 0.0
	for _, x := range a {
		sum += x * x
	}
	return math.Sqrt(sum)
}

// offDiagonalNorm returns √(Σ_{i≠j} a_ij²) for an n×n matrix.
func offDiagonalNorm(a []float64, n int) float64 {
	sum := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				sum += a[i*n+j] * a[i*n+j]
			}
		}
	}
	return math.Sqrt(sum)
}

// SqrtPSD returns the symmetric square root S of a symmetric positive
// semi-definite n×n matrix A, the one with S·S = A and S positive
// semi-definite:
//
//	S = V·diag(√max(λ, 0))·Vᵀ,  where A = V·diag(λ)·Vᵀ (SymEig).
//
// A singular A often has eigenvalues like −1e-17 after rounding; they are
// clamped to 0 rather than giving NaN. Symmetry and semi-definiteness are
// the caller's promise: for any symmetric A the result is the root of its
// positive part V·diag(max(λ, 0))·Vᵀ, which is the positive semi-definite
// matrix nearest to A in the Frobenius norm. The result is exactly symmetric.
//
// It panics with ErrArgument if a is not a square 2-D matrix.
func SqrtPSD(a *Tensor) *Tensor {
	n := squareSize("SqrtPSD", a)
	values, vectors := symEig(a, n)
	root := make([]float64, n) // √max(λ_k, 0)
	for k, l := range values.data {
		root[k] = math.Sqrt(max(l, 0))
	}
	out := Zeros(n, n)
	v := vectors.data
	for i := 0; i < n; i++ {
		vi := v[i*n : (i+1)*n]
		for j := i; j < n; j++ {
			vj := v[j*n : (j+1)*n]
			sum := 0.0 // S_ij = Σ_k V_ik·√λ_k·V_jk
			for k, r := range root {
				sum += vi[k] * r * vj[k]
			}
			out.data[i*n+j], out.data[j*n+i] = sum, sum
		}
	}
	return out
}

// Cov returns the unbiased sample covariance (D,D) of x (N,D), whose rows
// are N observations of D variables:
//
//	μ = (1/N)·Σ_n x_n,   Σ = (X − μ)ᵀ(X − μ) / (N − 1).
//
// The mean is subtracted before the products (two passes), which avoids the
// cancellation of the one-pass formula (Σ x·xᵀ − N·μ·μᵀ)/(N − 1). The result
// is exactly symmetric.
//
// It panics with ErrShape if x is not 2-D and with ErrArgument if N < 2.
func Cov(x *Tensor) *Tensor {
	if len(x.shape) != 2 {
		panicf(ErrShape, "Cov", "input %s is not (N,D)", FormatShape(x.shape))
	}
	n, d := x.shape[0], x.shape[1]
	if n < 2 {
		panicf(ErrArgument, "Cov", "%d observations in %s; need at least 2", n, FormatShape(x.shape))
	}
	mean := make([]float64, d)
	for r := 0; r < n; r++ {
		for k, v := range x.data[r*d : (r+1)*d] {
			mean[k] += v
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	// Accumulate the upper triangle of Σ_n (x_n − μ)(x_n − μ)ᵀ row by row.
	out := Zeros(d, d)
	centered := make([]float64, d)
	for r := 0; r < n; r++ {
		for k, v := range x.data[r*d : (r+1)*d] {
			centered[k] = v - mean[k]
		}
		for i, ci := range centered {
			dst := out.data[i*d+i : (i+1)*d] // row i from the diagonal on
			for k, cj := range centered[i:] {
				dst[k] += ci * cj
			}
		}
	}
	// Divide and mirror the upper triangle into the lower one.
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := out.data[i*d+j] / float64(n-1)
			out.data[i*d+j], out.data[j*d+i] = v, v
		}
	}
	return out
}

// Trace returns Tr A = Σ_i a_ii for a square matrix A. It panics with
// ErrArgument if a is not a square 2-D matrix.
func Trace(a *Tensor) float64 {
	n := squareSize("Trace", a)
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += a.data[i*n+i]
	}
	return sum
}
