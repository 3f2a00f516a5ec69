package cloutilityfake

import (
	"fmt"
	"strconv"
	"time"
)

// obj is one JSON object of the API; encoding/json writes its keys sorted.
type obj = map[string]any

// collection renders a `$type`-tagged hypermedia collection as the API
// writes lists: {"$type", "href", "total", "offset", "first", "items"}.
// The API does not page these lists: offset is always 0. [I]
func collection(model, href string, items []obj) obj {
	if items == nil {
		items = []obj{}
	}
	return obj{
		"$type":  fmt.Sprintf("Cloutility.Api.Models.Collection`1[[Cloutility.Api.Models.%s, Cloutility.Api]], Cloutility.Api", model),
		"href":   href,
		"total":  len(items),
		"offset": 0,
		"first":  href,
		"items":  items,
	}
}

// date renders a date as the API does, in UTC with milliseconds.
func date(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// setDate sets o[key] to t, leaving the field out when t is zero.
func setDate(o obj, key string, t time.Time) {
	if !t.IsZero() {
		o[key] = date(t)
	}
}

// named renders an {id, name} reference.
func named(id int, name string) obj { return obj{"id": id, "name": name} }

func bunitHref(id int) string { return "/v1/bunits/" + strconv.Itoa(id) }
func consumerHref(c *Consumer) string {
	return bunitHref(c.BusinessUnitID) + "/consumers/" + strconv.Itoa(c.ID)
}

// simpleBunit renders a SimpleBusinessUnit with its descendants.
func simpleBunit(d *Data, b *BusinessUnit) obj {
	children := []obj{}
	for _, c := range d.BusinessUnits {
		if c.ParentID == b.ID && c.ID != b.ID {
			children = append(children, simpleBunit(d, c))
		}
	}
	o := obj{
		"id":             b.ID,
		"name":           b.Name,
		"groupName":      "",
		"reportRemotely": false,
		"businessUnits":  children,
		"tags":           []obj{},
		"invoiceDay":     1,
	}
	if b.ParentID != 0 {
		o["parentId"] = b.ParentID
	}
	return o
}

// fullBunit renders a BusinessUnit with its limits.
func fullBunit(d *Data, b *BusinessUnit) obj {
	o := obj{
		"id":                   b.ID,
		"href":                 bunitHref(b.ID),
		"name":                 b.Name,
		"storageLimit":         b.StorageLimitGB,
		"transferLimit":        b.TransferLimitGB,
		"nodeLimit":            b.NodeLimit,
		"billingStorageTypeId": 1,
		"reportRemotely":       false,
		"tags":                 []obj{},
		"createdDate":          date(b.Created),
	}
	if p := d.bunit(b.ParentID); p != nil {
		o["parentBusinessUnit"] = obj{"id": p.ID, "name": p.Name, "href": bunitHref(p.ID)}
	}
	return o
}

// slimConsumer renders a consumer as the list endpoint does: without its
// node, jobs or comments.
func slimConsumer(c *Consumer) obj {
	o := obj{
		"id":              c.ID,
		"href":            consumerHref(c),
		"name":            c.Name,
		"dataSourceType":  named(1, "SP Backup node"),
		"dataSourceState": named(int(c.State), stateNames[c.State]),
		"createdDate":     date(c.Created),
	}
	if c.LimitHighStorageGB != nil {
		o["limitHighStorage"] = *c.LimitHighStorageGB
	}
	setDate(o, "latestRestorePoint", c.LatestRestorePoint)
	return o
}

// fullConsumer renders a consumer as its item endpoint does.
func fullConsumer(d *Data, c *Consumer) obj {
	o := slimConsumer(c)
	o["dataSourceIsPotentialParent"] = false
	o["allowNoActivity"] = c.AllowNoActivity
	o["billingStartDate"] = date(c.Created)
	o["tags"] = []obj{}
	o["comments"] = collection("Comment", consumerHref(c)+"/comments", nil)
	if b := d.bunit(c.BusinessUnitID); b != nil {
		o["businessUnit"] = obj{"id": b.ID, "name": b.Name, "href": bunitHref(b.ID)}
	}
	if c.Node != nil {
		o["node"] = obj{"id": c.Node.ID, "href": consumerHref(c) + "/node"}
	}
	return o
}

// renderNode renders a Node. lastAccessTime is documented as a string, not a
// date: it is written without a zone. [I]
func renderNode(c *Consumer) obj {
	n := c.Node
	fs := make([]obj, 0, len(n.Filespaces))
	for _, f := range n.Filespaces {
		fs = append(fs, obj{"id": f.ID, "name": f.Name})
	}
	o := obj{
		"id":               n.ID,
		"href":             consumerHref(c) + "/node",
		"name":             n.Name,
		"tsmName":          n.Name,
		"tsmNodeId":        n.ID,
		"locked":           n.Locked,
		"decommissioned":   n.Decommissioned,
		"operatingSystem":  "Linux",
		"syncState":        named(1, "Synchronized"),
		"domain":           obj{"name": "STANDARD", "backupRetention": n.BackupRetentionDays, "archiveRetention": 365},
		"filespaces":       fs,
		"platform":         "Linux x86-64",
		"replicationState": false,
		"dataSourceState":  named(int(c.State), stateNames[c.State]),
		"consumer":         obj{"id": c.ID, "href": consumerHref(c)},
		"createdDate":      date(c.Created),
		"activatedDate":    date(c.Created),
		"registeredTime":   c.Created.UTC().Format("2006-01-02T15:04:05"),
	}
	if n.ClientVersion != "" {
		o["tsmClientVersion"] = obj{"name": n.ClientVersion}
	}
	if !n.LastAccess.IsZero() {
		o["lastAccessTime"] = n.LastAccess.UTC().Format("2006-01-02T15:04:05")
	}
	return o
}

func renderFilespace(c *Consumer, f Filespace) obj {
	o := obj{
		"id":                f.ID,
		"href":              consumerHref(c) + "/node/filespaces/" + strconv.Itoa(f.ID),
		"name":              f.Name,
		"tsmFilespaceId":    f.ID,
		"type":              "EXT4",
		"capacityMegaBytes": f.CapacityMB,
		"createdDate":       date(c.Created),
	}
	setDate(o, "lastBackupStart", f.LastBackupStart)
	setDate(o, "lastBackupEnd", f.LastBackupEnd)
	return o
}

// renderReport renders a NodeReport; status and warnings only when asked
// for, as the reports call's `status` and `warnings` switches say.
func renderReport(d *Data, c *Consumer, withStatus, withWarnings bool) obj {
	r := c.Report
	o := obj{
		"id":                r.ID,
		"href":              consumerHref(c) + "/reports/" + strconv.Itoa(r.ID),
		"name":              c.Name,
		"consumerId":        c.ID,
		"businessUnitId":    c.BusinessUnitID,
		"reportDate":        date(r.Date),
		"createdDate":       date(r.Date.Add(4 * time.Hour)),
		"pending":           r.Status == Pending,
		"errorsDeactivated": false,
		"proxyNodeReports":  []obj{},
	}
	if b := d.bunit(c.BusinessUnitID); b != nil {
		o["businessUnitName"] = b.Name
	}
	if c.Node != nil {
		o["nodeId"], o["tsmName"], o["dataSource"] = c.Node.ID, c.Node.Name, c.Node.Name
	}
	if r.MegaBytes != nil {
		o["megaBytes"], o["backupMegaBytes"], o["archiveMegaBytes"] = *r.MegaBytes, *r.MegaBytes, 0.0
		o["megaBytesForCurrentBusinessUnit"] = *r.MegaBytes
	}
	if r.TransferredBackupMB != nil {
		o["transferredBackupMegaBytes"] = *r.TransferredBackupMB
	}
	if r.TransferredRestoreMB != nil {
		o["transferredRestoreMegaBytes"] = *r.TransferredRestoreMB
	}
	if r.TransferredBackupMB != nil && r.TransferredRestoreMB != nil {
		o["transferredMegaBytes"] = *r.TransferredBackupMB + *r.TransferredRestoreMB
	}
	if withStatus {
		o["status"] = int(r.Status)
	}
	if withWarnings {
		ws := make([]obj, 0, len(r.Warnings))
		for _, w := range r.Warnings {
			wo := obj{"id": w.ID, "status": int(w.Status), "days": w.Days, "limit": w.Limit, "nodeReportId": r.ID, "createdDate": date(r.Date)}
			wo["type"] = w.TypeID
			if !w.TypeByID {
				for _, t := range d.WarningTypes {
					if t.ID == w.TypeID {
						wo["type"] = obj{"id": t.ID, "name": t.Name, "usesLimit": t.UsesLimit}
					}
				}
			}
			ws = append(ws, wo)
		}
		o["warnings"] = ws
	}
	return o
}

// renderJob renders a Job.
func renderJob(c *Consumer, j Job) obj {
	o := obj{
		"id":             j.ID,
		"href":           consumerHref(c) + "/jobs/" + strconv.Itoa(j.ID),
		"businessUnitId": c.BusinessUnitID,
		"consumerId":     c.ID,
		"dataSourceId":   c.ID,
		"serverId":       1,
		"type":           named(int(j.Type), jobTypeNames[j.Type]),
		"status":         named(int(j.Status), jobStatusNames[j.Status]),
		"severity":       severityOf(j.Status),
		"supportStatus":  named(0, "None"),
		"scheduled":      j.Type == JobBackup,
		"result":         j.Result,
		"failedFiles":    j.FailedFiles,
		"name":           jobTypeNames[j.Type] + " schedule",
		"serverType":     named(1, "IBM Storage Protect"),
		"tags":           []obj{},
	}
	setDate(o, "createdDate", j.at())
	setDate(o, "scheduledStart", j.ScheduledStart)
	setDate(o, "actualStart", j.ActualStart)
	setDate(o, "completed", j.Completed)
	if !j.NoDuration && !j.Completed.IsZero() && !j.ActualStart.IsZero() {
		o["duration"] = timeSpan(j.Completed.Sub(j.ActualStart))
	}
	if j.ExaminedFiles > 0 {
		o["examinedFiles"] = j.ExaminedFiles
	}
	if j.TransferredMB != nil {
		o["transferredMegaBytes"] = *j.TransferredMB
		o["transferredGigaBytes"] = *j.TransferredMB / 1024
	}
	return o
}

// firstJobQuirk renders the first job as /jobs/first does: only `completed`
// is meaningful, the other fields are zero or empty.
func firstJobQuirk(completed time.Time) obj {
	return obj{
		"id":                   0,
		"href":                 "",
		"businessUnitId":       0,
		"consumerId":           0,
		"type":                 named(0, ""),
		"status":               named(0, ""),
		"result":               0,
		"transferredMegaBytes": 0.0,
		"createdDate":          "0001-01-01T00:00:00",
		"actualStart":          "0001-01-01T00:00:00",
		"completed":            date(completed),
	}
}

// severityOf is the job severity, an ErrorStatus-like integer. [I]
func severityOf(s JobStatus) int {
	switch s {
	case JobFailed, JobMissed:
		return int(Error)
	case JobCompletedWithWarnings:
		return int(Warning)
	}
	return int(Ok)
}

// timeSpan renders a duration as a .NET TimeSpan, "[d.]hh:mm:ss".
func timeSpan(d time.Duration) string {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	s := fmt.Sprintf("%02d:%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second))
	if days > 0 {
		s = strconv.Itoa(days) + "." + s
	}
	return s
}
