// Package e2e holds the end-to-end tests: cmd/vendorsim, the exporter and real
// Prometheus and Alertmanager servers on loopback (build tag e2e), and the
// soak test (build tag soak). The package has no code of its own outside its
// tests.
package e2e
