package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A bad -mnist folder is reported, naming the file, before any training;
// unknown flags and arguments are usage errors.
func TestBadArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"-mnist", "/nonexistent"}, &stdout, &stderr))
	assert.Equal(t, "train: data: MNIST: neither /nonexistent/t10k-images-idx3-ubyte nor /nonexistent/t10k-images-idx3-ubyte.gz exists (docs/data.md says how to get the files)\n", stderr.String())
	assert.Empty(t, stdout.String())
	stderr.Reset()
	assert.Equal(t, 2, run([]string{"-nonsense"}, &stdout, &stderr))
	assert.True(t, strings.Contains(stderr.String(), "Usage"), stderr.String())
	stderr.Reset()
	assert.Equal(t, 2, run([]string{"extra"}, &stdout, &stderr))
	assert.Equal(t, "train: unexpected argument \"extra\"\n", stderr.String())
}
