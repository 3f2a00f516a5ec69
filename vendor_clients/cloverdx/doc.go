// Package cloverdx reads backup health from a CloverDX Server through its
// REST API v1: the execution history of job files (graphs and jobflows) and
// the monitors of the Operations Dashboards.
//
// The target URL is the server root, such as https://etl.example.com/clover:
// the REST resources live under <url>/api/rest/v1 and the liveness page at
// <url>/accessibilityTest.jsp. A URL that already ends in /api/rest/v1 is
// accepted too and taken back to its root.
//
// Mapping to the vendor-neutral model:
//   - an asset is a job file in a sandbox: ID "<sandbox>/<jobFile>", name the
//     job file, type "graph" (.grf), "jobflow" (.jbf) or "job" (any other
//     extension, such as .rjob data services), tenant the sandbox;
//   - CloverDX reports no schedule coverage through the endpoints read here,
//     so every job file that has run within `history` is protected: leaving
//     the series out would silence the RPO alert of a job that stopped;
//   - executions are ETL runs, not backups, so every job has type "other";
//   - monitors map to backup_monitor_state with the id "<dashboard>/<monitor>",
//     and each failing monitor item is an active alert whose alert_type is
//     the item's type (schedule, event_listener, data_service; "monitor" when
//     a monitor is listed without its items) and whose severity follows its
//     alert level: critical → critical, high → error, the rest → warning.
package cloverdx
