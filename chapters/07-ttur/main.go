// Chapter 07 mirrors the article's section "Técnicas 2: Regla de
// actualización de dos escalas de tiempo (Two Timescale Update Rule, TTUR)".
//
// A GAN is two learners chasing each other. The generator learns from the
// discriminator's judgement, which is only worth following if the
// discriminator is close to the best answer for the current generator.
// WGAN and WGAN-GP (chapters 05 and 08) get there by brute force: n_critic
// = 5 critic updates for every generator update. The Two Timescale Update
// Rule (Heusel et al. 2017, arXiv 1706.08500) gets there with step sizes
// instead: the discriminator's parameters w and the generator's θ each take
// one stochastic gradient step per round, with their own rates,
//
//	w ← w − b(n)·∇_w L_D(w, θ),   θ ← θ − a(n)·∇_θ L_G(w, θ),   a(n)/b(n) → 0,
//
// so that, seen from the generator, the discriminator moves fast enough to
// be (nearly) converged, and, seen from the discriminator, the generator
// stands (nearly) still. Under stochastic-approximation conditions the
// paper proves convergence to a local Nash equilibrium. In practice the
// rates stay constant; SAGAN (arXiv 1805.08318) uses D 4·10⁻⁴, G 10⁻⁴, one
// D update per G update and Adam with β₁ = 0.
//
// This program trains one game, WGAN-GP on the 8 Gaussians of WGAN-GP's toy
// code (the Wasserstein loss plus λ·E(‖∇f(x̂)‖ − 1)², Adam β = (0, 0.9)),
// three ways that differ only in the rates and the number of D updates:
//
//	ttur       D 4·10⁻⁴, G 10⁻⁴, 1 D update per G update
//	equal      D 10⁻⁴,   G 10⁻⁴, 1 D update per G update
//	ncritic5   D 10⁻⁴,   G 10⁻⁴, 5 D updates per G update (WGAN-GP's recipe)
//
// with the same networks, initial weights and budget of gradient
// evaluations (one evaluation = one optimizer update of either player, so a
// round costs 2 evaluations at 1:1 and 6 with n_critic = 5: the n_critic =
// 5 run gets a third of the generator steps), and batches from the same
// random stream: ttur and equal draw in the same order and see the same
// batches, n_critic = 5 takes the stream's draws in another order. Every 120 evaluations it
// measures quality as the exact W₁ between 256 generated samples and 256
// real ones, 32 per mode (optimal assignment), and reports for each method
// the evaluations it took for W₁ to first fall below a target
// (evals_to_target: three times the floor, what a perfect generator would
// score on 256 samples), W₁ at the end (w1_end) and how much W₁ wobbles
// over the last quarter of the budget (w1_oscillation). The claims: TTUR
// reaches the target with fewer evaluations than n_critic = 5, and equal
// rates at 1:1, whose critic lags behind its generator, do worse than both.
//
// Run it with
//
//	go run ./chapters/07-ttur
//
// and look in out/07-ttur/: w1_vs_evaluations.svg (the three W₁ curves
// against the cost), w1_vs_generator_steps.svg, samples_*.svg (real
// samples dark green under black rings at the modes, generated samples
// orange, the critic's value behind them: green high, purple low),
// snapshots_*.svg (the samples of the last four measurements, one colour
// each: still for a generator that has settled, scattered for one that
// hops), and metrics.json, written last.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/live"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// Measurement settings. Shapes: B = batch, W = hidden width, n = w1Samples.
const (
	evalEvery = 120 // gradient evaluations between W₁ measurements: 60 rounds at 1:1, 20 with n_critic = 5
	snapshots = 4   // measurements whose samples the snapshot pictures show (the last ones)
	w1Samples = 256 // n: generated and real samples of each exact W₁ (an n×n assignment)
	floorSets = 10  // fresh real sets averaged for the W₁ floor
)

// config holds the chapter's settings: the shared toy budget (batch, width,
// learning-rate scale, λ) and the W₁ target, as a multiple of the floor.
type config struct {
	budget gan.ToyBudget
	target float64
}

var spec = chapter.Spec{
	Name:     "07-ttur",
	Defaults: chapter.Flags{Seed: 1, Steps: 1800},
	Outputs: []string{"w1_vs_evaluations.svg", "w1_vs_generator_steps.svg",
		"samples_ttur.svg", "samples_equal.svg", "samples_ncritic5.svg",
		"snapshots_ttur.svg", "snapshots_equal.svg", "snapshots_ncritic5.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), target: 3}
		b := &cfg.budget
		b.LinearDecay = false // constant rates, as TTUR is used in practice
		b.EvalSamples = w1Samples
		fs.Int(&b.Batch, "batch", b.Batch, "batch size (real and generated)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply every published learning rate by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
		fs.Float(&b.Lambda, "lambda", b.Lambda, "WGAN-GP penalty weight λ", chapter.NonNegative)
		fs.Float(&cfg.target, "target", cfg.target, "the W₁ that counts as reached (evals_to_target), in multiples of the floor a perfect generator scores", chapter.Positive)
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			return append(b.Memory(f.Steps, 3), chapter.Need{What: "an exact W₁'s cost matrix", Bytes: 2 * w1Samples * w1Samples * 8})
		})
		fs.Serve("watch and steer WGAN-GP at TTUR's rates (1:1, D 4×G) live in a browser at this address (localhost:8080) instead of running the chapter; the live view's Adam keeps WGAN-GP's β₁ = 0.5",
			func(addr string, env chapter.Env) error {
				return live.Serve(env.Context, addr, live.Config{Data: "8-gaussians", Loss: "wgan-gp", Lambda: b.Lambda,
					LRG: 1e-4 * b.LRScale, LRD: 4e-4 * b.LRScale, DSteps: 1, Seed: env.Seed, Batch: b.Batch, Hidden: b.Width}, env.Stdout)
			})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The game -------------------------------------------------------------------
//
// wganGP is WGAN-GP (arXiv 1704.00028) with the critic's learning rate lrD,
// the generator's lrG (the published values; t.LR scales them by the
// budget's -lr-scale) and dSteps critic updates per generator update, each
// on a fresh real batch and a generated one (t.Real(), t.Fake(): (B, 2),
// the fakes carrying no graph back into G). Adam with β = (0, 0.9), as
// SAGAN uses TTUR. The generator's update runs with the critic frozen
// (gan.Frozen): G's loss runs through D but leaves no gradient in D's
// weights. Each step returns its losses and what it cost: its gradient
// evaluations (optimizer updates, counted as they happen) and the
// multiply-adds of its matrix products (tensor.MultiplyAdds).
func wganGP(lrD, lrG float64, dSteps int, lambda float64) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(lrD, 1), 0, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(lrG, 1), 0, 0.9)
		loss := gan.Wasserstein{}
		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(lrD, i))
			optG.SetLR(t.LR(lrG, i))
			work, evals := tensor.MultiplyAdds(), 0
			var lossD *autograd.Var
			for range dSteps {
				real, fake := t.Real(), t.Fake()
				lossD = loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E f(x̃) − E f(x)
				gp, _ := gan.GradientPenalty(t.D.Forward, real, fake, t.R)                           // E (‖∇f(x̂)‖ − 1)²
				lossD = autograd.Add(lossD, autograd.Scale(gp, lambda))
				optD.ZeroGrad()
				lossD.Backward()
				optD.Step()
				evals++
			}
			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise()))) // −E f(G(z))
				lossG.Backward()
				optG.Step()
			})
			evals++
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()},
				{Name: "gradient evaluations", Value: float64(evals)},
				{Name: "multiply-adds", Value: float64(tensor.MultiplyAdds() - work)}}
		}
	}
}

// method is one way of running the game: the published rates and the
// number of critic updates per generator update.
type method struct {
	key, name string // "ttur", "TTUR": for files and metrics, for titles
	label     string // for legends, with the settings
	lrD, lrG  float64
	dSteps    int
}

var methods = []method{
	{"ttur", "TTUR", "TTUR: D 4e-4, G 1e-4, 1:1", 4e-4, 1e-4, 1},
	{"equal", "Equal rates", "equal rates 1e-4, 1:1", 1e-4, 1e-4, 1},
	{"ncritic5", "n_critic = 5", "n_critic = 5, rates 1e-4", 1e-4, 1e-4, 5},
}

// trace is what one method's run leaves: W₁ at each measurement, with the
// cumulative gradient evaluations and generator steps there, and the wall
// time spent training (measurements excluded) up to it.
type trace struct {
	res     *gan.ToyResult
	steps   []int     // generator steps at each measurement
	evals   []float64 // gradient evaluations at each measurement
	w1      []float64
	seconds []float64 // training wall time at each measurement (table only)
	last    []snapshot
}

// snapshot is the generated samples of one measurement, (n, 2).
type snapshot struct {
	step    int
	samples *tensor.Tensor
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	mix := data.Gaussians8()

	// ---- 2. The yardstick ---------------------------------------------------------
	evalReal, floor := yardstick(mix, env.Seed) // (n, 2), and what a perfect generator scores
	target := cfg.target * floor

	// ---- 3. Training: the same budget of gradient evaluations for each ------------
	// evalBudget counts gradient evaluations (D and G updates), not the toy
	// budget b: -steps rounds at 1:1 are 2·steps evaluations; n_critic = 5
	// spends 6 per round and gets ⌊steps/3⌋ rounds (at least one).
	evalBudget := 2 * env.Steps
	traces := make([]*trace, len(methods))
	for k, meth := range methods {
		perStep := meth.dSteps + 1
		tb := b
		tb.EvalEvery = evalEvery / perStep
		tr := &trace{}
		var measuring time.Duration
		start := time.Now()
		res, err := gan.ToyRun{
			Name: meth.label, Game: wganGP(meth.lrD, meth.lrG, meth.dSteps, b.Lambda), Networks: b.WGANGP(),
			Data: mix, Budget: tb, Seed: env.Seed, Steps: max(evalBudget/perStep, 1), Progress: env.Stderr, Context: env.Context,
			AfterEval: func(step int, _ *gan.Toy, samples *tensor.Tensor) error { // samples: (n, 2)
				began := time.Now()
				tr.steps = append(tr.steps, step)
				tr.last = append(tr.last, snapshot{step, samples})
				if len(tr.last) > snapshots {
					tr.last = tr.last[1:]
				}
				tr.w1 = append(tr.w1, metrics.W1Exact(samples, evalReal))
				tr.seconds = append(tr.seconds, began.Sub(start).Seconds()-measuring.Seconds())
				measuring += time.Since(began)
				return nil
			},
		}.Run()
		if err != nil {
			return err
		}
		tr.res = res
		tr.evals = cumulativeAt(res.History.Get("gradient evaluations"), tr.steps)
		traces[k] = tr
	}

	// ---- 4. Results -----------------------------------------------------------------
	var m, wall chapter.Metrics
	m.Set("w1_target", target)
	m.Set("w1_floor", floor)
	for k, meth := range methods {
		tr := traces[k]
		reached := firstBelow(tr.w1, target)
		m.Set(meth.key+"_evals_to_target", at(tr.evals, reached))
		m.Set(meth.key+"_w1_end", tr.w1[len(tr.w1)-1])
		m.Set(meth.key+"_w1_oscillation", oscillation(tr.evals, tr.w1, 0.75*float64(evalBudget)))
		evals := tr.evals[len(tr.evals)-1]
		m.Set(meth.key+"_evals", evals)
		m.Set(meth.key+"_generator_steps", float64(tr.steps[len(tr.steps)-1]))
		m.Set(meth.key+"_madds_per_eval", sum(tr.res.History.Get("multiply-adds").Values)/evals)
		wall.Set(meth.key+"_seconds_to_target", at(tr.seconds, reached))
		wall.Set(meth.key+"_seconds", tr.seconds[len(tr.seconds)-1])
	}
	chapter.PrintTable(env.Stdout, "07-ttur: TTUR against equal rates and n_critic = 5 (WGAN-GP, 8 Gaussians)", &m)
	fmt.Fprintln(env.Stdout)
	chapter.PrintTable(env.Stdout, "wall time in seconds, training only (this machine, now; not in metrics.json)", &wall)

	// ---- 5. Pictures ------------------------------------------------------------------
	var byEvals, bySteps []plot.Line
	for k, meth := range methods {
		tr := traces[k]
		byEvals = append(byEvals, plot.Line{Name: meth.label, Points: plot.XY(tr.evals, tr.w1)})
		bySteps = append(bySteps, plot.Line{Name: meth.label, Points: plot.XY(floats(tr.steps), tr.w1)})
	}
	refs := []plot.RefLine{{Y: target, Label: "target"}, {Y: floor, Label: "floor (real vs real)"}}
	pictures := []chapter.Picture{
		{Name: "w1_vs_evaluations.svg", Save: plot.LineChart{
			Title: "Exact W₁ to the data against the cost", XLabel: "gradient evaluations (D and G updates)",
			YLabel: "W₁ (256 samples)", LogY: true, Series: byEvals, Refs: refs}.Save},
		{Name: "w1_vs_generator_steps.svg", Save: plot.LineChart{
			Title: "Exact W₁ to the data against generator steps", XLabel: "generator steps",
			YLabel: "W₁ (256 samples)", LogY: true, Series: bySteps, Refs: refs}.Save},
	}
	real := mix.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
	for k, meth := range methods {
		tr := traces[k]
		title := fmt.Sprintf("%s after %d evaluations", meth.name, int(tr.evals[len(tr.evals)-1]))
		pictures = append(pictures, chapter.Picture{Name: "samples_" + meth.key + ".svg",
			Save: gan.ToyScatter(title, tr.res.D, tr.res.Samples, mix, real, false).Save})
	}
	for k, meth := range methods {
		pictures = append(pictures, chapter.Picture{Name: "snapshots_" + meth.key + ".svg",
			Save: snapshotScatter(meth, traces[k], mix, real).Save})
	}
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// snapshotScatter draws the generated samples of a run's last measurements
// over the real ones, one colour per measurement: a generator that has
// settled puts them on top of each other, one that hops from mode to mode
// scatters them around the ring.
func snapshotScatter(meth method, tr *trace, mix *data.Mixture, real *tensor.Tensor) plot.Scatter {
	centres := make([]plot.Point, len(mix.Centers))
	for i, c := range mix.Centers {
		centres[i] = plot.Point{X: c[0], Y: c[1]}
	}
	dots := []plot.Dots{plot.Real(gan.Points(real))}
	for i, s := range tr.last {
		dots = append(dots, plot.Dots{Points: gan.Points(s.samples), Color: plot.SeriesColor(i), Radius: 1.8,
			Label: fmt.Sprintf("step %d", s.step)})
	}
	return plot.Scatter{
		Window: plot.FitWindow(0.15, centres).Square(), XLabel: "x₁", YLabel: "x₂",
		Title:  fmt.Sprintf("%s: the last %d measurements", meth.name, len(tr.last)),
		Layers: append(dots, plot.Modes(centres)),
	}
}

// yardstick returns the fixed set of n real samples every W₁ is measured
// against, n/K from each of the K modes (stratified: a set drawn at random
// would put 32 ± 5 of 256 samples on a mode of eight, and every distance
// to it would pay for that imbalance), and the floor. Even a perfect
// generator would not score 0 against the set: its n samples fall on the
// modes unevenly. The floor is what it would score, the mean W₁ between
// the set and fresh real sets of n drawn at random.
func yardstick(mix *data.Mixture, seed uint64) (*tensor.Tensor, float64) {
	evalReal := mix.SampleStratified(rand.New(rand.NewPCG(seed, 6)), w1Samples)
	r := rand.New(rand.NewPCG(seed, 7))
	floor := 0.0
	for range floorSets {
		floor += metrics.W1Exact(mix.Sample(r, w1Samples), evalReal) / floorSets
	}
	return evalReal, floor
}

// cumulativeAt returns, for each of the given steps (increasing), the sum
// of the per-step series s up to and including that step.
func cumulativeAt(s *gan.Series, steps []int) []float64 {
	out := make([]float64, len(steps))
	total, j := 0.0, 0
	for i, st := range s.Steps {
		total += s.Values[i]
		for j < len(steps) && steps[j] == st {
			out[j] = total
			j++
		}
	}
	return out
}

// firstBelow returns the index of the first value below target, or −1.
func firstBelow(values []float64, target float64) int {
	for i, v := range values {
		if v < target {
			return i
		}
	}
	return -1
}

// at returns xs[i], or +Inf for i = −1 (never reached).
func at(xs []float64, i int) float64 {
	if i < 0 {
		return math.Inf(1)
	}
	return xs[i]
}

// oscillation is the spread of y over the points with x > from: the
// root-mean-square distance of those y from their least-squares line, so
// that a curve still falling steadily is not mistaken for one that
// wobbles. It is NaN with fewer than three points.
func oscillation(x, y []float64, from float64) float64 {
	var xs, ys []float64
	for i := range x {
		if x[i] > from {
			xs, ys = append(xs, x[i]), append(ys, y[i])
		}
	}
	n := float64(len(xs))
	if n < 3 {
		return math.NaN()
	}
	mx, my := sum(xs)/n, sum(ys)/n
	sxy, sxx := 0.0, 0.0
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	slope := sxy / sxx
	ss := 0.0
	for i := range xs {
		r := ys[i] - (my + slope*(xs[i]-mx))
		ss += r * r
	}
	return math.Sqrt(ss / n)
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

func floats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}
