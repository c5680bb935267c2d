package digitnet_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/tensor"
)

func TestCrossEntropyMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/crossentropy.json")
	require.NoError(t, err)
	var g struct {
		Logits []float64
		Labels []int
		Loss   float64
		Grad   []float64
	}
	require.NoError(t, json.Unmarshal(raw, &g))
	logits := autograd.Param(tensor.New(g.Logits, 5, 4))
	loss := digitnet.CrossEntropy(logits, g.Labels)
	assert.InDelta(t, g.Loss, loss.Item(), 1e-13)
	grad := autograd.Grad([]*autograd.Var{loss}, []*autograd.Var{logits}, false)[0]
	require.Len(t, grad.Value.Data(), len(g.Grad))
	assert.InDeltaSlice(t, g.Grad, grad.Value.Data(), 1e-14)
}

func TestCrossEntropyGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	labels := []int{2, 0, 1}
	f := func(xs []*autograd.Var) *autograd.Var { return digitnet.CrossEntropy(xs[0], labels) }
	x := []*tensor.Tensor{tensor.RandN(r, 3, 4)}
	require.NoError(t, autograd.GradCheck("CrossEntropy", f, x, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("CrossEntropy", f, x, autograd.DefaultTolerance))
}

func TestCrossEntropyPanics(t *testing.T) {
	x := autograd.Const(tensor.Zeros(2, 3))
	assert.PanicsWithError(t, "digitnet: CrossEntropy: shape mismatch logits (2,3) with 1 labels", func() { digitnet.CrossEntropy(x, []int{0}) })
	assert.PanicsWithError(t, "digitnet: CrossEntropy: bad argument label 3 of row 1, want 0..2", func() { digitnet.CrossEntropy(x, []int{0, 3}) })
}

// The embedded weights come from this code and this recipe: twenty steps
// of training from scratch reproduce the checksum the training command
// stored in the file. A change to the recipe, the network, the drawing of
// the digits or any kernel's arithmetic breaks it: then the command must
// be run again (go run ./gan/digitnet/train) and the file committed.
func TestEmbeddedWeightsComeFromTheRecipe(t *testing.T) {
	meta := digitnet.Metadata()
	rc := digitnet.DefaultRecipe()
	require.Equal(t, rc.String(), meta["recipe"])
	tr := digitnet.NewTrainer(rc)
	for range digitnet.ChecksumSteps {
		tr.Step()
	}
	assert.Equal(t, meta["sha256_step_20"], tr.Net.Checksum())
}

// The embedded network classifies the recipe's 10,000 held-out digits
// as its metadata says, and at least 99 % of them right.
func TestEmbeddedAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 digits through the classifier")
	}
	net := digitnet.Load()
	x, y := digitnet.DefaultRecipe().HoldoutDigits()
	acc := net.Accuracy(x, y)
	assert.GreaterOrEqual(t, acc, 0.99)
	stored, err := strconv.ParseFloat(digitnet.Metadata()["heldout_accuracy"], 64)
	require.NoError(t, err)
	assert.InDelta(t, stored, acc, 5e-5, "the accuracy stored in the file, to 4 decimals")
}

func TestOutputs(t *testing.T) {
	net := digitnet.Load()
	x, _ := data.Digits(rand.New(rand.NewPCG(9, 0)), 503, digitnet.Size) // more than five chunks of 100
	features, probs := net.Outputs(x)
	require.Equal(t, []int{503, digitnet.Features}, features.Shape())
	require.Equal(t, []int{503, digitnet.Classes}, probs.Shape())
	for i := range 503 {
		row := probs.Data()[i*10 : (i+1)*10]
		sum := 0.0
		for _, p := range row {
			sum += p
		}
		require.InDelta(t, 1, sum, 1e-12, "row %d", i)
	}
	for _, v := range features.Data() {
		require.GreaterOrEqual(t, v, 0.0, "features follow a ReLU")
	}
	// Chunks change nothing: the last three images alone give the same rows.
	tail := tensor.Slice(x, 0, 500, 503)
	f3, p3 := net.Outputs(tail)
	assert.Equal(t, tensor.Slice(features, 0, 500, 503).Data(), f3.Data())
	assert.Equal(t, tensor.Slice(probs, 0, 500, 503).Data(), p3.Data())
	// And they are the network's own forward pass.
	var logits *autograd.Var
	autograd.NoGrad(func() { logits = net.Forward(autograd.Const(tail)) })
	assert.InDeltaSlice(t, autograd.Softmax(logits, 1).Value.Data(), p3.Data(), 1e-15)
}

func TestPredict(t *testing.T) {
	p := tensor.FromRows([][]float64{{0.1, 0.7, 0.2}, {0.5, 0.5, 0}, {0, 0, 1}})
	assert.Equal(t, []int{1, 0, 2}, digitnet.Predict(p))
}

func TestDecodeRejectsOtherNetworks(t *testing.T) {
	net := digitnet.New(rand.New(rand.NewPCG(1, 1)))
	good, err := net.Encode(map[string]string{"k": "v"})
	require.NoError(t, err)
	back, meta, err := digitnet.Decode(good)
	require.NoError(t, err)
	assert.Equal(t, "v", meta["k"])
	assert.Equal(t, net.Checksum(), back.Checksum())

	other := digitnet.New(rand.New(rand.NewPCG(1, 1)))
	other.Head.Bias = nil // a network without the head's bias
	short, err := other.Encode(nil)
	require.NoError(t, err)
	_, _, err = digitnet.Decode(short)
	assert.EqualError(t, err, "digitnet: 7 tensors in the file, the network has 8 parameters")

	other = digitnet.New(rand.New(rand.NewPCG(1, 1)))
	other.Head.Weight = autograd.Param(tensor.Zeros(10, 32))
	wrong, err := other.Encode(nil)
	require.NoError(t, err)
	_, _, err = digitnet.Decode(wrong)
	assert.EqualError(t, err, "digitnet: tensor \"head.weight\" is (10,32), want (10,64)")

	_, _, err = digitnet.Decode(good[:len(good)-8])
	assert.Error(t, err)
}

func TestShapePanics(t *testing.T) {
	net := digitnet.Load()
	assert.PanicsWithError(t, "digitnet: Outputs: shape mismatch images (2,1,28,28), want (N,1,16,16) (data.Resize makes other sizes fit)",
		func() { net.Outputs(tensor.Zeros(2, 1, 28, 28)) })
	assert.Panics(t, func() { net.Accuracy(tensor.Zeros(2, 1, 16, 16), []int{1}) })
	assert.Panics(t, func() { digitnet.NewTrainer(digitnet.Recipe{Epochs: 1, PerEpoch: 10, Batch: 20, LR: 1, Holdout: 1}) })
}
