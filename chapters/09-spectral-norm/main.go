// Chapter 09 mirrors the article's section "Técnicas 4: Normalización
// espectral" (spectral normalisation).
//
// A Wasserstein critic must be Lipschitz (chapter 05); clipping its weights
// (05) or penalising its gradient (08) are two ways. Spectral normalisation
// (Miyato et al. 2018, arXiv 1802.05957) constrains every layer instead.
// The spectral norm σ(W), W's largest singular value, is the most a linear
// layer can stretch a vector: ‖Wh‖ ≤ σ(W)·‖h‖. ReLU stretches nothing, so a
// network f = W_L ∘ ReLU ∘ … ∘ ReLU ∘ W₁ has
//
//	Lip(f) ≤ σ(W_L) · … · σ(W₁),
//
// and dividing every weight by its spectral norm, W_SN = W/σ(W), makes each
// layer, and so the network, 1-Lipschitz. σ(W) is never computed exactly:
// one step of power iteration per update, from a vector u that persists
// between updates and is not differentiated,
//
//	v ← Wᵀu/‖Wᵀu‖,   u ← Wv/‖Wv‖,   σ̂ = uᵀWv,
//
// is meant to be enough because W moves little from one update to the next
// (layers.SpectralNorm; a convolution's kernel is viewed as an
// out × in·kh·kw matrix). The gradient flows through
// σ̂ as a function of W with u and v held fixed. The cost is two
// matrix-vector products per layer per update, whatever the batch, where the
// gradient penalty pays a double backward pass over the batch. SN-GAN
// trains such a critic with the hinge loss (gan.Hinge), as SAGAN does,
//
//	D minimises E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))],   G minimises −E[D(G(z))].
//
// This program trains SN-GAN (that loss, every layer of the critic
// spectrally normalised) and WGAN-GP (chapter 08's game) on grid-25 with the
// same budget: steps, batch, width, five critic updates per generator
// update, Adam with lr 10⁻⁴ and β = (0.5, 0.9), learning-rate scaling and
// seed. It measures:
//
//  1. σ̂ against the exact σ from our eigensolver (tensor.SymEig), for every
//     layer over training: sigma_rel_error_end, the largest relative error
//     at the last update, and σ₂/σ₁ of that layer, which sets how fast
//     power iteration converges (-power-iterations runs more than one).
//  2. The Lipschitz constant: the largest slope ‖∇ₓD(x)‖ of the trained SN
//     critic over 7,500 points (sn_empirical_lipschitz), against the bound
//     Πσ(W_l)/σ̂_l ≈ 1 its layers give (sn_lipschitz_bound).
//  3. The cost of a critic update, in multiply-adds of matrix products
//     counted as they run (tensor.MultiplyAdds): sn_cost_over_gp, expected
//     below 1; the mean and the fastest wall time go in a second table.
//  4. Coverage of grid-25 (PacGAN's protocol, 2,500 samples) for both.
//
// Run it with
//
//	go run ./chapters/09-spectral-norm
//
// and look in out/09-spectral-norm/: grid25_sngan.svg and grid25_wgangp.svg
// (real samples dark green under black rings at the modes, generated
// samples orange, the critic's value behind them, green high, purple low),
// modes_over_time.svg, sigma_error.svg (σ̂ against σ over training),
// singular_values.svg (each layer's spectrum at the end), lipschitz.svg
// (the SN critic's slopes), and metrics.json, written last.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// nCritic is the number of critic updates per generator update, WGAN-GP's
// and SN-GAN's (the paper's n_dis = 5).
const nCritic = 5

// config holds the chapter's settings: the shared toy budget (batch, width,
// learning rates, WGAN-GP's λ, evaluation) and the power iterations per
// critic update.
type config struct {
	budget          gan.ToyBudget
	powerIterations int
}

var spec = chapter.Spec{
	Name:     "09-spectral-norm",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ToyDefaultSteps},
	Outputs: []string{"grid25_sngan.svg", "grid25_wgangp.svg", "modes_over_time.svg",
		"sigma_error.svg", "singular_values.svg", "lipschitz.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), powerIterations: 1}
		cfg.budget.RegisterFlags(fs)
		fs.Int(&cfg.powerIterations, "power-iterations", cfg.powerIterations, "power iterations per critic update (the paper: 1)", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return cfg.budget.Memory(f.Steps, 2) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The two games ------------------------------------------------------------
//
// Each game is called once with the run's fresh networks t.G and t.D to
// build its optimizers, and returns its step: nCritic critic updates, then
// one generator update with the critic frozen (gan.Frozen), so that G's
// loss, which runs through D, leaves no gradient in D's weights. t.Real()
// and t.Fake() draw a fresh real batch and a generated one, (B, 2) each;
// the generated one carries no graph back into G. Each critic update runs
// inside c.measure, which counts its multiply-adds and times it.

// sngan is SN-GAN (arXiv 1802.05957): the hinge loss and a critic whose
// layers are spectrally normalised (gan.SNGANNetworks). The critic sees
// real and generated samples in one batch, so that each update runs its
// layers' power iteration once (the paper's Algorithm 1); G's update runs
// the critic in evaluation mode, dividing by σ̂ = uᵀWv from the stored u and
// v without iterating. At the steps track asks for, the exact σ of every
// layer is taken before the last critic update and compared with the σ̂
// that update's forward pass divided by.
func sngan(c *cost, track *sigmaTrack, powerIterations int) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optC := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.5, 0.9)
		loss := gan.Hinge{}
		track.layers = gan.SpectralNorms(t.D)
		for _, sn := range track.layers {
			sn.PowerIterations = powerIterations
		}
		return func(i int) []gan.Quantity {
			optC.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			var lossC *autograd.Var
			for k := range nCritic {
				var exact []float64
				if k == nCritic-1 && track.due(i) {
					exact = track.exactSigmas() // σ(W) of each layer, before this update changes W
				}
				c.measure(func() {
					real, fake := t.Real(), t.Fake()
					scores := t.D.Forward(autograd.Const(tensor.Concat(0, real, fake))) // (2B, 1); one power iteration per layer
					parts := autograd.Split(scores, 0, t.Batch, t.Batch)                // D(x), D(x̃): (B, 1) each
					lossC = loss.D(parts[0], parts[1])                                  // E max(0, 1 − D(x)) + E max(0, 1 + D(x̃))
					optC.ZeroGrad()
					lossC.Backward()
					optC.Step()
				})
				if exact != nil {
					track.add(i, exact) // against the σ̂ that update's forward divided by
				}
			}
			var lossG *autograd.Var
			layers.SetTraining(t.D, false) // G's update divides by the stored σ̂: no power iteration
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise()))) // −E D(G(z))
				lossG.Backward()
				optG.Step()
			})
			layers.SetTraining(t.D, true)
			return []gan.Quantity{{Name: "D loss", Value: lossC.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// wgangp is chapter 08's WGAN-GP (arXiv 1704.00028): the Wasserstein loss
// plus λ·E[(‖∇f(x̂)‖ − 1)²] at interpolates between real and generated
// samples, whose gradient gan.GradientPenalty builds with createGraph, so
// that lossC.Backward() is a double backward pass. It is gan.WGANGP with
// the critic's updates measured; TestWGANGPIsTheLibraryGame keeps the two
// equal.
func wgangp(lambda float64, c *cost) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optC := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.5, 0.9)
		loss := gan.Wasserstein{}
		return func(i int) []gan.Quantity {
			optC.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			var lossC *autograd.Var
			for range nCritic {
				c.measure(func() {
					real, fake := t.Real(), t.Fake()
					lossC = loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // E f(x̃) − E f(x)
					gp, norms := gan.GradientPenalty(t.D.Forward, real, fake, t.R)                       // E (‖∇f(x̂)‖ − 1)²
					lossC = autograd.Add(lossC, autograd.Scale(gp, lambda))
					optC.ZeroGrad()
					lossC.Backward()
					optC.Step()
					t.RecordNorms(norms)
				})
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

// cost adds up what a game's critic updates cost: the multiply-adds of
// their matrix products, counted as they run, and their wall times.
type cost struct {
	updates int
	madds   int64
	walls   []time.Duration
}

func (c *cost) measure(update func()) {
	madds, start := tensor.MultiplyAdds(), time.Now()
	update()
	c.walls = append(c.walls, time.Since(start))
	c.madds += tensor.MultiplyAdds() - madds
	c.updates++
}

// maddsPerUpdate is the mean number of multiply-adds of one critic update.
func (c *cost) maddsPerUpdate() float64 { return float64(c.madds) / float64(c.updates) }

// milliseconds returns the mean and the shortest wall time of an update.
// On a machine shared with other work the mean swings with the load; the
// shortest update is the one least disturbed by it.
func (c *cost) milliseconds() (mean, fastest float64) {
	var total time.Duration
	for _, w := range c.walls {
		total += w
	}
	return total.Seconds() * 1000 / float64(len(c.walls)), slices.Min(c.walls).Seconds() * 1000
}

// sigmaTrack follows the power iteration: at the generator steps it is due,
// each SN layer's estimate σ̂ against the exact σ of the same W.
type sigmaTrack struct {
	layers []*layers.SpectralNorm
	steps  []int
	errors [][]float64 // [layer][observation]: (σ − σ̂)/σ
}

// due says whether step i is observed: each of the first 10, then every
// 10th.
func (s *sigmaTrack) due(i int) bool { return i <= 10 || i%10 == 0 }

// exactSigmas returns the exact σ of each layer's weight now.
func (s *sigmaTrack) exactSigmas() []float64 {
	out := make([]float64, len(s.layers))
	for l, sn := range s.layers {
		out[l] = sn.ExactSigma()
	}
	return out
}

// add records, at step i, each layer's relative error of the σ̂ of its last
// forward pass against exact.
func (s *sigmaTrack) add(i int, exact []float64) {
	if s.errors == nil {
		s.errors = make([][]float64, len(s.layers))
	}
	s.steps = append(s.steps, i)
	for l, sn := range s.layers {
		s.errors[l] = append(s.errors[l], (exact[l]-sn.Sigma())/exact[l])
	}
}

// worstLast returns the largest relative error at the last observation and
// the layer it belongs to.
func (s *sigmaTrack) worstLast() (float64, int) {
	worst, at := math.Inf(-1), -1
	for l, e := range s.errors {
		if v := math.Abs(e[len(e)-1]); v > worst {
			worst, at = v, l
		}
	}
	return worst, at
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	grid := data.Grid25()

	// ---- 2. Training on grid-25, same budget ------------------------------------
	// The two critics start from the same weights (gan.SNGANNetworks draws
	// the power iterations' u and v after them).
	var snCost, gpCost cost
	track := &sigmaTrack{}
	toyRun := func(name string, game gan.Game, nets gan.Networks) gan.ToyRun {
		return gan.ToyRun{Name: name + " grid-25", Game: game, Networks: nets, Data: grid, Budget: b,
			Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context}
	}
	sn, err := toyRun("SN-GAN", sngan(&snCost, track, cfg.powerIterations), gan.SNGANNetworks(b.Width)).Run()
	if err != nil {
		return err
	}
	layers.SetTraining(sn.D, false) // from now on, measuring it must not move u
	gp, err := toyRun("WGAN-GP", wgangp(b.Lambda, &gpCost), b.WGANGP()).Run()
	if err != nil {
		return err
	}

	// ---- 3. The Lipschitz constants --------------------------------------------------
	// The largest slope ‖∇ₓD(x)‖ over 2,500 real samples, the 2,500
	// generated ones of the last evaluation and 2,500 points spread over
	// [−6, 6]², against the bound of each critic's layers: Πσ(W_l)/σ̂_l for
	// the normalised critic (the layers as evaluation runs them), Πσ(W_l)
	// for WGAN-GP's.
	probeRNG := rand.New(rand.NewPCG(env.Seed, 8))
	probeReal := grid.Sample(probeRNG, b.EvalSamples)
	uniform := tensor.RandU(probeRNG, -6, 6, b.EvalSamples, 2)
	snSlopes := gan.GradientNorms(sn.D.Forward, tensor.Concat(0, probeReal, sn.Samples, uniform))
	gpSlopes := gan.GradientNorms(gp.D.Forward, tensor.Concat(0, probeReal, gp.Samples, uniform))
	snBound, gpBound := 1.0, 1.0
	for _, l := range gan.SpectralNorms(sn.D) {
		snBound *= l.ExactSigma() / l.Sigma() // σ(W/σ̂); Sigma is σ̂ of the last forward, in evaluation mode
	}
	for _, w := range linearWeights(gp.D) {
		gpBound *= layers.LargestSingularValue(w)
	}

	// ---- 4. Results ---------------------------------------------------------------------
	var m, wall chapter.Metrics
	worst, worstLayer := track.worstLast()
	m.Set("sigma_rel_error_end", worst)
	m.Set("sigma_ratio_end", secondOverFirst(layers.Vars(track.layers[worstLayer])[0].Value))
	m.Set("sn_empirical_lipschitz", slices.Max(snSlopes.Data()))
	m.Set("sn_lipschitz_bound", snBound)
	m.Set("gp_empirical_lipschitz", slices.Max(gpSlopes.Data()))
	m.Set("gp_lipschitz_bound", gpBound)
	m.Set("sn_madds_per_critic_step", snCost.maddsPerUpdate())
	m.Set("gp_madds_per_critic_step", gpCost.maddsPerUpdate())
	m.Set("sn_cost_over_gp", snCost.maddsPerUpdate()/gpCost.maddsPerUpdate())
	for _, r := range []struct {
		key string
		res *gan.ToyResult
	}{{"sngan", sn}, {"wgangp", gp}} {
		c := r.res.FinalCoverage()
		m.Set(r.key+"_grid25_modes", float64(c.Modes))
		m.Set(r.key+"_grid25_hq", c.HighQuality)
		m.Set(r.key+"_grid25_reverse_kl", c.ReverseKL)
	}
	floor := gan.UniformCoverage(grid, b.EvalSamples, env.Seed)
	m.Set("uniform_grid25_modes", float64(floor.Modes))
	m.Set("uniform_grid25_hq", floor.HighQuality)
	m.Set("steps", float64(env.Steps))
	snMean, snFastest := snCost.milliseconds()
	gpMean, gpFastest := gpCost.milliseconds()
	wall.Set("sn_ms_per_critic_step", snMean)
	wall.Set("gp_ms_per_critic_step", gpMean)
	wall.Set("sn_wall_over_gp", snMean/gpMean)
	wall.Set("sn_fastest_critic_step_ms", snFastest)
	wall.Set("gp_fastest_critic_step_ms", gpFastest)
	wall.Set("sn_fastest_over_gp", snFastest/gpFastest)
	chapter.PrintTable(env.Stdout, "09-spectral-norm: SN-GAN against WGAN-GP on grid-25", &m)
	fmt.Fprintln(env.Stdout)
	chapter.PrintTable(env.Stdout, "wall time of a critic update, mean and fastest (this machine, now; not in metrics.json)", &wall)

	// ---- 5. Pictures ----------------------------------------------------------------------
	real := grid.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
	pictures := []chapter.Picture{
		{Name: "grid25_sngan.svg", Save: gan.ToyScatter(fmt.Sprintf("SN-GAN on grid-25 after %d steps", env.Steps),
			sn.D, sn.Samples, grid, real, false).Save},
		{Name: "grid25_wgangp.svg", Save: gan.ToyScatter(fmt.Sprintf("WGAN-GP on grid-25 after %d steps", env.Steps),
			gp.D, gp.Samples, grid, real, false).Save},
		{Name: "modes_over_time.svg", Save: plot.LineChart{
			Title: "Modes of grid-25 captured", XLabel: "generator step", YLabel: "modes", YRange: [2]float64{0, 28},
			Series: []plot.Line{sn.History.Get("modes").Line().Named("SN-GAN"), gp.History.Get("modes").Line().Named("WGAN-GP")},
			Refs:   []plot.RefLine{{Y: 25, Label: "all 25"}, {Y: float64(floor.Modes), Label: "uniform noise over the square"}},
		}.Save},
		{Name: "sigma_error.svg", Save: sigmaChart(track).Save},
		{Name: "singular_values.svg", Save: spectrumChart(sn.D, gp.D).Save},
		{Name: "lipschitz.svg", Save: plot.Histogram{
			Title:  fmt.Sprintf("SN critic: slope ‖∇D(x)‖ at %d points (bound of its layers %.3f)", snSlopes.Len(), snBound),
			XLabel: "‖∇D(x)‖", YLabel: "count", Values: snSlopes.Data(), Bins: 40, Min: 0, Max: 1.05,
			Markers: []plot.Marker{{X: 1, Label: "1"}},
		}.Save},
	}
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// linearWeights returns the weights of the Linear layers of a critic, in
// order.
func linearWeights(s *layers.Sequential) []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, m := range s.Layers {
		if l, ok := m.(*layers.Linear); ok {
			out = append(out, l.Weight.Value)
		}
	}
	return out
}

// singularValues returns the singular values of a matrix w (h, w),
// largest first: the square roots of the eigenvalues of the smaller of
// wᵀw and w·wᵀ (tensor.SymEig).
func singularValues(w *tensor.Tensor) []float64 {
	var gram *tensor.Tensor
	if w.Dim(0) < w.Dim(1) {
		gram = tensor.MatMulT(w, false, w, true)
	} else {
		gram = tensor.MatMulT(w, true, w, false)
	}
	values, _ := tensor.SymEig(gram) // ascending
	out := make([]float64, values.Len())
	for i, v := range values.Data() {
		out[len(out)-1-i] = math.Sqrt(max(v, 0))
	}
	return out
}

// secondOverFirst is σ₂/σ₁ of w (0 for a single row or column): the ratio
// by which one power iteration shrinks the error of u, squared.
func secondOverFirst(w *tensor.Tensor) float64 {
	s := singularValues(w)
	if len(s) < 2 {
		return 0
	}
	return s[1] / s[0]
}

// sigmaChart draws each SN layer's relative error |σ − σ̂|/σ over training,
// leaving out layers with a single row or column: for them one iteration
// gives σ exactly (up to rounding, 10⁻¹⁶).
func sigmaChart(track *sigmaTrack) plot.LineChart {
	var lines []plot.Line
	for l, errs := range track.errors {
		w := layers.Vars(track.layers[l])[0].Value
		if w.Dim(0) == 1 || w.Dim(1) == 1 {
			continue
		}
		var pts []plot.Point
		for j, e := range errs {
			pts = append(pts, plot.Point{X: float64(track.steps[j]), Y: math.Abs(e)})
		}
		lines = append(lines, plot.Line{Name: fmt.Sprintf("layer %d (%d×%d)", l+1, w.Dim(0), w.Dim(1)), Points: pts})
	}
	return plot.LineChart{
		Title: "Power iteration: relative error of σ̂ against the exact σ", XLabel: "generator step",
		YLabel: "|σ − σ̂| / σ", LogY: true, Series: lines, Refs: []plot.RefLine{{Y: 1e-3, Label: "10⁻³"}},
	}
}

// spectrumChart draws the singular values σᵢ/σ₁ of the hidden W×W layers
// of both critics at the end of training.
func spectrumChart(snD, gpD *layers.Sequential) plot.LineChart {
	var lines []plot.Line
	most := 0
	add := func(name string, w *tensor.Tensor) {
		s := singularValues(w)
		pts := make([]plot.Point, len(s))
		for i, v := range s {
			pts[i] = plot.Point{X: float64(i + 1), Y: v / s[0]}
		}
		lines = append(lines, plot.Line{Name: name, Points: pts, Markers: true})
		most = max(most, len(s))
	}
	for l, sn := range gan.SpectralNorms(snD) {
		if w := layers.Vars(sn)[0].Value; w.Dim(0) > 2 && w.Dim(1) > 2 {
			add(fmt.Sprintf("SN-GAN layer %d", l+1), w)
		}
	}
	for l, w := range linearWeights(gpD) {
		if w.Dim(0) > 2 && w.Dim(1) > 2 {
			add(fmt.Sprintf("WGAN-GP layer %d", l+1), w)
		}
	}
	return plot.LineChart{
		Title: "Singular values of the hidden layers at the end, σᵢ/σ₁", XLabel: "i", YLabel: "σᵢ / σ₁",
		XRange: [2]float64{0, float64(most + 1)}, YRange: [2]float64{0, 1.05}, Series: lines,
	}
}
