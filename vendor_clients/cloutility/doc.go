// Package cloutility reads Auwau Cloutility, the portal that Safespring's
// backup service (IBM Storage Protect) is run from, and maps it to the
// vendor-neutral backup.Snapshot.
//
// Auth is OAuth2: a password grant at POST /v1/oauth (form body), renewed
// with the refresh-token grant shortly before the ~5-minute access token
// expires, and an Origin header on every call. Concurrent requests share one
// login; a 401 causes one password login and one retry.
//
// The mapping (see ../../shared/DESIGN.md for the metrics):
//   - an asset is a consumption unit (consumer) with its backup node; its id
//     and name are the consumer's, its type is "cloutility_node" and its
//     tenant is its business unit's name. It is protected when its node is
//     neither decommissioned nor locked and the consumer is Active;
//   - the last success is the end of the newest backup job that completed
//     (with or without warnings), carried forward between refreshes, else the
//     newest lastBackupEnd of the node's filespaces; last seen is the node's
//     lastAccessTime; the size is the latest node report's megaBytes;
//   - storage is scope "consumer" (report megaBytes, limit limitHighStorage)
//     and scope "business_unit" (the sum over the unit and its descendants,
//     limit storageLimit where > 0);
//   - alerts are the latest node reports' warnings, typed by warning-type
//     name and graded by their ErrorStatus (Error → error, Warning → warning,
//     Ok, OkWithWarnings and Pending → info; Ignored ones are not active);
//   - jobs are the consumers' jobs by JobType and JobStatus (with the Storage
//     Protect result code), Retrieve counting as a restore.
//
// Units: the API's MB are Storage Protect's binary megabytes, so 1 MB =
// 1,048,576 bytes, and its GB limits are 1,073,741,824 bytes.
package cloutility
