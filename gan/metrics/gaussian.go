package metrics

import (
	"math"
	"slices"

	"ganbook/tensor"
)

// ---- Divergences between two Gaussians on the line -------------------------------------
//
// For P = N(μ₁, σ₁²) and Q = N(μ₂, σ₂²) most divergences have closed forms:
// the references against which estimates from samples are checked. All are
// in nats where that applies. Each function panics with
// tensor.ErrArgument if a mean is not finite or a standard deviation is not
// finite and positive.

// Gaussian1D is the normal distribution N(Mu, Sigma²) on the line.
type Gaussian1D struct {
	Mu, Sigma float64
}

// Density returns the density at x, e^{−(x − μ)²/(2σ²)} / (σ·√(2π)).
func (g Gaussian1D) Density(x float64) float64 {
	z := (x - g.Mu) / g.Sigma
	return math.Exp(-z*z/2) / (g.Sigma * math.Sqrt(2*math.Pi))
}

// CDF returns P(X ≤ x) = Φ((x − μ)/σ), Φ(z) = ½·erfc(−z/√2).
func (g Gaussian1D) CDF(x float64) float64 {
	return 0.5 * math.Erfc(-(x-g.Mu)/(g.Sigma*math.Sqrt2))
}

func (g Gaussian1D) check(op string) {
	if math.IsNaN(g.Mu) || math.IsInf(g.Mu, 0) || !(g.Sigma > 0) || math.IsInf(g.Sigma, 1) {
		panicf(tensor.ErrArgument, op, "N(%g, %g²): want a finite mean and a finite σ > 0", g.Mu, g.Sigma)
	}
}

// KLGaussian1D returns KL(P ‖ Q) for P = N(μ₁, σ₁²), Q = N(μ₂, σ₂²):
//
//	KL = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½.
//
// It is not symmetric: swap the arguments for KL(Q ‖ P).
func KLGaussian1D(p, q Gaussian1D) float64 {
	p.check("KLGaussian1D")
	q.check("KLGaussian1D")
	d := p.Mu - q.Mu
	return math.Log(q.Sigma/p.Sigma) + (p.Sigma*p.Sigma+d*d)/(2*q.Sigma*q.Sigma) - 0.5
}

// TVGaussian1D returns the total variation distance
//
//	TV(P, Q) = ½∫|p − q| = P(A) − Q(A),   A = {x : p(x) > q(x)}.
//
// The densities cross where the quadratic
//
//	(x − μ₂)²/σ₂² − (x − μ₁)²/σ₁² = 2·log(σ₁/σ₂)
//
// holds: at one point if σ₁ = σ₂ (A is a half-line), at two otherwise (A
// is the interval between them when σ₁ < σ₂, its complement when σ₁ > σ₂).
// P(A) and Q(A) are then differences of the normal CDF.
func TVGaussian1D(p, q Gaussian1D) float64 {
	p.check("TVGaussian1D")
	q.check("TVGaussian1D")
	if p.Mu == q.Mu && p.Sigma == q.Sigma {
		return 0
	}
	// mass(g) = g(A), with A = {p > q}.
	var mass func(g Gaussian1D) float64
	if p.Sigma == q.Sigma {
		mid := (p.Mu + q.Mu) / 2
		if p.Mu > q.Mu {
			mass = func(g Gaussian1D) float64 { return 1 - g.CDF(mid) }
		} else {
			mass = func(g Gaussian1D) float64 { return g.CDF(mid) }
		}
	} else {
		// Multiply the crossing condition by σ₁²σ₂² and collect powers of x:
		// a·x² + b·x + c = 0.
		s1, s2 := p.Sigma*p.Sigma, q.Sigma*q.Sigma
		a := s1 - s2
		b := 2 * (p.Mu*s2 - q.Mu*s1)
		c := q.Mu*q.Mu*s1 - p.Mu*p.Mu*s2 - 2*s1*s2*math.Log(p.Sigma/q.Sigma)
		// a ≠ 0 and the discriminant is positive: two normal densities of
		// different widths always cross twice.
		root := math.Sqrt(b*b - 4*a*c)
		x1, x2 := (-b-root)/(2*a), (-b+root)/(2*a)
		lo, hi := min(x1, x2), max(x1, x2)
		if p.Sigma < q.Sigma { // p is the narrower: it wins between the crossings
			mass = func(g Gaussian1D) float64 { return g.CDF(hi) - g.CDF(lo) }
		} else {
			mass = func(g Gaussian1D) float64 { return 1 - (g.CDF(hi) - g.CDF(lo)) }
		}
	}
	return mass(p) - mass(q)
}

// W1Gaussian1D returns the Wasserstein-1 distance
//
//	W₁(P, Q) = ∫₀¹ |F⁻¹(t) − G⁻¹(t)| dt = E|Δ + (σ₁ − σ₂)·Z|,   Z ~ N(0, 1),
//
// with Δ = μ₁ − μ₂: on the line the optimal coupling matches quantiles, and
// the quantiles of the two Gaussians differ by Δ + (σ₁ − σ₂)·z at the
// standard quantile z. For Y ~ N(Δ, s²), s = |σ₁ − σ₂| > 0,
//
//	E|Y| = s·√(2/π)·e^{−Δ²/(2s²)} + Δ·(1 − 2Φ(−Δ/s)),
//
// and |Δ| when s = 0.
func W1Gaussian1D(p, q Gaussian1D) float64 {
	p.check("W1Gaussian1D")
	q.check("W1Gaussian1D")
	d, s := p.Mu-q.Mu, math.Abs(p.Sigma-q.Sigma)
	if s == 0 {
		return math.Abs(d)
	}
	phi := 0.5 * math.Erfc(d/(s*math.Sqrt2)) // Φ(−Δ/s)
	return s*math.Sqrt(2/math.Pi)*math.Exp(-d*d/(2*s*s)) + d*(1-2*phi)
}

// W2Gaussian1D returns the Wasserstein-2 distance
//
//	W₂(P, Q) = √((μ₁ − μ₂)² + (σ₁ − σ₂)²),
//
// the square root of E(Δ + (σ₁ − σ₂)·Z)² under the same quantile coupling.
func W2Gaussian1D(p, q Gaussian1D) float64 {
	p.check("W2Gaussian1D")
	q.check("W2Gaussian1D")
	return math.Hypot(p.Mu-q.Mu, p.Sigma-q.Sigma)
}

// W2Sorted1D returns the exact Wasserstein-2 distance between two 1-D
// samples of the same size n, each value with weight 1/n:
//
//	W₂ = √((1/n) · Σᵢ (a₍ᵢ₎ − b₍ᵢ₎)²),
//
// where a₍ᵢ₎ is the i-th smallest value: on the line the sorted matching is
// optimal for every convex cost. The inputs are not modified. A NaN input
// gives NaN. It panics with tensor.ErrShape if the lengths differ and with
// tensor.ErrArgument if they are 0.
func W2Sorted1D(a, b []float64) float64 {
	if len(a) != len(b) {
		panicf(tensor.ErrShape, "W2Sorted1D", "%d vs %d values", len(a), len(b))
	}
	if len(a) == 0 {
		panicf(tensor.ErrArgument, "W2Sorted1D", "no values")
	}
	as, bs := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	total := 0.0
	for i := range as {
		d := as[i] - bs[i]
		total += d * d
	}
	return math.Sqrt(total / float64(len(as)))
}
