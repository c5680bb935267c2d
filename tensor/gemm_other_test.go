//go:build purego || !amd64

package tensor

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Without assembly, products run the portable kernel.
func TestPortableKernelOnly(t *testing.T) {
	assert.Equal(t, "portable Go 2x4", KernelName())
	assert.Equal(t, []*gemmKernel{kernelGo}, gemmKernels)
}
