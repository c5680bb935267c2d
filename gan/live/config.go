package live

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"ganbook/gan"
	"ganbook/gan/data"
)

// Config is one live run: what is trained, how, and how the server behaves.
// The zero value of a field means its default (see DefaultConfig), so a
// chapter sets only what it wants to change:
//
//	live.Config{Data: "mixture-1d", LRG: 5e-4, LRD: 5e-4, Seed: env.Seed}
//
// Data, Loss, Seed, Batch, Hidden, Lambda and Clip define the networks and
// their training: changing one from the page rebuilds the run from its
// seed. LRG, LRD and DSteps can change while the run goes on; a change takes
// effect at the next step.
type Config struct {
	Data   string  `json:"data"`    // data set, one of DataSets()
	Loss   string  `json:"loss"`    // adversarial loss, one of Losses()
	LRG    float64 `json:"lr_g"`    // generator's learning rate, in (0, 1]
	LRD    float64 `json:"lr_d"`    // discriminator's (critic's) learning rate, in (0, 1]
	DSteps int     `json:"d_steps"` // discriminator updates per generator update, 1..MaxDSteps
	// Seed seeds every random stream of the run; 0 means 1. (JSON carries
	// it as a string: a uint64 does not fit a JavaScript number.)
	Seed   uint64  `json:"seed,string"`
	Batch  int     `json:"batch"`  // real and generated samples per update, 2..1024
	Hidden int     `json:"hidden"` // units in each of the two hidden layers of G and D, 1..256
	Lambda float64 `json:"lambda"` // gradient penalty weight λ of wgan-gp and dragan, in (0, 1000]
	Clip   float64 `json:"clip"`   // wgan-clip's weight bound c, in (0, 10]

	// MaxSteps pauses the run when it reaches this many generator steps
	// (0: never). The page's play button then does nothing until reset.
	MaxSteps int `json:"max_steps"`
	// Paused starts the server paused instead of training at once.
	Paused bool `json:"-"`
	// AllowRemote lets Serve listen on an address that is not loopback
	// (":8080", "0.0.0.0:8080", a LAN name) and accept requests whose Host
	// is not localhost. Without it such an address is refused: the page
	// has no authentication, so anyone who can reach it can drive the run.
	AllowRemote bool `json:"-"`
}

// The bounds of the settings, as Validate checks them.
const (
	MaxLR     = 1.0
	MaxDSteps = 20
	MaxBatch  = 1024
	MaxHidden = 256
	MaxLambda = 1000.0
	MaxClip   = 10.0
)

// DefaultConfig returns the settings a zero Config stands for: the ring of
// eight Gaussians, the non-saturating loss, learning rates 10⁻³ (the toy
// chapters' budget: the recipes' 10⁻⁴ times 10), one D step per G step,
// seed 1, batch 100 as in PacGAN, 32 hidden units, λ = 1 and c = 0.01.
func DefaultConfig() Config {
	return Config{Data: "ring-8", Loss: "non-saturating", LRG: 1e-3, LRD: 1e-3, DSteps: 1, Seed: 1,
		Batch: 100, Hidden: 32, Lambda: 1, Clip: 0.01}
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Data = cmp.Or(c.Data, d.Data)
	c.Loss = cmp.Or(c.Loss, d.Loss)
	c.LRG = cmp.Or(c.LRG, d.LRG)
	c.LRD = cmp.Or(c.LRD, d.LRD)
	c.DSteps = cmp.Or(c.DSteps, d.DSteps)
	c.Seed = cmp.Or(c.Seed, d.Seed)
	c.Batch = cmp.Or(c.Batch, d.Batch)
	c.Hidden = cmp.Or(c.Hidden, d.Hidden)
	c.Lambda = cmp.Or(c.Lambda, d.Lambda)
	c.Clip = cmp.Or(c.Clip, d.Clip)
	return c
}

// FieldError is a setting with a bad value: the field's name as the page
// and the JSON use it (lr_g, d_steps, ...), the value as given, and why it
// was refused.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

// Error returns `<Field> = "<Value>": <Reason>`, for example
// `lr_g = "7": must be in (0, 1]`.
func (e *FieldError) Error() string { return fmt.Sprintf("%s = %q: %s", e.Field, e.Value, e.Reason) }

func fieldErr(field string, value any, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: fmt.Sprint(value), Reason: fmt.Sprintf(format, args...)}
}

// Validate returns a *FieldError for the first setting out of range, after
// filling zero fields with their defaults; nil if every setting is usable.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, ok := dataSetByName(c.Data); !ok {
		return fieldErr("data", c.Data, "unknown data set; want one of %s", strings.Join(DataSets(), ", "))
	}
	if _, ok := lossByName(c.Loss); !ok {
		return fieldErr("loss", c.Loss, "unknown loss; want one of %s", strings.Join(Losses(), ", "))
	}
	for _, f := range []struct {
		name   string
		v, max float64
	}{{"lr_g", c.LRG, MaxLR}, {"lr_d", c.LRD, MaxLR}, {"lambda", c.Lambda, MaxLambda}, {"clip", c.Clip, MaxClip}} {
		if !(f.v > 0 && f.v <= f.max) {
			return fieldErr(f.name, f.v, "must be in (0, %g]", f.max)
		}
	}
	for _, f := range []struct {
		name        string
		v, min, max int
	}{{"d_steps", c.DSteps, 1, MaxDSteps}, {"batch", c.Batch, 2, MaxBatch}, {"hidden", c.Hidden, 1, MaxHidden},
		{"max_steps", c.MaxSteps, 0, math.MaxInt32}} {
		if f.v < f.min || f.v > f.max {
			return fieldErr(f.name, f.v, "must be an integer in [%d, %d]", f.min, f.max)
		}
	}
	return nil
}

// settings are the fields the page may change through /control
// (action=set), by their JSON names.
var settings = []string{"data", "loss", "lr_g", "lr_d", "d_steps", "seed"}

// rebuilds reports whether changing the field starts the run again.
func rebuilds(field string) bool { return field == "data" || field == "loss" || field == "seed" }

// setField parses value as the named field, the way a flag is parsed, and
// stores it in c. It returns a *FieldError for an unknown field, a value
// that does not parse, or one out of range (NaN and ±Inf are out of every
// range).
func (c *Config) setField(field, value string) error {
	next := *c
	value = strings.TrimSpace(value)
	switch field {
	case "data", "loss":
		if value == "" { // "" would silently mean "default"
			return fieldErr(field, value, "empty")
		}
		if field == "data" {
			next.Data = value
		} else {
			next.Loss = value
		}
	case "lr_g", "lr_d":
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fieldErr(field, value, "not a number")
		}
		if field == "lr_g" {
			next.LRG = v
		} else {
			next.LRD = v
		}
		if v == 0 { // 0 would silently mean "default"
			return fieldErr(field, value, "must be in (0, %g]", MaxLR)
		}
	case "d_steps":
		v, err := strconv.Atoi(value)
		if err != nil {
			return fieldErr(field, value, "not an integer")
		}
		if v == 0 {
			return fieldErr(field, value, "must be an integer in [1, %d]", MaxDSteps)
		}
		next.DSteps = v
	case "seed":
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fieldErr(field, value, "not an integer in [1, 2⁶⁴ − 1]")
		}
		if v == 0 {
			return fieldErr(field, value, "must be at least 1")
		}
		next.Seed = v
	default:
		return fieldErr(field, value, "unknown setting; the page can set %s", strings.Join(settings, ", "))
	}
	if err := next.Validate(); err != nil {
		return err
	}
	*c = next
	return nil
}

// ---- Data sets -----------------------------------------------------------------

// dataSet is a toy distribution with the window the page shows it in.
type dataSet struct {
	name    string
	dim     int           // 1 or 2
	sampler data.Sampler  // draws (n, dim) samples
	mixture *data.Mixture // the mixture, for mode coverage; nil for the swiss roll
	window  [4]float64    // x from [0] to [1], y from [2] to [3] (1-D: y unused)
}

// dataSets lists the data sets in the order the page offers them.
var dataSets = []struct {
	name   string
	window [4]float64
	make   func() (data.Sampler, *data.Mixture)
}{
	{"ring-8", [4]float64{-1.6, 1.6, -1.6, 1.6}, mixture(data.Ring8)},
	{"grid-25", [4]float64{-5.5, 5.5, -5.5, 5.5}, mixture(data.Grid25)},
	{"8-gaussians", [4]float64{-2, 2, -2, 2}, mixture(data.Gaussians8)},
	{"swiss-roll", [4]float64{-2.2, 2.2, -2.2, 2.2}, func() (data.Sampler, *data.Mixture) {
		return data.SamplerFunc(data.SwissRoll), nil
	}},
	// Chapter 00's data: 60 % of the mass at −2, 40 % at +2, σ = 0.5.
	{"mixture-1d", [4]float64{-5, 5, 0, 0}, mixture(func() *data.Mixture {
		return data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	})},
}

func mixture(f func() *data.Mixture) func() (data.Sampler, *data.Mixture) {
	return func() (data.Sampler, *data.Mixture) { m := f(); return m, m }
}

// DataSets lists the names Config.Data accepts: ring-8, grid-25 (PacGAN's
// rings and grids), 8-gaussians and swiss-roll (WGAN-GP's toy sets), and
// mixture-1d (chapter 00's two Gaussians on the line).
func DataSets() []string {
	names := make([]string, len(dataSets))
	for i, d := range dataSets {
		names[i] = d.name
	}
	return names
}

func dataSetByName(name string) (dataSet, bool) {
	for _, d := range dataSets {
		if d.name == name {
			s, m := d.make()
			dim := 2
			if m != nil {
				dim = m.Dim()
			}
			return dataSet{name: name, dim: dim, sampler: s, mixture: m, window: d.window}, true
		}
	}
	return dataSet{}, false
}

// ---- Losses --------------------------------------------------------------------

// game is a way of training as the page offers it: the adversarial loss,
// what keeps the discriminator in check (a gradient penalty, clipping, or
// nothing), and the optimizer with the published settings of the chapter
// that teaches it. Learning rates and D steps are the Config's.
type game struct {
	loss     gan.Loss
	penalty  penalty
	perturbC float64 // DRAGAN's c: reals are perturbed by up to c·std(x)
	clip     float64 // clip D's weights to ±clip after every D update; 0: no clipping
	rmsprop  bool    // RMSprop instead of Adam
	lr       float64 // the published learning rate (the page's default)
	dSteps   int     // the published D steps per G step (the page's default)
	beta1    float64 // Adam's β₁
	beta2    float64 // Adam's β₂
}

// penalty says which gradient penalty a game adds to D's loss.
type penalty int

const (
	noPenalty penalty = iota
	wganGP            // λ·E[(‖∇D(x̂)‖ − 1)²] between real and fake (arXiv 1704.00028)
	dragan            // the same near the real data (arXiv 1705.07215)
)

// lossSpec is a loss as the page offers it: its name, its game for the
// run's settings, and whether D is a critic (raw scores, not logits).
type lossSpec struct {
	name   string
	game   func(c Config) game
	critic bool
}

var losses = []lossSpec{
	{"minimax", func(Config) game {
		return game{loss: gan.Minimax{}, lr: 1e-4, dSteps: 1, beta1: 0.8, beta2: 0.999}
	}, false},
	{"non-saturating", func(Config) game {
		return game{loss: gan.NonSaturating{}, lr: 1e-4, dSteps: 1, beta1: 0.8, beta2: 0.999}
	}, false},
	{"wgan-clip", func(c Config) game {
		return game{loss: gan.Wasserstein{}, clip: c.Clip, rmsprop: true, lr: 5e-5, dSteps: 5}
	}, true},
	{"wgan-gp", func(Config) game {
		return game{loss: gan.Wasserstein{}, penalty: wganGP, lr: 1e-4, dSteps: 5, beta1: 0.5, beta2: 0.9}
	}, true},
	{"dragan", func(Config) game {
		return game{loss: gan.NonSaturating{}, penalty: dragan, perturbC: 0.5, lr: 1e-4, dSteps: 1, beta1: 0.5, beta2: 0.9}
	}, false},
}

// Losses lists the names Config.Loss accepts, the losses of the chapters:
// minimax and non-saturating (Goodfellow et al.; Adam β = (0.8, 0.999)),
// wgan-clip (WGAN with weight clipping; RMSprop), wgan-gp (WGAN with a
// gradient penalty; Adam β = (0.5, 0.9)) and dragan (non-saturating with
// DRAGAN's penalty; Adam β = (0.5, 0.9)), with the settings of the
// chapters that teach them; the learning rates and D steps are the
// Config's.
func Losses() []string {
	names := make([]string, len(losses))
	for i, l := range losses {
		names[i] = l.name
	}
	return names
}

func lossByName(name string) (lossSpec, bool) {
	for _, l := range losses {
		if l.name == name {
			return l, true
		}
	}
	return lossSpec{}, false
}
