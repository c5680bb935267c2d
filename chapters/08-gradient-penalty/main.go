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
// critic's lossC.Backward() differentiates through it (double
// backpropagation). The three games below (part 1) are written out step by
// step; gan.ToyRun only supplies what keeps the comparison fair: the same
// initial weights, batches, learning-rate schedule and evaluation.
//
// This program trains, with the same budget (steps, batch, hidden width,
// learning-rate scaling, seed) on grid-25 (PacGAN's 25 modes at
// {−4, −2, 0, 2, 4}², σ = 0.05):
//
//	WGAN-GP    Wasserstein loss + λ·penalty, 5 critic steps, WGAN-GP's toy networks
//	DRAGAN     non-saturating loss + 10·penalty near the data, PacGAN's networks
//	WGAN-clip  Wasserstein loss, weights clipped to ±c, 5 critic steps, RMSprop
//
// where c = gan.ClipBound(width), 0.32 for the default 32 units, rather
// than the paper's 0.01, which makes a narrow critic too coarse to follow
// the data (chapter 05), so that clipping is compared at its best;
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
// and look in out/08-gradient-penalty/: grid25_*.svg and gaussians8_*.svg
// (real samples dark green under black rings at the modes, generated
// samples orange; behind them the critic's value, purple low to green
// high, or DRAGAN's probability of "real", white at ½), modes_over_time.svg,
// grad_norm_over_time.svg, grad_norm_hist.svg, and metrics.json, written
// last.
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
)

// config holds the chapter's own settings: the shared toy budget (batch,
// width, learning rates, WGAN-GP's λ, evaluation), DRAGAN's λ and the
// length of the runs on the 8 Gaussians.
type config struct {
	budget       gan.ToyBudget
	draganLambda float64
	g8Steps      int
	clip         float64 // WGAN-clip's bound c; 0 for gan.ClipBound(width)
}

var spec = chapter.Spec{
	Name:     "08-gradient-penalty",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ToyDefaultSteps},
	Outputs: []string{"grid25_wgangp.svg", "grid25_dragan.svg", "grid25_clip.svg",
		"gaussians8_wgangp.svg", "gaussians8_dragan.svg", "gaussians8_clip.svg",
		"modes_over_time.svg", "grad_norm_over_time.svg", "grad_norm_hist.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), draganLambda: 10, g8Steps: 600}
		fs.Float(&cfg.clip, "clip", cfg.clip, "WGAN-clip's weight clipping bound c (0: 10.24/-width, 0.32 at 32 units, as chapter 05; the paper: 0.01)", chapter.NonNegative)
		fs.Check(func() error { return gan.CheckClipFlag(cfg.clip) })
		cfg.budget.RegisterFlags(fs)
		fs.Float(&cfg.draganLambda, "dragan-lambda", cfg.draganLambda, "DRAGAN penalty weight λ", chapter.NonNegative)
		fs.Int(&cfg.g8Steps, "g8-steps", cfg.g8Steps, "generator steps on the 8 Gaussians", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return cfg.budget.Memory(max(f.Steps, cfg.g8Steps), 6) })
		fs.Serve("watch and steer WGAN-GP live in a browser at this address (localhost:8080) instead of running the chapter",
			func(addr string, env chapter.Env) error { return serve(cfg, addr, env) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The three games ------------------------------------------------------------
//
// Each game is called once with the run's fresh networks t.G and t.D to
// build its optimizers, and returns its step: the critic's (or
// discriminator's) updates, then one generator update. t.Real() and
// t.Fake() draw a fresh real batch and a generated one, (B, 2) each; the
// generated one carries no graph back into G. In every game the
// generator's update runs with D frozen (gan.Frozen), so that G's loss,
// which runs through D, leaves no gradient in D's weights. Every learning
// rate below is the published one, which t.LR multiplies by -lr-scale (10)
// and, with -lr-decay (the default), decays linearly over the run.

// wgangp is WGAN-GP (arXiv 1704.00028): the Wasserstein loss plus
// λ·E[(‖∇f(x̂)‖ − 1)²] at interpolates x̂ between real and generated
// samples, five critic updates per generator update, Adam with lr 10⁻⁴ and
// β = (0.5, 0.9) as in the paper's toy code. gan.WGANGP is the same game,
// for chapter 01's reference; TestWGANGPIsTheLibraryGame keeps them equal.
func wgangp(lambda float64) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optC := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.5, 0.9)
		loss := gan.Wasserstein{}
		return func(i int) []gan.Quantity {
			optC.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			var lossC *autograd.Var
			for range 5 {
				real, fake := t.Real(), t.Fake()
				lossC = loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E f(x̃) − E f(x)
				// gp = E (‖∇f(x̂)‖ − 1)², built with autograd.Grad(…, createGraph = true):
				// lossC.Backward() below differentiates through that gradient.
				gp, norms := gan.GradientPenalty(t.D.Forward, real, fake, t.R)
				lossC = autograd.Add(lossC, autograd.Scale(gp, lambda))
				optC.ZeroGrad()
				lossC.Backward()
				optC.Step()
				t.RecordNorms(norms) // ‖∇f(x̂)‖ per sample, (B)
			}
			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise()))) // −E f(G(z))
				lossG.Backward()
				optG.Step()
			})
			return []gan.Quantity{{Name: "D loss", Value: lossC.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// dragan is DRAGAN (arXiv 1705.07215): the non-saturating loss plus
// λ·E[(‖∇D(x̂)‖ − 1)²] at points x̂ scattered around the real samples, by
// up to c·std(x) = 0.5·std(x), one discriminator update per generator
// update, Adam with lr 10⁻⁴ and β = (0.5, 0.9).
func dragan(lambda float64) gan.Game {
	const c = 0.5
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.5, 0.9)
		loss := gan.NonSaturating{}
		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			real, fake := t.Real(), t.Fake()
			lossD := loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E softplus(−ℓ(x)) + E softplus(ℓ(x̃))
			gp, norms := gan.DRAGANPenalty(t.D.Forward, real, c, t.R)                             // E (‖∇ℓ(x̂)‖ − 1)² near the reals
			lossD = autograd.Add(lossD, autograd.Scale(gp, lambda))
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()
			t.RecordNorms(norms)

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
}

// clip is the original WGAN (arXiv 1701.07875), chapter 05's game: the
// Wasserstein loss, the critic's weights clipped to ±c after every
// update, five critic updates per generator update, RMSprop with lr
// 5·10⁻⁵ for the generator and gan.ClipLR(5·10⁻⁵, c) for the critic (both
// scaled by the budget). It trains on no gradient norm, but measures
// ‖∇f(x̂)‖ at WGAN-GP's interpolates before its last critic update of each
// step, from a random stream of their own (t.Monitor), so that watching
// changes nothing.
func clip(c float64) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		criticParams := layers.Vars(t.D)
		gan.ClipWeights(criticParams, c) // start inside the constraint
		optC := optim.NewRMSprop(criticParams, t.LR(gan.ClipLR(5e-5, c), 1))
		optG := optim.NewRMSprop(layers.Vars(t.G), t.LR(5e-5, 1))
		loss := gan.Wasserstein{}
		return func(i int) []gan.Quantity {
			optC.SetLR(t.LR(gan.ClipLR(5e-5, c), i))
			optG.SetLR(t.LR(5e-5, i))
			var lossC *autograd.Var
			for k := range 5 {
				real, fake := t.Real(), t.Fake()
				lossC = loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E f(x̃) − E f(x)
				if k == 4 {
					t.RecordNorms(gan.InterpolationNorms(t.D.Forward, real, fake, t.Monitor))
				}
				optC.ZeroGrad()
				lossC.Backward()
				optC.Step()
				gan.ClipWeights(criticParams, c) // every weight back into [−c, c]
			}
			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise()))) // −E f(G(z))
				lossG.Backward()
				optG.Step()
			})
			return []gan.Quantity{{Name: "D loss", Value: lossC.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// method is one of the three games as this chapter runs it.
type method struct {
	key         string // "wgangp", "dragan", "clip": metric and file names
	label       string // for charts and the progress bar
	probability bool   // D is a classifier: picture σ(D) rather than raw scores
	game        gan.Game
	networks    gan.Networks
}

// dataset is one mixture, with its short name for metrics and files and
// the length of its runs.
type dataset struct {
	key     string // "grid25", "gaussians8"
	mixture *data.Mixture
	steps   int
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget

	// WGAN-GP and clipping use WGAN-GP's toy networks; DRAGAN, a classifier
	// GAN with a penalty, uses the networks of chapter 01's GAN, so that
	// the two differ by the penalty alone.
	c := cfg.clip
	if c == 0 {
		c = gan.ClipBound(b.Width)
	}
	methods := []method{
		{"wgangp", "WGAN-GP", false, wgangp(b.Lambda), b.WGANGP()},
		{"dragan", "DRAGAN", true, dragan(cfg.draganLambda), b.PacGAN()},
		{"clip", "WGAN-clip", false, clip(c), b.WGANGP()},
	}

	// ---- 2. Training on grid-25 and on the 8 Gaussians ------------------------------
	sets := []dataset{{"grid25", data.Grid25(), env.Steps}, {"gaussians8", data.Gaussians8(), cfg.g8Steps}}
	results := make([][]*gan.ToyResult, len(sets)) // [set][method]
	for s, set := range sets {
		for _, meth := range methods {
			res, err := gan.ToyRun{
				Name: meth.label + " " + set.mixture.Name, Game: meth.game, Networks: meth.networks,
				Data: set.mixture, Budget: b, Seed: env.Seed, Steps: set.steps, Progress: env.Stderr, Context: env.Context,
			}.Run()
			if err != nil {
				return err
			}
			results[s] = append(results[s], res)
		}
	}
	grid := results[0]
	wgangpGrid := grid[0]

	// ---- 3. Results -------------------------------------------------------------------
	// gp_grad_norm_mean: the mean of every per-sample norm that
	// gan.GradientPenalty returned during WGAN-GP's last evaluation window
	// on grid-25 (its last EvalEvery steps × 5 critic updates × batch).
	var m chapter.Metrics
	m.Set("gp_grad_norm_mean", wgangpGrid.MeanWindowNorm())
	m.Set("gp_grad_norm_count", float64(len(wgangpGrid.WindowNorms)))
	for s, set := range sets {
		for k, meth := range methods {
			c := results[s][k].FinalCoverage()
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
	m.Set("dragan_grad_norm_mean", grid[1].MeanWindowNorm())
	m.Set("clip_grad_norm_mean", grid[2].MeanWindowNorm())
	m.Set("clip_bound", c)
	m.Set("steps", float64(env.Steps))
	m.Set("g8_steps", float64(cfg.g8Steps))
	chapter.PrintTable(env.Stdout, "08-gradient-penalty: WGAN-GP and DRAGAN against weight clipping", &m)

	// ---- 4. Pictures --------------------------------------------------------------------
	var pictures []chapter.Picture
	for s, set := range sets {
		real := set.mixture.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
		for k, meth := range methods {
			res := results[s][k]
			title := fmt.Sprintf("%s on %s after %d steps", meth.label, set.mixture.Name, set.steps)
			pictures = append(pictures, chapter.Picture{Name: set.key + "_" + meth.key + ".svg",
				Save: gan.ToyScatter(title, res.D, res.Samples, set.mixture, real, meth.probability).Save})
		}
	}
	var modes, norms []plot.Line
	for k, meth := range methods {
		modes = append(modes, grid[k].History.Get("modes").Line().Named(meth.label))
		norms = append(norms, grid[k].History.Get("grad norm").WindowMeans(b.EvalEvery).Named(meth.label))
	}
	pictures = append(pictures,
		chapter.Picture{Name: "modes_over_time.svg", Save: plot.LineChart{
			Title: "Modes of grid-25 captured", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 28},
			Series: modes, Refs: []plot.RefLine{{Y: 25, Label: "all 25"},
				{Y: float64(uniform.Modes), Label: "uniform noise over the square"}},
		}.Save},
		chapter.Picture{Name: "grad_norm_over_time.svg", Save: plot.LineChart{
			Title: "Mean ‖∇D(x̂)‖ at the penalised points, per evaluation window", XLabel: "generator step",
			YLabel: "gradient norm", LogY: true, Series: norms, Refs: []plot.RefLine{{Y: 1, Label: "1"}},
		}.Save},
		chapter.Picture{Name: "grad_norm_hist.svg", Save: plot.Histogram{
			Title:  fmt.Sprintf("WGAN-GP: the %d gradient norms of the last window", len(wgangpGrid.WindowNorms)),
			XLabel: "‖∇D(x̂)‖", YLabel: "count", Values: wgangpGrid.WindowNorms, Bins: 40,
			Markers: []plot.Marker{{X: 1, Label: "1"}},
		}.Save})
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- Plumbing --------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// live view (the memory a run needs is the toy budget's estimate).

// serve is -serve ADDR: WGAN-GP on grid-25, live in the browser
// (gan/live), at the published learning rate 10⁻⁴ × -lr-scale, with five
// critic updates per generator update and the budget's λ, batch and width.
func serve(cfg config, addr string, env chapter.Env) error {
	lr := 1e-4 * cfg.budget.LRScale
	return live.Serve(env.Context, addr, live.Config{Data: "grid-25", Loss: "wgan-gp", Lambda: cfg.budget.Lambda,
		LRG: lr, LRD: lr, DSteps: 5, Seed: env.Seed, Batch: cfg.budget.Batch, Hidden: cfg.budget.Width}, env.Stdout)
}
