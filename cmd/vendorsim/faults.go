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
	startAfter *time.Duration
	path       *string
	rates      map[fakefault.Kind]*float64
}

func registerFaultFlags(app *kingpin.Application) *faultFlags {
	f := &faultFlags{
		latency:    app.Flag("fault.latency", "Delay of every answer.").Default("0s").Duration(),
		retryAfter: app.Flag("fault.retry-after", "Retry-After of injected 429 answers.").Default("1s").Duration(),
		startAfter: app.Flag("fault.start-after", "Serve faithfully this long (or until SIGUSR1) before the fault rates apply: an API that worked, then broke.").Default("0s").Duration(),
		path:       app.Flag("fault.path", "Inject the faults only into requests whose path contains this (one endpoint failing, such as a part the token may not read); empty: every request.").String(),
		rates:      map[fakefault.Kind]*float64{},
	}
	for _, k := range fakefault.Kinds {
		f.rates[k] = app.Flag(fmt.Sprintf("fault.%s-rate", k), fmt.Sprintf("Fraction (0..1) of requests answered with the %q fault.", k)).Default("0").Float64()
	}
	return f
}

// apply configures one fake's injector from the flags; the fault rates take
// effect after --fault.start-after, or when incidents is closed if sooner.
func (f *faultFlags) apply(inj *fakefault.Injector, seed uint64, incidents <-chan struct{}) {
	inj.SetSeed(seed)
	inj.SetLatency(*f.latency)
	inj.SetRetryAfter(*f.retryAfter)
	inj.SetPathFilter(*f.path)
	setRates := func() {
		for k, r := range f.rates {
			inj.SetRate(k, *r)
		}
	}
	if *f.startAfter > 0 {
		go func() {
			select {
			case <-time.After(*f.startAfter):
			case <-incidents:
			}
			setRates()
		}()
		return
	}
	setRates()
}
