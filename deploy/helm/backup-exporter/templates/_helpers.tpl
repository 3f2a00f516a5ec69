{{/* The chart name, as names and labels use it. */}}
{{- define "backup-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the prefix of every object's name. */}}
{{- define "backup-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The labels every object carries. */}}
{{- define "backup-exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "backup-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select the exporter's pods, across every shard. */}}
{{- define "backup-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "backup-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The label that carries a pod's shard; Prometheus sees it as
__meta_kubernetes_pod_label_backup_exporter_shard. */}}
{{- define "backup-exporter.shardLabel" -}}
backup-exporter/shard
{{- end }}

{{/* The Service label whose value the ServiceMonitor makes the job label. */}}
{{- define "backup-exporter.jobLabel" -}}
backup-exporter/job
{{- end }}

{{/*
Where the kubelet's probes go: the health listener (probes.healthPort), plain
HTTP with no credentials, or with probes.healthPort 0 the main listener, with
its scheme and probes.httpHeaders.
*/}}
{{- define "backup-exporter.probeTarget" -}}
{{- if .Values.probes.healthPort -}}
port: health
scheme: HTTP
{{- else -}}
port: http
scheme: {{ include "backup-exporter.scheme" . | upper }}
{{- with .Values.probes.httpHeaders }}
httpHeaders:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/* The URL scheme of the exporter's endpoints. */}}
{{- define "backup-exporter.scheme" -}}
{{- if .Values.webConfig.tls }}https{{ else }}http{{ end }}
{{- end }}

{{/*
The target names to probe, as a JSON list: probe.targets, or every target
name of config. Fails when a listed name is not a target of config.
*/}}
{{- define "backup-exporter.probeTargets" -}}
{{- $config := fromYaml .Values.config }}
{{- if hasKey $config "Error" }}
{{- fail (printf "config: not YAML, so probe.targets cannot be checked against it: %s" $config.Error) }}
{{- end }}
{{- $names := list }}
{{- range $config.targets }}
{{- $names = append $names (toString .name) }}
{{- end }}
{{- $targets := .Values.probe.targets | default $names }}
{{- if not $targets }}
{{- fail "probe.targets: no target to probe; config lists no targets" }}
{{- end }}
{{- range $targets }}
{{- if not (has . $names) }}
{{- fail (printf "probe.targets: %q is not the name of a target in config (%s)" . (join ", " $names)) }}
{{- end }}
{{- end }}
{{- toJson $targets }}
{{- end }}

{{/*
The Deployments to render, as a JSON list of {name, shard}: one named after
the release, or, when probe.shards > 1, one per shard.
*/}}
{{- define "backup-exporter.shards" -}}
{{- $fullname := include "backup-exporter.fullname" . }}
{{- $count := int .Values.probe.shards }}
{{- if lt $count 1 }}
{{- fail (printf "probe.shards: %v, want 1 or more" .Values.probe.shards) }}
{{- end }}
{{- if and (gt $count 1) (not .Values.probe.enabled) }}
{{- fail "probe.shards: more than 1 needs probe.enabled: only /probe scrapes can be split across shards" }}
{{- end }}
{{- $shards := list }}
{{- if eq $count 1 }}
{{- $shards = append $shards (dict "name" $fullname "shard" "") }}
{{- else }}
{{- range $i := until $count }}
{{- $shards = append $shards (dict "name" (printf "%s-shard-%d" ($fullname | trunc 55 | trimSuffix "-") $i) "shard" (toString $i)) }}
{{- end }}
{{- end }}
{{- toJson $shards }}
{{- end }}

{{/*
Checks of the values that the chart cannot do without; each failure names
the value.
*/}}
{{- define "backup-exporter.validate" -}}
{{- $_ := required "config: the content of exporter.yml is required (for example --set-file config=exporter.yml)" .Values.config }}
{{- if not .Values.secrets.existingSecret }}
{{- if .Values.secrets.keys }}
{{- fail (printf "secrets.existingSecret: name the existing Secret that holds secrets.keys (%s)" (join ", " .Values.secrets.keys)) }}
{{- end }}
{{- if contains (printf "%s/" (trimSuffix "/" .Values.secrets.mountPath)) .Values.config }}
{{- fail (printf "secrets.existingSecret: config reads files under secrets.mountPath (%s); name the existing Secret that holds them" .Values.secrets.mountPath) }}
{{- end }}
{{- end }}
{{- if and (or .Values.webConfig.tls .Values.webConfig.basicAuth) (not .Values.webConfig.existingSecret) }}
{{- fail "webConfig.existingSecret: webConfig.tls or webConfig.basicAuth is on; name the existing Secret that holds the web config" }}
{{- end }}
{{- if and .Values.webConfig.basicAuth (not .Values.probes.healthPort) (not .Values.probes.httpHeaders) }}
{{- fail "probes.httpHeaders: webConfig.basicAuth is on and probes.healthPort is 0, so the kubelet's probes go to the main listener, where exporter-toolkit asks them for credentials too; set probes.healthPort, or an Authorization header of a user that the web config accepts" }}
{{- end }}
{{- if and .Values.probes.healthPort .Values.probes.httpHeaders }}
{{- fail "probes.httpHeaders: the probes go to the health listener (probes.healthPort), which asks for no credentials; remove the headers, or set probes.healthPort to 0 to probe the main listener with them" }}
{{- end }}
{{- if eq (int .Values.probes.healthPort) (int .Values.service.port) }}
{{- fail (printf "probes.healthPort: %v is service.port too; the health listener needs a port of its own" .Values.probes.healthPort) }}
{{- end }}
{{- end }}

{{/*
What every ServiceMonitor endpoint shares: port, scheme, timing, auth, and
honorLabels, since the exporter's own `endpoint` label (the vendor API route
of backup_exporter_api_requests_total) would otherwise be renamed
exported_endpoint by the operator's target label `endpoint`. The exporter
exports no other label that the operator sets (job, instance, namespace,
service, pod, container).
*/}}
{{/*
The operator's `pod` label differs between the replicas of an HA pair and
changes at every rollout. The alert rules aggregate `instance` away so that
an HA pair sends one alert and a rollout keeps `for` clocks and baselines
(alerts/backup_exporter.rules.yml, "Identity without instance"); a `pod`
label on every series would undo that, so every endpoint drops it. The
exporter exports no `pod` label of its own.
*/}}
{{- define "backup-exporter.dropPod" -}}
- action: labeldrop
  regex: pod
{{- end }}

{{- define "backup-exporter.endpointCommon" -}}
port: http
scheme: {{ include "backup-exporter.scheme" . }}
honorLabels: true
interval: {{ .Values.serviceMonitor.interval }}
scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- with .Values.serviceMonitor.tlsConfig }}
tlsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceMonitor.basicAuth }}
basicAuth:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceMonitor.metricRelabelings }}
metricRelabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
