package live_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"ganbook/gan/live"
)

// A chapter wires -serve like this: one flag, and one call that replaces
// the chapter's own run while the page is open. The context comes from
// signal.NotifyContext(context.Background(), os.Interrupt), so Ctrl-C stops
// the server and the run cleanly; here a timeout stands in for Ctrl-C.
//
//	serve := fs.String("serve", "", "serve a live view of training on this address (localhost:8080) instead of the run")
//	...
//	if *serve != "" {
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//		defer stop()
//		return live.Serve(ctx, *serve, live.Config{Data: "mixture-1d", LRG: 5e-4, LRD: 5e-4, Seed: env.Seed}, env.Stdout)
//	}
func ExampleServe() {
	ctx, stop := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer stop()
	err := live.Serve(ctx, "localhost:0", live.Config{Data: "mixture-1d", Seed: 1, Paused: true}, os.Stderr)
	fmt.Println("stopped:", err)
	// Output: stopped: <nil>
}

// An address that other machines can reach needs Config.AllowRemote.
func ExampleServe_remote() {
	err := live.Serve(context.Background(), ":8080", live.Config{}, os.Stdout)
	fmt.Println(err)
	// Output: live: address ":8080" would accept connections from other machines; use localhost:PORT, or set Config.AllowRemote to serve anyone who can reach this one
}

// Bad settings are refused with the field's name, before anything starts.
func ExampleConfig_Validate() {
	fmt.Println(live.Config{Data: "ring-8", LRG: 2}.Validate())
	fmt.Println(live.Config{Loss: "lsgan"}.Validate())
	// Output:
	// lr_g = "2": must be in (0, 1]
	// loss = "lsgan": unknown loss; want one of minimax, non-saturating, wgan-clip, wgan-gp, dragan
}
