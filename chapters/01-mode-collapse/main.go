// Chapter 01 mirrors the article's section "Inconvenientes 1: Colapso modal"
// (mode collapse).
//
// Real data has many modes: separate clusters of similar samples. A
// generator collapses when it puts its samples on a few of them. It can get
// away with that because the discriminator judges samples one by one: a
// sample sitting on a real mode looks real, however many other modes are
// left empty. When the discriminator learns to reject the crowded modes,
// the generator moves its mass to others, and the cycle repeats: the
// generator hops from mode to mode instead of spreading over all of them.
//
// We train the non-saturating GAN of Goodfellow et al. (arXiv 1406.2661),
//
//	D minimises  E_x[softplus(−D(x))] + E_z[softplus(D(G(z)))]
//	G minimises  E_z[softplus(−D(G(z)))]        (D's raw logits)
//
// with the networks of PacGAN's 2-D experiments (arXiv 1712.04086) scaled
// down (G: 4 × [Linear, BatchNorm, ReLU], D: 3 maxout layers of 5 pieces,
// every hidden layer W units wide) on two mixtures of Gaussians:
//
//	ring-8:  8 modes on the unit circle, σ = 0.01
//	grid-25: 25 modes at {−4, −2, 0, 2, 4}², σ = 0.05
//
// and measure coverage as PacGAN and VEEGAN (arXiv 1705.07761) do, on 2,500
// generated samples: a sample is of high quality (HQ) if it lies within
// 3σ of its nearest mode, a mode is captured if it has an HQ sample, and
// the reverse KL divergence KL(p ‖ uniform) = Σₖ pₖ·log(K·pₖ) of the HQ
// samples' histogram p over the K modes is 0 for a perfectly even spread
// and log(K/m) when m modes share the samples.
//
// The program shows:
//
//  1. The generator hopping: the histogram of samples over the modes at
//     every evaluation, as a picture (rows = modes, columns = time), and
//     as a number, the drift: the mean total variation distance between
//     consecutive histograms (0: nothing moves; 1: every evaluation finds
//     the samples on modes the previous one did not).
//  2. Collapse against a reference: WGAN-GP (chapter 08) trained on
//     grid-25 with the same budget (steps, batch, hidden width, learning
//     rate scaling, seed). Its game is gan.WGANGP, the same lines chapter
//     08 writes out (its test keeps the two equal), so chapter 08 run
//     with -steps 3000 reports the same coverage for it. The GAN ends with
//     fewer modes or a higher reverse KL (on seeds 1-5: both on four, the
//     higher reverse KL on the fifth).
//
// Run it with
//
//	go run ./chapters/01-mode-collapse
//
// and look in out/01-mode-collapse/: *_samples.svg (real samples dark
// green under black rings at the modes, generated samples orange, D's
// probability of "real" in the background: green above ½, white at ½,
// purple below), ring8_step_*.svg (snapshots), *_modes_over_time.svg (the
// histograms over time), coverage_*.svg, and metrics.json, written last.
package main

import (
	"fmt"
	"math/rand/v2"
	"os"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/live"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the shared toy budget (batch,
// width, learning rates, evaluation) and the number of snapshots.
type config struct {
	budget    gan.ToyBudget
	snapshots int // ring-8 pictures taken during training, besides the last
}

// defaultSteps is the length of the default runs: 3,000 generator steps,
// 1.5 times the shared toy default. At 2,000 the GAN on grid-25 has not yet
// left the space between the modes and its collapse hides in a cloud; at
// 3,000 its empty modes show in the picture, and the three runs still take
// about 13 s of CPU time (docs/01-mode-collapse.md has the measurements).
const defaultSteps = 3000

// budget is the shared toy budget with evaluations every 100 steps instead
// of 50: the coverage of 2,500 samples costs about as much as a few
// training steps, and 30 columns per run are enough to see the hopping.
func budget() gan.ToyBudget {
	b := gan.DefaultToyBudget()
	b.EvalEvery = 100
	return b
}

var spec = chapter.Spec{
	Name:     "01-mode-collapse",
	Defaults: chapter.Flags{Seed: 1, Steps: defaultSteps},
	Outputs: []string{"ring8_samples.svg", "grid25_samples.svg", "wgangp_grid25_samples.svg", "ring8_step_*.svg",
		"ring8_modes_over_time.svg", "grid25_modes_over_time.svg",
		"coverage_modes.svg", "coverage_hq.svg", "coverage_reverse_kl.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: budget(), snapshots: 3}
		cfg.budget.RegisterFlags(fs)
		fs.Int(&cfg.snapshots, "snapshots", cfg.snapshots, "ring-8 pictures taken during training", 0)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return cfg.budget.Memory(f.Steps, 3) })
		fs.Serve("watch and steer this chapter's GAN live in a browser at this address (localhost:8080) instead of running the chapter",
			func(addr string, env chapter.Env) error { return serve(cfg, addr, env) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The game -------------------------------------------------------------------
//
// nonSaturating is the GAN of PacGAN's toy experiments (arXiv 1712.04086):
// the non-saturating loss, one discriminator update per generator update,
// and Adam with β₁ = 0.8 (β₂ = 0.999) for both players, at lr 10⁻⁴ as
// published, × -lr-scale (10) and decayed linearly by t.LR: 10⁻³ at the
// first step, 10⁻³/3,000 at the last of the default run. It is called once
// with the run's fresh networks t.G and t.D and returns the step. t.Real()
// and t.Fake() draw a fresh real batch and a generated one, (B, 2) each;
// the generated one carries no graph back into G. The generator's update
// runs with D frozen (gan.Frozen), so that G's loss, which runs through D,
// leaves no gradient in D's weights.
func nonSaturating(t *gan.Toy) func(int) []gan.Quantity {
	optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.8, 0.999)
	optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.8, 0.999)
	loss := gan.NonSaturating{}
	return func(i int) []gan.Quantity {
		optD.SetLR(t.LR(1e-4, i))
		optG.SetLR(t.LR(1e-4, i))
		real, fake := t.Real(), t.Fake()
		lossD := loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E softplus(−ℓ(x)) + E softplus(ℓ(x̃))
		optD.ZeroGrad()
		lossD.Backward()
		optD.Step()

		var lossG *autograd.Var
		gan.Frozen(t.D, func() {
			optG.ZeroGrad()
			lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise()))) // E softplus(−ℓ(G(z)))
			lossG.Backward()
			optG.Step()
		})
		return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
	}
}

// dataset is one mixture with its short name for files and metrics.
type dataset struct {
	key     string // "ring8", "grid25"
	mixture *data.Mixture
}

// runs holds the chapter's three runs.
type runs struct {
	ring8, grid25, wgangp *gan.ToyResult
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	ring8, grid25 := dataset{"ring8", data.Ring8()}, dataset{"grid25", data.Grid25()}
	toyRun := func(name string, game gan.Game, nets gan.Networks, set dataset) gan.ToyRun {
		return gan.ToyRun{Name: name + " " + set.mixture.Name, Game: game, Networks: nets, Data: set.mixture,
			Budget: b, Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context}
	}

	// ---- 2. The GAN on ring-8 and grid-25 ---------------------------------------
	// One run per data set: same networks, seed and budget. On ring-8 a few
	// snapshots are saved as training goes, to see the hopping.
	var r runs
	var err error
	shots := snapshotSteps(env.Steps, b.EvalEvery, cfg.snapshots)
	ringRun := toyRun("GAN", nonSaturating, b.PacGAN(), ring8)
	ringRun.AfterEval = func(step int, t *gan.Toy, samples *tensor.Tensor) error {
		if !shots[step] {
			return nil
		}
		return gan.ToyScatter(fmt.Sprintf("GAN on ring-8 at step %d of %d", step, env.Steps), t.D, samples,
			ring8.mixture, realSamples(env.Seed, ring8.mixture), true).Save(env.Path(fmt.Sprintf("ring8_step_%05d.svg", step)))
	}
	if r.ring8, err = ringRun.Run(); err != nil {
		return err
	}
	if r.grid25, err = toyRun("GAN", nonSaturating, b.PacGAN(), grid25).Run(); err != nil {
		return err
	}

	// ---- 3. The reference: WGAN-GP on grid-25 with the same budget ---------------
	if r.wgangp, err = toyRun("WGAN-GP", gan.WGANGP(b.Lambda), b.WGANGP(), grid25).Run(); err != nil {
		return err
	}

	// ---- 4. Results ----------------------------------------------------------------
	// Coverage of the last evaluation, and the drift of the histograms over
	// the whole run, for each data set and for the reference.
	var m chapter.Metrics
	setCoverage(&m, "ring8", r.ring8)
	setCoverage(&m, "grid25", r.grid25)
	setCoverage(&m, "wgangp_grid25", r.wgangp)
	gridGAN, gridRef := r.grid25.FinalCoverage(), r.wgangp.FinalCoverage()
	m.Set("grid25_modes_fewer_than_wgangp", float64(gridRef.Modes-gridGAN.Modes))
	m.Set("grid25_reverse_kl_over_wgangp", gridGAN.ReverseKL/gridRef.ReverseKL)
	// The floor: points spread uniformly over the grid's square "capture"
	// about 21 modes with 1.8 % high quality. Modes mean something only
	// together with the high-quality fraction.
	uniform := gan.UniformCoverage(data.Grid25(), b.EvalSamples, env.Seed)
	m.Set("uniform_grid25_modes", float64(uniform.Modes))
	m.Set("uniform_grid25_hq", uniform.HighQuality)
	m.Set("steps", float64(env.Steps))
	m.Set("batch", float64(b.Batch))
	m.Set("width", float64(b.Width))
	chapter.PrintTable(env.Stdout, "01-mode-collapse: the non-saturating GAN against WGAN-GP at the same budget", &m)

	// ---- 5. Pictures ---------------------------------------------------------------
	if err := env.SavePictures(pictures(env.Seed, env.Steps, ring8, grid25, r)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// setCoverage records a run's last coverage and its histogram drift under
// names that start with key.
func setCoverage(m *chapter.Metrics, key string, res *gan.ToyResult) {
	c := res.FinalCoverage()
	m.Set(key+"_modes", float64(c.Modes))
	m.Set(key+"_hq", c.HighQuality)
	m.Set(key+"_reverse_kl", c.ReverseKL)
	m.Set(key+"_drift", res.Track.Drift())
}

// snapshotSteps picks n evaluation steps spread over the run (the last one
// excluded: it has its own picture), at fractions 1/(n+1)... of the run
// rounded to the evaluation grid. There are never more than the run's
// evaluations, however large n is.
func snapshotSteps(steps, every, n int) map[int]bool {
	shots := map[int]bool{}
	n = min(n, steps/every)
	for i := 1; i <= n; i++ {
		s := max(every, (steps*i/(n+1))/every*every)
		if s < steps {
			shots[s] = true
		}
	}
	return shots
}

// realSamples draws the real samples shown in the pictures, from a stream
// of their own.
func realSamples(seed uint64, m *data.Mixture) *tensor.Tensor {
	return m.Sample(rand.New(rand.NewPCG(seed, 101)), 500)
}

// pictures lists the chapter's pictures.
func pictures(seed uint64, steps int, ring8, grid25 dataset, r runs) []chapter.Picture {
	var out []chapter.Picture
	for _, g := range []struct {
		set dataset
		res *gan.ToyResult
	}{{ring8, r.ring8}, {grid25, r.grid25}} {
		heat := g.res.Track.Heatmap(fmt.Sprintf("GAN on %s: where the samples are, over time", g.set.mixture.Name))
		title := fmt.Sprintf("GAN on %s after %d steps", g.set.mixture.Name, steps)
		out = append(out,
			chapter.Picture{Name: g.set.key + "_samples.svg",
				Save: gan.ToyScatter(title, g.res.D, g.res.Samples, g.set.mixture, realSamples(seed, g.set.mixture), true).Save},
			chapter.Picture{Name: g.set.key + "_modes_over_time.svg", Save: heat.SaveSVG})
	}
	return append(out,
		chapter.Picture{Name: "wgangp_grid25_samples.svg",
			Save: gan.ToyScatter(fmt.Sprintf("WGAN-GP on grid-25 after %d steps", steps), r.wgangp.D, r.wgangp.Samples,
				grid25.mixture, realSamples(seed, grid25.mixture), false).Save},
		chapter.Picture{Name: "coverage_modes.svg", Save: coverageChart("Modes captured", "modes", "modes", r,
			plot.RefLine{Y: 8, Label: "all of ring-8"}, plot.RefLine{Y: 25, Label: "all of grid-25"}).Save},
		chapter.Picture{Name: "coverage_hq.svg", Save: coverageChart("High-quality samples (within 3σ of a mode)", "high quality", "fraction of samples", r).Save},
		chapter.Picture{Name: "coverage_reverse_kl.svg", Save: coverageChart("Reverse KL of the mode histogram to uniform (0 is best)", "reverse KL", "nats", r).Save})
}

// coverageChart draws one coverage series over steps for the GAN on both
// data sets and for the WGAN-GP reference.
func coverageChart(title, series, ylabel string, r runs, refs ...plot.RefLine) plot.LineChart {
	line := func(res *gan.ToyResult, name string) plot.Line {
		l := res.History.Get(series).Line()
		l.Name = name
		return l
	}
	return plot.LineChart{
		Title: title, XLabel: "generator step", YLabel: ylabel,
		Series: []plot.Line{
			line(r.ring8, "GAN, ring-8"),
			line(r.grid25, "GAN, grid-25"),
			line(r.wgangp, "WGAN-GP, grid-25"),
		},
		Refs: refs,
	}
}

// ---- Plumbing --------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// live view (the memory a run needs is the toy budget's estimate).

// serve is -serve ADDR: the GAN of ring-8, live in the browser (gan/live),
// at the published learning rate 10⁻⁴ × -lr-scale, with the budget's batch
// and width.
func serve(cfg config, addr string, env chapter.Env) error {
	lr := 1e-4 * cfg.budget.LRScale
	return live.Serve(env.Context, addr, live.Config{Data: "ring-8", Loss: "non-saturating",
		LRG: lr, LRD: lr, Seed: env.Seed, Batch: cfg.budget.Batch, Hidden: cfg.budget.Width}, env.Stdout)
}
