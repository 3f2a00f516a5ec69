//go:build e2e || scale

package e2e

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// editRuleGroups parses a rule file, calls edit with the mapping node of
// each of its groups, and returns the file written back, comments and all
// else kept.
func editRuleGroups(t *testing.T, rules []byte, edit func(group *yaml.Node)) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(rules, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "groups" {
			continue
		}
		for _, g := range root.Content[i+1].Content {
			edit(g)
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
