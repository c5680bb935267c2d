package tensor

import (
	"flag"
	"os"
	"testing"
)

// Every test of this package runs with poisoned storage: each new tensor
// starts full of NaN, as recycled storage would hold old values, so an
// operation that leaves an element of its result unwritten (or counts on
// zeros without asking for them) is caught. A run with -bench measures
// the package as programs use it, without the poison (and the tests of
// such a run go without it too; `go test ./tensor` keeps them poisoned).
func TestMain(m *testing.M) {
	flag.Parse()
	poison = flag.Lookup("test.bench").Value.String() == ""
	os.Exit(m.Run())
}
