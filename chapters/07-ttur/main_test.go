package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/layers"
)

// tiny are the flags of a run small enough for a test: 240 gradient
// evaluations per method, two W₁ measurements each.
var tiny = []string{"-steps", "120", "-width", "8", "-batch", "16"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	m := r.Metrics
	for _, name := range []string{"w1_target", "w1_floor"} {
		assert.Contains(t, m, name)
	}
	for _, meth := range methods {
		for _, suffix := range []string{"_evals_to_target", "_w1_end", "_w1_oscillation", "_madds_per_eval"} {
			assert.Contains(t, m, meth.key+suffix)
		}
		// Every method gets the same budget, counted as the updates happen.
		assert.Equal(t, 240.0, m[meth.key+"_evals"], meth.key)
	}
	// n_critic = 5 spends 6 evaluations per generator step: a third of the steps.
	assert.Equal(t, 120.0, m["ttur_generator_steps"])
	assert.Equal(t, 120.0, m["equal_generator_steps"])
	assert.Equal(t, 40.0, m["ncritic5_generator_steps"])
	// A critic update with the penalty's double backward pass costs more
	// than a generator update, so n_critic = 5's evaluations are dearer.
	assert.Greater(t, m["ncritic5_madds_per_eval"], m["ttur_madds_per_eval"])
	assert.Equal(t, m["ttur_madds_per_eval"], m["equal_madds_per_eval"])
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
	assert.Contains(t, r.Stdout, "ttur_seconds", "wall times are printed")
	assert.NotContains(t, string(r.JSON), "seconds", "but not written")
}

// The target is -target times the floor.
func TestTargetIsAMultipleOfTheFloor(t *testing.T) {
	m := chaptertest.Run(t, spec, append(tiny, "-target", "5")...).Metrics
	assert.InDelta(t, 5*m["w1_floor"], m["w1_target"], 1e-15)
	assert.Greater(t, m["w1_floor"], 0.05)
	assert.Less(t, m["w1_floor"], 0.2)
}

// The yardstick has exactly 32 samples on each of the 8 modes, and its
// floor is what sets drawn at random score against it.
func TestYardstickIsStratified(t *testing.T) {
	mix := data.Gaussians8()
	evalReal, floor := yardstick(mix, 1)
	counts := make([]int, len(mix.Centers))
	for i := range w1Samples {
		x := evalReal.Data()[2*i : 2*i+2]
		nearest := 0
		for k, c := range mix.Centers {
			if math.Hypot(x[0]-c[0], x[1]-c[1]) < math.Hypot(x[0]-mix.Centers[nearest][0], x[1]-mix.Centers[nearest][1]) {
				nearest = k
			}
		}
		counts[nearest]++
	}
	assert.Equal(t, []int{32, 32, 32, 32, 32, 32, 32, 32}, counts)
	assert.InDelta(t, metrics.W1Exact(mix.Sample(rand.New(rand.NewPCG(1, 7)), w1Samples), evalReal), floor, 0.05)
}

// maxChange is the largest |after − before| over the parameters of two
// networks of one shape.
func maxChange(before, after layers.Module) float64 {
	a, b := layers.Vars(before), layers.Vars(after)
	most := 0.0
	for i := range a {
		for j, v := range a[i].Value.Data() {
			most = math.Max(most, math.Abs(b[i].Value.Data()[j]-v))
		}
	}
	return most
}

// Each player learns at its own rate. Adam's first update moves every
// parameter by lr·g/(|g| + ε), which is lr wherever |g| ≫ ε = 10⁻⁸, so
// after one round the largest move of D's parameters is D's rate and G's
// is G's (times -lr-scale, 10): 4·10⁻³ and 10⁻³ for TTUR, 10⁻³ for both
// with equal rates.
func TestEachPlayerHasItsRate(t *testing.T) {
	b := gan.DefaultToyBudget()
	b.Batch, b.Width, b.LinearDecay, b.EvalSamples = 16, 8, false, 16
	for _, c := range []struct {
		meth method
		d, g float64
	}{{methods[0], 4e-3, 1e-3}, {methods[1], 1e-3, 1e-3}} {
		G0, D0 := b.WGANGP()(rand.New(rand.NewPCG(3, 1))) // ToyRun's stream for the initial weights
		res, err := gan.ToyRun{Name: "test", Game: wganGP(c.meth.lrD, c.meth.lrG, c.meth.dSteps, 1), Networks: b.WGANGP(),
			Data: data.Gaussians8(), Budget: b, Seed: 3, Steps: 1}.Run()
		require.NoError(t, err)
		assert.InDelta(t, c.d, maxChange(D0, res.D), 1e-9, "%s: D", c.meth.key)
		assert.InDelta(t, c.g, maxChange(G0, res.G), 1e-9, "%s: G", c.meth.key)
	}
}

// The claim in a short run: after 600 gradient evaluations each, TTUR is
// closer to the data than equal rates, whose critic lags behind.
func TestTTURBeatsEqualRates(t *testing.T) {
	m := chaptertest.Run(t, spec, "-steps", "300").Metrics
	assert.Less(t, m["ttur_w1_end"], m["equal_w1_end"])
}

func TestOscillation(t *testing.T) {
	// A straight line does not oscillate, however steep.
	assert.InDelta(t, 0, oscillation([]float64{0, 1, 2, 3, 4}, []float64{5, 3, 1, -1, -3}, -1), 1e-15)
	// Around the line 2 + x/2, residuals (+a, −a, −a, +a) have no trend
	// of their own: the spread is a.
	const a = 0.1
	y := []float64{2 + a, 2.5 - a, 3 - a, 3.5 + a}
	assert.InDelta(t, a, oscillation([]float64{0, 1, 2, 3}, y, -1), 1e-15)
	// Only the points after from count: here the last three, on a line.
	assert.InDelta(t, 0, oscillation([]float64{0, 1, 2, 3}, []float64{9, 1, 2, 3}, 0.5), 1e-15)
	assert.True(t, math.IsNaN(oscillation([]float64{0, 1}, []float64{1, 2}, -1)), "two points are not enough")
}

func TestFirstBelowAndCumulative(t *testing.T) {
	w1 := []float64{0.9, 0.5, 0.31, 0.29, 0.35}
	assert.Equal(t, 3, firstBelow(w1, 0.3))
	assert.Equal(t, -1, firstBelow(w1, 0.1))
	assert.Equal(t, 360.0, at([]float64{120, 240, 360, 480}, 2))
	assert.True(t, math.IsInf(at([]float64{120}, -1), 1))

	s := &gan.Series{Steps: []int{1, 2, 3, 4, 5, 6}, Values: []float64{6, 6, 6, 6, 6, 6}}
	assert.Equal(t, []float64{12, 36}, cumulativeAt(s, []int{2, 6}))
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "07-ttur: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-target", "0"}, Want: "07-ttur: -target must be positive and finite, got 0\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-1"}, Want: "07-ttur: -lr-scale must be positive and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-lambda", "Inf"}, Want: "07-ttur: -lambda must be non-negative and finite, got +Inf\n"},
		chaptertest.BadValue{Args: []string{"-batch", "1"}, Want: "07-ttur: -batch must be at least 2, got 1\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "07-ttur: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-steps", "1e12"}, Want: "07-ttur: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }
