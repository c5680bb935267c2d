package digitnet

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// CrossEntropy returns the mean negative log-likelihood of the labels
// under the softmax of the logits (N,K),
//
//	L = (1/N)·Σᵢ [ log Σₖ exp(ℓᵢₖ) − ℓᵢ,yᵢ ],
//
// written with LogSumExp so that no probability is rounded to 0 before its
// logarithm is taken. Its gradient in ℓ is (softmax(ℓ) − onehot(y))/N, and
// like every composite of autograd operations it can be differentiated
// again. It panics with tensor.ErrShape if logits is not (N,K) with one
// label per row, and with tensor.ErrArgument if a label is not in [0, K).
func CrossEntropy(logits *autograd.Var, labels []int) *autograd.Var {
	s := logits.Value.Shape()
	if len(s) != 2 || s[0] != len(labels) {
		panicf(tensor.ErrShape, "CrossEntropy", "logits %s with %d labels", tensor.FormatShape(s), len(labels))
	}
	onehot := tensor.Zeros(s[0], s[1])
	for i, y := range labels {
		if y < 0 || y >= s[1] {
			panicf(tensor.ErrArgument, "CrossEntropy", "label %d of row %d, want 0..%d", y, i, s[1]-1)
		}
		onehot.Set(1, i, y)
	}
	picked := autograd.Sum(autograd.Mul(logits, autograd.Const(onehot)), 1) // ℓᵢ,yᵢ, (N)
	lse := autograd.Reshape(autograd.LogSumExp(logits, 1), s[0])            // (N)
	return autograd.Mean(autograd.Sub(lse, picked))
}

// Recipe is how the classifier is trained: Adam on the cross-entropy of
// fresh drawn digits, PerEpoch new ones every epoch (the drawing never
// repeats a digit, so the network cannot memorise its training set), the
// learning rate falling linearly from LR to LR/Steps.
type Recipe struct {
	Seed     uint64  // seeds the initial weights (stream 1) and the training digits (stream 2)
	Epochs   int     // passes, each over PerEpoch fresh digits
	PerEpoch int     // digits drawn per epoch
	Batch    int     // digits per step
	LR       float64 // Adam's initial learning rate (β = 0.9, 0.999)
	Holdout  int     // held-out digits for the reported accuracy (stream 3)
}

// DefaultRecipe is the recipe of the embedded weights.
func DefaultRecipe() Recipe {
	return Recipe{Seed: 1, Epochs: 12, PerEpoch: 20000, Batch: 100, LR: 2e-3, Holdout: 10000}
}

// Steps is the number of training steps: Epochs·⌊PerEpoch/Batch⌋.
func (rc Recipe) Steps() int { return rc.Epochs * (rc.PerEpoch / rc.Batch) }

// String writes the recipe as it is stored in the weights' metadata.
func (rc Recipe) String() string {
	return fmt.Sprintf("seed=%d epochs=%d per_epoch=%d batch=%d lr=%g holdout=%d",
		rc.Seed, rc.Epochs, rc.PerEpoch, rc.Batch, rc.LR, rc.Holdout)
}

// Check returns an error naming the first setting out of range.
func (rc Recipe) Check() error {
	switch {
	case rc.Epochs < 1:
		return fmt.Errorf("epochs must be at least 1, got %d", rc.Epochs)
	case rc.Batch < 1:
		return fmt.Errorf("batch must be at least 1, got %d", rc.Batch)
	case rc.PerEpoch < rc.Batch:
		return fmt.Errorf("digits per epoch (%d) must be at least one batch (%d)", rc.PerEpoch, rc.Batch)
	case !(rc.LR > 0) || math.IsInf(rc.LR, 1):
		return fmt.Errorf("learning rate must be positive and finite, got %g", rc.LR)
	case rc.Holdout < 1:
		return fmt.Errorf("held-out digits must be at least 1, got %d", rc.Holdout)
	}
	return nil
}

// Trainer trains a Net by a Recipe, one step at a time.
type Trainer struct {
	Net    *Net
	Recipe Recipe
	step   int
	r      *rand.Rand
	opt    *optim.Adam
	images *tensor.Tensor // the current epoch's digits (PerEpoch,1,16,16)
	labels []int
}

// NewTrainer returns a trainer at step 0 with freshly initialised weights.
// It panics with tensor.ErrArgument if the recipe is out of range (see
// Recipe.Check).
func NewTrainer(rc Recipe) *Trainer {
	if err := rc.Check(); err != nil {
		panicf(tensor.ErrArgument, "NewTrainer", "%v", err)
	}
	n := New(rand.New(rand.NewPCG(rc.Seed, 1)))
	return &Trainer{Net: n, Recipe: rc, r: rand.New(rand.NewPCG(rc.Seed, 2)),
		opt: optim.NewAdam(layers.Vars(n), rc.LR, 0.9, 0.999)}
}

// Done says whether every step of the recipe has run.
func (t *Trainer) Done() bool { return t.step >= t.Recipe.Steps() }

// Step runs one training step and returns its loss: the next batch of the
// epoch's digits (a new epoch draws PerEpoch new ones), the cross-entropy,
// one Adam update at lr = LR·(Steps − i)/Steps for step i = 0, 1, ….
func (t *Trainer) Step() float64 {
	rc := t.Recipe
	perEpoch := rc.PerEpoch / rc.Batch
	k := t.step % perEpoch
	if k == 0 {
		t.images, t.labels = data.Digits(t.r, rc.PerEpoch, Size)
	}
	x := autograd.Const(tensor.Slice(t.images, 0, k*rc.Batch, (k+1)*rc.Batch)) // (B,1,16,16)
	y := t.labels[k*rc.Batch : (k+1)*rc.Batch]
	t.opt.SetLR(rc.LR * float64(rc.Steps()-t.step) / float64(rc.Steps()))
	t.opt.ZeroGrad()
	loss := CrossEntropy(t.Net.Forward(x), y)
	loss.Backward()
	t.opt.Step()
	t.step++
	return loss.Item()
}

// StepsDone is the number of steps run so far.
func (t *Trainer) StepsDone() int { return t.step }

// Holdout draws the recipe's held-out digits, from a stream the training
// never touches (seed, 3).
func (rc Recipe) HoldoutDigits() (*tensor.Tensor, []int) {
	return data.Digits(rand.New(rand.NewPCG(rc.Seed, 3)), rc.Holdout, Size)
}

// ChecksumSteps is the number of steps after which the metadata records a
// checksum of the weights ("sha256_step_20"): a test re-derives it to
// check that the embedded file comes from this code and recipe.
const ChecksumSteps = 20

// Checksum returns the SHA-256 of the parameters' values, in order, as
// little-endian float64 bits, in hexadecimal.
func (n *Net) Checksum() string {
	h := sha256.New()
	var buf [8]byte
	for _, p := range n.Parameters() {
		for _, v := range p.Var.Value.Data() {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			h.Write(buf[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
