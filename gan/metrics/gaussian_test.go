package metrics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// testdata/gaussian.json was written once by testdata/gen_gaussian.py with
// PyTorch in float64: KL by torch.distributions, TV and W₁, W₂ by numerical
// integration (so independent of the closed forms here), and W1ExactVar's
// value and gradient with the matching found by brute force.
type gaussianGolden struct {
	Gaussians []struct {
		Mu1, Sigma1, Mu2, Sigma2 float64
		KLPQ                     float64 `json:"kl_pq"`
		KLQP                     float64 `json:"kl_qp"`
		TV, W1, W2               float64
	} `json:"gaussians"`
	W1Var struct {
		A, B, Grad []float64
		Value      float64
		Match      []int
	} `json:"w1_var"`
}

func loadGaussianGolden(t *testing.T) gaussianGolden {
	t.Helper()
	raw, err := os.ReadFile("testdata/gaussian.json")
	require.NoError(t, err)
	var g gaussianGolden
	require.NoError(t, json.Unmarshal(raw, &g))
	require.NotEmpty(t, g.Gaussians)
	return g
}

func TestGaussian1DAgainstPyTorch(t *testing.T) {
	for _, c := range loadGaussianGolden(t).Gaussians {
		p, q := Gaussian1D{c.Mu1, c.Sigma1}, Gaussian1D{c.Mu2, c.Sigma2}
		assert.InDelta(t, c.KLPQ, KLGaussian1D(p, q), 1e-12, "KL(p‖q) %+v", c)
		assert.InDelta(t, c.KLQP, KLGaussian1D(q, p), 1e-12, "KL(q‖p) %+v", c)
		// Quadrature on a grid of spacing 4·10⁻⁵: error well below 10⁻⁸.
		assert.InDelta(t, c.TV, TVGaussian1D(p, q), 1e-8, "TV %+v", c)
		assert.InDelta(t, c.TV, TVGaussian1D(q, p), 1e-8, "TV is symmetric %+v", c)
		// The midpoint rule misses a little of the quantiles' tails: 10⁻⁶.
		assert.InDelta(t, c.W1, W1Gaussian1D(p, q), 1e-6, "W1 %+v", c)
		assert.InDelta(t, c.W2, W2Gaussian1D(p, q), 1e-6, "W2 %+v", c)
	}
}

func TestGaussian1DIdentities(t *testing.T) {
	p := Gaussian1D{0.4, 1.3}
	assert.Equal(t, 0.0, KLGaussian1D(p, p))
	assert.Equal(t, 0.0, TVGaussian1D(p, p))
	assert.Equal(t, 0.0, W1Gaussian1D(p, p))
	assert.Equal(t, 0.0, W2Gaussian1D(p, p))
	// A shift alone: W₁ = W₂ = |Δ|, TV = 2Φ(|Δ|/(2σ)) − 1, KL = Δ²/(2σ²).
	q := Gaussian1D{-0.6, 1.3}
	assert.InDelta(t, 1, W1Gaussian1D(p, q), 1e-15)
	assert.InDelta(t, 1, W2Gaussian1D(p, q), 1e-15)
	assert.InDelta(t, math.Erf(1/(2*1.3)/math.Sqrt2), TVGaussian1D(p, q), 1e-15)
	assert.InDelta(t, 1/(2*1.3*1.3), KLGaussian1D(p, q), 1e-15)
	// W₁ ≤ W₂ (Jensen). TV against ½∫|p − r| by quadrature, both ways
	// round (the narrower density first takes the other branch), within the
	// quadrature's error.
	r := Gaussian1D{2, 0.2}
	assert.Less(t, W1Gaussian1D(p, r), W2Gaussian1D(p, r))
	assert.InDelta(t, tvByQuadrature(p, r), TVGaussian1D(p, r), 1e-8)
	assert.InDelta(t, tvByQuadrature(p, r), TVGaussian1D(r, p), 1e-8)
	assert.InDelta(t, p.CDF(0.4), 0.5, 1e-15)
	assert.InDelta(t, 1/(1.3*math.Sqrt(2*math.Pi)), p.Density(0.4), 1e-15)
}

// tvByQuadrature is ½∫|p − q| by the midpoint rule on 3·10⁶ cells of
// width 10⁻⁵ over [−15, 15], with the densities written out here. Both
// tails beyond it hold less than 10⁻²⁰ for the means and widths used; the
// rule's error, h²/24·∫|f”| on the smooth pieces plus O(h²·|f'|) at the
// two kinks of |p − q|, is below 10⁻⁸ for widths down to 0.2.
func tvByQuadrature(p, q Gaussian1D) float64 {
	density := func(g Gaussian1D, x float64) float64 {
		z := (x - g.Mu) / g.Sigma
		return math.Exp(-0.5*z*z) / (g.Sigma * math.Sqrt(2*math.Pi))
	}
	const lo, hi, n = -15.0, 15.0, 3000000
	h := (hi - lo) / n
	sum := 0.0
	for i := range n {
		x := lo + (float64(i)+0.5)*h
		sum += math.Abs(density(p, x) - density(q, x))
	}
	return sum * h / 2
}

func TestGaussian1DPanics(t *testing.T) {
	good := Gaussian1D{0, 1}
	for _, bad := range []Gaussian1D{{0, 0}, {0, -1}, {math.NaN(), 1}, {0, math.Inf(1)}, {math.Inf(-1), 1}} {
		for name, f := range map[string]func(p, q Gaussian1D) float64{
			"KL": KLGaussian1D, "TV": TVGaussian1D, "W1": W1Gaussian1D, "W2": W2Gaussian1D,
		} {
			assert.Panics(t, func() { f(bad, good) }, "%s %+v", name, bad)
			assert.Panics(t, func() { f(good, bad) }, "%s %+v", name, bad)
		}
	}
}

// The sorted matching's W₂ on samples approaches the closed form, and is
// exact on small hand-made sets.
func TestW2Sorted1D(t *testing.T) {
	assert.InDelta(t, math.Sqrt((4+1)/2.0), W2Sorted1D([]float64{0, 1}, []float64{3, -1}), 1e-15, "sorted: −1↔0, 3↔1")
	r := rand.New(rand.NewPCG(1, 2))
	n := 100000
	a, b := make([]float64, n), make([]float64, n)
	for i := range n {
		a[i], b[i] = r.NormFloat64(), 1+1.5*r.NormFloat64()
	}
	assert.InDelta(t, W2Gaussian1D(Gaussian1D{0, 1}, Gaussian1D{1, 1.5}), W2Sorted1D(a, b), 0.01)
	assert.Panics(t, func() { W2Sorted1D([]float64{1}, []float64{1, 2}) })
	assert.Panics(t, func() { W2Sorted1D(nil, nil) })
	assert.True(t, math.IsNaN(W2Sorted1D([]float64{math.NaN()}, []float64{1})))
}

func TestW1ExactVarAgainstPyTorch(t *testing.T) {
	g := loadGaussianGolden(t).W1Var
	a := autograd.Param(tensor.New(g.A, 5, 2))
	b := tensor.New(g.B, 5, 2)
	w := W1ExactVar(a, b)
	assert.InDelta(t, g.Value, w.Item(), 1e-12)
	assert.InDelta(t, W1Exact(a.Value, b), w.Item(), 1e-6, "the same distance as W1Exact, up to ε")
	assert.Equal(t, g.Match, Assignment(a.Value, b), "the same optimal matching as brute force")
	grad := autograd.Grad([]*autograd.Var{w}, []*autograd.Var{a}, false)[0].Value.Data()
	require.Len(t, grad, len(g.Grad))
	assert.InDeltaSlice(t, g.Grad, grad, 1e-12)
}

// With the matching held fixed the expression is smooth: first and second
// derivatives against finite differences, at points in general position
// (steps of 10⁻⁶ leave the optimal matching unchanged there).
func TestW1ExactVarGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := tensor.RandN(r, 6, 2), tensor.RandN(r, 6, 2)
	f := func(xs []*autograd.Var) *autograd.Var { return W1ExactVar(xs[0], b) }
	require.NoError(t, autograd.GradCheck("W1ExactVar", f, []*tensor.Tensor{a}, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("W1ExactVar", f, []*tensor.Tensor{a}, autograd.DefaultTolerance))
}

// WGAN's parallel lines: a = (θ, yᵢ), b = (0, yᵢ). Every pair is θ apart,
// W₁ = |θ| and its derivative in θ is sign θ.
func TestW1ExactVarParallelLines(t *testing.T) {
	ys := []float64{0.1, 0.5, 0.9, 0.3}
	for _, theta := range []float64{-0.7, 0.25} {
		th := autograd.Param(tensor.Scalar(theta))
		col := autograd.Const(tensor.New(ys, 4, 1))
		a := autograd.Concat(1, autograd.Add(autograd.Mul(autograd.Const(tensor.Ones(4, 1)), th), autograd.Scalar(0)), col)
		b := tensor.New([]float64{0, 0.1, 0, 0.5, 0, 0.9, 0, 0.3}, 4, 2)
		w := W1ExactVar(a, b)
		assert.InDelta(t, math.Abs(theta), w.Item(), 1e-9)
		d := autograd.Grad([]*autograd.Var{w}, []*autograd.Var{th}, false)[0].Item()
		assert.InDelta(t, math.Copysign(1, theta), d, 1e-9)
	}
}
