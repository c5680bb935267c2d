package live

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/tensor"
)

// The live view must train with the very code of the toy chapters: on a
// 2-D mixture with equal learning rates its losses are gan.ToyRun's, bit
// for bit, for WGAN-GP (the library's game, chapter 08's) and for the
// non-saturating GAN written as chapter 01 writes it.
func TestEngineMatchesToyRun(t *testing.T) {
	const steps, hidden, batch = 12, 16, 32
	for _, tc := range []struct {
		name  string
		games func(lambda float64) gan.Game
	}{
		{"wgan-gp", gan.WGANGP},
		{"non-saturating", func(float64) gan.Game { return gan.OneToOne(gan.NonSaturating{}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Data: "ring-8", Loss: tc.name, Seed: 7, Hidden: hidden, Batch: batch, Lambda: 2}.withDefaults()
			spec, _ := lossByName(tc.name)
			g := spec.game(cfg)
			cfg.LRG, cfg.LRD, cfg.DSteps = g.lr, g.lr, g.dSteps

			budget := gan.ToyBudget{Batch: batch, Width: hidden, LRScale: 1, Lambda: cfg.Lambda, EvalEvery: steps, EvalSamples: 10}
			want, err := gan.ToyRun{Name: tc.name, Game: tc.games(cfg.Lambda), Data: data.Ring8(), Budget: budget,
				Seed: cfg.Seed, Steps: steps,
				Networks: func(r *rand.Rand) (G, D *layers.Sequential) { return networks(r, 2, hidden) },
			}.Run()
			require.NoError(t, err)

			e, err := newEngine(cfg)
			require.NoError(t, err)
			var gotD, gotG []float64
			for range steps {
				d, g, err := e.Step()
				require.NoError(t, err)
				gotD, gotG = append(gotD, d), append(gotG, g)
			}
			assert.Equal(t, want.History.Get("D loss").Values, gotD, "D losses differ from gan.ToyRun's")
			assert.Equal(t, want.History.Get("G loss").Values, gotG, "G losses differ from gan.ToyRun's")
		})
	}
}

// stripWallTime clears the fields that depend on the clock or on the
// publication count.
func stripWallTime(s *Snapshot) *Snapshot {
	c := *s
	c.Seq, c.Running, c.StepsPerSecond = 0, false, 0
	return &c
}

func TestEngineDeterministic(t *testing.T) {
	for _, set := range DataSets() {
		t.Run(set, func(t *testing.T) {
			run := func(seed uint64) *Snapshot {
				e, err := newEngine(Config{Data: set, Seed: seed, Hidden: 8, Batch: 16})
				require.NoError(t, err)
				for range evalEvery + 3 { // past one evaluation
					_, _, err := e.Step()
					require.NoError(t, err)
				}
				return stripWallTime(e.snapshot())
			}
			a, b := run(3), run(3)
			assert.Equal(t, a, b, "two runs with the same seed differ")
			assert.NotEqual(t, a.Fake, run(4).Fake, "a different seed gives the same samples")
		})
	}
}

func TestSnapshotShapes(t *testing.T) {
	for _, set := range DataSets() {
		t.Run(set, func(t *testing.T) {
			e, err := newEngine(Config{Data: set, Hidden: 8, Batch: 16})
			require.NoError(t, err)
			_, _, err = e.Step()
			require.NoError(t, err)
			s := e.snapshot()
			d := s.Dim
			assert.Len(t, s.Real, showN*d)
			assert.Len(t, s.Fake, showN*d)
			assert.Len(t, s.Arrows, arrowN*d)
			assert.Len(t, s.Heat.Values, s.Heat.NX*s.Heat.NY)
			assert.Len(t, s.Manifold.X, len(s.Manifold.Z))
			assert.Equal(t, 1, s.Step)
			if set == "mixture-1d" {
				assert.Equal(t, 1, d)
				assert.Equal(t, 1, s.Heat.NY)
				assert.Len(t, s.Manifold.Z, manifoldLine)
				assert.Len(t, s.Centers, 2)
			} else {
				assert.Equal(t, 2, d)
				assert.Len(t, s.Manifold.Z, 2*manifoldSide*manifoldSide)
				assert.Equal(t, manifoldSide, s.Manifold.N)
			}
			names := []string{}
			for _, se := range s.Series {
				names = append(names, se.Name)
				assert.Len(t, se.Values, len(se.Steps), se.Name)
			}
			assert.Subset(t, names, []string{"D loss", "G loss"})
			if set == "swiss-roll" || set == "mixture-1d" {
				assert.Contains(t, names, "W1")
			} else {
				assert.Subset(t, names, []string{"modes", "high quality"})
			}
			if set == "swiss-roll" {
				assert.Empty(t, s.Centers, "the swiss roll has no modes")
			} else {
				assert.NotEmpty(t, s.Centers)
			}
			b, err := json.Marshal(s)
			require.NoError(t, err)
			var back Snapshot
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, s.Config, back.Config, "the settings survive JSON (the seed as a string)")
		})
	}
}

// The arrows are −∂L_G/∂x: a small move of a generated point along its
// arrow lowers the generator's loss, which for the non-saturating loss
// means D finds the point more real.
func TestArrowsPointDownhill(t *testing.T) {
	for _, loss := range []string{"non-saturating", "wgan-gp"} {
		t.Run(loss, func(t *testing.T) {
			e, err := newEngine(Config{Loss: loss, Hidden: 16, Batch: 32})
			require.NoError(t, err)
			for range 20 {
				_, _, err := e.Step()
				require.NoError(t, err)
			}
			s := e.snapshot()
			lossAt := func(xy []float64) float64 {
				var v float64
				autograd.NoGrad(func() {
					v = e.game.loss.G(nil, e.D.Forward(autograd.Const(tensor.New(xy, 1, 2)))).Item()
				})
				return v
			}
			const h = 1e-4
			checked := 0 // points whose arrow is long enough to follow
			for i := range arrowN {
				x, a := s.Fake[2*i:2*i+2], s.Arrows[2*i:2*i+2]
				norm := math.Hypot(a[0], a[1])
				if norm < 1e-9 {
					continue
				}
				checked++
				moved := []float64{x[0] + h*a[0]/norm, x[1] + h*a[1]/norm}
				assert.Less(t, lossAt(moved), lossAt(clone(x)), "point %d: moving along the arrow does not lower L_G", i)
			}
			// Zero arrows would pass the loop unchecked: most must be checked.
			assert.Greater(t, checked, arrowN/2)
		})
	}
}

func TestDivergenceStopsTheRun(t *testing.T) {
	e, err := newEngine(Config{Hidden: 8, Batch: 16})
	require.NoError(t, err)
	e.gParams[0].Value.Data()[0] = math.NaN()
	_, _, err = e.Step()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "diverged at step 1")
	assert.Contains(t, e.diverged, "press reset")
	_, _, err = e.Step()
	require.Error(t, err, "a diverged run must not train")
	assert.Equal(t, 1, e.step)

	s := e.snapshot()
	assert.Equal(t, e.diverged, s.Error)
	b, err := json.Marshal(s) // NaN values become null, not an encoding error
	require.NoError(t, err)
	assert.Contains(t, string(b), "null")
}

func TestSeriesStaysBounded(t *testing.T) {
	s := newSeries("x", "x")
	const n = 10 * historyCap
	for i := 1; i <= n; i++ {
		s.add(i, float64(i))
	}
	require.Len(t, s.values, len(s.steps))
	assert.LessOrEqual(t, len(s.values), historyCap)
	assert.GreaterOrEqual(t, len(s.values), historyCap/4)
	// Each point is the mean of the values of its window of stride steps,
	// recorded at the window's last step: for v = step, last − (stride−1)/2.
	for k, st := range s.steps {
		assert.InDelta(t, float64(st)-float64(s.stride-1)/2, s.values[k], 1e-9, "point %d", k)
	}
	assert.Equal(t, s.stride*len(s.steps), s.steps[len(s.steps)-1])
}

func TestNumbersJSON(t *testing.T) {
	b, err := json.Marshal(Numbers{1, 0.123456789, -2.5e-7, math.NaN(), math.Inf(1), 12345678})
	require.NoError(t, err)
	assert.Equal(t, `[1,0.12346,-2.5e-07,null,null,1.2346e+07]`, string(b))
	b, err = json.Marshal(Numbers(nil))
	require.NoError(t, err)
	assert.Equal(t, `[]`, string(b))
}
