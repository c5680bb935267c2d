// Package digitnet is the book's stand-in for the Inception network: a
// small convolutional classifier of 16×16 digits whose predictions give the
// Inception Score and whose penultimate layer gives the features of the
// Fréchet distance (chapters 03, 16 and 17).
//
// The Inception Score (Salimans et al., arXiv 1606.03498) and the Fréchet
// Inception Distance (Heusel et al., arXiv 1706.08500) were defined with
// Inception-v3, an ImageNet classifier of 24 million weights. They need
// only *some* fixed network that has learned what the images are: a
// classifier's class probabilities p(y|x) for IS, and an embedding where
// distances mean something for FID. For handwritten digits a network of
// about 38,000 weights does, and it is trained here, in Go, by a command in
// the repository:
//
//	go run ./gan/digitnet/train
//
// which draws fresh digits with data.Digits, trains the network from a
// fixed seed and writes weights.safetensors, bit for bit the file that is
// embedded in this package (//go:embed). Load returns the embedded
// network, so that the metric chapters need no training at run time and
// give the same numbers on every machine. The file's metadata holds the
// recipe, the held-out accuracy and a checksum of the weights after the
// first few steps, which a test re-derives.
//
// As with Inception, scores measured with this network are comparable only
// with scores measured with this network: an FID of 3 here says nothing
// about an FID of 3 on CIFAR-10.
//
// # The network
//
//	x (N,1,16,16) → Conv(1→16, 3×3, pad 1) → ReLU → AvgPool 2  → (N,16,8,8)
//	              → Conv(16→32, 3×3, pad 1) → ReLU → AvgPool 2 → (N,32,4,4)
//	              → Flatten (N,512) → Linear(512→64) → ReLU    → features (N,64)
//	              → Linear(64→10)                              → logits (N,10)
//
// p(y|x) = softmax(logits). Images are 16×16 with values in [−1, 1]
// (background −1), as data.Digits draws them and the book's generators
// make them; MNIST's 28×28 digits go through data.Resize first.
package digitnet

import (
	"bytes"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"slices"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/checkpoint"
	"ganbook/tensor"
)

// Shape legend: N images, F = Features, K = Classes.
const (
	Size     = 16 // the input images' side
	Classes  = 10 // K, the digits 0–9
	Features = 64 // F, the width of the penultimate layer
)

// Net is the classifier: Body maps images to features, Head features to
// class logits.
type Net struct {
	Body *layers.Sequential // (N,1,16,16) → (N,F)
	Head *layers.Linear     // (N,F) → (N,K)
}

// New returns a network with PyTorch's default initialisation, drawn from r.
func New(r *rand.Rand) *Net {
	return &Net{
		Body: layers.NewSequential(
			layers.NewConv2D(r, 1, 16, 3, 1, 1), layers.ReLU{}, layers.NewAvgPool2D(2),
			layers.NewConv2D(r, 16, 32, 3, 1, 1), layers.ReLU{}, layers.NewAvgPool2D(2),
			layers.Flatten{}, layers.NewLinear(r, 32*4*4, Features), layers.ReLU{},
		),
		Head: layers.NewLinear(r, Features, Classes),
	}
}

// Forward returns the logits (N,K) of images x (N,1,16,16). It panics
// with tensor.ErrShape if x is not (N,1,16,16).
func (n *Net) Forward(x *autograd.Var) *autograd.Var {
	checkImages("Forward", x.Value)
	return n.Head.Forward(n.Body.Forward(x))
}

// Parameters lists the weights, named "body.0.weight", …, "head.bias".
func (n *Net) Parameters() []layers.Parameter {
	var out []layers.Parameter
	for _, p := range n.Body.Parameters() {
		out = append(out, layers.Parameter{Name: "body." + p.Name, Var: p.Var})
	}
	for _, p := range n.Head.Parameters() {
		out = append(out, layers.Parameter{Name: "head." + p.Name, Var: p.Var})
	}
	return out
}

func checkImages(op string, x *tensor.Tensor) {
	s := x.Shape()
	if len(s) != 4 || s[1] != 1 || s[2] != Size || s[3] != Size {
		panicf(tensor.ErrShape, op, "images %s, want (N,1,%d,%d) (data.Resize makes other sizes fit)",
			tensor.FormatShape(s), Size, Size)
	}
}

// chunk is how many images go through the network at once in Outputs: the
// work is mostly moving activations (the products are small), and 100
// images' activations, about 4 MB, stay in cache where 500 do not (a
// third faster, measured).
const chunk = 100

// Outputs runs images (N,1,16,16) through the network without recording
// a graph, in chunks of 100, and returns the features (N,F) of the
// penultimate layer and the class probabilities p(y|x) = softmax(logits),
// (N,K). It panics with tensor.ErrShape if images is not (N,1,16,16).
func (n *Net) Outputs(images *tensor.Tensor) (features, probs *tensor.Tensor) {
	checkImages("Outputs", images)
	total := images.Dim(0)
	features, probs = tensor.Zeros(total, Features), tensor.Zeros(total, Classes)
	autograd.NoGrad(func() {
		for lo := 0; lo < total; lo += chunk {
			hi := min(lo+chunk, total)
			f := n.Body.Forward(autograd.Const(tensor.Slice(images, 0, lo, hi)))
			p := autograd.Softmax(n.Head.Forward(f), 1)
			copy(features.Data()[lo*Features:hi*Features], f.Value.Data())
			copy(probs.Data()[lo*Classes:hi*Classes], p.Value.Data())
		}
	})
	return features, probs
}

// Features returns the penultimate layer's activations (N,F) for images
// (N,1,16,16): the embedding in which chapter 17 measures Fréchet
// distances. See Outputs.
func (n *Net) Features(images *tensor.Tensor) *tensor.Tensor {
	f, _ := n.Outputs(images)
	return f
}

// Probs returns p(y|x), (N,K), for images (N,1,16,16): what the Inception
// Score is computed from. See Outputs.
func (n *Net) Probs(images *tensor.Tensor) *tensor.Tensor {
	_, p := n.Outputs(images)
	return p
}

// Predict returns the most probable class of each row of probs (N,K), the
// first one on a tie.
func Predict(probs *tensor.Tensor) []int {
	k := probs.Dim(1)
	out := make([]int, probs.Dim(0))
	for i := range out {
		row := probs.Data()[i*k : (i+1)*k]
		for j, p := range row {
			if p > row[out[i]] {
				out[i] = j
			}
		}
	}
	return out
}

// Accuracy returns the fraction of images (N,1,16,16) whose most probable
// class is their label. It panics with tensor.ErrShape if the counts
// differ.
func (n *Net) Accuracy(images *tensor.Tensor, labels []int) float64 {
	if images.Dims() < 1 || images.Dim(0) != len(labels) {
		panicf(tensor.ErrShape, "Accuracy", "images %s with %d labels", tensor.FormatShape(images.Shape()), len(labels))
	}
	right := 0
	for i, c := range Predict(n.Probs(images)) {
		if c == labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(labels))
}

// ---- Weights ---------------------------------------------------------------------

//go:embed weights.safetensors
var embedded []byte

// Load returns the network with the embedded weights, the ones
// `go run ./gan/digitnet/train` writes. The file is part of the program,
// checked by the package's tests, so a failure to read it is a broken
// build: Load panics then, with an error that wraps Decode's ("digitnet:
// the embedded weights.safetensors: ...").
func Load() *Net {
	n, _, err := Decode(embedded)
	if err != nil {
		panic(embeddedError(err))
	}
	return n
}

// Metadata returns the embedded file's metadata: the training recipe,
// the accuracy on held-out drawn digits and the checksum of the early
// weights (see Train). It panics as Load does if the embedded file cannot
// be read.
func Metadata() map[string]string {
	_, meta, err := Decode(embedded)
	if err != nil {
		panic(embeddedError(err))
	}
	return meta
}

// embeddedError is the panic value of Load and Metadata: Decode's error
// err, wrapped, so that errors.Is and errors.As still reach its cause.
func embeddedError(err error) error {
	return fmt.Errorf("digitnet: the embedded weights.safetensors: %w", err)
}

// Decode reads a network from the bytes of a safetensors file and returns
// it with the file's metadata. It returns an error if the file is not
// valid safetensors (see checkpoint.Read), or its tensors are not exactly
// the network's parameters with their shapes.
func Decode(file []byte) (*Net, map[string]string, error) {
	tensors, meta, err := checkpoint.Read(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, nil, err
	}
	n := New(rand.New(rand.NewPCG(0, 0)))
	params := n.Parameters()
	if len(tensors) != len(params) {
		return nil, nil, fmt.Errorf("digitnet: %d tensors in the file, the network has %d parameters", len(tensors), len(params))
	}
	for _, p := range params {
		t, ok := tensors[p.Name]
		if !ok {
			return nil, nil, fmt.Errorf("digitnet: the file has no tensor %q", p.Name)
		}
		if !slices.Equal(t.Shape(), p.Var.Value.Shape()) {
			return nil, nil, fmt.Errorf("digitnet: tensor %q is %s, want %s", p.Name,
				tensor.FormatShape(t.Shape()), tensor.FormatShape(p.Var.Value.Shape()))
		}
		copy(p.Var.Value.Data(), t.Data())
	}
	return n, meta, nil
}

// Encode writes the network's parameters and metadata as a safetensors
// file.
func (n *Net) Encode(meta map[string]string) ([]byte, error) {
	tensors := map[string]*tensor.Tensor{}
	for _, p := range n.Parameters() {
		tensors[p.Name] = p.Var.Value
	}
	var b bytes.Buffer
	if err := checkpoint.Write(&b, tensors, meta); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Embedded returns the bytes of the embedded weights.safetensors.
func Embedded() []byte { return bytes.Clone(embedded) }
