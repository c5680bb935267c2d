// Chapter 11 mirrors the second half of the article's section "Técnicas 5:
// Unrolled GANs y GANs empaquetadas": packing (PacGAN).
//
// A discriminator that judges one sample at a time cannot see that a
// generator makes too few kinds of samples: each sample on a real mode
// looks real. PacGAN (Lin et al., arXiv 1712.04086) changes only what the
// discriminator looks at. It sees packs of m samples, all real or all
// generated, concatenated into one input of 2·m numbers:
//
//	D minimises  E[softplus(−D(x₁, …, xₘ))] + E[softplus(D(G(z₁), …, G(zₘ)))]
//	G minimises  E[softplus(−D(G(z₁), …, G(zₘ)))]          (D's raw logits)
//
// The generator is unchanged; it makes m·B samples for B packs. Why it
// helps, in numbers: a generator Q that misses a mode of mass ε of the
// target P is at total variation ε from it, but a pack of m real samples
// holds that mode with probability 1 − (1 − ε)ᵐ, and no generated pack
// ever does, so
//
//	d_TV(Pᵐ, Qᵐ) = 1 − (1 − ε)ᵐ,
//
// which grows with m much faster than for a generator that is off by the
// same ε everywhere and misses nothing. A packed discriminator sees mode
// collapse amplified.
//
// The program trains the non-saturating GAN of chapter 01 (same networks,
// scaled down from PacGAN's, same optimiser) with packs of m = 1 (the
// plain GAN), 2, 3 and 4 on ring-8 and grid-25, for -trials seeds
// (seed, seed+1, …), and reports PacGAN's Table 1 (modes captured,
// high-quality fraction, reverse KL of the mode histogram, on 2,500
// samples) as mean ± standard error over the trials. It also computes
// d_TV(Pᵐ, Qᵐ) exactly for ring-8 against a generator missing one mode,
// and against one that is off by the same total variation on every mode.
//
// Run it with
//
//	go run ./chapters/11-pacgan
//
// and look in out/11-pacgan/: grid25_m*.svg and ring8_m*.svg (real
// samples dark green under black rings at the modes, generated samples
// orange; no discriminator map, since D judges packs, not points),
// grid25_modes_over_time.svg, coverage_vs_m.svg, reverse_kl_vs_m.svg,
// tv_packed.svg, and metrics.json, written last. With more -trials and
// -steps (the documentation uses -trials 3 -steps 2000) it makes the table
// the documentation compares with the paper's.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
)

// config holds the chapter's own settings: the toy budget (Batch counts
// packs), the largest pack and the number of trials.
type config struct {
	budget  gan.ToyBudget
	dWidth  int // D's maxout units; 0: the budget's Width, as G
	maxPack int // m = 1, …, maxPack
	trials  int // seeds seed, seed+1, …, seed+trials−1
}

// discriminatorWidth is the number of maxout units in each of D's layers.
func (c config) discriminatorWidth() int {
	if c.dWidth == 0 {
		return c.budget.Width
	}
	return c.dWidth
}

var spec = chapter.Spec{
	Name:     "11-pacgan",
	Defaults: chapter.Flags{Seed: 1, Steps: 500},
	Outputs: []string{"grid25_m*.svg", "ring8_m*.svg", "grid25_modes_over_time.svg",
		"coverage_vs_m.svg", "reverse_kl_vs_m.svg", "tv_packed.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), maxPack: 4, trials: 1}
		b := &cfg.budget
		fs.Int(&b.Batch, "batch", b.Batch, "packs per batch, real and generated alike (PacGAN: 100)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
		fs.Int(&cfg.dWidth, "d-width", cfg.dWidth, "maxout units in D's layers instead (0: the same as -width; the paper: 200 against G's 400)", 0)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply the published learning rate 10⁻⁴ by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
		fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
		fs.Int(&cfg.maxPack, "max-pack", cfg.maxPack, "train with packs of m = 1, …, max-pack samples", 1)
		fs.Int(&cfg.trials, "trials", cfg.trials, "runs per setting, on seeds seed, seed+1, …", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			widest := cfg.budget
			widest.Batch *= cfg.maxPack // the largest batch of samples
			needs := widest.Memory(f.Steps, 2*cfg.maxPack*cfg.trials)
			if cfg.dWidth > cfg.budget.Width { // D wider than the budget's networks: its own share
				dw, batch := float64(cfg.dWidth), float64(widest.Batch)
				needs = append(needs, chapter.Need{What: fmt.Sprintf("D's maxout layers and their activations (-d-width %d)", cfg.dWidth),
					Bytes: (10*dw*dw*4 + 40*dw*batch) * 8})
			}
			return needs
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The game -------------------------------------------------------------------
//
// packed is chapter 01's non-saturating GAN with a discriminator that sees
// packs of m samples: one discriminator update, then one generator update
// with D frozen, Adam with lr 10⁻⁴ (scaled by the budget) and β₁ = 0.8 as
// in PacGAN's code. The run's batch is B·m samples (t.Batch), so t.Real(),
// t.Fake() and t.Noise() are (B·m, 2) and gan.Pack makes them B packs,
// (B, 2·m). With m = 1, Pack does nothing and this is chapter 01's game.
func packed(m int) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.8, 0.999)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.8, 0.999)
		loss := gan.NonSaturating{}
		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			real, fake := t.Real(), t.Fake() // (B·m, 2) each
			lossD := loss.D(
				t.D.Forward(gan.Pack(autograd.Const(real), m)), // D sees (B, 2·m): B packs of m real samples
				t.D.Forward(gan.Pack(autograd.Const(fake), m))) // and B packs of m generated ones
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()

			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(gan.Pack(t.G.Forward(t.Noise()), m))) // E softplus(−ℓ(pack of G(z)))
				lossG.Backward()
				optG.Step()
			})
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// dataset is one mixture with its short name for files and metrics.
type dataset struct {
	key     string // "ring8", "grid25"
	mixture *data.Mixture
}

// cell holds the runs of one pack size on one data set, one per trial.
type cell struct {
	m       int
	set     dataset
	results []*gan.ToyResult
}

func run(env chapter.Env, cfg config) error {
	sets := []dataset{{"ring8", data.Ring8()}, {"grid25", data.Grid25()}}

	// ---- 2. Training: m = 1, …, maxPack on both data sets, every trial --------------
	// Each trial is one seed; within a trial every pack size starts from
	// the same generator weights (and D's, for m = 1) and draws from the
	// same random streams.
	var cells []*cell
	for _, set := range sets {
		for m := 1; m <= cfg.maxPack; m++ {
			cells = append(cells, &cell{m: m, set: set})
		}
	}
	for trial := range cfg.trials {
		seed := env.Seed + uint64(trial)
		for _, c := range cells {
			res, err := toyRun(env, cfg, c.m, c.set, seed).Run()
			if err != nil {
				return err
			}
			c.results = append(c.results, res)
		}
	}

	// ---- 3. The theory in numbers: packing amplifies a missing mode ----------------
	// Ring-8 (P: 1/8 per mode) against a generator that misses mode 0 and
	// spreads its 1/8 over the other seven, and against one that is off by
	// the same total variation, 1/8, on every mode (5/32 on four, 3/32 on
	// four) and misses none.
	ring := uniform(8)
	missing := append([]float64{0}, uniform(7)...)
	spread := []float64{5, 5, 5, 5, 3, 3, 3, 3} // ×1/32

	// ---- 4. Results -------------------------------------------------------------------
	var m chapter.Metrics
	for _, c := range cells {
		name := fmt.Sprintf("m%d_%s", c.m, c.set.key)
		modes, hq, kl := coverages(c.results)
		for _, q := range []struct {
			key    string
			values []float64
		}{{"modes", modes}, {"hq", hq}, {"reverse_kl", kl}} {
			mean, se := meanSE(q.values)
			m.Set(name+"_"+q.key, mean)
			m.Set(name+"_"+q.key+"_se", se)
		}
	}
	for k := 1; k <= cfg.maxPack; k++ {
		m.Set(fmt.Sprintf("tv_packed_m%d", k), metrics.PackedTotalVariation(ring, missing, k))
	}
	for k := 1; k <= cfg.maxPack; k++ {
		m.Set(fmt.Sprintf("tv_spread_m%d", k), metrics.PackedTotalVariation(ring, spread, k))
	}
	uniformGrid := gan.UniformCoverage(data.Grid25(), cfg.budget.EvalSamples, env.Seed)
	m.Set("uniform_grid25_modes", float64(uniformGrid.Modes))
	m.Set("uniform_grid25_hq", uniformGrid.HighQuality)
	m.Set("trials", float64(cfg.trials))
	m.Set("steps", float64(env.Steps))
	m.Set("batch", float64(cfg.budget.Batch))
	m.Set("width", float64(cfg.budget.Width))
	m.Set("d_width", float64(cfg.discriminatorWidth()))
	chapter.PrintTable(env.Stdout, fmt.Sprintf("11-pacgan: packing m = 1..%d, mean and standard error over %d trial(s)", cfg.maxPack, cfg.trials), &m)

	// ---- 5. Pictures --------------------------------------------------------------------
	if err := env.SavePictures(pictures(env, cfg, cells, sets, &m)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// toyRun is the run of pack size m on one data set with one seed: the
// budget's B packs make a batch of B·m samples, and D takes 2·m numbers.
func toyRun(env chapter.Env, cfg config, m int, set dataset, seed uint64) gan.ToyRun {
	b := cfg.budget
	b.Batch *= m // B packs of m samples
	return gan.ToyRun{
		Name: fmt.Sprintf("%s %s seed %d", packName(m), set.mixture.Name, seed), Game: packed(m),
		Networks: gan.PackedPacGANNetworks(b.Width, cfg.discriminatorWidth(), m), Data: set.mixture,
		Budget: b, Seed: seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context,
	}
}

// packName is "GAN" for m = 1 and "PacGAN<m>" otherwise, as in the paper.
func packName(m int) string {
	if m == 1 {
		return "GAN"
	}
	return fmt.Sprintf("PacGAN%d", m)
}

// uniform returns n weights of 1/n.
func uniform(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// coverages returns the last evaluation's modes, HQ fraction and reverse
// KL of each run.
func coverages(results []*gan.ToyResult) (modes, hq, kl []float64) {
	for _, r := range results {
		c := r.FinalCoverage()
		modes = append(modes, float64(c.Modes))
		hq = append(hq, c.HighQuality)
		kl = append(kl, c.ReverseKL)
	}
	return modes, hq, kl
}

// meanSE returns the mean of xs and its standard error s/√n, s² the
// unbiased sample variance (n − 1), as PacGAN's Table 1 reports. The
// standard error of a single value is NaN (written as null): one trial
// says nothing about the spread.
func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// pictures lists the chapter's pictures: the samples of the first trial,
// grid-25's modes over time in the first trial, the coverage against m, and
// the packed total variation.
func pictures(env chapter.Env, cfg config, cells []*cell, sets []dataset, m *chapter.Metrics) []chapter.Picture {
	var out []chapter.Picture
	var overTime []plot.Line
	for _, c := range cells {
		res := c.results[0]
		real := c.set.mixture.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
		title := fmt.Sprintf("%s on %s after %d steps (seed %d)", packName(c.m), c.set.mixture.Name, env.Steps, env.Seed)
		out = append(out, chapter.Picture{Name: fmt.Sprintf("%s_m%d.svg", c.set.key, c.m),
			Save: gan.SampleScatter(title, res.Samples, c.set.mixture, real).Save})
		if c.set.key == "grid25" {
			l := res.History.Get("modes").Line()
			l.Name = packName(c.m)
			overTime = append(overTime, l)
		}
	}
	// Coverage against m: the mean over the trials of the fraction of the
	// modes captured, and of the reverse KL, one line per data set.
	vsM := func(key string, scale func(set dataset) float64) []plot.Line {
		var lines []plot.Line
		for _, set := range sets {
			l := plot.Line{Name: set.mixture.Name, Markers: true}
			for k := 1; k <= cfg.maxPack; k++ {
				v, _ := m.Get(fmt.Sprintf("m%d_%s_%s", k, set.key, key))
				l.Points = append(l.Points, plot.Point{X: float64(k), Y: v * scale(set)})
			}
			lines = append(lines, l)
		}
		return lines
	}
	fraction := func(set dataset) float64 { return 1 / float64(len(set.mixture.Centers)) }
	one := func(dataset) float64 { return 1 }
	var tvMissing, tvSpread plot.Line
	tvMissing.Name, tvSpread.Name = "misses one mode (ε = 1/8)", "off by 1/8 spread over all modes"
	tvMissing.Markers, tvSpread.Markers = true, true
	for k := 1; k <= cfg.maxPack; k++ {
		a, _ := m.Get(fmt.Sprintf("tv_packed_m%d", k))
		b, _ := m.Get(fmt.Sprintf("tv_spread_m%d", k))
		tvMissing.Points = append(tvMissing.Points, plot.Point{X: float64(k), Y: a})
		tvSpread.Points = append(tvSpread.Points, plot.Point{X: float64(k), Y: b})
	}
	trials := fmt.Sprintf("%d steps, mean of %d trial(s)", env.Steps, cfg.trials)
	return append(out,
		chapter.Picture{Name: "grid25_modes_over_time.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("Modes of grid-25 captured (seed %d)", env.Seed), XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 26}, Series: overTime, Refs: []plot.RefLine{{Y: 25, Label: "all 25"}},
		}.Save},
		chapter.Picture{Name: "coverage_vs_m.svg", Save: plot.LineChart{
			Title: "Share of the modes captured (" + trials + ")", XLabel: "pack size m",
			YLabel: "modes captured / modes", YRange: [2]float64{0, 1.05}, Series: vsM("modes", fraction),
		}.Save},
		chapter.Picture{Name: "reverse_kl_vs_m.svg", Save: plot.LineChart{
			Title: "Reverse KL of the mode histogram (" + trials + ")", XLabel: "pack size m",
			YLabel: "nats (0 is best)", Series: vsM("reverse_kl", one),
		}.Save},
		chapter.Picture{Name: "tv_packed.svg", Save: plot.LineChart{
			Title: "d_TV between packs of m samples, ring-8 (P) against Q", XLabel: "pack size m",
			YLabel: "d_TV(Pᵐ, Qᵐ)", YRange: [2]float64{0, 0.5}, Series: []plot.Line{tvMissing, tvSpread},
		}.Save})
}
