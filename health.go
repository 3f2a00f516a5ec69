package main

import (
	"fmt"
	"net/http"
	"strings"
)

// healthRoutes are the routes of --web.health-listen-address: /-/healthy
// and /-/ready, and nothing else. That listener carries no authentication,
// so that kubelet probes need no credentials, and so it reveals nothing but
// health: not even the names of the targets waited on, which at a managed
// service provider are often customers' names.
func (s *server) healthRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	s.handleHealth(mux, false)
	return mux
}

// handleHealth adds /-/healthy and /-/ready to mux. With nameTargets, a
// /-/ready that answers 503 names the targets still waited on.
func (s *server) handleHealth(mux *http.ServeMux, nameTargets bool) {
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Healthy")
	})
	mux.HandleFunc("/-/ready", s.readiness(nameTargets))
}

// readiness answers 503 until every target's first refresh has ended, well
// or badly (a target that is down is ready: it serves backup_up 0); then 200
// for good. A target that a reload adds later does not make a serving
// replica unready: the others' data would be lost for nothing while it warms
// up in the background. With --web.probe-only nothing is fetched before it
// is probed, so there is nothing to wait for.
func (s *server) readiness(nameTargets bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if !s.probeOnly && !s.ready.Load() {
			if pending := s.reloader.Exporter().Pending(); len(pending) > 0 {
				waited := fmt.Sprintf("%d target(s)", len(pending))
				if nameTargets {
					waited = strings.Join(pending, ", ")
				}
				http.Error(w, "Not ready: waiting for the first refresh of "+waited, http.StatusServiceUnavailable)
				return
			}
			s.ready.Store(true)
		}
		fmt.Fprintln(w, "Ready")
	}
}
