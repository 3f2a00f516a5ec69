// Package clumio reads backup health from the Clumio REST API: the inventory
// of AWS assets and S3 protection groups with their protection and backup
// status, the tasks (backup, restore and snapshot jobs) and the active
// individual alerts. It returns a backup.Snapshot; the wire format it speaks
// is described in shared/vendors/clumio.md.
//
// Clumio has no storage quota in the endpoints a read-only client can use,
// so the client reports the assets, jobs and alerts parts only.
package clumio
