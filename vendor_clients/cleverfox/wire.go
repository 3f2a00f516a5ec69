package cleverfox

import "github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"

// The wire types mirror the JSON of the CleverFox Backup API
// (https://cleverfoxbackup.com/api/{resource}). Every field is optional: an
// absent field decodes to its zero value, and the API may add attributes
// without notice, which encoding/json ignores.
//
// Quirk: booleans may be null and null means false. encoding/json leaves a
// bool untouched on null, so plain bool fields already read null as false.
//
// Quirk: timestamps are strings without a zone; each field is either
// "DateTime UTC" or "DateTime Local" (the device's TimeZoneId), noted beside
// it. DateTime keeps the wall clock until the mapping knows the zone.

// listPage is the envelope of every list answer: {data, page_no, page_size},
// newest id first, with no total count. Data is decoded item by item: an
// item with a field of the wrong type is dropped and counted, not the page.
type listPage[T any] struct {
	Data     httpapi.Items[T] `json:"data"`
	PageNo   int              `json:"page_no"`
	PageSize int              `json:"page_size"`
}

// ItemDrops reports the items of the page that did not decode.
func (p *listPage[T]) ItemDrops() (int, string) { return p.Data.ItemDrops() }

// Company is a customer of the partner; it is the tenant of its jobs.
type Company struct {
	CompanyID  int    `json:"CompanyId"`
	Name       string `json:"Name"`
	IsInactive bool   `json:"IsInactive"`
}

// Subscription ties a company to a plan.
type Subscription struct {
	SubscriptionID int `json:"SubscriptionId"`
	CompanyID      int `json:"CompanyId"`
	PlanID         int `json:"PlanId"`
	// Status is free text of at most 15 characters; its values are not
	// documented (cleverfox.md 2.6 suggests Active, Trialing, PastDue and
	// Canceled).
	Status     string `json:"Status"`
	IsInactive bool   `json:"IsInactive"`
	// PeriodEnd is the end of the period paid for (DateTime UTC).
	PeriodEnd DateTime `json:"PeriodEnd"`
	// AdditionalDevice is the number of devices bought on top of the plan's
	// DeviceLimit.
	AdditionalDevice int `json:"AdditionalDevice"`
}

// Plan is a price plan with its limits.
type Plan struct {
	PlanID     int    `json:"PlanId"`
	Name       string `json:"Name"`
	IsInactive bool   `json:"IsInactive"`
	// DeviceLimit is the number of devices the plan allows.
	DeviceLimit int `json:"DeviceLimit"`
	// StorageLimit is in GB (decimal, counted on compressed data).
	StorageLimit int `json:"StorageLimit"`
}

// Device is a Windows PC running the backup agent.
type Device struct {
	DeviceID       int    `json:"DeviceId"`
	CompanyID      int    `json:"CompanyId"`
	SubscriptionID int    `json:"SubscriptionId"`
	Name           string `json:"Name"`
	// TimeZoneID is a Windows time-zone name such as "Eastern Standard
	// Time"; it is the zone of every "DateTime Local" field of the device,
	// its jobs and its logs.
	TimeZoneID string `json:"TimeZoneId"`
	IsInactive bool   `json:"IsInactive"`
	// LastAPICheckAt is the agent's last check-in (DateTime Local).
	LastAPICheckAt DateTime `json:"LastApiCheckAt"`
}

// Job is a backup schedule on a device; it is the exporter's asset.
type Job struct {
	JobID      int    `json:"JobId"`
	DeviceID   int    `json:"DeviceId"`
	Name       string `json:"Name"`
	IsInactive bool   `json:"IsInactive"`
	// Frequency is "Hourly", "Daily", "Weekly", "Monthy" (sic) or "One Time".
	Frequency string `json:"Frequency"`
	// Every is the schedule's interval in Frequency units (1..999).
	Every int `json:"Every"`
	// NextRunOn is the next scheduled start (DateTime Local).
	NextRunOn DateTime `json:"NextRunOn"`
	// LateAfter is how many minutes after NextRunOn the job counts as
	// missed (0..1439).
	LateAfter int `json:"LateAfter"`
	// The days a weekly job runs on.
	OnMonday    bool `json:"OnMonday"`
	OnTuesday   bool `json:"OnTuesday"`
	OnWednesday bool `json:"OnWednesday"`
	OnThursday  bool `json:"OnThursday"`
	OnFriday    bool `json:"OnFriday"`
	OnSaturday  bool `json:"OnSaturday"`
	OnSunday    bool `json:"OnSunday"`
}

// Log is one execution of a job.
type Log struct {
	LogID     int `json:"LogId"`
	CompanyID int `json:"CompanyId"`
	DeviceID  int `json:"DeviceId"`
	JobID     int `json:"JobId"`
	// TimeZoneID is the device's zone when the log was written.
	TimeZoneID string `json:"TimeZoneId"`
	// JobStartedOn is typed String in the docs, unlike the other
	// timestamps; DateTime reads it when it has their shape (DateTime Local).
	JobStartedOn DateTime `json:"JobStartedOn"`
	// JobCompletedOn is DateTime Local; empty while the job runs.
	JobCompletedOn DateTime `json:"JobCompletedOn"`
	// JobStatus is "Completed", "Failed" or "Missed"; others are tolerated.
	JobStatus string `json:"JobStatus"`
	// AddedOn is when the log was written (DateTime UTC).
	AddedOn DateTime `json:"AddedOn"`
	// LogItems are the per-item results, when the list carries them.
	LogItems []LogItem `json:"LogItems"`
}

// LogItem is the result of one job item in one execution.
type LogItem struct {
	LogItemID int    `json:"LogItemId"`
	EngineID  string `json:"EngineId"`
	// BackupFileSize is the size of the uploaded backup file in bytes.
	BackupFileSize *int64 `json:"BackupFileSize"`
}

// errorBody is the error envelope the fake sends; the real body is not
// documented, so the client relies on the status code and only quotes this.
type errorBody struct {
	Message string `json:"message"`
}
