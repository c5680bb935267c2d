package chapter

import (
	"flag"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"ganbook/layers/sysmem"
)

// FlagSet is where a chapter registers its own flags. Every numeric flag
// is registered with the values it accepts, so that Main can check them
// all before anything is trained or written, and answer a bad one with one
// line naming the flag and the value: "-lr must be positive and finite,
// got NaN". A chapter also tells, through Memory, how much memory its flags
// ask for.
type FlagSet struct {
	fs     *flag.FlagSet
	checks []func() error
	memory func(Flags) []Need

	serveAddr string                           // -serve, when the chapter offers it
	serve     func(addr string, env Env) error // what -serve runs
}

// Int registers an integer flag that must be at least min. It accepts
// whole numbers in exponent form too ("-steps 1e4").
func (f *FlagSet) Int(p *int, name string, value int, usage string, min int) {
	*p = value
	f.fs.Var((*intValue)(p), name, usage)
	f.checks = append(f.checks, func() error {
		if *p < min {
			return fmt.Errorf("-%s must be at least %d, got %d", name, min, *p)
		}
		return nil
	})
}

// FloatRule is the set of values a float flag accepts.
type FloatRule int

const (
	// Positive accepts finite values > 0 (learning rates, bounds).
	Positive FloatRule = iota
	// NonNegative accepts finite values ≥ 0 (penalty weights).
	NonNegative
)

// Float registers a float flag whose values must satisfy rule; NaN and ±Inf
// are never accepted.
func (f *FlagSet) Float(p *float64, name string, value float64, usage string, rule FloatRule) {
	f.fs.Float64Var(p, name, value, usage)
	f.checks = append(f.checks, func() error {
		v := *p
		switch {
		case rule == Positive && !(v > 0 && !math.IsInf(v, 1)):
			return fmt.Errorf("-%s must be positive and finite, got %g", name, v)
		case rule == NonNegative && !(v >= 0 && !math.IsInf(v, 1)):
			return fmt.Errorf("-%s must be non-negative and finite, got %g", name, v)
		}
		return nil
	})
}

// Serve registers -serve ADDR, for a chapter whose training can also be
// watched and steered live in a browser (gan/live). Given -serve, Main
// checks the flags as usual and then calls serve with the address instead
// of the chapter's body: nothing is written into -out and the folder is
// left as it is. serve should return nil when Env.Context is cancelled
// (Ctrl-C stops a server as the normal way of ending it).
func (f *FlagSet) Serve(usage string, serve func(addr string, env Env) error) {
	f.fs.StringVar(&f.serveAddr, "serve", "", usage)
	f.serve = serve
	f.checks = append(f.checks, func() error {
		if f.serveAddr == "" {
			return nil
		}
		if _, port, err := net.SplitHostPort(f.serveAddr); err != nil || port == "" {
			return fmt.Errorf("-serve must be host:port, such as localhost:8080, got %q", f.serveAddr)
		}
		return nil
	})
}

// String registers a string flag whose value check accepts or refuses
// before anything is created, trained or written, as every other flag's
// (a folder to read data from, say). A refusal is the error check returns,
// shown on one line after the flag's name: "-data /tmp/x: …".
func (f *FlagSet) String(p *string, name, value, usage string, check func(v string) error) {
	f.fs.StringVar(p, name, value, usage)
	f.checks = append(f.checks, func() error {
		if err := check(*p); err != nil {
			return fmt.Errorf("-%s %s: %w", name, *p, err)
		}
		return nil
	})
}

// Check registers a rule that no single flag expresses, such as one flag
// bounded by another: it runs after the checks of the flags registered
// before it, before anything is created, trained or written, and its error
// is the one line the user sees, so it must name the flags and values.
func (f *FlagSet) Check(check func() error) { f.checks = append(f.checks, check) }

// Bool registers a boolean flag.
func (f *FlagSet) Bool(p *bool, name string, value bool, usage string) {
	f.fs.BoolVar(p, name, value, usage)
}

// Need is a part of the memory a run takes: what it is, with the flags and
// values it grows with, and how many bytes.
type Need struct {
	What  string // "the critic's activations (-hidden 64 × -batch 64)"
	Bytes float64
}

// Memory registers the estimate of the memory a run takes with the parsed
// flags. Main adds up the parts and refuses a run that needs more than the
// machine has available, naming the largest part. The estimate need not be
// exact: it is there to turn "fatal error: runtime: out of memory" after a
// minute of training into one clear line before it, so it should be right
// within a small factor where runs are large.
func (f *FlagSet) Memory(estimate func(Flags) []Need) { f.memory = estimate }

// List returns the flags a chapter takes, its own and -seed, -steps and
// -out, with their defaults, in name order: what a test goes through.
func List(spec Spec) []*flag.Flag {
	var discard strings.Builder
	_, fs := newFlagSet(spec, &discard, &discard)
	spec.Setup(fs)
	var out []*flag.Flag
	fs.fs.VisitAll(func(f *flag.Flag) { out = append(out, f) })
	return out
}

// check runs every flag's check, then the memory estimate.
func (f *FlagSet) check(flags Flags) error {
	for _, c := range f.checks {
		if err := c(); err != nil {
			return err
		}
	}
	if f.memory == nil {
		return nil
	}
	available, ok := sysmem.Available()
	if !ok {
		return nil
	}
	return fitMemory(f.memory(flags), float64(available))
}

// fitMemory returns an error if the needs add up to more than available
// bytes, naming the largest.
func fitMemory(needs []Need, available float64) error {
	total, largest := 0.0, Need{}
	for _, n := range needs {
		total += n.Bytes
		if n.Bytes > largest.Bytes {
			largest = n
		}
	}
	if total <= available {
		return nil
	}
	return fmt.Errorf("these flags need about %s of memory and %s is available; the largest part is %s: %s",
		sysmem.Format(total), sysmem.Format(available), largest.What, sysmem.Format(largest.Bytes))
}

// intValue is an int flag that also reads whole numbers written with an
// exponent, 1e4, as people write step counts.
type intValue int

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }

// Get returns the value as an int (flag.Getter).
func (v *intValue) Get() any { return int(*v) }

func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err == nil {
		*v = intValue(n)
		return nil
	}
	if strings.ContainsAny(s, "eE") && !strings.HasPrefix(s, "0x") {
		if x, ferr := strconv.ParseFloat(s, 64); ferr == nil && x == math.Trunc(x) {
			if math.Abs(x) > 1<<62 {
				return fmt.Errorf("%s is out of range", s)
			}
			*v = intValue(x)
			return nil
		}
	}
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return fmt.Errorf("%s is out of range", s)
	}
	return fmt.Errorf("%q is not a whole number", s)
}
