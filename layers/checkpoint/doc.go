// Package checkpoint saves and restores tensors, and whole training runs,
// in the safetensors format.
//
// # The file format
//
// A safetensors file is three parts, one after the other:
//
//	8 bytes   N, the header's length, an unsigned little-endian integer
//	N bytes   the header: a JSON object, padded with spaces to a multiple of 8
//	the rest  the data: every tensor's values, raw, little-endian
//
// The header maps each tensor's name to its type, shape and place in the
// data section, and may hold one more key, "__metadata__", mapping strings
// to strings:
//
//	{"__metadata__":{"step":"1000"},
//	 "G.0.weight":{"dtype":"F64","shape":[64,2],"data_offsets":[0,1024]},
//	 "G.0.bias":{"dtype":"F64","shape":[64],"data_offsets":[1024,1536]}}
//
// Offsets count bytes from the start of the data section; a tensor's
// values are in row-major order. ganbook writes only float64 ("F64"),
// tensors in name order with no gaps, as the reference implementation
// (Hugging Face's safetensors) does, so Python's safetensors.torch.load_file
// and safetensors.numpy.load_file read our files. The format has no code in
// it, unlike Python pickles: loading a file can only ever produce tensors.
//
// # Trusting nothing
//
// A file may be truncated, corrupted or crafted. Read and LoadFile check
// everything before they allocate or return anything: the header length
// against the file's size (and a limit of 100 MB), that the header is valid
// UTF-8 JSON with no key twice, that each dtype is F64, that every shape
// and offset is a whole number ≥ 0, that the tensors' byte ranges tile the
// data section exactly (from 0, no gap, no overlap, nothing left over), and
// that each range holds exactly the shape's number of values (computed
// without overflow). Every failure is an error wrapping ErrFormat that names
// the file, the tensor and what is wrong; no input makes them panic.
//
// # Training state
//
// Save and Load (state.go) build on this to checkpoint a training run: the
// parameters and buffers of one or more modules, the state of their
// optimizers, the random generators' state and free metadata such as the
// step number. Names are prefixed with the key of each part
// ("G.0.weight", "D.2.running_mean", "optG.adam.m.0"). A run resumed from a
// checkpoint continues bit for bit as if it had never stopped.
//
// Files are written atomically (ganbook/layers/atomicfile): a crash or an
// error during Save leaves the previous checkpoint in place.
package checkpoint
