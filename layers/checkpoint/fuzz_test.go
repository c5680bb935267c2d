package checkpoint_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"ganbook/layers/checkpoint"
	"ganbook/tensor"
)

// FuzzRead feeds Read arbitrary bytes. Whatever the input, Read must not
// panic, must fail only with ErrFormat (the bytes are all there), and when
// it succeeds, writing the result and reading it back must give the same
// tensors, bit for bit, and the same metadata; writing that again must give
// the same bytes (the writer's output is canonical).
//
//	go test ./layers/checkpoint -run '^$' -fuzz FuzzRead -fuzztime 10m
func FuzzRead(f *testing.F) {
	valid := [][]byte{
		encode(f, map[string]*tensor.Tensor{"a": tensor.New([]float64{1, -2}, 2)}, nil),
		encode(f, map[string]*tensor.Tensor{"a": tensor.New([]float64{1, -2}, 2)}, map[string]string{"step": "7"}),
		encode(f, map[string]*tensor.Tensor{
			"G.0.weight": fromBits(specialValues, 4, 3),
			"G.0.bias":   tensor.Scalar(0.5),
			"empty":      tensor.Zeros(3, 0),
		}, map[string]string{"rng.data": "7063673a", "": ""}),
		encode(f, nil, nil),
		file(`{"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 1, 2),
		file(` {"a":{"data_offsets":[0,8],"shape":[],"dtype":"F64"}}`, 3),
	}
	for _, v := range valid {
		f.Add(v)
		f.Add(v[:len(v)-1]) // truncated
		f.Add(v[:len(v)/2]) // truncated in the header
		f.Add(append(v, 0)) // a byte too many
		corrupt := bytes.Clone(v)
		corrupt[0]++ // header length off by one
		f.Add(corrupt)
	}
	for _, c := range badFiles {
		f.Add(c.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tensors, meta, err := decode(b)
		if err != nil {
			require.True(t, errors.Is(err, checkpoint.ErrFormat), err.Error())
			return
		}
		first := encode(t, tensors, meta)
		again, metaAgain, err := decode(first)
		require.NoError(t, err)
		requireSameTensors(t, tensors, again)
		require.Equal(t, meta, metaAgain)
		require.Equal(t, first, encode(t, again, metaAgain))
	})
}
