// Chapter 00 mirrors the article's sections "El concepto básico de las
// GAN", "Algoritmos Generativos vs. Discriminatorios" and "Prueba las GAN de
// forma interactiva".
//
// A GAN (Goodfellow et al. 2014, arXiv 1406.2661) is a game between two
// networks. The generator G turns noise z ~ N(0, I) into samples; the
// discriminator D looks at a sample and says how likely it is to be real.
// D is a discriminative model (features in, label out); G is a generative
// one (it produces the features). With p the data's density and q the
// density of G(z), the two play for the value
//
//	V(D, G) = E_{x~p}[log D(x)] + E_{z}[log(1 − D(G(z)))],
//
// which D maximises and G minimises. For a fixed G the best D is found point
// by point: a·log y + b·log(1 − y) is largest at y = a/(a + b), so
//
//	D*(x) = p(x) / (p(x) + q(x)),
//
// and putting D* back into V gives
//
//	V(D*, G) = 2·JSD(p‖q) − log 4,
//
// so G, playing against the best D, minimises the Jensen–Shannon
// divergence, which is 0 only when q = p.
//
// On the real line every one of these quantities can be computed exactly,
// and this program does so in two parts:
//
//  1. The optimal discriminator. G is replaced by a known density q (one
//     wide Gaussian); D is trained as a classifier on fresh samples of p
//     (two Gaussians) and q. On a grid of cells where the two densities are
//     not negligible ((p + q)/2 ≥ 1 % of its largest value) we compare σ(D(x))
//     with p/(p + q) (optimal_d_max_error, optimal_d_mean_error), and we
//     integrate V at the learned D with the exact densities and compare it
//     with 2·JSD(p‖q) − log 4 (value_vs_jsd_error). V(D) never exceeds that
//     bound, and the gap is small only if D is close to D* wherever p or q
//     has mass.
//  2. The whole game. G maps noise to the line, D learns against it, both
//     with Adam and the non-saturating generator loss. The exact 1-D
//     Wasserstein-1 distance between generated and real samples falls from
//     w1_start to w1_end, next to the smallest value a sample of that size
//     can show (w1_floor).
//
// The article points to GAN Lab (https://poloclub.github.io/ganlab/), which
// shows this game live in the browser; the pictures here are its still,
// measured counterpart, and -serve ADDR is the live one (gan/live).
//
// Run it with
//
//	go run ./chapters/00-gan-basics
//
// and look in out/00-gan-basics/: optimal_d.svg (D and p/(p + q) over the
// densities), optimal_d_training.svg, densities.svg (the real density and
// G's at the start and the end), w1.svg, losses.svg, and metrics.json.
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
	"ganbook/gan/live"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings. Shapes: B = batch, Z = noise
// size, H = hidden units; samples are 1-D, so a batch is (B, 1).
type config struct {
	hidden    int     // H, in both networks
	batch     int     // B, real and generated samples per step
	noise     int     // Z
	dSteps    int     // training steps of D in part 1
	dLR       float64 // Adam learning rate of D in part 1 (it decays linearly to 0)
	lr        float64 // Adam learning rate of both players in part 2 (decays linearly to 0)
	evalEvery int     // steps between evaluations
	evalN     int     // samples per W₁ evaluation
}

var spec = chapter.Spec{
	Name:     "00-gan-basics",
	Defaults: chapter.Flags{Seed: 1, Steps: 4000},
	Outputs:  []string{"optimal_d.svg", "optimal_d_training.svg", "densities.svg", "w1.svg", "losses.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{hidden: 32, batch: 256, noise: 2, dSteps: 2000, dLR: 1e-2, lr: 5e-4, evalEvery: 50, evalN: 2000}
		fs.Int(&cfg.hidden, "hidden", cfg.hidden, "hidden units per layer (G and D)", 1)
		fs.Int(&cfg.batch, "batch", cfg.batch, "batch size", 1)
		fs.Int(&cfg.noise, "noise", cfg.noise, "size of the generator's noise z", 1)
		fs.Int(&cfg.dSteps, "d-steps", cfg.dSteps, "training steps of D against the frozen q in part 1", 1)
		fs.Float(&cfg.dLR, "d-lr", cfg.dLR, "Adam learning rate of D in part 1 (decays linearly to 0)", chapter.Positive)
		fs.Float(&cfg.lr, "lr", cfg.lr, "Adam learning rate of G and D in part 2 (decays linearly to 0)", chapter.Positive)
		fs.Int(&cfg.evalEvery, "eval-every", cfg.evalEvery, "steps between evaluations", 1)
		fs.Int(&cfg.evalN, "eval-n", cfg.evalN, "samples per W₁ evaluation", 2)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		fs.Serve("watch and steer part 2's GAN live in a browser at this address (localhost:8080) instead of running the chapter",
			func(addr string, env chapter.Env) error { return serve(cfg, addr, env) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// The grid on which densities are integrated and D is compared with D*:
// gridN cells of width (gridHi − gridLo)/gridN, evaluated at their
// midpoints. It holds all but about 6·10⁻⁷ of the mass of p and q (the
// tails of q beyond 5σ).
const (
	gridLo, gridHi = -10.0, 10.0
	gridN          = 2000
	// regionShare: a cell counts in the comparison with D* when
	// (p + q)/2 there is at least this share of its largest value.
	regionShare = 0.01
	// pictureN generated samples make each histogram of densities.svg.
	pictureN = 20000
)

func run(env chapter.Env, cfg config) error {
	var m chapter.Metrics

	// ---- 1. Data --------------------------------------------------------------
	// p, the data: two Gaussians, 60 % of the mass at −2 and 40 % at +2.
	// q, the stand-in for a generator in part 1: one wide Gaussian N(0, 2²).
	// Both are exact densities we can sample and evaluate.
	p := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	q := data.Mixture1D([]float64{0}, 2, nil)
	g := gan.NewDensityGrid(p, q, gridLo, gridHi, gridN, regionShare, func(px, qx float64) float64 { return px / (px + qx) }) // D* = p/(p + q)

	// ---- 2. Part 1: the optimal discriminator (-d-steps steps) ---------------
	if err := optimalDiscriminator(env, cfg, p, q, g, &m); err != nil {
		return err
	}

	// ---- 3. Part 2: the game (-steps steps) ----------------------------------
	if err := game(env, cfg, p, &m); err != nil {
		return err
	}

	// ---- 4. Results -----------------------------------------------------------
	chapter.PrintTable(env.Stdout, "00-gan-basics: the optimal discriminator and a GAN on a 1-D mixture", &m)
	return env.WriteJSON(&m)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// probabilities returns σ(ℓ) for each logit: D's outputs in D*'s units.
func probabilities(logits []float64) []float64 {
	out := make([]float64, len(logits))
	for i, l := range logits {
		out[i] = sigmoid(l)
	}
	return out
}

// optimalDiscriminator trains D to tell p's samples from q's and measures
// how close it comes to D* = p/(p + q).
func optimalDiscriminator(env chapter.Env, cfg config, p, q *data.Mixture, g gan.DensityGrid, m *chapter.Metrics) error {
	r := rand.New(rand.NewPCG(env.Seed, 1))
	// D: 1 → H → H → 1 with tanh, returning a logit ℓ; D(x) = σ(ℓ(x)).
	D := gan.MLP(r, layers.Tanh{}, 1, cfg.hidden, cfg.hidden, 1)
	opt := optim.NewAdam(layers.Vars(D), cfg.dLR, 0.9, 0.999)
	loss := gan.NonSaturating{} // D's part is the classifier's log loss

	// Each step: fresh samples of both densities and one Adam step on the
	// log loss −mean log D(real) − mean log(1 − D(fake)). The learning rate
	// falls linearly to 0, so that the last steps average out the sampling
	// noise instead of chasing it.
	step := func(i int) []gan.Quantity {
		opt.SetLR(cfg.dLR * (1 - float64(i-1)/float64(cfg.dSteps)))
		real := autograd.Const(p.Sample(r, cfg.batch)) // (B, 1)
		fake := autograd.Const(q.Sample(r, cfg.batch)) // (B, 1)
		opt.ZeroGrad()
		l := loss.D(D.Forward(real), D.Forward(fake))
		l.Backward()
		opt.Step()
		return []gan.Quantity{{Name: "D loss", Value: l.Item()}}
	}
	// Evaluation on the grid: the errors against D* and the game's value.
	best := 2*metrics.JSDOfDensities(densityOf(p), densityOf(q), gridLo, gridHi, gridN) - math.Log(4)
	eval := func(int) []gan.Quantity {
		logits := gan.Curve(D.Forward, g.X)
		maxErr, _ := g.Errors(probabilities(logits))
		return []gan.Quantity{
			{Name: "max |D − D*|", Value: maxErr},
			{Name: "value gap V(D*) − V(D)", Value: best - gan.GameValue(logits, g.P, g.Q, g.H)},
		}
	}
	loop := gan.Loop{Name: "D against a frozen q", Steps: cfg.dSteps, EvalEvery: cfg.evalEvery, Progress: env.Stderr, Context: env.Context, Watch: map[string]layers.Module{"D": D}}
	history, err := loop.Run(step, eval)
	if err != nil {
		return err
	}

	logits := gan.Curve(D.Forward, g.X)
	maxErr, meanErr := g.Errors(probabilities(logits))
	value := gan.GameValue(logits, g.P, g.Q, g.H)
	lo, hi := g.RegionBounds()
	m.Set("optimal_d_max_error", maxErr)
	m.Set("optimal_d_mean_error", meanErr)
	m.Set("region_lo", lo)
	m.Set("region_hi", hi)
	m.Set("value_at_d", value)
	m.Set("value_optimal", best)
	m.Set("value_vs_jsd_error", math.Abs(value-best))
	m.Set("jsd_p_q", (best+math.Log(4))/2)

	// Pictures: D and D* over the densities, drawn on the region only; the
	// training curves.
	var curveP, curveQ, curveOpt, curveD []plot.Point
	for i, x := range g.X {
		if i%4 != 0 { // every fourth cell is plenty for a picture
			continue
		}
		curveP = append(curveP, plot.Point{X: x, Y: g.P[i]})
		curveQ = append(curveQ, plot.Point{X: x, Y: g.Q[i]})
		dOpt, dLearned := math.NaN(), math.NaN() // NaN breaks the line: drawn in the region only
		if g.InRegion[i] {
			dOpt, dLearned = g.Optimal[i], sigmoid(logits[i])
		}
		curveOpt = append(curveOpt, plot.Point{X: x, Y: dOpt})
		curveD = append(curveD, plot.Point{X: x, Y: dLearned})
	}
	pictures := []chapter.Picture{
		{Name: "optimal_d.svg", Save: plot.LineChart{
			Title:  "The learned D(x) against D*(x) = p/(p + q)",
			XLabel: "x", YLabel: "density / probability", XRange: [2]float64{-7, 7}, YRange: [2]float64{0, 1.15},
			Series: []plot.Line{
				{Name: "p(x), data", Points: curveP},
				{Name: "q(x), frozen generator", Points: curveQ},
				{Name: "D*(x) = p/(p + q)", Points: curveOpt},
				{Name: "learned D(x)", Points: curveD},
			},
			Refs: []plot.RefLine{{Y: 0.5, Label: "½"}},
		}.Save},
		{Name: "optimal_d_training.svg", Save: plot.LineChart{
			Title: "D approaching D*", XLabel: "step", YLabel: "error", LogY: true,
			Series: []plot.Line{history.Get("max |D − D*|").Line(), history.Get("value gap V(D*) − V(D)").Line()},
		}.Save},
	}
	return env.SavePictures(pictures...)
}

// game trains a GAN on p and follows the W₁ distance of its samples to p.
func game(env chapter.Env, cfg config, p *data.Mixture, m *chapter.Metrics) error {
	r := rand.New(rand.NewPCG(env.Seed, 2))
	// G: Z → H → H → 1 and D: 1 → H → H → 1, leaky ReLU (slope 0.2). G has
	// to cut its one lump of noise into two lumps; the kinks of leaky ReLU
	// make sharp cuts easy.
	act := layers.LeakyReLU{Slope: 0.2}
	G := gan.MLP(r, act, cfg.noise, cfg.hidden, cfg.hidden, 1)
	D := gan.MLP(r, act, 1, cfg.hidden, cfg.hidden, 1)
	optG := optim.NewAdam(layers.Vars(G), cfg.lr, 0.5, 0.999)
	optD := optim.NewAdam(layers.Vars(D), cfg.lr, 0.5, 0.999)
	loss := gan.NonSaturating{}

	// Fixed evaluation sets: real samples, noise, and an independent real
	// set for the floor of W₁ at this sample size; a larger batch of noise
	// for the density pictures.
	evalRNG := rand.New(rand.NewPCG(env.Seed, 3))
	evalReal := p.Sample(evalRNG, cfg.evalN).Data()                      // (evalN)
	evalZ := autograd.Const(tensor.RandN(evalRNG, cfg.evalN, cfg.noise)) // (evalN, Z)
	w1Floor := metrics.W1Sorted1D(evalReal, p.Sample(evalRNG, cfg.evalN).Data())
	pictureZ := autograd.Const(tensor.RandN(evalRNG, pictureN, cfg.noise)) // (pictureN, Z)

	generate := func(z *autograd.Var) []float64 { // (n, Z) → n samples
		var out []float64
		autograd.NoGrad(func() { out = G.Forward(z).Value.Data() })
		return out
	}
	startSamples := generate(pictureZ)

	// One step: one D update on a real and a generated batch, then one G
	// update on fresh noise against the updated D. Both learning rates fall
	// linearly to 0, so that the run ends at a settled point of the game
	// rather than at a random moment of its wobble.
	noise := func() *autograd.Var { return autograd.Const(tensor.RandN(r, cfg.batch, cfg.noise)) } // (B, Z)
	step := func(i int) []gan.Quantity {
		lr := cfg.lr * (1 - float64(i-1)/float64(env.Steps))
		optD.SetLR(lr)
		optG.SetLR(lr)

		real := autograd.Const(p.Sample(r, cfg.batch)) // (B, 1)
		var fake *autograd.Var
		autograd.NoGrad(func() { fake = G.Forward(noise()) }) // (B, 1), no graph into G
		optD.ZeroGrad()
		lossD := loss.D(D.Forward(real), D.Forward(fake)) // −mean log D(x) − mean log(1 − D(G(z)))
		lossD.Backward()
		optD.Step()

		var lossG *autograd.Var
		gan.Frozen(D, func() { // G's loss leaves no gradient in D's weights
			optG.ZeroGrad()
			lossG = loss.G(nil, D.Forward(G.Forward(noise()))) // −mean log D(G(z))
			lossG.Backward()
			optG.Step()
		})
		return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
	}
	eval := func(int) []gan.Quantity {
		return []gan.Quantity{{Name: "W1", Value: metrics.W1Sorted1D(generate(evalZ), evalReal)}}
	}
	w1Start := eval(0)[0].Value

	loop := gan.Loop{Name: "GAN on the line", Steps: env.Steps, EvalEvery: cfg.evalEvery, Progress: env.Stderr, Context: env.Context,
		Watch: map[string]layers.Module{"G": G, "D": D}}
	history, err := loop.Run(step, eval)
	if err != nil {
		return err
	}

	// ---- Results of part 2 ----
	// D's mean output on real and on generated samples: both ½ when q = p.
	// The share of generated samples left of 0: 0.6 for p.
	endSamples := generate(pictureZ)
	w1 := history.Get("W1")
	m.Set("w1_start", w1Start)
	m.Set("w1_end", w1.Last())
	m.Set("w1_floor", w1Floor)
	m.Set("left_mode_share_end", shareBelow(endSamples, 0))
	m.Set("d_real_end", meanProbability(D.Forward, evalReal))
	m.Set("d_fake_end", meanProbability(D.Forward, generate(evalZ)))
	m.Set("evaluations", float64(len(w1.Values)))

	// Pictures: the densities (the generator's as histograms of pictureN
	// samples), W₁ over training from step 0, the losses.
	edges := plot.EqualEdges(-6, 6, 120)
	var exact []plot.Point
	for k := range 601 {
		x := -6 + 0.02*float64(k)
		exact = append(exact, plot.Point{X: x, Y: p.Density([]float64{x})})
	}
	start := histogramLine(startSamples, edges)
	w1Line := w1.Line()
	w1Line.Points = append([]plot.Point{{X: 0, Y: w1Start}}, w1Line.Points...)
	pictures := []chapter.Picture{
		{Name: "densities.svg", Save: plot.LineChart{
			Title: "The data's density p and the generator's", XLabel: "x", YLabel: "density",
			YRange: [2]float64{0, 1.3},
			Series: []plot.Line{
				{Name: "p(x), data", Points: exact},
				{Name: fmt.Sprintf("generator, start (peak %.1f, cut off)", maxY(start)), Points: start},
				{Name: "generator, end", Points: histogramLine(endSamples, edges)},
			},
		}.Save},
		{Name: "w1.svg", Save: plot.LineChart{
			Title: "Exact W₁ between generated and real samples", XLabel: "step", YLabel: "W₁", LogY: true,
			Series: []plot.Line{w1Line},
			Refs:   []plot.RefLine{{Y: w1Floor, Label: "floor (real vs real)"}},
		}.Save},
		{Name: "losses.svg", Save: plot.LineChart{
			Title: "Losses of the game (dashed: their values when q = p, log 4 and log 2)", XLabel: "step", YLabel: "loss",
			Series: []plot.Line{history.Get("D loss").Line(), history.Get("G loss").Line()},
			Refs:   []plot.RefLine{{Y: math.Log(4)}, {Y: math.Log(2)}},
		}.Save},
	}
	return env.SavePictures(pictures...)
}

// maxY returns the largest y of the points.
func maxY(points []plot.Point) float64 {
	top := math.Inf(-1)
	for _, pt := range points {
		top = math.Max(top, pt.Y)
	}
	return top
}

// meanProbability returns the mean of D(x) = σ(ℓ(x)) over xs.
func meanProbability(d func(*autograd.Var) *autograd.Var, xs []float64) float64 {
	total := 0.0
	for _, l := range gan.Curve(d, xs) {
		total += sigmoid(l)
	}
	return total / float64(len(xs))
}

// shareBelow returns the fraction of the values below t.
func shareBelow(values []float64, t float64) float64 {
	n := 0
	for _, v := range values {
		if v < t {
			n++
		}
	}
	return float64(n) / float64(len(values))
}

// histogramLine draws a histogram estimate of the samples' density as a
// line through the bins' centres.
func histogramLine(samples, edges []float64) []plot.Point {
	density := gan.HistogramDensity(samples, edges)
	pts := make([]plot.Point, len(density))
	for k, d := range density {
		pts[k] = plot.Point{X: (edges[k] + edges[k+1]) / 2, Y: d}
	}
	return pts
}

// densityOf turns a 1-D mixture's density into a function of x.
func densityOf(mix *data.Mixture) func(float64) float64 {
	return func(x float64) float64 { return mix.Density([]float64{x}) }
}

// ---- Plumbing --------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// memory a run needs, checked before anything runs, and the live view.

// memory estimates what a run takes: the networks (about Z·H + 3·H²
// weights, each with its gradient and Adam's two moments); the activations
// (about 10 numbers per sample and hidden unit, kept for the backward
// pass, and the noise itself) of a training batch, of an evaluation, of the
// pictureN samples of the density picture and of the grid; the histories.
func memory(cfg config, steps int) []chapter.Need {
	h, z := float64(cfg.hidden), float64(cfg.noise)
	acts := func(n int) float64 { return float64(n) * (z + 10*h) * 8 }
	return []chapter.Need{
		{What: fmt.Sprintf("the networks' weights and optimizer state (-hidden %d, -noise %d)", cfg.hidden, cfg.noise), Bytes: (z*h + 3*h*h) * 4 * 8},
		{What: fmt.Sprintf("a step's activations (-batch %d × -hidden %d, -noise %d)", cfg.batch, cfg.hidden, cfg.noise), Bytes: 4 * acts(cfg.batch)},
		{What: fmt.Sprintf("an evaluation's activations (-eval-n %d × -hidden %d, -noise %d)", cfg.evalN, cfg.hidden, cfg.noise), Bytes: 3 * acts(cfg.evalN)},
		{What: fmt.Sprintf("the density picture's samples (%d × -hidden %d, -noise %d)", pictureN, cfg.hidden, cfg.noise), Bytes: 2 * acts(pictureN)},
		{What: fmt.Sprintf("the histories (-steps %d, -d-steps %d)", steps, cfg.dSteps), Bytes: float64(steps+cfg.dSteps) * 4 * 16},
	}
}

// serve is -serve ADDR: part 2's GAN, live in the browser (gan/live), with
// the chapter's learning rate, batch and width.
func serve(cfg config, addr string, env chapter.Env) error {
	return live.Serve(env.Context, addr, live.Config{Data: "mixture-1d", Loss: "non-saturating",
		LRG: cfg.lr, LRD: cfg.lr, Seed: env.Seed, Batch: cfg.batch, Hidden: cfg.hidden}, env.Stdout)
}
