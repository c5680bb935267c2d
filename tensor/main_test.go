package tensor

import (
	"os"
	"testing"
)

// Every test of this package runs with poisoned storage: each new tensor
// starts full of NaN, as recycled storage would hold old values, so an
// operation that leaves an element of its result unwritten (or counts on
// zeros without asking for them) is caught.
func TestMain(m *testing.M) {
	poison = true
	os.Exit(m.Run())
}
