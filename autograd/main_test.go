package autograd

import (
	"os"
	"testing"
)

// Every test of this package runs with verifyRecycling on: a backward pass
// that would recycle the storage of a forward value panics instead.
func TestMain(m *testing.M) {
	verifyRecycling = true
	os.Exit(m.Run())
}
