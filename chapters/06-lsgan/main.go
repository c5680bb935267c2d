// Chapter 06 mirrors the LSGAN half of the article's section "Técnicas
// para mejorar el rendimiento — 1. Funciones alternativas de pérdida".
//
// The original GAN's discriminator is a classifier, D(x) = σ(ℓ(x)), and the
// generator's loss −log D(x) = softplus(−ℓ(x)) looks only at which side of
// D's decision boundary (ℓ = 0) a sample lies on. Its gradient,
//
//	∂/∂x softplus(−ℓ(x)) = −σ(−ℓ(x))·∇ℓ(x),
//
// dies out exponentially once ℓ(x) is large: a generated sample that D
// calls real gets no push, however far it lies from the real data. LSGAN
// (Mao et al. 2017, arXiv 1611.04076) puts squares on D's raw output
// instead (gan.LeastSquares):
//
//	D minimises ½·E_x[(D(x) − b)²] + ½·E_z[(D(G(z)) − a)²]
//	G minimises ½·E_z[(D(G(z)) − c)²]
//
// and G's gradient on a sample, (D(x) − c)·∇D(x), grows with how far D's
// output has overshot c: samples far past the boundary are pulled back.
// The paper's two codings are (a, b, c) = (0, 1, 1), G asking D to believe
// its samples are real, and (−1, 1, 0). For the second, b − c = 1 and
// b − a = 2, and at the optimal D, D*(x) = (b·p_d + a·p_g)/(p_d + p_g), G's
// objective (with the term on real data, which does not depend on G) is
//
//	½·E_{p_d}[(D*(x) − c)²] + ½·E_{p_g}[(D*(x) − c)²]
//	   = ½·∫ (p_d − p_g)²/(p_d + p_g) dx = ½·χ²(p_d + p_g ‖ 2p_g),
//
// a Pearson χ² divergence, 0 only when p_g = p_d: the role 2·JSD − log 4
// plays for the original GAN (chapter 00).
//
// The program has three parts:
//
//  1. Gradients past the boundary. On the line, real samples ~ N(1, ½²) and
//     generated ones ~ N(−1, ½²); a linear discriminator is fitted with each
//     loss (the log loss, LSGAN (0, 1, 1), LSGAN (−1, 1, 0)) and frozen.
//     G's gradient ∂L_G/∂x on one generated sample is measured from x = −1
//     to 5 (the boundary is at 0, the real data around 1). The ratio of its
//     size far past the boundary (x = 4) to near it (x = ½) is
//     ns_grad_far_over_near and ls_grad_far_over_near (for (0, 1, 1)); the
//     point where a least-squares D equals c, which G's gradient pulls
//     samples towards, is *_target_x.
//  2. The divergence. As chapter 00 does for 2·JSD − log 4: D is trained
//     with LSGAN (−1, 1, 0) against a frozen density q, and at the learned
//     D, G's objective is integrated on a grid and compared with ½·χ²
//     computed from the densities (chi2_identity_error).
//  3. Training. The non-saturating GAN and LSGAN in both codings on ring-8
//     and grid-25, with the same networks (PacGAN's, scaled down), seeds,
//     optimizer and budget: modes captured, high-quality fraction and
//     reverse KL (the PacGAN protocol, chapter 01).
//
// Run it with
//
//	go run ./chapters/06-lsgan
//
// and see: the log loss's gradient 10⁻¹² times smaller far past the
// boundary than near it, the least-squares gradients 3 to 8 times larger;
// (0, 1, 1) drawing samples to just beyond the real data, (−1, 1, 0) to
// the boundary itself; G's objective within about 10⁻³ of ½·χ²; and on
// ring-8, LSGAN (0, 1, 1) capturing the 8 modes as the GAN does while
// (−1, 1, 0) drops some. Look in out/06-lsgan/: gradients.svg, moves.svg
// and discriminators.svg (part 1), optimal_d.svg and chi2_training.svg
// (part 2), ring8_*.svg and grid25_*.svg (real samples dark green under
// black rings at the modes, generated samples orange, D's output behind
// them), modes_ring8.svg, modes_grid25.svg, and metrics.json, written last.
// docs/06-lsgan.md shows a default run and five seeds.
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
	"ganbook/tensor"
)

// config holds the chapter's own settings: the shared toy budget of part 3
// (batch, width, learning rates, evaluation) and the 1-D fits of parts 1
// and 2. Shapes in parts 1 and 2: B = batch, H = hidden units; samples
// are 1-D, so a batch is (B, 1).
type config struct {
	budget gan.ToyBudget
	dSteps int     // training steps of each fixed discriminator (parts 1 and 2)
	dBatch int     // B of those fits
	lineLR float64 // Adam learning rate of part 1's linear fits, decayed linearly to 0
	dLR    float64 // Adam learning rate of part 2's network, decayed linearly to 0
	hidden int     // H, the width of part 2's discriminator
}

var spec = chapter.Spec{
	Name:     "06-lsgan",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs: []string{"gradients.svg", "moves.svg", "discriminators.svg", "optimal_d.svg", "chi2_training.svg",
		"ring8_*.svg", "grid25_*.svg", "modes_ring8.svg", "modes_grid25.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), dSteps: 2000, dBatch: 256, lineLR: 0.1, dLR: 1e-2, hidden: 32}
		b := &cfg.budget
		fs.Int(&b.Batch, "batch", b.Batch, "batch size of the GANs (real and generated)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of the GANs' G and D", 1)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply the GANs' published learning rate (Adam 10⁻⁴) by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the GANs' learning rates linearly over the run")
		fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "GAN steps between evaluations", 1)
		fs.Int(&cfg.dSteps, "d-steps", cfg.dSteps, "training steps of each fixed 1-D discriminator (parts 1 and 2)", 1)
		fs.Int(&cfg.dBatch, "d-batch", cfg.dBatch, "batch size of the 1-D discriminators", 1)
		fs.Float(&cfg.lineLR, "line-lr", cfg.lineLR, "Adam learning rate of part 1's linear discriminators (decays linearly to 0)", chapter.Positive)
		fs.Float(&cfg.dLR, "d-lr", cfg.dLR, "Adam learning rate of part 2's discriminator (decays linearly to 0)", chapter.Positive)
		fs.Int(&cfg.hidden, "hidden", cfg.hidden, "hidden units per layer of part 2's discriminator", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- The three losses ----------------------------------------------------------------

// loss is one of the chapter's three objectives, with its names.
type loss struct {
	key, label string
	gan.Loss
	probability bool // D is a classifier: σ(D) is its probability of "real"
}

var losses = []loss{
	{"ns", "non-saturating GAN", gan.NonSaturating{}, true},
	{"ls_binary", "LSGAN (0, 1, 1)", gan.BinaryLeastSquares(), false},
	{"ls_pearson", "LSGAN (−1, 1, 0)", gan.PearsonLeastSquares(), false},
}

func run(env chapter.Env, cfg config) error {
	var m chapter.Metrics
	var pictures []chapter.Picture

	// ---- 1. Gradients past the decision boundary ----------------------------------
	pics, err := gradientsPastTheBoundary(env, cfg, &m)
	if err != nil {
		return err
	}
	pictures = append(pictures, pics...)

	// ---- 2. The divergence LSGAN minimises ----------------------------------------
	pics, err = chi2Identity(env, cfg, &m)
	if err != nil {
		return err
	}
	pictures = append(pictures, pics...)

	// ---- 3. Training on ring-8 and grid-25 ----------------------------------------
	pics, err = training(env, cfg, &m)
	if err != nil {
		return err
	}
	pictures = append(pictures, pics...)

	// ---- 4. Results ------------------------------------------------------------------
	chapter.PrintTable(env.Stdout, "06-lsgan: least squares against the log loss", &m)
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- Part 1 ------------------------------------------------------------------------------

// The 1-D setting of part 1: real samples ~ N(1, σ²), generated ones
// ~ N(−1, σ²), σ = ½. The best classifier's boundary is x = 0, where the
// two densities are equal; the real data sit at distance 1 past it. A
// generated sample is measured near the boundary, halfway to the real
// data, and far past it, three times as far beyond the real data.
const (
	part1Std = 0.5
	nearX    = 0.5
	farX     = 4.0
)

// gradientsPastTheBoundary fits a linear discriminator D(x) = w·x + v with
// each loss (for the log loss D is the logit ℓ), freezes it, and measures
// the generator's gradient on a generated sample as a function of its
// position: its size, and the way a step of gradient descent moves the
// sample, −∂L_G/∂x (positive: towards the real data).
func gradientsPastTheBoundary(env chapter.Env, cfg config, m *chapter.Metrics) ([]chapter.Picture, error) {
	real := data.Mixture1D([]float64{1}, part1Std, nil)
	fake := data.Mixture1D([]float64{-1}, part1Std, nil)
	xs := make([]float64, 241) // −1, −0.975, …, 5
	for i := range xs {
		xs[i] = -1 + 0.025*float64(i)
	}
	var sizeLines, moveLines, outputLines []plot.Line
	var binaryFarOverNear float64 // the 0-1 coding's far/near ratio
	for k, l := range losses {
		// The same initial weights and samples for the three fits.
		r := rand.New(rand.NewPCG(env.Seed, 10))
		D := layers.NewSequential(layers.NewLinear(r, 1, 1)) // (B, 1) → (B, 1)
		opt := optim.NewAdam(layers.Vars(D), cfg.lineLR, 0.9, 0.999)
		step := func(i int) []gan.Quantity {
			opt.SetLR(cfg.lineLR * (1 - float64(i-1)/float64(cfg.dSteps)))
			realX := autograd.Const(real.Sample(r, cfg.dBatch)) // (B, 1)
			fakeX := autograd.Const(fake.Sample(r, cfg.dBatch)) // (B, 1)
			lossD := l.D(D.Forward(realX), D.Forward(fakeX))
			opt.ZeroGrad()
			lossD.Backward()
			opt.Step()
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}}
		}
		loop := gan.Loop{Name: "linear D, " + l.label, Steps: cfg.dSteps, Progress: env.Stderr, Context: env.Context,
			Watch: map[string]layers.Module{"D": D}}
		if _, err := loop.Run(step, nil); err != nil {
			return nil, err
		}

		grads := sampleGradients(l, D, xs)
		nearFar := sampleGradients(l, D, []float64{nearX, farX})
		w, v := D.Parameters()[0].Var.Item(), D.Parameters()[1].Var.Item()
		m.Set(l.key+"_d_slope", w)
		m.Set(l.key+"_move_near", -nearFar[0])
		m.Set(l.key+"_move_far", -nearFar[1])
		farOverNear := math.Abs(nearFar[1]) / math.Abs(nearFar[0])
		m.Set(l.key+"_grad_far_over_near", farOverNear)
		if l.key == "ls_binary" {
			binaryFarOverNear = farOverNear
		}
		if ls, ok := l.Loss.(gan.LeastSquares); ok {
			// Where D(x) = c, G's loss is 0 and its gradient changes sign:
			// the point a fixed least-squares D draws generated samples to.
			m.Set(l.key+"_target_x", (ls.C-v)/w)
		}

		size := plot.Line{Name: l.label, Color: plot.SeriesColor(k)}
		move := plot.Line{Name: l.label, Color: plot.SeriesColor(k)}
		for i, x := range xs {
			size.Points = append(size.Points, plot.Point{X: x, Y: math.Abs(grads[i])})
			move.Points = append(move.Points, plot.Point{X: x, Y: -grads[i]})
		}
		sizeLines, moveLines = append(sizeLines, size), append(moveLines, move)
		outputs := gan.Curve(D.Forward, xs)
		out := plot.Line{Name: l.label, Color: plot.SeriesColor(k)}
		for i, x := range xs {
			y := outputs[i]
			if l.probability {
				y = 1 / (1 + math.Exp(-y)) // σ(ℓ): what the log loss reads
			}
			out.Points = append(out.Points, plot.Point{X: x, Y: y})
		}
		outputLines = append(outputLines, out)
	}
	// ls_grad_far_over_near, the key the chapter is named by, is the 0-1
	// coding's.
	m.Set("ls_grad_far_over_near", binaryFarOverNear)
	const xLabel = "x, where the generated sample is (the boundary at 0, the real data around 1)"
	return []chapter.Picture{
		{Name: "gradients.svg", Save: plot.LineChart{
			Title: "The size of G's gradient on a generated sample, D fixed", XLabel: xLabel,
			YLabel: "|∂L_G/∂x|", LogY: true, Series: sizeLines,
		}.Save},
		{Name: "moves.svg", Save: plot.LineChart{
			Title: "Where G's gradient moves a generated sample, D fixed", XLabel: xLabel,
			YLabel: "−∂L_G/∂x (> 0: towards the real data)", YRange: [2]float64{-4, 4.5}, Series: moveLines,
			Refs: []plot.RefLine{{Y: 0}},
		}.Save},
		{Name: "discriminators.svg", Save: plot.LineChart{
			Title: "The three fixed discriminators, as their losses read them", XLabel: xLabel,
			YLabel: "σ(ℓ(x)) for the log loss, D(x) for least squares", YRange: [2]float64{-1.5, 4.5},
			Series: outputLines,
			Refs:   []plot.RefLine{{Y: 1, Label: "1: b, and c of (0, 1, 1)"}, {Y: 0, Label: "0: c of (−1, 1, 0)"}},
		}.Save},
	}, nil
}

// sampleGradients returns ∂L_G/∂x on a generated sample at each of xs,
// with D fixed: autograd.Grad differentiates with respect to x alone and
// computes nothing for D's weights. The samples go through as one batch;
// G's loss is a mean of independent per-sample terms, so n times its
// gradient with respect to x_i is sample i's own gradient.
func sampleGradients(l loss, D *layers.Sequential, xs []float64) []float64 {
	n := len(xs)
	x := autograd.Param(tensor.New(append([]float64(nil), xs...), n, 1)) // (n, 1)
	lossG := l.G(nil, D.Forward(x))
	g := autograd.Grad([]*autograd.Var{lossG}, []*autograd.Var{x}, false)[0].Value // (n, 1)
	out := make([]float64, n)
	for i, v := range g.Data() {
		out[i] = v * float64(n)
	}
	return out
}

// ---- Part 2 ------------------------------------------------------------------------------

// The grid on which densities are integrated and D is compared with D*, as
// in chapter 00: gridN cells on [gridLo, gridHi], evaluated at their
// midpoints; D is compared with D* where (p + q)/2 is at least regionShare
// of its largest value.
const (
	gridLo, gridHi = -10.0, 10.0
	gridN          = 2000
	regionShare    = 0.01
)

// chi2Identity trains D with LSGAN's (−1, 1, 0) loss on samples of p (the
// data) and q (a frozen stand-in for the generator) and checks the paper's
// identity at the learned D.
func chi2Identity(env chapter.Env, cfg config, m *chapter.Metrics) ([]chapter.Picture, error) {
	// p: 60 % of the mass at −2, 40 % at +2 (σ = ½); q: N(0, 2²). Chapter 00's pair.
	p := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	q := data.Mixture1D([]float64{0}, 2, nil)
	l := gan.PearsonLeastSquares()
	g := gan.NewDensityGrid(p, q, gridLo, gridHi, gridN, regionShare, l.OptimalOutput) // D* = (p − q)/(p + q)
	halfChi2 := metrics.PearsonChi2OfDensities(
		func(x float64) float64 { return p.Density([]float64{x}) + q.Density([]float64{x}) },
		func(x float64) float64 { return 2 * q.Density([]float64{x}) },
		gridLo, gridHi, gridN) / 2

	r := rand.New(rand.NewPCG(env.Seed, 11))
	// D: 1 → H → H → 1 with tanh, raw output (no sigmoid).
	D := gan.MLP(r, layers.Tanh{}, 1, cfg.hidden, cfg.hidden, 1)
	opt := optim.NewAdam(layers.Vars(D), cfg.dLR, 0.9, 0.999)
	step := func(i int) []gan.Quantity {
		opt.SetLR(cfg.dLR * (1 - float64(i-1)/float64(cfg.dSteps)))
		real := autograd.Const(p.Sample(r, cfg.dBatch)) // (B, 1)
		fake := autograd.Const(q.Sample(r, cfg.dBatch)) // (B, 1)
		lossD := l.D(D.Forward(real), D.Forward(fake))  // ½·mean (D(x) − 1)² + ½·mean (D(x̃) + 1)²
		opt.ZeroGrad()
		lossD.Backward()
		opt.Step()
		return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}}
	}
	eval := func(int) []gan.Quantity {
		outputs := gan.Curve(D.Forward, g.X)
		maxErr, _ := g.Errors(outputs)
		return []gan.Quantity{
			{Name: "max |D − D*|", Value: maxErr},
			{Name: "|C(D) − ½χ²|", Value: math.Abs(l.GeneratorValue(outputs, g.P, g.Q, g.H) - halfChi2)},
		}
	}
	loop := gan.Loop{Name: "LSGAN's D against a frozen q", Steps: cfg.dSteps, EvalEvery: max(1, cfg.dSteps/40),
		Progress: env.Stderr, Context: env.Context, Watch: map[string]layers.Module{"D": D}}
	history, err := loop.Run(step, eval)
	if err != nil {
		return nil, err
	}

	outputs := gan.Curve(D.Forward, g.X)
	maxErr, meanErr := g.Errors(outputs)
	value := l.GeneratorValue(outputs, g.P, g.Q, g.H)
	m.Set("d_star_max_error", maxErr)
	m.Set("d_star_mean_error", meanErr)
	m.Set("g_objective_at_d", value)
	m.Set("half_chi2", halfChi2)
	m.Set("chi2_identity_error", math.Abs(value-halfChi2))

	var curveP, curveQ, curveOpt, curveD []plot.Point
	for i, x := range g.X {
		if i%4 != 0 {
			continue
		}
		curveP = append(curveP, plot.Point{X: x, Y: g.P[i]})
		curveQ = append(curveQ, plot.Point{X: x, Y: g.Q[i]})
		dOpt, dLearned := math.NaN(), math.NaN() // NaN breaks the line: drawn in the region only
		if g.InRegion[i] {
			dOpt, dLearned = g.Optimal[i], outputs[i]
		}
		curveOpt = append(curveOpt, plot.Point{X: x, Y: dOpt})
		curveD = append(curveD, plot.Point{X: x, Y: dLearned})
	}
	return []chapter.Picture{
		{Name: "optimal_d.svg", Save: plot.LineChart{
			Title:  "LSGAN's learned D(x) against D*(x) = (p − q)/(p + q)",
			XLabel: "x", YLabel: "density / D's output", XRange: [2]float64{-7, 7}, YRange: [2]float64{-1.15, 1.15},
			Series: []plot.Line{
				{Name: "p(x), data", Points: curveP},
				{Name: "q(x), frozen generator", Points: curveQ},
				{Name: "D*(x) = (p − q)/(p + q)", Points: curveOpt},
				{Name: "learned D(x)", Points: curveD},
			},
			Refs: []plot.RefLine{{Y: 0, Label: "0"}},
		}.Save},
		{Name: "chi2_training.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("D approaching D*, and G's objective approaching ½·χ² = %.4f", halfChi2), XLabel: "step",
			YLabel: "error", LogY: true,
			Series: []plot.Line{history.Get("max |D − D*|").Line(), history.Get("|C(D) − ½χ²|").Line()},
		}.Save},
	}, nil
}

// ---- Part 3 ------------------------------------------------------------------------------

// dataset is one mixture with its short name for files and metrics.
type dataset struct {
	key     string // "ring8", "grid25"
	mixture *data.Mixture
}

// training runs the three losses as GANs on ring-8 and on grid-25, each in
// gan.OneToOne's game (chapter 01's, with the loss swapped) on PacGAN's
// networks and the shared toy budget, from the same seed, and records each
// run's modes captured, high-quality fraction and reverse KL at the end
// (the PacGAN protocol, chapter 01), with the floor of points spread
// uniformly over grid-25's square. Its pictures: each run's samples over
// its D, and the modes captured over training.
func training(env chapter.Env, cfg config, m *chapter.Metrics) ([]chapter.Picture, error) {
	b := cfg.budget
	var pictures []chapter.Picture
	for _, set := range []dataset{{"ring8", data.Ring8()}, {"grid25", data.Grid25()}} {
		real := set.mixture.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500) // for the pictures
		var modes []plot.Line
		for _, l := range losses {
			res, err := gan.ToyRun{Name: l.label + " " + set.mixture.Name, Game: gan.OneToOne(l.Loss), Networks: b.PacGAN(),
				Data: set.mixture, Budget: b, Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context}.Run()
			if err != nil {
				return nil, err
			}
			c := res.FinalCoverage()
			name := l.key + "_" + set.key
			m.Set(name+"_modes", float64(c.Modes))
			m.Set(name+"_hq", c.HighQuality)
			m.Set(name+"_reverse_kl", c.ReverseKL)
			title := fmt.Sprintf("%s on %s after %d steps", l.label, set.mixture.Name, env.Steps)
			scatter := gan.ToyScatter(title, res.D, res.Samples, set.mixture, real, l.probability)
			if !l.probability {
				scatter.Field.Label = "D(x), the least-squares output"
			}
			pictures = append(pictures, chapter.Picture{Name: set.key + "_" + l.key + ".svg", Save: scatter.Save})
			line := res.History.Get("modes").Line()
			line.Name = l.label
			modes = append(modes, line)
		}
		K := float64(len(set.mixture.Centers))
		refs := []plot.RefLine{{Y: K, Label: fmt.Sprintf("all %d", int(K))}}
		if set.key == "grid25" {
			// The floor: points spread uniformly over grid-25's square,
			// scored the same way. Modes mean something only together with
			// the HQ fraction.
			uniform := gan.UniformCoverage(set.mixture, b.EvalSamples, env.Seed)
			m.Set("uniform_grid25_modes", float64(uniform.Modes))
			m.Set("uniform_grid25_hq", uniform.HighQuality)
			refs = append(refs, plot.RefLine{Y: float64(uniform.Modes), Label: "uniform noise over the square"})
		}
		pictures = append(pictures, chapter.Picture{Name: "modes_" + set.key + ".svg", Save: plot.LineChart{
			Title: "Modes of " + set.mixture.Name + " captured", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, K + 1}, Series: modes, Refs: refs,
		}.Save})
	}
	m.Set("steps", float64(env.Steps))
	return pictures, nil
}

// ---- Plumbing --------------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// memory a run needs, checked before anything runs.

// memory estimates what a run takes: the toy runs of part 3 (six of them,
// kept to the end for the pictures), and the 1-D fits: part 2's network
// (about 3·H² weights with gradient and Adam's moments), the activations of
// a batch and of the grid (about 10 numbers per sample and hidden unit),
// and the histories.
func memory(cfg config, steps int) []chapter.Need {
	h := float64(cfg.hidden)
	acts := func(n int) float64 { return float64(n) * 10 * h * 8 }
	return append(cfg.budget.Memory(steps, 6),
		chapter.Need{What: fmt.Sprintf("part 2's discriminator (-hidden %d)", cfg.hidden), Bytes: 3 * h * h * 4 * 8},
		chapter.Need{What: fmt.Sprintf("a 1-D batch's activations (-d-batch %d × -hidden %d)", cfg.dBatch, cfg.hidden), Bytes: 4 * acts(cfg.dBatch)},
		chapter.Need{What: fmt.Sprintf("the grid's activations (-hidden %d)", cfg.hidden), Bytes: 2 * acts(gridN)},
		chapter.Need{What: fmt.Sprintf("the 1-D fits' histories (-d-steps %d)", cfg.dSteps), Bytes: float64(cfg.dSteps) * 4 * 6 * 16},
	)
}
