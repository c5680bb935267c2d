package live

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	require.NoError(t, Config{}.Validate(), "the zero Config means the defaults")
	for _, set := range DataSets() {
		for _, loss := range Losses() {
			require.NoError(t, Config{Data: set, Loss: loss}.Validate())
		}
	}
	tests := []struct {
		cfg   Config
		field string
	}{
		{Config{Data: "moons"}, "data"},
		{Config{Loss: "lsgan"}, "loss"},
		{Config{LRG: -1}, "lr_g"},
		{Config{LRG: math.NaN()}, "lr_g"},
		{Config{LRD: math.Inf(1)}, "lr_d"},
		{Config{LRD: 1.5}, "lr_d"},
		{Config{DSteps: -1}, "d_steps"},
		{Config{DSteps: MaxDSteps + 1}, "d_steps"},
		{Config{Batch: 1}, "batch"},
		{Config{Batch: MaxBatch + 1}, "batch"},
		{Config{Hidden: -3}, "hidden"},
		{Config{Hidden: MaxHidden + 1}, "hidden"},
		{Config{Lambda: -1}, "lambda"},
		{Config{Lambda: math.NaN()}, "lambda"},
		{Config{Clip: -0.1}, "clip"},
		{Config{MaxSteps: -1}, "max_steps"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			err := tt.cfg.Validate()
			fe, ok := errors.AsType[*FieldError](err)
			require.True(t, ok, "want a *FieldError, got %v", err)
			assert.Equal(t, tt.field, fe.Field)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestSetField(t *testing.T) {
	// Each accepted value is stored in its field, and only there (every
	// value differs from the default).
	good := []struct {
		field, value string
		set          func(*Config)
	}{
		{"data", "grid-25", func(c *Config) { c.Data = "grid-25" }},
		{"loss", "wgan-gp", func(c *Config) { c.Loss = "wgan-gp" }},
		{"lr_g", "2e-4", func(c *Config) { c.LRG = 2e-4 }},
		{"lr_d", " 0.5 ", func(c *Config) { c.LRD = 0.5 }},
		{"d_steps", "5", func(c *Config) { c.DSteps = 5 }},
		{"seed", "18446744073709551615", func(c *Config) { c.Seed = 18446744073709551615 }},
	}
	for _, g := range good {
		cfg := DefaultConfig()
		require.NoError(t, cfg.setField(g.field, g.value), "%s=%s", g.field, g.value)
		want := DefaultConfig()
		g.set(&want)
		require.NotEqual(t, DefaultConfig(), want, "%s=%s is the default", g.field, g.value)
		assert.Equal(t, want, cfg, "%s=%s", g.field, g.value)
	}

	bad := []struct{ field, value string }{
		{"data", ""}, {"data", "moons"}, {"loss", ""}, {"loss", "LSGAN"},
		{"lr_g", ""}, {"lr_g", "abc"}, {"lr_g", "NaN"}, {"lr_g", "Inf"}, {"lr_g", "-Inf"}, {"lr_g", "0"}, {"lr_g", "-1e-3"},
		{"lr_g", "1.0001"}, {"lr_d", "1e400"}, {"lr_d", "0x"},
		{"d_steps", "0"}, {"d_steps", "-2"}, {"d_steps", "1.5"}, {"d_steps", "21"}, {"d_steps", "99999999999999999999"},
		{"seed", "0"}, {"seed", "-1"}, {"seed", "1e3"}, {"seed", "18446744073709551616"},
		{"batch", "10"}, {"hidden", "10"}, {"bogus", "1"},
	}
	for _, b := range bad {
		t.Run(b.field+"="+b.value, func(t *testing.T) {
			cfg := DefaultConfig()
			err := cfg.setField(b.field, b.value)
			fe, ok := errors.AsType[*FieldError](err)
			require.True(t, ok, "want a *FieldError, got %v", err)
			assert.Equal(t, b.field, fe.Field)
			assert.Equal(t, DefaultConfig(), cfg, "a refused value must change nothing")
		})
	}
}
