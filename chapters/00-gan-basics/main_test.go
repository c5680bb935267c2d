package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/gan/metrics"
)

// short are the flags of a run of a few steps with small networks.
var short = []string{"-steps", "20", "-d-steps", "20", "-eval-every", "5", "-hidden", "8", "-eval-n", "200"}

// runChapter runs the chapter into a temporary folder and returns its
// metrics, the raw metrics.json and the folder.
func runChapter(t *testing.T, args ...string) (map[string]float64, []byte, string) {
	r := chaptertest.Run(t, spec, args...)
	return r.Metrics, r.JSON, r.Dir
}

func TestShortRunWritesEverything(t *testing.T) {
	m, _, out := runChapter(t, short...)
	for _, name := range []string{
		"optimal_d_max_error", "optimal_d_mean_error", "region_lo", "region_hi",
		"value_at_d", "value_optimal", "value_vs_jsd_error", "jsd_p_q",
		"w1_start", "w1_end", "w1_floor", "left_mode_share_end", "d_real_end", "d_fake_end", "evaluations",
	} {
		assert.Contains(t, m, name)
	}
	assert.Equal(t, 4.0, m["evaluations"])
	for _, f := range []string{"optimal_d.svg", "optimal_d_training.svg", "densities.svg", "w1.svg", "losses.svg"} {
		info, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}

	// Whatever D is, V(D) ≤ V(D*) = 2·JSD − log 4, and JSD lies in (0, log 2).
	assert.LessOrEqual(t, m["value_at_d"], m["value_optimal"]+1e-12)
	assert.InDelta(t, m["value_optimal"]-m["value_at_d"], m["value_vs_jsd_error"], 1e-12)
	assert.InDelta(t, 2*m["jsd_p_q"]-math.Log(4), m["value_optimal"], 1e-12)
	assert.Greater(t, m["jsd_p_q"], 0.0)
	assert.Less(t, m["jsd_p_q"], math.Log(2))
	assert.Greater(t, m["w1_floor"], 0.0)
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, short...) }

// At D = D* (logits log(p/q)) the errors vanish and V equals 2·JSD − log 4;
// the region holds the cells where (p + q)/2 ≥ 1 % of its peak, and those
// form one interval around the modes.
func TestGridAtTheOptimum(t *testing.T) {
	p := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	q := data.Mixture1D([]float64{0}, 2, nil)
	g := gan.NewDensityGrid(p, q, gridLo, gridHi, gridN, regionShare, func(px, qx float64) float64 { return px / (px + qx) })
	logits := make([]float64, gridN)
	peak := 0.0
	for i := range gridN {
		logits[i] = math.Log(g.P[i] / g.Q[i])
		peak = math.Max(peak, (g.P[i]+g.Q[i])/2)
	}
	maxErr, meanErr := g.Errors(probabilities(logits))
	assert.InDelta(t, 0, maxErr, 1e-12)
	assert.InDelta(t, 0, meanErr, 1e-12)

	// The value at D*, a sum of p·log(p/(p + q)) + q·log(q/(p + q)), against
	// the JSD that the metrics package sums in its own way on the same grid.
	// The two differ by log 2 times the mass outside the grid, which for q
	// (5σ on each side) is 2·(1 − Φ(5)) ≈ 5.7·10⁻⁷.
	jsd := metrics.JSDOfDensities(densityOf(p), densityOf(q), gridLo, gridHi, gridN)
	assert.InDelta(t, 2*jsd-math.Log(4), gan.GameValue(logits, g.P, g.Q, g.H), 1e-6)

	lo, hi := g.RegionBounds()
	for i, x := range g.X {
		inside := x > lo && x < hi
		assert.Equal(t, inside, g.InRegion[i], "cell %d at x = %g", i, x)
		assert.Equal(t, (g.P[i]+g.Q[i])/2 >= 0.01*peak, g.InRegion[i], "cell %d", i)
	}
	assert.Less(t, lo, -2.0)
	assert.Greater(t, hi, 2.0)
}

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "00-gan-basics: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-d-steps", "0"}, Want: "00-gan-basics: -d-steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lr", "NaN"}, Want: "00-gan-basics: -lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-lr", "Inf"}, Want: "00-gan-basics: -lr must be positive and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-d-lr", "NaN"}, Want: "00-gan-basics: -d-lr must be positive and finite, got NaN\n"},
		chaptertest.BadValue{Args: []string{"-eval-n", "1"}, Want: "00-gan-basics: -eval-n must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-hidden", "1000000"}, Want: "00-gan-basics: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-batch", "100000000"}, Want: "00-gan-basics: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-noise", "1e8"}, Want: "00-gan-basics: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-eval-n", "1e8"}, Want: "00-gan-basics: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, short...) }

// The lesson holds on a short run, and breaks when its mechanism does: D
// trained against q comes near D* = p/(p + q) over the whole region and
// the game's value near
// 2·JSD − log 4 (swap real and fake in D's loss and the error is several
// times larger), and the GAN pulls its samples towards p (drop G's update
// and W₁ stays where it started).
func TestTheLessonHolds(t *testing.T) {
	m, _, _ := runChapter(t, "-steps", "300", "-d-steps", "300", "-hidden", "16", "-eval-every", "100", "-eval-n", "500")
	assert.Less(t, m["optimal_d_mean_error"], 0.15)
	// Near D* wherever p or q has mass, not only on average: the largest
	// error over the region is 0.225 on this run.
	assert.Less(t, m["optimal_d_max_error"], 0.3)
	assert.Less(t, m["value_vs_jsd_error"], 0.05)
	assert.Less(t, m["w1_end"], 0.75*m["w1_start"])
	for _, name := range []string{"d_real_end", "d_fake_end", "left_mode_share_end"} {
		assert.Greater(t, m[name], 0.0, name)
		assert.Less(t, m[name], 1.0, name)
	}
}
