//go:build purego || !amd64

package tensor

// Without assembly (the purego build tag, or a CPU other than amd64) every
// packed product runs the portable Go kernel of matmul.go.

// platformKernels lists the kernels for this build: the portable one.
func platformKernels() []*gemmKernel { return []*gemmKernel{kernelGo} }
