package data

import (
	"math"
	"math/rand/v2"

	"ganbook/tensor"
)

// Sampler is a data set that can be drawn from: Sample returns n samples as
// an (n, d) tensor, one per row, using only r for randomness.
type Sampler interface {
	Sample(r *rand.Rand, n int) *tensor.Tensor
}

// SamplerFunc adapts a plain sampling function, such as SwissRoll, to the
// Sampler interface: SamplerFunc(SwissRoll).Sample(r, n) calls SwissRoll(r, n).
type SamplerFunc func(r *rand.Rand, n int) *tensor.Tensor

// Sample calls f(r, n).
func (f SamplerFunc) Sample(r *rand.Rand, n int) *tensor.Tensor { return f(r, n) }

// Mixture is a mixture of isotropic Gaussians in d dimensions,
//
//	p(x) = Σₖ wₖ · N(x; μₖ, σ²·I),
//
// with centres μₖ = Centers[k] (all of length d), one standard deviation
// σ = Std shared by every component and every coordinate, and weights wₖ.
// Weights nil means uniform weights 1/K; otherwise Weights holds K
// non-negative numbers with a positive sum, which are divided by their sum.
//
// A Mixture is plain data: build one with a constructor (Ring8, Grid25, ...)
// or a struct literal. Its methods panic with tensor.ErrArgument if the
// fields are inconsistent (no centres, centres of different lengths, a
// negative Std, weights of the wrong length, negative or summing to 0).
type Mixture struct {
	Name    string      // a short label for tables and file names, e.g. "ring-8"
	Centers [][]float64 // K centres μₖ, each of length d
	Std     float64     // σ, the standard deviation of every coordinate of every component
	Weights []float64   // K mixing weights (normalised by their sum), or nil for uniform
}

// Dim returns d, the length of a sample. It panics with tensor.ErrArgument
// if the mixture is inconsistent (see Mixture).
func (m *Mixture) Dim() int {
	m.check("Mixture.Dim")
	return len(m.Centers[0])
}

// Sample draws n samples x = μₖ + σ·ε, with the component k drawn with
// probability wₖ and ε ~ N(0, I), and returns them as an (n, d) tensor.
// Std = 0 is allowed and puts every sample exactly on a centre.
// It panics with tensor.ErrArgument if n < 0 or the mixture is inconsistent.
func (m *Mixture) Sample(r *rand.Rand, n int) *tensor.Tensor {
	x, _ := m.sample("Mixture.Sample", r, n)
	return x
}

// SampleLabeled is Sample that also returns, for each row, the index k of
// the component it was drawn from. It draws the same numbers from r as
// Sample, so the samples are bit for bit the same for the same r.
func (m *Mixture) SampleLabeled(r *rand.Rand, n int) (*tensor.Tensor, []int) {
	return m.sample("Mixture.SampleLabeled", r, n)
}

// sample draws, for each row in turn, one number to choose the component
// and then d standard normals for the coordinates.
func (m *Mixture) sample(op string, r *rand.Rand, n int) (*tensor.Tensor, []int) {
	m.check(op)
	if n < 0 {
		panicf(tensor.ErrArgument, op, "negative sample count %d", n)
	}
	d := len(m.Centers[0])
	cumulative := m.cumulativeWeights()
	out := tensor.Zeros(n, d)
	x := out.Data()
	labels := make([]int, n)
	for i := range n {
		k := chooseComponent(r, cumulative, len(m.Centers))
		labels[i] = k
		row := x[i*d : (i+1)*d]
		for j, mu := range m.Centers[k] {
			row[j] = mu + m.Std*r.NormFloat64()
		}
	}
	return out, labels
}

// cumulativeWeights returns the running sums w₁, w₁+w₂, ... of the weights,
// or nil for uniform weights.
func (m *Mixture) cumulativeWeights() []float64 {
	if m.Weights == nil {
		return nil
	}
	cumulative := make([]float64, len(m.Weights))
	sum := 0.0
	for k, w := range m.Weights {
		sum += w
		cumulative[k] = sum
	}
	return cumulative
}

// chooseComponent draws k with probability wₖ/Σw from the running sums of
// the weights, or uniformly among K when cumulative is nil.
func chooseComponent(r *rand.Rand, cumulative []float64, K int) int {
	if cumulative == nil {
		return r.IntN(K)
	}
	total := cumulative[len(cumulative)-1]
	u := r.Float64() * total // uniform on [0, total)
	last, previous := 0, 0.0 // the last component with a positive weight, the sum before k
	for k, c := range cumulative {
		if u < c {
			return k // c > u ≥ previous, so wₖ > 0
		}
		if c > previous {
			last = k
		}
		previous = c
	}
	return last // only if rounding made u equal to total
}

// Density returns the exact mixture density at x,
//
//	p(x) = Σₖ wₖ · (2πσ²)^(−d/2) · exp(−‖x − μₖ‖² / (2σ²)).
//
// It panics with tensor.ErrShape if len(x) ≠ d, and with tensor.ErrArgument
// if Std ≤ 0 (a point mass has no density) or the mixture is inconsistent.
func (m *Mixture) Density(x []float64) float64 {
	m.check("Mixture.Density")
	d := len(m.Centers[0])
	if len(x) != d {
		panicf(tensor.ErrShape, "Mixture.Density", "point of length %d for a mixture in %d dimensions", len(x), d)
	}
	if m.Std <= 0 {
		panicf(tensor.ErrArgument, "Mixture.Density", "standard deviation %g is not positive", m.Std)
	}
	variance := m.Std * m.Std
	normaliser := math.Pow(2*math.Pi*variance, -float64(d)/2)
	weightSum := float64(len(m.Centers))
	if m.Weights != nil {
		weightSum = 0
		for _, w := range m.Weights {
			weightSum += w
		}
	}
	p := 0.0
	for k, mu := range m.Centers {
		w := 1.0
		if m.Weights != nil {
			w = m.Weights[k]
		}
		sq := 0.0
		for j, xj := range x {
			diff := xj - mu[j]
			sq += diff * diff
		}
		p += w * math.Exp(-sq/(2*variance))
	}
	return p * normaliser / weightSum
}

// check panics with tensor.ErrArgument, naming op, if the fields do not
// describe a mixture.
func (m *Mixture) check(op string) {
	K := len(m.Centers)
	if K == 0 {
		panicf(tensor.ErrArgument, op, "mixture %q has no centres", m.Name)
	}
	d := len(m.Centers[0])
	if d == 0 {
		panicf(tensor.ErrArgument, op, "mixture %q has centres of length 0", m.Name)
	}
	for k, c := range m.Centers {
		if len(c) != d {
			panicf(tensor.ErrArgument, op, "mixture %q: centre %d has length %d, centre 0 has %d", m.Name, k, len(c), d)
		}
	}
	if !(m.Std >= 0) || math.IsInf(m.Std, 1) {
		panicf(tensor.ErrArgument, op, "mixture %q: standard deviation %g", m.Name, m.Std)
	}
	if m.Weights == nil {
		return
	}
	if len(m.Weights) != K {
		panicf(tensor.ErrArgument, op, "mixture %q: %d weights for %d centres", m.Name, len(m.Weights), K)
	}
	sum := 0.0
	for k, w := range m.Weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			panicf(tensor.ErrArgument, op, "mixture %q: weight %d is %g", m.Name, k, w)
		}
		sum += w
	}
	if sum == 0 {
		panicf(tensor.ErrArgument, op, "mixture %q: weights sum to 0", m.Name)
	}
}

// ---- The published 2-D sets ----

// Ring8 is PacGAN's ring (arXiv 1712.04086, code setting 2DRing): eight
// equally weighted Gaussians with centres μₖ = (cos 2πk/8, sin 2πk/8),
// k = 0..7, on the unit circle, and σ = 0.01.
func Ring8() *Mixture {
	return &Mixture{Name: "ring-8", Centers: circle(8, 1), Std: 0.01}
}

// Grid25 is PacGAN's grid (arXiv 1712.04086, code setting 2DGrid): 25
// equally weighted Gaussians with centres {−4, −2, 0, 2, 4}², listed row by
// row (the first coordinate varies slowest), and σ = 0.05.
func Grid25() *Mixture {
	return &Mixture{Name: "grid-25", Centers: grid(5, 2, 1), Std: 0.05}
}

// Gaussians8 is the "8gaussians" set of WGAN-GP's gan_toy.py
// (arXiv 1704.00028). The script draws a centre 2·(cos 2πk/8, sin 2πk/8),
// adds noise with standard deviation 0.02 and divides the point by 1.414.
// Dividing a Gaussian by a constant divides its mean and its standard
// deviation, so this is the mixture with centres on the circle of radius
// 2/1.414 ≈ 1.414 and σ = 0.02/1.414 ≈ 0.0141.
func Gaussians8() *Mixture {
	return &Mixture{Name: "8-gaussians", Centers: circle(8, 2/1.414), Std: 0.02 / 1.414}
}

// Gaussians25 is the "25gaussians" set of WGAN-GP's gan_toy.py
// (arXiv 1704.00028): centres 2·{−2, −1, 0, 1, 2}², noise with standard
// deviation 0.05, every point divided by 2.828. That is the mixture with
// centres (2/2.828)·{−2, ..., 2}² (spacing ≈ 0.707, listed row by row) and
// σ = 0.05/2.828 ≈ 0.0177. The script draws a fixed set of 100,000 points
// once and samples batches from it; this mixture draws fresh points instead.
func Gaussians25() *Mixture {
	return &Mixture{Name: "25-gaussians", Centers: grid(5, 2, 2.828), Std: 0.05 / 2.828}
}

// circle returns k points (radius·cos 2πi/k, radius·sin 2πi/k), i = 0..k-1.
func circle(k int, radius float64) [][]float64 {
	centers := make([][]float64, k)
	for i := range centers {
		angle := 2 * math.Pi * float64(i) / float64(k)
		centers[i] = []float64{radius * math.Cos(angle), radius * math.Sin(angle)}
	}
	return centers
}

// grid returns the side² points (spacing·a/divisor, spacing·b/divisor) for
// a, b in {−(side−1)/2, ..., (side−1)/2}, with a varying slowest.
func grid(side int, spacing, divisor float64) [][]float64 {
	half := (side - 1) / 2
	centers := make([][]float64, 0, side*side)
	for a := -half; a <= half; a++ {
		for b := -half; b <= half; b++ {
			centers = append(centers, []float64{spacing * float64(a) / divisor, spacing * float64(b) / divisor})
		}
	}
	return centers
}

// ---- 1-D mixtures ----

// Mixture1D returns the 1-D mixture p(x) = Σₖ wₖ·N(x; cₖ, σ²) with centres
// cₖ = centers[k], σ = std, and weights as in Mixture (nil for uniform). It
// copies its arguments. It panics with tensor.ErrArgument if centers is
// empty, std < 0, or weights has the wrong length, a negative entry or a
// zero sum.
func Mixture1D(centers []float64, std float64, weights []float64) *Mixture {
	m := &Mixture{Name: "mixture-1d", Centers: make([][]float64, len(centers)), Std: std}
	for k, c := range centers {
		m.Centers[k] = []float64{c}
	}
	if weights != nil {
		m.Weights = append([]float64(nil), weights...)
	}
	m.check("Mixture1D")
	return m
}

// ---- Swiss roll ----

// SwissRoll draws n points of WGAN-GP's "swissroll" set (gan_toy.py,
// arXiv 1704.00028) and returns them as an (n, 2) tensor. The script calls
// scikit-learn's make_swiss_roll with noise 0.25, keeps the columns (x, z)
// and divides by 7.5. For each point, with u ~ U[0, 1) and ε₁, ε₂ ~ N(0, 1):
//
//	t = 1.5π·(1 + 2u)
//	x = (t·cos t + 0.25·ε₁) / 7.5
//	z = (t·sin t + 0.25·ε₂) / 7.5
//
// The dropped height coordinate y = 21·u′ is not drawn. The roll is a
// continuous spiral with no modes, so mode coverage does not apply to it.
// It panics with tensor.ErrArgument if n < 0.
func SwissRoll(r *rand.Rand, n int) *tensor.Tensor {
	if n < 0 {
		panicf(tensor.ErrArgument, "SwissRoll", "negative sample count %d", n)
	}
	const noise, scale = 0.25, 7.5
	out := tensor.Zeros(n, 2)
	x := out.Data()
	for i := range n {
		t := 1.5 * math.Pi * (1 + 2*r.Float64())
		x[2*i] = (t*math.Cos(t) + noise*r.NormFloat64()) / scale
		x[2*i+1] = (t*math.Sin(t) + noise*r.NormFloat64()) / scale
	}
	return out
}
