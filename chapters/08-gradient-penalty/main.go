// Chapter 08 mirrors the article's section "Técnicas 3: Penalización por
// gradiente" (WGAN-GP and DRAGAN).
//
// A Wasserstein critic must be 1-Lipschitz (chapter 05). Clipping its
// weights to ±c (Arjovsky et al., arXiv 1701.07875) does that crudely: the
// critic can only represent very simple functions, and its gradients
// vanish or explode with c. WGAN-GP (Gulrajani et al., arXiv 1704.00028)
// asks for the property itself instead. A differentiable f is 1-Lipschitz
// when ‖∇f‖ ≤ 1 everywhere, and the optimal critic has ‖∇f‖ = 1 on the
// lines between real and generated samples, so the critic's loss gets
//
//	λ·E_x̂[(‖∇ₓ̂ f(x̂)‖₂ − 1)²],   x̂ = α·x + (1 − α)·x̃,  α ~ U[0, 1],
//
// for a real x and a generated x̃. DRAGAN (Kodali et al., arXiv 1705.07215)
// puts the same penalty on a classifier GAN's logits, at points near the
// real data, x̂ = x + α·c·std(x)·u with u ~ U[0, 1): it blames mode collapse
// on sharp discriminator gradients around the data and smooths them there.
//
// The penalty contains a gradient, ∇ₓ̂ f, so minimising it over f's weights
// θ needs the gradient of a gradient, ∂/∂θ ‖∇ₓ̂ f(x̂; θ)‖. gan.GradientPenalty
// gets ∇ₓ̂ f from autograd.Grad with createGraph = true: the backward pass is
// itself recorded as a graph of ordinary differentiable operations, and the
// critic's loss.Backward() differentiates through it (double
// backpropagation).
//
// This program trains, with the same budget (steps, batch, hidden width,
// learning-rate scaling, seed) on grid-25 (PacGAN's 25 modes at
// {−4, −2, 0, 2, 4}², σ = 0.05):
//
//	WGAN-GP    Wasserstein loss + λ·penalty, 5 critic steps, WGAN-GP's toy networks
//	DRAGAN     non-saturating loss + 10·penalty near the data, PacGAN's networks
//	WGAN-clip  Wasserstein loss, weights clipped to ±0.01, 5 critic steps, RMSprop
//
// and the same three, for fewer steps, on WGAN-GP's 8 Gaussians. It
// measures mode coverage (PacGAN's protocol, 2,500 samples) and the gradient
// norms ‖∇ₓ̂ f(x̂)‖ at the penalised points. The claims: WGAN-GP's mean norm
// over the last evaluation window ends within 1 ± 0.2 (gp_grad_norm_mean),
// and WGAN-GP captures at least 20 of the 25 modes, no fewer than clipping.
//
// Run it with
//
//	go run ./chapters/08-gradient-penalty
//
// and look in out/08-gradient-penalty/: grid25_*.png and gaussians8_*.png
// (real samples dark green under black rings at the modes, generated
// samples orange; behind them the critic's value, purple low to green
// high, or DRAGAN's probability of "real", white at ½), modes_over_time.svg,
// grad_norm_over_time.svg, grad_norm_hist.svg, and metrics.json.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
)

// config holds the chapter's own settings: the shared toy budget (batch,
// width, learning rates, WGAN-GP's λ, evaluation), DRAGAN's λ and the
// length of the runs on the 8 Gaussians.
type config struct {
	budget       gan.ToyBudget
	draganLambda float64
	g8Steps      int
}

var spec = chapter.Spec{
	Name:     "08-gradient-penalty",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ToyDefaultSteps},
	Setup: func(fs *flag.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), draganLambda: gan.DRAGANRecipe().Lambda, g8Steps: 600}
		cfg.budget.RegisterFlags(fs)
		fs.Float64Var(&cfg.draganLambda, "dragan-lambda", cfg.draganLambda, "DRAGAN penalty weight λ")
		fs.IntVar(&cfg.g8Steps, "g8-steps", cfg.g8Steps, "generator steps on the 8 Gaussians")
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// method is one way of keeping the critic in check, as trained here.
type method struct {
	key         string // "wgangp", "dragan", "clip": metric and file names
	label       string // for charts
	probability bool   // D is a classifier: picture σ(D) rather than raw scores
	experiment  func(m *data.Mixture, steps int) gan.ToyExperiment
}

func run(env chapter.Env, cfg config) error {
	if err := cfg.budget.Check(); err != nil {
		return err
	}
	if !(cfg.draganLambda >= 0) || math.IsInf(cfg.draganLambda, 1) {
		return fmt.Errorf("-dragan-lambda must be non-negative and finite, got %g", cfg.draganLambda)
	}
	if cfg.g8Steps < 1 {
		return fmt.Errorf("-g8-steps must be at least 1, got %d", cfg.g8Steps)
	}
	b := cfg.budget
	dragan := gan.DRAGANRecipe()
	dragan.Lambda = cfg.draganLambda

	// ---- 1. The three methods -------------------------------------------------------
	// WGAN-GP is the experiment chapter 01 quotes as its reference. DRAGAN
	// is chapter 01's GAN (same networks) with the penalty added. Clipping
	// uses WGAN-GP's networks; its gradient norms at WGAN-GP's interpolates
	// are measured without training on them.
	methods := []method{
		{"wgangp", "WGAN-GP", false, func(m *data.Mixture, steps int) gan.ToyExperiment {
			return b.WGANGPExperiment(m, env.Seed, steps)
		}},
		{"dragan", "DRAGAN", true, func(m *data.Mixture, steps int) gan.ToyExperiment {
			return b.Experiment(dragan, b.PacGAN(), m, env.Seed, steps)
		}},
		{"clip", "WGAN-clip", false, func(m *data.Mixture, steps int) gan.ToyExperiment {
			e := b.Experiment(gan.WeightClippingRecipe(), b.WGANGP(), m, env.Seed, steps)
			e.MonitorNorms = true
			return e
		}},
	}

	// ---- 2. Training on grid-25 and on the 8 Gaussians --------------------------------
	sets := []struct {
		key     string
		mixture *data.Mixture
		steps   int
	}{{"grid25", data.Grid25(), env.Steps}, {"gaussians8", data.Gaussians8(), cfg.g8Steps}}
	results := map[string]*gan.ToyResult{} // by "method_set"
	for _, set := range sets {
		for _, meth := range methods {
			exp := meth.experiment(set.mixture, set.steps)
			exp.Progress = env.Stderr
			res, err := exp.Run()
			if err != nil {
				return fmt.Errorf("%s on %s: %w", meth.label, set.mixture.Name, err)
			}
			results[meth.key+"_"+set.key] = res
		}
	}

	// ---- 3. Results ---------------------------------------------------------------------
	// gp_grad_norm_mean: the mean of every per-sample norm that
	// gan.GradientPenalty returned during WGAN-GP's last evaluation window
	// on grid-25 (its last EvalEvery steps × 5 critic updates × batch).
	var m chapter.Metrics
	wgangp := results["wgangp_grid25"]
	m.Set("gp_grad_norm_mean", wgangp.MeanWindowNorm())
	m.Set("gp_grad_norm_count", float64(len(wgangp.WindowNorms)))
	for _, set := range sets {
		for _, meth := range methods {
			c := results[meth.key+"_"+set.key].FinalCoverage()
			name := meth.key + "_" + set.key
			m.Set(name+"_modes", float64(c.Modes))
			m.Set(name+"_hq", c.HighQuality)
			m.Set(name+"_reverse_kl", c.ReverseKL)
		}
	}
	// The floor: points spread uniformly over the data's square, scored the
	// same way. Modes mean something only together with the HQ fraction.
	uniform := gan.UniformCoverage(data.Grid25(), b.EvalSamples, env.Seed)
	m.Set("uniform_grid25_modes", float64(uniform.Modes))
	m.Set("uniform_grid25_hq", uniform.HighQuality)
	m.Set("dragan_grad_norm_mean", results["dragan_grid25"].MeanWindowNorm())
	m.Set("clip_grad_norm_mean", results["clip_grid25"].MeanWindowNorm())
	m.Set("steps", float64(env.Steps))
	m.Set("g8_steps", float64(cfg.g8Steps))
	chapter.PrintTable(env.Stdout, "08-gradient-penalty: WGAN-GP and DRAGAN against weight clipping", &m)
	if err := env.WriteJSON(&m); err != nil {
		return err
	}

	// ---- 4. Pictures --------------------------------------------------------------------
	type picture struct {
		name string
		save func(string) error
	}
	var pictures []picture
	for _, set := range sets {
		real := set.mixture.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
		for _, meth := range methods {
			res := results[meth.key+"_"+set.key]
			pictures = append(pictures, picture{set.key + "_" + meth.key + ".png",
				gan.ToyScatter(res, set.mixture, real, meth.probability).Save})
		}
	}
	var modes, norms []plot.Line
	for _, meth := range methods {
		res := results[meth.key+"_grid25"]
		modes = append(modes, named(res.History.Get("modes").Line(), meth.label))
		norms = append(norms, named(windowMeans(res.History.Get("grad norm"), b.EvalEvery), meth.label))
	}
	pictures = append(pictures,
		picture{"modes_over_time.svg", plot.LineChart{
			Title: "Modes of grid-25 captured", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 36}, // room for the legend above the lines
			Series: modes, Refs: []plot.RefLine{{Y: 25, Label: "all 25"},
				{Y: float64(uniform.Modes), Label: "uniform noise over the square"}},
		}.Save},
		picture{"grad_norm_over_time.svg", plot.LineChart{
			Title: "Mean ‖∇D(x̂)‖ at the penalised points, per evaluation window", XLabel: "generator step",
			YLabel: "gradient norm", LogY: true, Series: norms, Refs: []plot.RefLine{{Y: 1, Label: "1"}},
		}.Save},
		picture{"grad_norm_hist.svg", plot.Histogram{
			Title:  fmt.Sprintf("WGAN-GP: the %d gradient norms of the last window", len(wgangp.WindowNorms)),
			XLabel: "‖∇D(x̂)‖", YLabel: "count", Values: wgangp.WindowNorms, Bins: 40,
			Markers: []plot.Marker{{X: 1, Label: "1"}},
		}.Save})
	for _, p := range pictures {
		if err := p.save(env.Path(p.name)); err != nil {
			return err
		}
	}
	return nil
}

func named(l plot.Line, name string) plot.Line {
	l.Name = name
	return l
}

// windowMeans averages a per-step series over consecutive windows of
// `every` steps (the last one may be shorter), one point per window at its
// last step.
func windowMeans(s *gan.Series, every int) plot.Line {
	var pts []plot.Point
	sum, n := 0.0, 0
	for i, v := range s.Values {
		sum += v
		n++
		if n == every || i == len(s.Values)-1 {
			pts = append(pts, plot.Point{X: float64(s.Steps[i]), Y: sum / float64(n)})
			sum, n = 0, 0
		}
	}
	return plot.Line{Name: s.Name, Points: pts}
}
