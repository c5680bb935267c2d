package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"ganbook/tensor"
)

// MNIST's four files, as distributed: for split "train" (60,000 digits)
// and "t10k" (10,000), an image file and a label file, each plain or
// gzip-compressed (with ".gz" appended).
const (
	mnistImages = "%s-images-idx3-ubyte"
	mnistLabels = "%s-labels-idx1-ubyte"
)

// LoadMNIST reads split "train" or "t10k" ("test" is accepted for "t10k")
// of MNIST from the folder dir: the files <split>-images-idx3-ubyte and
// <split>-labels-idx1-ubyte, each either plain or with ".gz" (the plain
// one is used when both exist). It returns the images as an (n, 1, 28, 28)
// tensor with the pixel levels 0..255 mapped linearly to [−1, 1]
// (v/127.5 − 1: background −1, ink 1, the range of a tanh generator), and
// the n labels.
//
// It returns an error, naming the file, if a file is missing or is not a
// valid IDX file (see ReadIDX), if the images are not (n, 28, 28) or the
// labels not (n), if the counts differ, or if a label is above 9. An
// unknown split is an error too. docs/data.md says how to get the files.
func LoadMNIST(dir, split string) (images *tensor.Tensor, labels []int, err error) {
	switch split {
	case "train", "t10k":
	case "test":
		split = "t10k"
	default:
		return nil, nil, fmt.Errorf("data: MNIST: split %q, want \"train\" or \"t10k\" (or \"test\")", split)
	}
	imagePath, err := findMNISTFile(dir, fmt.Sprintf(mnistImages, split))
	if err != nil {
		return nil, nil, err
	}
	labelPath, err := findMNISTFile(dir, fmt.Sprintf(mnistLabels, split))
	if err != nil {
		return nil, nil, err
	}
	img, err := ReadIDXFile(imagePath)
	if err != nil {
		return nil, nil, fmt.Errorf("data: MNIST: %w", err)
	}
	lab, err := ReadIDXFile(labelPath)
	if err != nil {
		return nil, nil, fmt.Errorf("data: MNIST: %w", err)
	}
	if len(img.Dims) != 3 || img.Dims[1] != 28 || img.Dims[2] != 28 {
		return nil, nil, fmt.Errorf("data: MNIST: %s holds sizes %v, want (n, 28, 28)", imagePath, img.Dims)
	}
	if len(lab.Dims) != 1 {
		return nil, nil, fmt.Errorf("data: MNIST: %s holds sizes %v, want (n)", labelPath, lab.Dims)
	}
	n := img.Dims[0]
	if lab.Dims[0] != n {
		return nil, nil, fmt.Errorf("data: MNIST: %d labels in %s for %d images in %s", lab.Dims[0], labelPath, n, imagePath)
	}
	labels = make([]int, n)
	for i, l := range lab.Data {
		if l >= DigitClasses {
			return nil, nil, fmt.Errorf("data: MNIST: label %d of %s is %d, want 0..9", i, labelPath, l)
		}
		labels[i] = int(l)
	}
	images = tensor.Zeros(n, 1, 28, 28)
	x := images.Data()
	for i, v := range img.Data {
		x[i] = float64(v)/127.5 - 1
	}
	return images, labels, nil
}

// findMNISTFile returns dir/name if it exists, else dir/name.gz if that
// exists, else an error naming both.
func findMNISTFile(dir, name string) (string, error) {
	plain := filepath.Join(dir, name)
	for _, path := range []string{plain, plain + ".gz"} {
		_, err := os.Stat(path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("data: MNIST: %w", err)
		}
	}
	return "", fmt.Errorf("data: MNIST: neither %s nor %s.gz exists (docs/data.md says how to get the files)", plain, plain)
}
