// Package clumio reads backup health from the Clumio REST API: the inventory
// of AWS assets and S3 protection groups with their protection and backup
// status, the tasks (backup, restore and snapshot jobs; completed restores
// give each asset's last restore), the active individual alerts and the S3
// instant-access endpoints. It returns a backup.Snapshot; the wire format it
// speaks is described in shared/vendors/clumio.md.
//
// Clumio has no storage quota in the endpoints a read-only client can use,
// so the client reports the assets, jobs, alerts and restore_endpoints parts.
//
// Client.Drill runs an opt-in restore drill: the one place the client writes,
// with a single POST that creates a self-expiring instant-access endpoint.
package clumio
