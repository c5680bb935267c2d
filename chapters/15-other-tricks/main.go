// Chapter 15 mirrors the article's section "Técnicas 9: Otras técnicas":
// feature matching, minibatch discrimination, historical averaging,
// one-sided label smoothing and virtual batch normalisation, the list of
// "Improved Techniques for Training GANs" (Salimans et al., arXiv
// 1606.03498).
//
// Each trick changes one thing in the non-saturating GAN of chapter 01,
//
//	D minimises  E[softplus(−D(x))] + E[softplus(D(G(z)))]
//	G minimises  E[softplus(−D(G(z)))]                      (D's raw logits):
//
//	feature matching     G minimises ‖E f(x) − E f(G(z))‖² instead, f = D's
//	                     last hidden layer: match the statistics D looks at
//	                     rather than fool D's present verdict
//	minibatch discr.     D's last hidden layer gets, for every sample, B
//	                     features o_b = Σ_{j≠i} exp(−‖M_{i,b} − M_{j,b}‖₁),
//	                     M = f·T, large when the batch is made of near-copies
//	historical averaging both players add λ·‖θ − θ̄‖², θ̄ the average of
//	                     their past parameters, a pull back that damps cycles
//	one-sided smoothing  D's target on real data is 0.9 instead of 1 (the
//	                     fakes' target stays 0): D* = 0.9·p/(p + q), never
//	                     sure, so its gradients never vanish
//	virtual batch norm   G's batch norm uses the statistics of a reference
//	                     batch fixed at the start, plus the sample itself,
//	                     instead of the statistics of the sample's batch
//
// The program trains the six games (the baseline and each trick alone)
// with the same networks, budget and seed on ring-8 and grid-25, and
// scores them by PacGAN's coverage protocol (modes captured, high-quality
// fraction, reverse KL of the mode histogram, on 2,500 samples). Then it
// shows each trick's mechanism by its own number:
//
//	mbd_feature_gap       the minibatch features o of a batch of samples
//	                      all from one mode, minus those of a batch from all
//	                      modes (positive: D can tell a collapsed batch)
//	ls_d_real_mean        the mean probability of "real" on real data of a
//	                      discriminator trained alone against a collapsed
//	                      generator: near 0.9 with smoothing, near 1
//	                      without (baseline_d_real_mean)
//	ha_param_oscillation  how far the parameters swing around their mean
//	                      over the second half of training, against the
//	                      baseline's
//	vbn_batch_dependence  how much a generated sample changes when the
//	                      rest of its batch changes: 0, against batch
//	                      norm's
//	fm_feature_gap_end    the matched statistic's gap at the end of
//	                      training, against its start
//
// Run it with
//
//	go run ./chapters/15-other-tricks
//
// and look in out/15-other-tricks/: <trick>_<data>.svg (real samples dark
// green under black rings at the modes, generated samples orange),
// coverage.svg, fm_feature_gap.svg, param_oscillation.svg, and
// metrics.json, written last.
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
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the toy budget and the tricks'
// constants.
type config struct {
	budget    gan.ToyBudget
	haLambda  float64 // historical averaging's λ
	smoothing float64 // one-sided label smoothing's target on real data (the paper's 0.9)
	kernels   int     // minibatch discrimination's B
	dims      int     // and the dimension of each kernel
}

var spec = chapter.Spec{
	Name:     "15-other-tricks",
	Defaults: chapter.Flags{Seed: 1, Steps: 300},
	Outputs: []string{"*_ring8.svg", "*_grid25.svg", "coverage.svg", "fm_feature_gap.svg",
		"param_oscillation.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), haLambda: 0.1, smoothing: 0.9, kernels: 4, dims: 3}
		b := &cfg.budget
		fs.Int(&b.Batch, "batch", b.Batch, "batch size (real and generated)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply the published learning rate 10⁻⁴ by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
		fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
		fs.Float(&cfg.haLambda, "ha-lambda", cfg.haLambda, "historical averaging's weight λ", chapter.NonNegative)
		fs.Int(&cfg.kernels, "mbd-kernels", cfg.kernels, "minibatch discrimination's kernels B", 1)
		fs.Int(&cfg.dims, "mbd-dims", cfg.dims, "the dimensions of each minibatch discrimination kernel", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The game, and the one place each trick changes it ---------------------------
//
// game is chapter 01's non-saturating GAN (one D update on a real and a
// generated batch, then one G update with D frozen; Adam, lr 10⁻⁴ scaled
// by the budget, β₁ = 0.8) with at most one trick switched on. t.Real()
// and t.Fake() are (B, 2) batches; the fake one carries no graph into G.
func game(trick string, cfg config) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		paramsD, paramsG := layers.Vars(t.D), layers.Vars(t.G)
		optD := optim.NewAdam(paramsD, t.LR(1e-4, 1), 0.8, 0.999)
		optG := optim.NewAdam(paramsG, t.LR(1e-4, 1), 0.8, 0.999)
		loss := gan.NonSaturating{}
		smoothed := gan.OneSidedLabelSmoothing{Real: cfg.smoothing}
		var histD, histG gan.HistoricalAverage
		var refZ *autograd.Var // VBN's reference batch of noise, (B, 2), drawn once
		if trick == "vbn" {
			refZ = autograd.Const(tensor.RandN(t.R, t.Batch, 2))
		}

		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			if trick == "vbn" { // the reference statistics, at the current weights
				autograd.NoGrad(func() { layers.ReferenceForward(t.G, refZ) })
			}

			// D's update. dReal and dFake are (B, 1) each; with minibatch
			// discrimination, each batch's o is computed within that batch.
			real, fake := t.Real(), t.Fake()
			dReal, dFake := t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))
			lossD := loss.D(dReal, dFake) // E softplus(−ℓ(x)) + E softplus(ℓ(x̃))
			switch trick {
			case "smoothing":
				lossD = smoothed.D(dReal, dFake) // E[0.9·softplus(−ℓ(x)) + 0.1·softplus(ℓ(x))] + E softplus(ℓ(x̃))
			case "ha":
				lossD = autograd.Add(lossD, autograd.Scale(histD.Penalty(paramsD), cfg.haLambda)) // + λ‖θ_D − θ̄_D‖²
			}
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()
			if trick == "ha" {
				histD.Record(paramsD)
			}

			// G's update.
			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				if trick == "vbn" { // reference statistics in G's graph: the gradient flows through them
					layers.ReferenceForward(t.G, refZ)
				}
				gz := t.G.Forward(t.Noise()) // (B, 2)
				switch trick {
				case "fm":
					f := gan.Features(t.D)
					var fReal *autograd.Var
					autograd.NoGrad(func() { fReal = f.Forward(autograd.Const(real)) }) // D's real batch: a fixed target, (B, W)
					lossG = gan.FeatureMatching(fReal, f.Forward(gz))                   // ‖E f(x) − E f(G(z))‖²
				case "ha":
					lossG = autograd.Add(loss.G(nil, t.D.Forward(gz)), autograd.Scale(histG.Penalty(paramsG), cfg.haLambda))
				default:
					lossG = loss.G(nil, t.D.Forward(gz)) // E softplus(−ℓ(G(z)))
				}
				lossG.Backward()
				optG.Step()
			})
			if trick == "ha" {
				histG.Record(paramsG)
			}
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// The shape of PacGAN's toy networks, as gan.PacGANNetworks builds them
// (G: 4 hidden layers; D: 3 maxout layers of 5 pieces). The tricks'
// networks and discriminatorAlone's D are built to it, so that they differ
// from the baseline's by their trick alone; it must match
// gan.PacGANNetworks, and TestPacGANShapeIsTheLibrarys keeps the two equal.
const (
	pacGDepth  = 4 // G's hidden layers
	pacDPieces = 5 // pieces of each maxout unit of D
	pacDDepth  = 3 // D's maxout layers
)

// trick is one column of the comparison: its key, its label and its
// networks (the baseline's, except for minibatch discrimination in D and
// virtual batch norm in G).
type trick struct {
	key, label string
	networks   func(cfg config) gan.Networks
}

var tricks = []trick{
	{"baseline", "baseline GAN", plainNetworks},
	{"fm", "feature matching", plainNetworks},
	{"mbd", "minibatch discrimination", func(cfg config) gan.Networks {
		return func(r *rand.Rand) (G, D *layers.Sequential) {
			w := cfg.budget.Width
			return gan.PacGANGenerator(r, w, pacGDepth), gan.PacGANDiscriminatorMBD(r, w, pacDPieces, pacDDepth, cfg.kernels, cfg.dims)
		}
	}},
	{"ha", "historical averaging", plainNetworks},
	{"smoothing", "one-sided label smoothing", plainNetworks},
	{"vbn", "virtual batch norm", func(cfg config) gan.Networks {
		return func(r *rand.Rand) (G, D *layers.Sequential) {
			w := cfg.budget.Width
			return gan.PacGANGeneratorVBN(r, w, pacGDepth), gan.PacGANDiscriminator(r, w, pacDPieces, pacDDepth)
		}
	}},
}

func plainNetworks(cfg config) gan.Networks { return cfg.budget.PacGAN() }

// ---- 2. Training ----------------------------------------------------------------------

// dataset is one mixture with its short name for files and metrics.
type dataset struct {
	key     string // "ring8", "grid25"
	mixture *data.Mixture
}

// outcome is one finished run with the parameters of both players at
// every evaluation (for the oscillation).
type outcome struct {
	trick
	set       dataset
	res       *gan.ToyResult
	snapshots [][]float64 // G's and D's parameters, flattened, at each evaluation
}

func run(env chapter.Env, cfg config) error {
	sets := []dataset{{"ring8", data.Ring8()}, {"grid25", data.Grid25()}}
	var outs []*outcome
	for _, set := range sets {
		for _, tr := range tricks {
			o := &outcome{trick: tr, set: set}
			res, err := gan.ToyRun{
				Name: tr.label + " " + set.mixture.Name, Game: game(tr.key, cfg), Networks: tr.networks(cfg),
				Data: set.mixture, Budget: cfg.budget, Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context,
				AfterEval: func(_ int, t *gan.Toy, _ *tensor.Tensor) error {
					o.snapshots = append(o.snapshots, append(flat(t.G), flat(t.D)...))
					return nil
				},
			}.Run()
			if err != nil {
				return err
			}
			o.res = res
			outs = append(outs, o)
		}
	}

	// ---- 3. The table: coverage of every game on both data sets --------------------
	var m chapter.Metrics
	for _, o := range outs {
		c := o.res.FinalCoverage()
		name := o.key + "_" + o.set.key
		m.Set(name+"_modes", float64(c.Modes))
		m.Set(name+"_hq", c.HighQuality)
		m.Set(name+"_reverse_kl", c.ReverseKL)
	}

	// ---- 4. Each trick's mechanism, on grid-25 ----------------------------------------
	grid := map[string]*outcome{}
	for _, o := range outs {
		if o.set.key == "grid25" {
			grid[o.key] = o
		}
	}
	probe := rand.New(rand.NewPCG(env.Seed, 103)) // batches for the measurements, a stream of their own
	mixture := sets[1].mixture

	// Minibatch discrimination: o for B samples of one mode against B of all.
	collapsed, diverse := oneMode(probe, mixture, 0, cfg.budget.Batch), mixture.Sample(probe, cfg.budget.Batch)
	oc, od := minibatchFeature(grid["mbd"].res.D, collapsed), minibatchFeature(grid["mbd"].res.D, diverse)
	m.Set("mbd_feature_collapsed", oc)
	m.Set("mbd_feature_diverse", od)
	m.Set("mbd_feature_gap", oc-od)

	// One-sided label smoothing: D trained alone, against a generator that
	// misses every mode, settles where its optimum is, 0.9·p/(p + q) ≈ 0.9
	// on real data, against 1 for the usual target; in the GAN runs,
	// where the generator overlaps the data, both are lower.
	real := mixture.Sample(probe, 10*cfg.budget.Batch)
	m.Set("ls_d_real_mean", discriminatorAlone(cfg, env.Seed, mixture, gan.OneSidedLabelSmoothing{Real: cfg.smoothing}))
	m.Set("baseline_d_real_mean", discriminatorAlone(cfg, env.Seed, mixture, gan.NonSaturating{}))
	m.Set("ls_run_d_real_mean", meanProbability(grid["smoothing"].res.D, real))
	m.Set("baseline_run_d_real_mean", meanProbability(grid["baseline"].res.D, real))

	// Historical averaging: the swing of the parameters around their mean
	// over the second half of the run.
	m.Set("ha_param_oscillation", oscillation(grid["ha"].snapshots))
	m.Set("baseline_param_oscillation", oscillation(grid["baseline"].snapshots))

	// Virtual batch norm: the same noise in two different batches.
	m.Set("vbn_batch_dependence", batchDependence(grid["vbn"].res.G, probe, cfg.budget.Batch))
	m.Set("bn_batch_dependence", batchDependence(grid["baseline"].res.G, probe, cfg.budget.Batch))

	// Feature matching: G's loss is the gap; its mean over the first and
	// the last evaluation window.
	gap := grid["fm"].res.History.Get("G loss").Values
	window := min(cfg.budget.EvalEvery, len(gap))
	m.Set("fm_feature_gap_start", meanOf(gap[:window]))
	m.Set("fm_feature_gap_end", meanOf(gap[len(gap)-window:]))

	m.Set("steps", float64(env.Steps))
	m.Set("batch", float64(cfg.budget.Batch))
	m.Set("width", float64(cfg.budget.Width))
	chapter.PrintTable(env.Stdout, "15-other-tricks: each trick alone against the baseline GAN", &m)

	// ---- 5. Pictures ---------------------------------------------------------------------
	if err := env.SavePictures(pictures(env, cfg, outs)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- The measurements ------------------------------------------------------------------

// flat returns a network's parameters, one after the other.
func flat(m layers.Module) []float64 {
	var out []float64
	for _, p := range layers.Vars(m) {
		out = append(out, p.Value.Data()...)
	}
	return out
}

// oneMode draws n samples from mode k of the mixture alone: a collapsed
// generator's batch, made of real samples.
func oneMode(r *rand.Rand, m *data.Mixture, k, n int) *tensor.Tensor {
	single := &data.Mixture{Name: "one mode", Centers: [][]float64{m.Centers[k]}, Std: m.Std}
	return single.Sample(r, n)
}

// minibatchFeature is the mean over the batch x (B, 2) and the kernels of
// the minibatch features o(x) that D's MinibatchDiscrimination layer
// appends: the mean closeness of a sample to the rest of its batch.
func minibatchFeature(D *layers.Sequential, x *tensor.Tensor) float64 {
	f := gan.Features(D) // … → MinibatchDiscrimination: [f, o], (B, W + kernels)
	mbd := D.Layers[len(D.Layers)-2].(*layers.MinibatchDiscrimination)
	kernels := mbd.Weight.Value.Dim(1)
	var out *tensor.Tensor
	autograd.NoGrad(func() { out = f.Forward(autograd.Const(x)).Value })
	w := out.Dim(1)
	o := tensor.Slice(out, 1, w-kernels, w) // (B, kernels)
	return tensor.Mean(tensor.Reshape(o, -1), 0).Item()
}

// meanProbability is D's mean probability that the samples x are real,
// mean σ(ℓ(x)).
func meanProbability(D *layers.Sequential, x *tensor.Tensor) float64 {
	var p *tensor.Tensor
	autograd.NoGrad(func() { p = autograd.Sigmoid(D.Forward(autograd.Const(x))).Value })
	return tensor.Mean(tensor.Reshape(p, -1), 0).Item()
}

// aloneSteps is the length of discriminatorAlone's training.
const aloneSteps = 300

// discriminatorAlone trains a fresh discriminator of the baseline's shape
// with loss for aloneSteps steps (Adam as in the game, at the run's
// starting learning rate) to tell real batches from those of a generator
// collapsed between modes: every sample near one point, (1, 1) with the
// modes' σ, where the data has no mass. It returns D's mean probability
// of "real", σ(ℓ(x)), on a fresh real batch. On real data the generator's
// density q is 0, so the optimum is D*(x) = target·p/(p + q) = the target:
// 1 for the usual loss, 0.9 with one-sided smoothing.
func discriminatorAlone(cfg config, seed uint64, m *data.Mixture, loss gan.Loss) float64 {
	r := rand.New(rand.NewPCG(seed, 104))
	D := gan.PacGANDiscriminator(r, cfg.budget.Width, pacDPieces, pacDDepth)
	opt := optim.NewAdam(layers.Vars(D), 1e-4*cfg.budget.LRScale, 0.8, 0.999)
	collapsed := &data.Mixture{Name: "collapsed", Centers: [][]float64{{1, 1}}, Std: m.Std}
	for range aloneSteps {
		real, fake := m.Sample(r, cfg.budget.Batch), collapsed.Sample(r, cfg.budget.Batch)
		lossD := loss.D(D.Forward(autograd.Const(real)), D.Forward(autograd.Const(fake)))
		opt.ZeroGrad()
		lossD.Backward()
		opt.Step()
	}
	return meanProbability(D, m.Sample(r, 10*cfg.budget.Batch))
}

// oscillation is the root mean square, over every parameter of both
// players, of its standard deviation across the evaluations of the second
// half of the run: how far the parameters still swing around where they
// are on average. 0 for a run whose parameters stand still.
func oscillation(snapshots [][]float64) float64 {
	late := snapshots[len(snapshots)/2:]
	n := float64(len(late))
	if n < 2 {
		return math.NaN()
	}
	sumVar := 0.0
	for j := range late[0] {
		mean := 0.0
		for _, s := range late {
			mean += s[j]
		}
		mean /= n
		v := 0.0
		for _, s := range late {
			v += (s[j] - mean) * (s[j] - mean)
		}
		sumVar += v / (n - 1)
	}
	return math.Sqrt(sumVar / float64(len(late[0])))
}

// batchDependence is how much G's output for the same noise changes with
// the rest of its batch: G(z) is computed in batches of n that share their
// first sample z and differ in the other n − 1, and the result is the
// largest distance, in the data's units, between z's output in the first
// batch and in another. 0 when each sample is computed on its own.
func batchDependence(G *layers.Sequential, r *rand.Rand, n int) float64 {
	const batches = 8
	z := tensor.RandN(r, 1, 2)
	var first []float64
	worst := 0.0
	for b := range batches {
		x := tensor.Concat(0, z, tensor.RandN(r, n-1, 2))
		var out []float64
		autograd.NoGrad(func() { out = G.Forward(autograd.Const(x)).Value.Data()[:2] })
		if b == 0 {
			first = out
			continue
		}
		worst = math.Max(worst, math.Hypot(out[0]-first[0], out[1]-first[1]))
	}
	return worst
}

func meanOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// ---- Pictures ----------------------------------------------------------------------------

// pictures lists the chapter's pictures: every run's samples, and on
// grid-25 the modes captured, feature matching's gap and the parameters'
// movement over training.
func pictures(env chapter.Env, cfg config, outs []*outcome) []chapter.Picture {
	var out []chapter.Picture
	for _, o := range outs {
		real := o.set.mixture.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
		title := fmt.Sprintf("%s on %s after %d steps", o.label, o.set.mixture.Name, env.Steps)
		out = append(out, chapter.Picture{Name: o.key + "_" + o.set.key + ".svg",
			Save: gan.SampleScatter(title, o.res.Samples, o.set.mixture, real).Save})
	}
	// Modes captured over training on grid-25, one line per game.
	var modes []plot.Line
	var fm, moves []plot.Line
	for _, o := range outs {
		if o.set.key != "grid25" {
			continue
		}
		l := o.res.History.Get("modes").Line()
		l.Name = o.label
		modes = append(modes, l)
		if o.key == "fm" {
			g := o.res.History.Get("G loss").WindowMeans(cfg.budget.EvalEvery)
			fm = append(fm, g.Named("‖E f(x) − E f(G(z))‖², mean per evaluation window"))
		}
		if o.key == "ha" || o.key == "baseline" {
			moves = append(moves, movement(o.snapshots, o.res.Track.Steps, o.label))
		}
	}
	return append(out,
		chapter.Picture{Name: "coverage.svg", Save: plot.LineChart{
			Title: "Modes of grid-25 captured, each trick alone", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 26}, Series: modes, Refs: []plot.RefLine{{Y: 25, Label: "all 25"}},
		}.Save},
		chapter.Picture{Name: "fm_feature_gap.svg", Save: plot.LineChart{
			Title: "Feature matching on grid-25: the gap G minimises", XLabel: "generator step",
			YLabel: "squared distance of the feature means", LogY: true, Series: fm,
		}.Save},
		// The movement between evaluations, over the whole run: not
		// ha_param_oscillation, the spread around the second half's mean,
		// whose one number per run the table holds.
		chapter.Picture{Name: "param_oscillation.svg", Save: plot.LineChart{
			Title: "How far the parameters move between evaluations (grid-25)", XLabel: "generator step",
			YLabel: "RMS change per parameter", LogY: true, Series: moves,
		}.Save})
}

// movement is the RMS change of the parameters from one evaluation to the
// next, at each evaluation after the first.
func movement(snapshots [][]float64, steps []int, name string) plot.Line {
	l := plot.Line{Name: name}
	for e := 1; e < len(snapshots); e++ {
		ss := 0.0
		for j := range snapshots[e] {
			d := snapshots[e][j] - snapshots[e-1][j]
			ss += d * d
		}
		l.Points = append(l.Points, plot.Point{X: float64(steps[e]), Y: math.Sqrt(ss / float64(len(snapshots[e])))})
	}
	return l
}

// ---- Plumbing ---------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// memory a run needs, checked before anything runs.

// memory estimates what a run takes: the toy budget's estimate for the
// twelve runs (every trick on both data sets), minibatch discrimination's
// B × B distances per kernel dimension, and the parameter snapshots of
// every evaluation.
func memory(cfg config, steps int) []chapter.Need {
	batch := float64(cfg.budget.Batch)
	return append(cfg.budget.Memory(steps, 2*len(tricks)),
		chapter.Need{What: fmt.Sprintf("minibatch discrimination's distances (-batch %d × -batch %d × -mbd-kernels %d × -mbd-dims %d)",
			cfg.budget.Batch, cfg.budget.Batch, cfg.kernels, cfg.dims),
			Bytes: 8 * 8 * batch * batch * float64(cfg.kernels) * float64(cfg.dims)},
		chapter.Need{What: fmt.Sprintf("the parameter snapshots (-width %d, -steps %d)", cfg.budget.Width, steps),
			Bytes: 2 * 14 * float64(cfg.budget.Width*cfg.budget.Width) * 8 * float64(steps/cfg.budget.EvalEvery+1)})
}
