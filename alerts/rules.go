// Package alerts ships backup_exporter's Prometheus alerting and recording
// rules (backup_exporter.rules.yml) and gives Go tests access to them: the
// rules as data, and a copy with every `for` and `keep_firing_for` set to 0s
// for end-to-end tests that cannot wait for pending or lingering alerts.
package alerts

import (
	"bytes"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

// File is the rule file as shipped, byte for byte.
//
//go:embed backup_exporter.rules.yml
var File []byte

// Rule is one alerting or recording rule of File.
type Rule struct {
	// Group is the name of the rule group.
	Group string `yaml:"-"`
	// Interval is the group's evaluation interval; empty for Prometheus'
	// global one.
	Interval string `yaml:"-"`
	// Alert is the alert name; empty for a recording rule.
	Alert string `yaml:"alert"`
	// Record is the recorded series name; empty for an alerting rule.
	Record string `yaml:"record"`
	// Expr is the PromQL expression.
	Expr string `yaml:"expr"`
	// For is how long the expression must hold before the alert fires.
	For string `yaml:"for"`
	// KeepFiringFor is how long a firing alert stays firing after its
	// expression stops holding, so that a blip does not resolve it.
	KeepFiringFor string `yaml:"keep_firing_for"`
	// Labels are the labels the rule adds.
	Labels map[string]string `yaml:"labels"`
	// Annotations are the alert's annotations.
	Annotations map[string]string `yaml:"annotations"`
}

// Name is the alert name or the recorded series name.
func (r Rule) Name() string {
	if r.Alert != "" {
		return r.Alert
	}
	return r.Record
}

// ruleFile mirrors the part of Prometheus' rule file format that File uses.
type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []Rule `yaml:"rules"`
	} `yaml:"groups"`
}

// Rules returns every rule of File in file order.
func Rules() ([]Rule, error) {
	var f ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(File))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("alerts: parse rules: %w", err)
	}
	var rules []Rule
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			r.Group, r.Interval = g.Name, g.Interval
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// WithoutFor returns a copy of File in which every rule's `for` and
// `keep_firing_for` is 0s, so that an end-to-end test sees an alert fire at
// the first evaluation where its expression holds, and resolve at the first
// where it no longer does. Everything else, comments included, is kept.
func WithoutFor() ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(File, &doc); err != nil {
		return nil, fmt.Errorf("alerts: parse rules: %w", err)
	}
	n := zeroFor(&doc)
	if n == 0 {
		return nil, fmt.Errorf("alerts: no `for` found in the rules")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("alerts: write rules: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("alerts: write rules: %w", err)
	}
	return buf.Bytes(), nil
}

// zeroFor sets the value of every `for` and `keep_firing_for` key under n to
// 0s and returns how many `for` keys it changed.
func zeroFor(n *yaml.Node) int {
	changed := 0
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch n.Content[i].Value {
			case "for":
				changed++
				fallthrough
			case "keep_firing_for":
				n.Content[i+1].Value = "0s"
				n.Content[i+1].Style = 0
			}
		}
	}
	for _, c := range n.Content {
		changed += zeroFor(c)
	}
	return changed
}
