package live

import (
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/metrics"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// Shapes: B = batch, d = the data's dimension (1 or 2), which is also the
// noise's, H = hidden units.

// What a snapshot shows and how often the run is measured.
const (
	showN        = 500 // real and generated samples drawn
	arrowN       = 150 // generated samples that get a gradient arrow
	heatSide     = 48  // the 2-D heatmap is heatSide × heatSide cells (the page smooths them)
	heatLine     = 240 // the 1-D "heatmap" is a strip of heatLine cells
	manifoldSide = 21  // the 2-D noise grid has manifoldSide² points
	manifoldLine = 41  // the 1-D noise line has manifoldLine points
	manifoldZ    = 2.5 // the noise grid spans [−2.5, 2.5] per coordinate (98.8 % of N(0, 1))
	evalEvery    = 50  // steps between metric evaluations
	evalN        = 1000
	w1N2D        = 256 // exact W₁ in 2-D is a Hungarian assignment, O(n³): kept small
	historyCap   = 512 // points kept per series before halving
)

// engine is one training run. It is owned by one goroutine, the training
// goroutine: every method builds or differentiates autograd graphs, and
// autograd's recording switch is process-wide.
type engine struct {
	cfg     Config
	set     dataSet
	loss    lossSpec
	game    game
	G, D    *layers.Sequential
	gParams []*autograd.Var
	dParams []*autograd.Var
	optG    optim.Optimizer
	optD    optim.Optimizer
	r       *rand.Rand // the training stream: batches, noise, penalty draws
	step    int        // generator updates done
	// diverged holds the message of the NaN or ±Inf that stopped the run;
	// empty while the run is healthy.
	diverged string

	// Fixed evaluation inputs, drawn once from the evaluation stream so
	// that the picture moves only because the networks do.
	showReal  []float64      // (showN, d) real samples to draw
	evalZ     *tensor.Tensor // (evalN, d) noise: the first showN are drawn, all are measured
	evalReal  *tensor.Tensor // real samples for W₁ (evalN or w1N2D, d)
	heatX     *tensor.Tensor // (cells, d) centres of the heatmap's cells
	manifoldZ *tensor.Tensor // (points, d) the noise grid of the manifold view
	centers   []float64      // (K, d) the mixture's centres; nil for the swiss roll

	hist    []*series // losses per step, metrics per evaluation
	metrics []gan.Quantity
}

// networks builds G: d → H → H → d and D: d → H → H → 1, leaky ReLU (slope
// 0.2, as chapter 00), drawing the initial weights from r, G first.
func networks(r *rand.Rand, dim, hidden int) (G, D *layers.Sequential) {
	act := layers.LeakyReLU{Slope: 0.2}
	return gan.MLP(r, act, dim, hidden, hidden, dim), gan.MLP(r, act, dim, hidden, hidden, 1)
}

// newEngine builds the run of cfg from its seed. The random streams are
// those of gan.ToyRun: PCG(seed, 1) for the initial weights,
// PCG(seed, 2) for training, PCG(seed, 3) for evaluation; so on a 2-D
// mixture with equal learning rates the losses are those of the toy
// chapters' runner, bit for bit. It returns a *FieldError if cfg is
// invalid.
func newEngine(cfg Config) (*engine, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set, _ := dataSetByName(cfg.Data)
	loss, _ := lossByName(cfg.Loss)
	e := &engine{cfg: cfg, set: set, loss: loss, game: loss.game(cfg),
		r: rand.New(rand.NewPCG(cfg.Seed, 2))}

	e.G, e.D = networks(rand.New(rand.NewPCG(cfg.Seed, 1)), set.dim, cfg.Hidden)
	e.gParams, e.dParams = layers.Vars(e.G), layers.Vars(e.D)
	if e.game.clip > 0 {
		gan.ClipWeights(e.dParams, e.game.clip) // start inside the constraint
	}
	e.optG, e.optD = e.optimizer(e.gParams, cfg.LRG), e.optimizer(e.dParams, cfg.LRD)

	eval := rand.New(rand.NewPCG(cfg.Seed, 3))
	e.showReal = set.sampler.Sample(eval, showN).Data()
	e.evalZ = tensor.RandN(eval, evalN, set.dim)
	if set.dim == 2 && set.mixture == nil {
		e.evalReal = set.sampler.Sample(eval, w1N2D)
	} else {
		e.evalReal = set.sampler.Sample(eval, evalN)
	}
	e.heatX = tensor.New(cellCentres(set), cellCount(set.dim), set.dim)
	e.manifoldZ = noiseGrid(set.dim)
	if set.mixture != nil {
		for _, c := range set.mixture.Centers {
			e.centers = append(e.centers, c...)
		}
	}

	e.hist = []*series{newSeries("D loss", "loss"), newSeries("G loss", "loss")}
	e.evaluate()
	return e, nil
}

// optimizer is the game's optimizer (RMSprop or Adam with its betas) at
// learning rate lr.
func (e *engine) optimizer(params []*autograd.Var, lr float64) optim.Optimizer {
	if e.game.rmsprop {
		return optim.NewRMSprop(params, lr)
	}
	return optim.NewAdam(params, lr, e.game.beta1, e.game.beta2)
}

// setLive applies the settings that do not need a rebuild: the learning
// rates and the D steps.
func (e *engine) setLive(cfg Config) {
	e.cfg.LRG, e.cfg.LRD, e.cfg.DSteps, e.cfg.MaxSteps = cfg.LRG, cfg.LRD, cfg.DSteps, cfg.MaxSteps
	e.optG.SetLR(cfg.LRG)
	e.optD.SetLR(cfg.LRD)
}

// noise draws a batch of z ~ N(0, I), (B, d).
func (e *engine) noise() *autograd.Var {
	return autograd.Const(tensor.RandN(e.r, e.cfg.Batch, e.set.dim))
}

// Step is one generator update after DSteps discriminator updates, the
// game of the toy chapters:
//
//	DSteps times: a fresh real batch x (B, d) and x̃ = G(z) (B, d), no graph
//	  into G; D minimises Loss.D(D(x), D(x̃)) (+ λ·penalty; then clipping);
//	once: G minimises Loss.G(D(G(z))) on fresh noise, D's weights frozen.
//
// It returns the last D loss and the G loss. After a NaN or ±Inf in a loss
// or a weight it sets e.diverged, and every later Step returns an error
// without training.
func (e *engine) Step() (lossD, lossG float64, err error) {
	if e.diverged != "" {
		return 0, 0, fmt.Errorf("%s", e.diverged)
	}
	e.step++
	game := e.game
	var ld *autograd.Var
	for range e.cfg.DSteps {
		real := e.set.sampler.Sample(e.r, e.cfg.Batch) // (B, d)
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = e.G.Forward(e.noise()).Value }) // (B, d)
		ld = game.loss.D(e.D.Forward(autograd.Const(real)), e.D.Forward(autograd.Const(fake)))
		switch game.penalty {
		case wganGP:
			gp, _ := gan.GradientPenalty(e.D.Forward, real, fake, e.r)
			ld = autograd.Add(ld, autograd.Scale(gp, e.cfg.Lambda))
		case dragan:
			gp, _ := gan.DRAGANPenalty(e.D.Forward, real, game.perturbC, e.r)
			ld = autograd.Add(ld, autograd.Scale(gp, e.cfg.Lambda))
		}
		e.optD.ZeroGrad()
		ld.Backward()
		e.optD.Step()
		if game.clip > 0 {
			gan.ClipWeights(e.dParams, game.clip)
		}
	}

	var lg *autograd.Var
	gan.Frozen(e.D, func() { // G's loss runs through D; D's weights need no gradient
		e.optG.ZeroGrad()
		lg = game.loss.G(nil, e.D.Forward(e.G.Forward(e.noise())))
		lg.Backward()
		e.optG.Step()
	})

	lossD, lossG = ld.Item(), lg.Item()
	if msg := e.checkFinite(lossD, lossG); msg != "" {
		e.diverged = msg
		return lossD, lossG, fmt.Errorf("%s", msg)
	}
	e.hist[0].add(e.step, lossD)
	e.hist[1].add(e.step, lossG)
	if e.step%evalEvery == 0 {
		e.evaluate()
	}
	return lossD, lossG, nil
}

// checkFinite returns a message naming the first NaN or ±Inf among the
// losses and the weights and their gradients, or "".
func (e *engine) checkFinite(lossD, lossG float64) string {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	quantity, value := "", 0.0
	switch {
	case bad(lossD):
		quantity, value = "the D loss", lossD
	case bad(lossG):
		quantity, value = "the G loss", lossG
	default:
		quantity, value = e.badWeight()
	}
	if quantity == "" {
		return ""
	}
	return fmt.Sprintf("Training diverged at step %d: %s is %v. The run is paused: press reset, "+
		"or lower the learning rates and press reset.", e.step, quantity, value)
}

// badWeight names the first weight or weight gradient of G or D that is
// NaN or ±Inf, with its value; "" if there is none.
func (e *engine) badWeight() (string, float64) {
	for _, net := range []struct {
		name   string
		params []*autograd.Var
	}{{"G", e.gParams}, {"D", e.dParams}} {
		for k, p := range net.params {
			for _, t := range []*tensor.Tensor{p.Value, p.Grad} {
				if t == nil {
					continue
				}
				for _, v := range t.Data() {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						return fmt.Sprintf("a weight of %s (parameter %d)", net.name, k), v
					}
				}
			}
		}
	}
	return "", 0
}

// evaluate measures the generator on the fixed evaluation noise and
// records the metrics: on a 2-D mixture the modes captured and the share of
// high-quality samples (PacGAN's protocol, metrics.ModeCoverage); on the
// swiss roll and on the line the exact Wasserstein-1 distance to real
// samples.
func (e *engine) evaluate() {
	var fake *tensor.Tensor
	autograd.NoGrad(func() { fake = e.G.Forward(autograd.Const(e.evalZ)).Value }) // (evalN, d)
	switch {
	case e.set.dim == 1:
		e.metrics = []gan.Quantity{{Name: "W1", Value: metrics.W1Sorted1D(fake.Data(), e.evalReal.Data())}}
	case e.set.mixture == nil:
		e.metrics = []gan.Quantity{{Name: "W1", Value: metrics.W1Exact(tensor.Slice(fake, 0, 0, w1N2D), e.evalReal)}}
	default:
		c := metrics.ModeCoverage(fake, e.set.mixture.Centers, e.set.mixture.Std)
		e.metrics = []gan.Quantity{{Name: "modes", Value: float64(c.Modes)}, {Name: "high quality", Value: c.HighQuality}}
	}
	for _, m := range e.metrics {
		s := e.series(m.Name)
		if s == nil {
			s = newSeries(m.Name, m.Name)
			e.hist = append(e.hist, s)
		}
		s.add(e.step, m.Value)
	}
}

func (e *engine) series(name string) *series {
	for _, s := range e.hist {
		if s.name == name {
			return s
		}
	}
	return nil
}

// ---- Grids -----------------------------------------------------------------------

func cellCount(dim int) int {
	if dim == 1 {
		return heatLine
	}
	return heatSide * heatSide
}

// cellCentres returns the centres of the heatmap's cells, row-major from
// the top-left: in 2-D, cell (i, j) (column i, row j from the top) is at
// x = x₀ + (i + ½)·Δx, y = y₁ − (j + ½)·Δy; in 1-D cell i is at
// x = x₀ + (i + ½)·Δx.
func cellCentres(set dataSet) []float64 {
	w := set.window
	if set.dim == 1 {
		xs := make([]float64, heatLine)
		for i := range xs {
			xs[i] = w[0] + (float64(i)+0.5)*(w[1]-w[0])/heatLine
		}
		return xs
	}
	pts := make([]float64, 0, 2*heatSide*heatSide)
	for j := range heatSide {
		y := w[3] - (float64(j)+0.5)*(w[3]-w[2])/heatSide
		for i := range heatSide {
			pts = append(pts, w[0]+(float64(i)+0.5)*(w[1]-w[0])/heatSide, y)
		}
	}
	return pts
}

// noiseGrid returns the manifold view's noise: in 2-D a manifoldSide²
// grid over [−2.5, 2.5]², row-major (row j has z₂ fixed); in 1-D
// manifoldLine points over [−2.5, 2.5].
func noiseGrid(dim int) *tensor.Tensor {
	at := func(k, n int) float64 { return -manifoldZ + 2*manifoldZ*float64(k)/float64(n-1) }
	if dim == 1 {
		zs := make([]float64, manifoldLine)
		for k := range zs {
			zs[k] = at(k, manifoldLine)
		}
		return tensor.New(zs, manifoldLine, 1)
	}
	zs := make([]float64, 0, 2*manifoldSide*manifoldSide)
	for j := range manifoldSide {
		for i := range manifoldSide {
			zs = append(zs, at(i, manifoldSide), at(j, manifoldSide))
		}
	}
	return tensor.New(zs, manifoldSide*manifoldSide, 2)
}

// ---- Series ----------------------------------------------------------------------

// series is a quantity over steps kept at bounded size: values are
// averaged over windows of stride steps (recorded at the window's last
// step), and when historyCap points are full, neighbouring pairs are
// merged and the stride doubles. The result depends only on the values
// added, so it is as deterministic as they are.
type series struct {
	name, chart string
	stride      int
	steps       []int
	values      []float64
	sum         float64 // the window being filled
	count       int
}

func newSeries(name, chart string) *series { return &series{name: name, chart: chart, stride: 1} }

func (s *series) add(step int, v float64) {
	s.sum += v
	s.count++
	if s.count < s.stride {
		return
	}
	s.steps = append(s.steps, step)
	s.values = append(s.values, s.sum/float64(s.count))
	s.sum, s.count = 0, 0
	if len(s.values) < historyCap {
		return
	}
	half := len(s.values) / 2
	for k := range half {
		s.steps[k] = s.steps[2*k+1]
		s.values[k] = (s.values[2*k] + s.values[2*k+1]) / 2
	}
	s.steps, s.values = s.steps[:half], s.values[:half]
	s.stride *= 2
}
