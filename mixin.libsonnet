// backup_exporter's monitoring mixin (https://monitoring.mixins.dev): its alert and recording rules and its
// Grafana dashboards, with the selectors and settings an installation changes in _config.
//
//   local backup = (import 'backup_exporter/mixin.libsonnet') + {
//     _config+:: { backupExporterSelector: 'job="backups"' },
//   };
//   { 'alerts.yaml': std.manifestYamlDoc(backup.prometheusAlerts) }
//
// It is derived from the committed files, alerts/backup_exporter.rules.yml and dashboards/*.json, read as
// they are (importstr) with the _config substituted: the mixin and the files cannot drift apart, and with
// the default _config it renders them exactly (mixin_test.go proves both). Change the rules in the YAML file
// and the dashboards in their Go code (make generate), never here.
local rulesFile = std.parseYaml(importstr 'alerts/backup_exporter.rules.yml');

// The selector the committed rules are written with, for both scrape jobs: the mixin replaces it.
local committedSelector = 'job="backup_exporter"';

// The default objective as the committed rule tenant:backup_slo_objective:ratio writes it.
local committedObjective = '+ 0.99)';

// The file of every dashboard, by the name grafanaDashboards gives it (its file name).
local dashboardFiles = {
  'backup-overview.json': importstr 'dashboards/backup-overview.json',
  'backup-asset-detail.json': importstr 'dashboards/backup-asset-detail.json',
  'backup-exporter-internals.json': importstr 'dashboards/backup-exporter-internals.json',
  'backup-slo.json': importstr 'dashboards/backup-slo.json',
};

{
  _config+:: {
    // Selects the scrape job of the exporter's targets: up{…} of /metrics (or of /probe, when sharding).
    // BackupExporterDown and BackupExporterAbsent select it.
    backupExporterSelector: committedSelector,
    // Selects the scrape job of the exporter's own metrics (backup_exporter_*). The same job as above when
    // Prometheus scrapes /metrics; the separate self job when it shards targets with /probe (README,
    // "Scaling out"), e.g. 'job="backup_exporter_self"'. It replaces the job selector of every
    // backup_exporter_* series in the rules.
    backupExporterSelfSelector: committedSelector,
    // The backup SLO's objective for every tenant without an override: the share of its protected assets
    // within their RPO (README, "Backup SLOs"). Strictly between 0 and 1.
    defaultObjective: 0.99,
    // The tags of every dashboard.
    dashboardTags: ['backup', 'backup_exporter'],
  },

  // withSelectors puts the configured selectors into a PromQL expression in place of the committed one:
  // the self selector where it narrows a backup_exporter_* series, the exporter's elsewhere.
  local withSelectors(expr, config) =
    local parts = std.split(expr, committedSelector);
    // selectorFor names the selector for the occurrence after before: the metric name in front of the
    // brace that opens it tells which job it is.
    local selectorFor(before) =
      local brace = std.findSubstr('{', before);
      local head = if std.length(brace) == 0 then before else std.substr(before, 0, brace[std.length(brace) - 1]);
      local token = std.reverse(std.split(std.strReplace(std.strReplace(head, '(', ' '), '\n', ' '), ' '))[0];
      if std.startsWith(token, 'backup_exporter_') then config.backupExporterSelfSelector
      else config.backupExporterSelector;
    std.foldl(
      function(acc, i) acc + selectorFor(acc) + parts[i],
      std.range(1, std.length(parts) - 1),
      parts[0],
    ),

  // withObjective writes the configured default objective into the rule that records it.
  local withObjective(rule, config) =
    if std.objectHas(rule, 'record') && rule.record == 'tenant:backup_slo_objective:ratio'
    // %.15g writes what was configured (0.99, not std.toString's 0.98999999999999999).
    then rule { expr: std.strReplace(rule.expr, committedObjective, '+ %s)' % std.format('%.15g', config.defaultObjective)) }
    else rule,

  local renderedGroups(config) = [
    group {
      rules: [
        withObjective(rule { expr: withSelectors(rule.expr, config) }, config)
        for rule in group.rules
      ],
    }
    for group in rulesFile.groups
  ],

  local hasAlert(group) = std.length([r for r in group.rules if std.objectHas(r, 'alert')]) > 0,

  // The groups with an alert, whole: a group's recording rules stay with the alerts that read them, as
  // Prometheus evaluates a group's rules in order.
  prometheusAlerts+:: {
    groups+: [g for g in renderedGroups($._config) if hasAlert(g)],
  },

  // The groups of recording rules only.
  prometheusRules+:: {
    groups+: [g for g in renderedGroups($._config) if !hasAlert(g)],
  },

  grafanaDashboards+:: {
    [name]: std.parseJson(dashboardFiles[name]) { tags: $._config.dashboardTags }
    for name in std.objectFields(dashboardFiles)
  },
}
