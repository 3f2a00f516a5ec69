// Package cleverfox reads the CleverFox Backup partner API
// (https://cleverfoxbackup.com/api) into a backup.Snapshot.
//
// # Configuration
//
// A target has vendor: cleverfox, url: https://cleverfoxbackup.com/api and
// api_key_file (or api_key with ${ENV}): the partner API key shown on the
// Partner page. The key is the Basic user name and the password is empty.
// The URL must be https (a plain http URL is refused, since the key would
// travel in clear) and TLS 1.2 or newer is required unless tls_config raises
// it to TLS 1.3.
//
// # Mapping
//
// An asset is a backup job on a device (asset_type cleverfox_job, asset_id
// the JobId, asset "<device name>/<job name>", tenant the company name).
// Its last success, last attempt, last status, duration and bytes come from
// its newest logs: JobStatus Completed is success, Failed is failed, Missed is
// missed, Running (or In Progress) is running and anything else is unknown. A job past NextRunOn plus LateAfter
// minutes with no log started since NextRunOn is missed, as in the product.
// An asset is protected when the job and its device are both active, its
// device's company is not inactive and its subscription has not lapsed
// (inactive, PeriodEnd more than a day past, or Canceled without a
// PeriodEnd), and its
// last seen time is the device's LastApiCheckAt. Its RPO is its schedule's
// longest gap between runs (Hourly, Daily, Weekly by its days, Monthly as 31
// days, times Every) plus LateAfter plus the last good run's duration; a
// one-time job leaves the RPO to the config. Its size is the summed
// BackupFileSize of the items of its newest successful log, and its
// transferred bytes those of its newest finished log, where the log list
// carries its items.
//
// backup_jobs_total counts finished logs (job type backup). Each active
// subscription gives backup_storage_limit_bytes{scope="subscription"} from
// its plan's StorageLimit (GB, read as 10^9 bytes), and the vendor-only
// backup_cleverfox_device_limit and backup_cleverfox_devices. Every
// subscription gives backup_cleverfox_subscription_status (a Status the
// exporter does not know is an unknown_subscription_status issue),
// backup_cleverfox_subscription_expiry_timestamp_seconds (an unreadable
// PeriodEnd is an unreadable_time issue) and
// backup_cleverfox_subscription_lapsed. backup_jobs_running counts the jobs
// whose newest log is running. The API has no storage used figure, no queue
// and no alerts.
//
// # Logs
//
// Lists are read with PageNo and PageSize until a short page, newest first.
// The first refresh pages the logs back until every active job has its last
// success and last attempt and the lookback window is covered, or until
// history is reached. Later refreshes read only the logs above the
// watermark (the highest LogId read, held below any unfinished log of the
// window) and carry each job's last success forward.
//
// # Time zones
//
// Timestamps carry no zone. "DateTime UTC" fields are read as UTC and
// "DateTime Local" fields in the device's TimeZoneId (a log's own TimeZoneId
// first), a Windows time-zone name mapped to an IANA zone by the CLDR
// table. The names known are:
//
//	"Dateline Standard Time", "UTC-11", "Aleutian Standard Time",
//	"Hawaiian Standard Time", "Marquesas Standard Time",
//	"Alaskan Standard Time", "UTC-09", "Pacific Standard Time (Mexico)",
//	"UTC-08", "Pacific Standard Time", "US Mountain Standard Time",
//	"Mountain Standard Time (Mexico)", "Mountain Standard Time",
//	"Yukon Standard Time", "Central America Standard Time",
//	"Central Standard Time", "Easter Island Standard Time",
//	"Central Standard Time (Mexico)", "Canada Central Standard Time",
//	"SA Pacific Standard Time", "Eastern Standard Time (Mexico)",
//	"Eastern Standard Time", "Haiti Standard Time", "Cuba Standard Time",
//	"US Eastern Standard Time", "Turks And Caicos Standard Time",
//	"Paraguay Standard Time", "Atlantic Standard Time",
//	"Venezuela Standard Time", "Central Brazilian Standard Time",
//	"SA Western Standard Time", "Pacific SA Standard Time",
//	"Newfoundland Standard Time", "Tocantins Standard Time",
//	"E. South America Standard Time", "SA Eastern Standard Time",
//	"Argentina Standard Time", "Greenland Standard Time",
//	"Montevideo Standard Time", "Magallanes Standard Time",
//	"Saint Pierre Standard Time", "Bahia Standard Time", "UTC-02",
//	"Mid-Atlantic Standard Time", "Azores Standard Time",
//	"Cape Verde Standard Time", "UTC", "GMT Standard Time",
//	"Greenwich Standard Time", "Sao Tome Standard Time",
//	"Morocco Standard Time", "W. Europe Standard Time",
//	"Central Europe Standard Time", "Romance Standard Time",
//	"Central European Standard Time", "W. Central Africa Standard Time",
//	"Jordan Standard Time", "GTB Standard Time", "Middle East Standard Time",
//	"Egypt Standard Time", "E. Europe Standard Time", "Syria Standard Time",
//	"West Bank Standard Time", "South Africa Standard Time",
//	"FLE Standard Time", "Israel Standard Time", "South Sudan Standard Time",
//	"Kaliningrad Standard Time", "Sudan Standard Time",
//	"Libya Standard Time", "Namibia Standard Time", "Arabic Standard Time",
//	"Turkey Standard Time", "Arab Standard Time", "Belarus Standard Time",
//	"Russian Standard Time", "E. Africa Standard Time",
//	"Volgograd Standard Time", "Iran Standard Time", "Arabian Standard Time",
//	"Astrakhan Standard Time", "Azerbaijan Standard Time",
//	"Russia Time Zone 3", "Mauritius Standard Time", "Saratov Standard Time",
//	"Georgian Standard Time", "Caucasus Standard Time",
//	"Afghanistan Standard Time", "West Asia Standard Time",
//	"Ekaterinburg Standard Time", "Pakistan Standard Time",
//	"Qyzylorda Standard Time", "India Standard Time",
//	"Sri Lanka Standard Time", "Nepal Standard Time",
//	"Central Asia Standard Time", "Bangladesh Standard Time",
//	"Omsk Standard Time", "Myanmar Standard Time", "SE Asia Standard Time",
//	"Altai Standard Time", "W. Mongolia Standard Time",
//	"North Asia Standard Time", "N. Central Asia Standard Time",
//	"Tomsk Standard Time", "China Standard Time",
//	"North Asia East Standard Time", "Singapore Standard Time",
//	"W. Australia Standard Time", "Taipei Standard Time",
//	"Ulaanbaatar Standard Time", "Aus Central W. Standard Time",
//	"Transbaikal Standard Time", "Tokyo Standard Time",
//	"North Korea Standard Time", "Korea Standard Time",
//	"Yakutsk Standard Time", "Cen. Australia Standard Time",
//	"AUS Central Standard Time", "E. Australia Standard Time",
//	"AUS Eastern Standard Time", "West Pacific Standard Time",
//	"Tasmania Standard Time", "Vladivostok Standard Time",
//	"Lord Howe Standard Time", "Bougainville Standard Time",
//	"Russia Time Zone 10", "Magadan Standard Time", "Norfolk Standard Time",
//	"Sakhalin Standard Time", "Central Pacific Standard Time",
//	"Russia Time Zone 11", "New Zealand Standard Time", "UTC+12",
//	"Fiji Standard Time", "Chatham Islands Standard Time", "UTC+13",
//	"Tonga Standard Time", "Samoa Standard Time",
//	"Line Islands Standard Time".
//
// An IANA name such as "Europe/Berlin" is accepted as well. Any other name
// is read as UTC, with one warning log per name.
package cleverfox
