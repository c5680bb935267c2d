// Command train trains the classifier of package digitnet, the book's
// stand-in for Inception, and writes its weights:
//
//	go run ./gan/digitnet/train
//
// From the repository's root it writes gan/digitnet/weights.safetensors,
// the file embedded in the package: the same bits on every machine and
// with any number of cores (every random draw comes from the recipe's
// seed, and every sum is added in a fixed order). It prints the loss, the
// accuracy on held-out drawn digits and, with -mnist DIR, on MNIST's
// 10,000 test digits, resized to 16×16 (docs/data.md says how to get the
// files). With -check it writes nothing and reports whether the weights
// it trained are, bit for bit, the embedded ones.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/gan/progress"
	"ganbook/layers/atomicfile"
	"ganbook/tensor"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "gan/digitnet/weights.safetensors", "where to write the weights")
	mnist := fs.String("mnist", "", "also report the accuracy on MNIST's test set, read from this folder")
	check := fs.Bool("check", false, "write nothing; compare the trained weights with the embedded file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	// Read MNIST first: a bad folder should fail before minutes of training.
	var mnistImages *tensor.Tensor
	var mnistLabels []int
	if *mnist != "" {
		x, y, err := data.LoadMNIST(*mnist, "t10k")
		if err != nil {
			fmt.Fprintf(stderr, "train: %v\n", err)
			return 1
		}
		mnistImages, mnistLabels = data.Resize(x, digitnet.Size), y
	}

	rc := digitnet.DefaultRecipe()
	t := digitnet.NewTrainer(rc)
	bar := progress.New(stderr, rc.Steps(), "digitnet")
	start := time.Now()
	var checksum string
	var loss float64
	for !t.Done() {
		loss = t.Step()
		bar.Update(t.StepsDone(), progress.Metric{Name: "loss", Value: loss})
		if t.StepsDone() == digitnet.ChecksumSteps {
			checksum = t.Net.Checksum()
		}
	}
	bar.Finish()
	hx, hy := rc.HoldoutDigits()
	acc := t.Net.Accuracy(hx, hy)
	meta := map[string]string{
		"recipe":           rc.String(),
		"heldout_accuracy": fmt.Sprintf("%.4f", acc),
		"sha256_step_20":   checksum,
		"trained_by":       "go run ./gan/digitnet/train",
		"architecture":     "conv3x3(1,16) relu avgpool2 conv3x3(16,32) relu avgpool2 linear(512,64) relu | linear(64,10)",
		"input":            "16x16, values in [-1, 1], background -1",
	}
	file, err := t.Net.Encode(meta)
	if err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "steps                       %d\n", rc.Steps())
	fmt.Fprintf(stdout, "last batch's loss           %.4f\n", loss)
	fmt.Fprintf(stdout, "held-out drawn digits       %.2f %% of %d\n", 100*acc, rc.Holdout)
	if mnistImages != nil {
		fmt.Fprintf(stdout, "MNIST test set (16x16)      %.2f %% of %d\n", 100*t.Net.Accuracy(mnistImages, mnistLabels), len(mnistLabels))
	}
	fmt.Fprintf(stdout, "checksum after %d steps     %s\n", digitnet.ChecksumSteps, checksum)
	fmt.Fprintf(stdout, "wall time                   %.1f s\n", time.Since(start).Seconds())
	if *check {
		if bytes.Equal(file, digitnet.Embedded()) {
			fmt.Fprintln(stdout, "the weights are bit for bit the embedded file")
			return 0
		}
		fmt.Fprintln(stderr, "train: the weights differ from the embedded file")
		return 1
	}
	if err := atomicfile.WriteFile(*out, file); err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(file))
	return 0
}
