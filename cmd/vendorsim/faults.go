package main

import (
	"fmt"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// faultFlags are the simulator's fault-injection flags, applied to every fake.
type faultFlags struct {
	latency    *time.Duration
	retryAfter *time.Duration
	rates      map[fakefault.Kind]*float64
}

func registerFaultFlags(app *kingpin.Application) *faultFlags {
	f := &faultFlags{
		latency:    app.Flag("fault.latency", "Delay of every answer.").Default("0s").Duration(),
		retryAfter: app.Flag("fault.retry-after", "Retry-After of injected 429 answers.").Default("1s").Duration(),
		rates:      map[fakefault.Kind]*float64{},
	}
	for _, k := range fakefault.Kinds {
		f.rates[k] = app.Flag(fmt.Sprintf("fault.%s-rate", k), fmt.Sprintf("Fraction (0..1) of requests answered with the %q fault.", k)).Default("0").Float64()
	}
	return f
}

// apply configures one fake's injector from the flags.
func (f *faultFlags) apply(inj *fakefault.Injector, seed uint64) {
	inj.SetSeed(seed)
	inj.SetLatency(*f.latency)
	inj.SetRetryAfter(*f.retryAfter)
	for k, r := range f.rates {
		inj.SetRate(k, *r)
	}
}
