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
//     rate scaling, seed) by the same library function chapter 08 calls,
//     gan.ToyBudget.WGANGPExperiment. The GAN ends with fewer modes and a
//     higher reverse KL.
//
// Run it with
//
//	go run ./chapters/01-mode-collapse
//
// and look in out/01-mode-collapse/: *_samples.png (real samples dark
// green under black rings at the modes, generated samples orange, D's
// probability of "real" in the background: green above ½, white at ½,
// purple below), ring8_step_*.png (snapshots), *_modes_over_time.png/.svg
// (the histograms over time), coverage_*.svg, and metrics.json.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the shared toy budget (batch,
// width, learning rates, evaluation) and the number of snapshots.
type config struct {
	budget    gan.ToyBudget
	snapshots int // ring-8 pictures taken during training, besides the last
}

var spec = chapter.Spec{
	Name:     "01-mode-collapse",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ToyDefaultSteps},
	Setup: func(fs *flag.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), snapshots: 3}
		cfg.budget.RegisterFlags(fs)
		fs.IntVar(&cfg.snapshots, "snapshots", cfg.snapshots, "ring-8 pictures taken during training")
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// dataset is one mixture with its short name for files and metrics.
type dataset struct {
	key     string // "ring8", "grid25"
	mixture *data.Mixture
}

func run(env chapter.Env, cfg config) error {
	if err := cfg.budget.Check(); err != nil {
		return err
	}
	if cfg.snapshots < 0 {
		return fmt.Errorf("-snapshots must not be negative, got %d", cfg.snapshots)
	}
	sets := []dataset{{"ring8", data.Ring8()}, {"grid25", data.Grid25()}}

	// ---- 1. The GAN on ring-8 and grid-25 ---------------------------------------
	// One experiment per data set: same networks, seed and budget. On ring-8
	// a few snapshots are saved as training goes, to see the hopping.
	results := map[string]*gan.ToyResult{}
	for _, set := range sets {
		exp := cfg.budget.Experiment(gan.NonSaturatingRecipe(), cfg.budget.PacGAN(), set.mixture, env.Seed, env.Steps)
		exp.Progress = env.Stderr
		var snapErr error
		if set.key == "ring8" {
			shots := snapshotSteps(env.Steps, cfg.budget.EvalEvery, cfg.snapshots)
			exp.AfterEval = func(step int, _, D *layers.Sequential, samples *tensor.Tensor) {
				if shots[step] && snapErr == nil {
					res := &gan.ToyResult{D: D, Samples: samples}
					snapErr = gan.ToyScatter(res, set.mixture, realSamples(env.Seed, set.mixture), true).
						Save(env.Path(fmt.Sprintf("ring8_step_%05d.png", step)))
				}
			}
		}
		res, err := exp.Run()
		if err != nil {
			return err
		}
		if snapErr != nil {
			return snapErr
		}
		results[set.key] = res
	}

	// ---- 2. The reference: WGAN-GP on grid-25 with the same budget ---------------
	ref := cfg.budget.WGANGPExperiment(data.Grid25(), env.Seed, env.Steps)
	ref.Progress = env.Stderr
	wgangp, err := ref.Run()
	if err != nil {
		return err
	}

	// ---- 3. Results ----------------------------------------------------------------
	// Coverage of the last evaluation, and the drift of the histograms over
	// the whole run, for each data set and for the reference.
	var m chapter.Metrics
	for _, set := range sets {
		setCoverage(&m, set.key, results[set.key])
	}
	setCoverage(&m, "wgangp_grid25", wgangp)
	gridGAN, gridRef := results["grid25"].FinalCoverage(), wgangp.FinalCoverage()
	m.Set("grid25_modes_fewer_than_wgangp", float64(gridRef.Modes-gridGAN.Modes))
	m.Set("grid25_reverse_kl_over_wgangp", gridGAN.ReverseKL/gridRef.ReverseKL)
	// The floor: points spread uniformly over the grid's square "capture"
	// about 21 modes with 1.8 % high quality. Modes mean something only
	// together with the high-quality fraction.
	uniform := gan.UniformCoverage(data.Grid25(), cfg.budget.EvalSamples, env.Seed)
	m.Set("uniform_grid25_modes", float64(uniform.Modes))
	m.Set("uniform_grid25_hq", uniform.HighQuality)
	m.Set("steps", float64(env.Steps))
	m.Set("batch", float64(cfg.budget.Batch))
	m.Set("width", float64(cfg.budget.Width))
	chapter.PrintTable(env.Stdout, "01-mode-collapse: the non-saturating GAN against WGAN-GP at the same budget", &m)
	if err := env.WriteJSON(&m); err != nil {
		return err
	}

	// ---- 4. Pictures ---------------------------------------------------------------
	return savePictures(env, sets, results, wgangp)
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
// rounded to the evaluation grid.
func snapshotSteps(steps, every, n int) map[int]bool {
	shots := map[int]bool{}
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

func savePictures(env chapter.Env, sets []dataset, results map[string]*gan.ToyResult, wgangp *gan.ToyResult) error {
	type picture struct {
		name string
		save func(string) error
	}
	var pictures []picture
	for _, set := range sets {
		res := results[set.key]
		heat := res.Track.Heatmap(fmt.Sprintf("GAN on %s: share of samples at each mode over time", set.mixture.Name), 10)
		pictures = append(pictures,
			picture{set.key + "_samples.png", gan.ToyScatter(res, set.mixture, realSamples(env.Seed, set.mixture), true).Save},
			picture{set.key + "_modes_over_time.png", heat.SavePNG},
			picture{set.key + "_modes_over_time.svg", heat.SaveSVG})
	}
	grid := data.Grid25()
	pictures = append(pictures,
		picture{"wgangp_grid25_samples.png", gan.ToyScatter(wgangp, grid, realSamples(env.Seed, grid), false).Save},
		picture{"coverage_modes.svg", coverageChart("Modes captured", "modes", "modes", results, wgangp,
			plot.RefLine{Y: 8, Label: "all of ring-8"}, plot.RefLine{Y: 25, Label: "all of grid-25"}).Save},
		picture{"coverage_hq.svg", coverageChart("High-quality samples (within 3σ of a mode)", "high quality", "fraction of samples", results, wgangp).Save},
		picture{"coverage_reverse_kl.svg", coverageChart("Reverse KL of the mode histogram to uniform (0 is best)", "reverse KL", "nats", results, wgangp).Save})
	for _, p := range pictures {
		if err := p.save(env.Path(p.name)); err != nil {
			return err
		}
	}
	return nil
}

// coverageChart draws one coverage series over steps for the GAN on both
// data sets and for the WGAN-GP reference.
func coverageChart(title, series, ylabel string, results map[string]*gan.ToyResult, wgangp *gan.ToyResult, refs ...plot.RefLine) plot.LineChart {
	line := func(res *gan.ToyResult, name string) plot.Line {
		l := res.History.Get(series).Line()
		l.Name = name
		return l
	}
	return plot.LineChart{
		Title: title, XLabel: "generator step", YLabel: ylabel,
		Series: []plot.Line{
			line(results["ring8"], "GAN, ring-8"),
			line(results["grid25"], "GAN, grid-25"),
			line(wgangp, "WGAN-GP, grid-25"),
		},
		Refs: refs,
	}
}
