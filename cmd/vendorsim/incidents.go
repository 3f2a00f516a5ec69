package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// incidentsOnSignal returns a channel that is closed at the first SIGUSR1:
// what --fault.start-after and --live.size-anomalies-after delay starts
// then, at once. A test that must first see the healthy state (a Prometheus
// that scraped a target's success, or enough history for a size baseline)
// starts the incidents when it has, rather than after a delay that a slow
// machine may overrun.
func incidentsOnSignal(ctx context.Context) <-chan struct{} {
	started := make(chan struct{})
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		defer signal.Stop(usr1)
		select {
		case <-usr1:
			close(started)
		case <-ctx.Done():
		}
	}()
	return started
}

// closed holds once ch is closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
