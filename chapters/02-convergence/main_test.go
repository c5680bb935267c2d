package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// short is a run of a few toy steps with small networks; the Dirac-GAN
// keeps its default length, which costs little.
var short = []string{"-steps", "4", "-eval-every", "2", "-width", "8", "-batch", "16", "-eval-n", "32"}

func runChapter(t *testing.T, args ...string) (map[string]float64, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.Dir
}

// The Dirac-GAN's lessons, on the default 600 steps: simultaneous steps
// spiral out, alternating steps circle, R₁ and instance noise converge;
// the Jacobian at (0, 0) has eigenvalues ±i/2 without regularisation and
// −γ/2 ± i·√(¼ − γ²/4) with R₁. Each breaks with its mechanism: run the
// alternating branch simultaneously and its ratio exceeds 1; drop the R₁
// term and its ratio exceeds 1 and its eigenvalue's real part is 0; build
// the field without createGraph and J is zero.
func TestDiracGAN(t *testing.T) {
	m, out := runChapter(t, short...)
	assert.Greater(t, m["dirac_simgd_radius_ratio"], 1.3)
	assert.InDelta(t, 1, m["dirac_altgd_radius_ratio"], 0.1)
	assert.Less(t, m["dirac_r1_radius_ratio"], 0.01)
	assert.Less(t, m["dirac_noise_radius_ratio"], 0.3)

	assert.InDelta(t, 0, m["dirac_eig_real_plain"], 1e-12)
	assert.InDelta(t, 0.5, m["dirac_eig_imag_plain"], 1e-12)
	assert.InDelta(t, -0.15, m["dirac_eig_real_r1"], 1e-12, "−γ/2 with γ = 0.3")
	assert.InDelta(t, math.Sqrt(0.25-0.15*0.15), m["dirac_eig_imag_r1"], 1e-12)
	assert.InDelta(t, m["dirac_eig_real_r1_predicted"], m["dirac_eig_real_r1"], 1e-12)
	// With noise the expectation is a mean over 4,096 draws: within 5 %.
	assert.InDelta(t, -0.7*0.7/4, m["dirac_eig_real_noise"], 0.05*0.7*0.7/4)
	assert.InDelta(t, -0.7*0.7/4, m["dirac_eig_real_noise_predicted"], 1e-12)

	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(500), f)
	}
	for _, k := range []string{"gan_gloss_w1_correlation", "gan_dloss_w1_correlation", "wgangp_critic_w1_correlation",
		"gan_gloss_w1_correlation_late", "gan_dloss_w1_correlation_late", "wgangp_critic_w1_correlation_late",
		"gan_w1_first", "gan_w1_last", "wgangp_w1_first", "wgangp_w1_last", "w1_floor", "gan_modes", "wgangp_modes"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, 2.0, m["evaluations"])
}

// -gamma and -sigma reach the Jacobian: its real parts follow −γ/2 and
// −σ²/4.
func TestDiracFlags(t *testing.T) {
	m, _ := runChapter(t, append([]string{"-gamma", "1.6", "-sigma", "0.4", "-dirac-steps", "20"}, short...)...)
	// γ = 1.6 > 1: two real eigenvalues, −0.8 ± √(0.64 − 0.25).
	assert.InDelta(t, -0.8+math.Sqrt(0.64-0.25), m["dirac_eig_real_r1"], 1e-12)
	assert.InDelta(t, 0, m["dirac_eig_imag_r1"], 1e-12)
	assert.InDelta(t, -0.4*0.4/4, m["dirac_eig_real_noise"], 0.05*0.4*0.4/4)
}

// The Jacobian of the plain game is [[0, ½], [−½, 0]]; with R₁ its corner
// is −γ.
func TestJacobian(t *testing.T) {
	zero := tensor.Zeros(1, 1)
	J := jacobian(regime{}, zero, zero)
	assert.InDeltaSlice(t, []float64{0, 0.5}, J[0][:], 1e-12)
	assert.InDeltaSlice(t, []float64{-0.5, 0}, J[1][:], 1e-12)
	J = jacobian(regime{gamma: 0.7}, zero, zero)
	assert.InDelta(t, -0.7, J[1][1], 1e-12)
	assert.InDelta(t, 0.5, J[0][1], 1e-12)
}

func TestEigenvalues2x2(t *testing.T) {
	l1, l2 := eigenvalues2x2([2][2]float64{{0, 0.5}, {-0.5, 0}})
	assert.InDelta(t, 0, cmplxDist(l1, complex(0, 0.5)), 1e-15)
	assert.InDelta(t, 0, cmplxDist(l2, complex(0, -0.5)), 1e-15)
	l1, l2 = eigenvalues2x2([2][2]float64{{1, 2}, {3, 4}})
	assert.InDelta(t, (5+math.Sqrt(33))/2, real(l1), 1e-12)
	assert.InDelta(t, (5-math.Sqrt(33))/2, real(l2), 1e-12)
	assert.Equal(t, 0.0, imag(l1))
}

func cmplxDist(a, b complex128) float64 { return math.Hypot(real(a-b), imag(a-b)) }

// evaluate measures W₁, the losses and the critic's estimate on the same
// samples: with D(x) = x₁ and G(z) = z + (3, 0), every score differs by 3.
func TestEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	real := tensor.RandN(r, 16, 2)
	z := autograd.Const(real.Clone())
	shift := autograd.Const(tensor.New([]float64{3, 0}, 1, 2))
	G := func(z *autograd.Var) *autograd.Var { return autograd.Add(z, shift) }
	D := func(x *autograd.Var) *autograd.Var { return autograd.Slice(x, 1, 0, 1) }
	e := evaluate(gan.Wasserstein{}, D, G, real, z)
	assert.InDelta(t, 3, e.w1, 1e-12, "a shift by 3 costs exactly 3")
	assert.InDelta(t, -3, e.estimate, 1e-12, "E D(real) − E D(fake) = −3")
	assert.InDelta(t, 3, e.dLoss, 1e-12, "the critic's loss E D(fake) − E D(real)")

	ns := evaluate(gan.NonSaturating{}, D, G, real, z)
	fake := G(z).Value
	want := gan.NonSaturating{}.D(D(autograd.Const(real)), D(autograd.Const(fake))).Item()
	assert.InDelta(t, want, ns.dLoss, 1e-15)
	assert.InDelta(t, metrics.W1Exact(fake, real), ns.w1, 1e-15)
}

// On a run long enough for the critic to learn, WGAN-GP's estimate rises
// and falls with W₁ (remove the critic's training, or flip the estimate's
// sign, and this fails).
func TestCriticTracksW1(t *testing.T) {
	m, _ := runChapter(t, "-steps", "400", "-eval-every", "40", "-width", "16", "-eval-n", "128", "-dirac-steps", "10")
	assert.Greater(t, m["wgangp_critic_w1_correlation"], 0.6)
	assert.Less(t, m["wgangp_w1_last"], m["wgangp_w1_first"])
	assert.Less(t, m["gan_w1_last"], m["gan_w1_first"])
}

// The field drawn under the run with instance noise comes from the run's
// seed: the same seed draws the same picture, another seed another one.
func TestDiracFieldFollowsTheSeed(t *testing.T) {
	cfg := config{diracLR: 0.1}
	paths := []diracPath{{regime: regime{metric: "noise", eigMetric: "noise", file: "noise", label: "instance noise", sigma: 0.7},
		points: []plot.Point{{X: 1, Y: 1}, {X: 0.9, Y: 1.05}}}}
	draw := func(seed uint64) []byte {
		pic := diracPictures(cfg, paths, seed)[0]
		path := filepath.Join(t.TempDir(), pic.Name)
		require.NoError(t, pic.Save(path))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return b
	}
	one := draw(1)
	assert.Equal(t, one, draw(1))
	assert.NotEqual(t, one, draw(2))
}

func TestDeterministic(t *testing.T) {
	chaptertest.Deterministic(t, spec, append([]string{"-dirac-steps", "50"}, short...)...)
}

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "02-convergence: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-dirac-steps", "0"}, Want: "02-convergence: -dirac-steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-dirac-lr", "NaN"}, Want: "02-convergence: -dirac-lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-gamma", "0"}, Want: "02-convergence: -gamma must be positive and finite, got 0\n"},
		chaptertest.BadValue{Args: []string{"-sigma", "-Inf"}, Want: "02-convergence: -sigma must be positive and finite, got -Inf\n"},
		chaptertest.BadValue{Args: []string{"-eval-n", "1"}, Want: "02-convergence: -eval-n must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-eval-n", "1e7"}, Want: "02-convergence: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-noise-n", "1e10"}, Want: "02-convergence: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "02-convergence: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, short...) }
