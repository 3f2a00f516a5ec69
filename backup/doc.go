// Package backup is the vendor-neutral model of backup health that vendor
// clients produce and the collector turns into metrics.
//
// It is the ground floor of backup_exporter: it performs no I/O, knows nothing
// of Prometheus and imports no other package of the project.
package backup
