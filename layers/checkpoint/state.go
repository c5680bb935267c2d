package checkpoint

import (
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// State names everything a training run needs to continue exactly where it
// stopped. Each map's key prefixes the names of what it holds in the file:
//
//	Modules    {"G": g, "D": d}          → "G.0.weight", "D.2.running_mean", ...
//	Optimizers {"optG": a, "optD": b}    → "optG.adam.step", "optG.adam.m.0", ...
//	RNG        {"data": src}             → metadata "rng.data": the PCG's state, in hex
//	Meta       {"step": "1000"}          → metadata "step": "1000"
//
// A module contributes its parameters and its buffers (layers.BuffersOf),
// an optimizer its State. Metadata keys starting with "rng." are reserved
// for the generators.
type State struct {
	Modules    map[string]layers.Module
	Optimizers map[string]optim.Optimizer
	RNG        map[string]*rand.PCG
	Meta       map[string]string
}

// rngPrefix starts the metadata keys of the generators' states.
const rngPrefix = "rng."

// Save writes s to the safetensors file at path, atomically (see SaveFile).
// It returns an error, and writes nothing, if two tensors would get the
// same name, a Meta key starts with "rng.", or a generator cannot be
// encoded.
func Save(path string, s State) error {
	tensors := map[string]*tensor.Tensor{}
	for _, t := range s.targets() {
		if _, dup := tensors[t.name]; dup {
			return fmt.Errorf("checkpoint: save %s: two tensors are named %q", path, t.name)
		}
		tensors[t.name] = t.tensor
	}
	meta := make(map[string]string, len(s.Meta)+len(s.RNG))
	for _, k := range sortedKeys(s.Meta) {
		if strings.HasPrefix(k, rngPrefix) {
			return fmt.Errorf("checkpoint: save %s: metadata key %q: the prefix %q is reserved", path, k, rngPrefix)
		}
		meta[k] = s.Meta[k]
	}
	for _, name := range sortedKeys(s.RNG) {
		b, err := s.RNG[name].MarshalBinary()
		if err != nil {
			return fmt.Errorf("checkpoint: save %s: generator %q: %w", path, name, err)
		}
		meta[rngPrefix+name] = hex.EncodeToString(b)
	}
	return SaveFile(path, tensors, meta)
}

// Load reads the checkpoint at path into the objects of s, in place: the
// modules' parameters and buffers, the optimizers' states, the generators'
// states, and, if s.Meta is not nil, the free metadata (s.Meta is cleared
// and filled with the file's).
//
// The file must match s exactly. Load returns an error, and changes
// nothing, if the file is invalid, if a tensor or generator is missing from
// it or it has one s does not (the error lists them), if a shape differs
// (the error names the tensor and both shapes), or if an optimizer rejects
// its state.
func Load(path string, s State) error {
	tensors, meta, err := LoadFile(path)
	if err != nil {
		return err
	}
	if err := s.load(tensors, meta); err != nil {
		return fmt.Errorf("checkpoint: load %s: %w", path, err)
	}
	return nil
}

// target is one tensor of the state and where it lives.
type target struct {
	name      string
	tensor    *tensor.Tensor
	optimizer bool // part of an optimizer's state: loaded with LoadState
}

// targets lists every tensor of s with its full name, in a fixed order.
func (s State) targets() []target {
	var out []target
	for _, key := range sortedKeys(s.Modules) {
		m := s.Modules[key]
		for _, p := range m.Parameters() {
			out = append(out, target{name: key + "." + p.Name, tensor: p.Var.Value})
		}
		for _, b := range layers.BuffersOf(m) {
			out = append(out, target{name: key + "." + b.Name, tensor: b.Tensor})
		}
	}
	for _, key := range sortedKeys(s.Optimizers) {
		for _, b := range s.Optimizers[key].State() {
			out = append(out, target{name: key + "." + b.Name, tensor: b.Tensor, optimizer: true})
		}
	}
	return out
}

// load validates everything, then applies it: optimizers first (they may
// still refuse their state, and are rolled back if one does), then the
// module tensors, generators and metadata, which cannot fail any more.
func (s State) load(tensors map[string]*tensor.Tensor, meta map[string]string) error {
	targets := s.targets()
	if err := checkNames(targets, tensors, meta, s.RNG); err != nil {
		return err
	}
	if err := checkShapes(targets, tensors); err != nil {
		return err
	}
	if err := checkFinite(targets, tensors); err != nil {
		return err
	}
	rngStates := make(map[string][]byte, len(s.RNG))
	for _, name := range sortedKeys(s.RNG) { // the first bad one by name, the same every time
		b, err := hex.DecodeString(meta[rngPrefix+name])
		if err == nil {
			err = new(rand.PCG).UnmarshalBinary(b) // validate on a scratch generator
		}
		if err != nil {
			return fmt.Errorf("generator %q: bad state %q: %v", name, meta[rngPrefix+name], err)
		}
		rngStates[name] = b
	}
	if err := s.loadOptimizers(tensors); err != nil {
		return err
	}

	for _, t := range targets {
		if !t.optimizer {
			t.tensor.CopyFrom(tensors[t.name])
		}
	}
	for name, b := range rngStates {
		s.RNG[name].UnmarshalBinary(b) // validated above
	}
	if s.Meta != nil {
		clear(s.Meta)
		for k, v := range meta {
			if !strings.HasPrefix(k, rngPrefix) {
				s.Meta[k] = v
			}
		}
	}
	return nil
}

// loadOptimizers gives each optimizer its tensors from the file. If one
// refuses, those already loaded get their previous state back.
func (s State) loadOptimizers(tensors map[string]*tensor.Tensor) error {
	var done []string
	saved := map[string][]layers.Buffer{}
	for _, key := range sortedKeys(s.Optimizers) {
		opt := s.Optimizers[key]
		current := opt.State()
		saved[key] = cloneBuffers(current)
		state := make([]layers.Buffer, len(current))
		for i, b := range current {
			state[i] = layers.Buffer{Name: b.Name, Tensor: tensors[key+"."+b.Name]}
		}
		if err := opt.LoadState(state); err != nil {
			for _, k := range done {
				s.Optimizers[k].LoadState(saved[k]) // its own former state: accepted
			}
			return fmt.Errorf("optimizer %q: %w", key, err)
		}
		done = append(done, key)
	}
	return nil
}

func cloneBuffers(bs []layers.Buffer) []layers.Buffer {
	out := make([]layers.Buffer, len(bs))
	for i, b := range bs {
		out[i] = layers.Buffer{Name: b.Name, Tensor: b.Tensor.Clone()}
	}
	return out
}

// checkNames compares the names the state expects with those in the file,
// tensors and generators, and lists every difference.
func checkNames(targets []target, tensors map[string]*tensor.Tensor, meta map[string]string, rngs map[string]*rand.PCG) error {
	expected := make(map[string]bool, len(targets))
	var problems []string
	for _, t := range targets {
		if expected[t.name] {
			problems = append(problems, fmt.Sprintf("two tensors of the model are named %q", t.name))
		}
		expected[t.name] = true
	}
	var missing, extra []string
	for _, t := range targets {
		if tensors[t.name] == nil {
			missing = append(missing, t.name)
		}
	}
	for name := range tensors {
		if !expected[name] {
			extra = append(extra, name)
		}
	}
	var missingRNG, extraRNG []string
	for name := range rngs {
		if _, ok := meta[rngPrefix+name]; !ok {
			missingRNG = append(missingRNG, name)
		}
	}
	for k := range meta {
		if name, ok := strings.CutPrefix(k, rngPrefix); ok && !hasKey(rngs, name) {
			extraRNG = append(extraRNG, name)
		}
	}
	problems = appendList(problems, "the file lacks tensors", missing)
	problems = appendList(problems, "the file has tensors the model does not", extra)
	problems = appendList(problems, "the file lacks generators", missingRNG)
	problems = appendList(problems, "the file has generators the state does not", extraRNG)
	if len(problems) > 0 {
		return fmt.Errorf("does not match: %s", strings.Join(problems, "; "))
	}
	return nil
}

// maxListed caps how many names an error lists.
const maxListed = 10

func appendList(problems []string, what string, names []string) []string {
	if len(names) == 0 {
		return problems
	}
	slices.Sort(names)
	shown := names[:min(len(names), maxListed)]
	msg := what + " " + strings.Join(shown, ", ")
	if len(names) > maxListed {
		msg += fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	return append(problems, msg)
}

// checkShapes names every tensor whose shape in the file differs from the
// model's.
func checkShapes(targets []target, tensors map[string]*tensor.Tensor) error {
	var problems []string
	for _, t := range targets {
		got := tensors[t.name]
		if !slices.Equal(got.Shape(), t.tensor.Shape()) {
			problems = append(problems, fmt.Sprintf("tensor %q has shape %s in the file, %s in the model",
				t.name, tensor.FormatShape(got.Shape()), tensor.FormatShape(t.tensor.Shape())))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("does not match: %s", strings.Join(problems, "; "))
	}
	return nil
}

// checkFinite names the first tensor that holds NaN or ±Inf: the
// checkpoint of a run that diverged, which no training can continue from.
func checkFinite(targets []target, tensors map[string]*tensor.Tensor) error {
	for _, t := range targets {
		for i, v := range tensors[t.name].Data() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("tensor %q holds %v at index %d: the checkpoint of a diverged run", t.name, v, i)
			}
		}
	}
	return nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
