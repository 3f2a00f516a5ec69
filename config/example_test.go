package config

import (
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// exampleFile is the example configuration that documents every key.
const exampleFile = "../exporter.yml"

// TestExampleDocumentsEveryKey keeps exporter.yml what it says it is: every
// key the config accepts appears in it at its place, set or commented out,
// and it names no key the config would refuse. The accepted keys are read
// from the raw types' yaml tags, as the decoder reads them, so a new key
// fails this test until it is documented.
func TestExampleDocumentsEveryKey(t *testing.T) {
	text, err := os.ReadFile(exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	accepted := acceptedKeys(reflect.TypeFor[rawConfig]())
	var doc yaml.Node
	if err := yaml.Unmarshal(uncommentKeys(string(text), accepted), &doc); err != nil {
		t.Fatalf("%s with its commented-out keys set is not YAML: %v", exampleFile, err)
	}
	documented := map[string]bool{}
	collectKeys(&doc, "", documented)

	for _, key := range slices.Sorted(maps.Keys(accepted)) {
		if !documented[key] {
			t.Errorf("%s does not document %s", exampleFile, key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(documented)) {
		if !accepted[key] && !isBelowAccepted(key, accepted) {
			t.Errorf("%s documents %s, which the config does not accept", exampleFile, key)
		}
	}
}

// acceptedKeys returns the dotted path of every key the config accepts
// (a list's items share the list's path: targets.name). A struct type is
// documented once, at its first place: restore_tests' match takes the
// keys rpo_overrides' match shows, exclude those of include, and a target's
// own settings those of defaults.
func acceptedKeys(root reflect.Type) map[string]bool {
	keys := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == durationType || seen[t] {
			return
		}
		seen[t] = true
		fields, names := structFields(t)
		var inlined []reflect.Type
		for _, name := range names {
			index := fields[name]
			if len(index) > 1 {
				owner := t.Field(index[0]).Type
				if seen[owner] {
					continue
				}
				inlined = append(inlined, owner)
			}
			key := strings.TrimPrefix(path+"."+name, ".")
			keys[key] = true
			walk(t.FieldByIndex(index).Type, key)
		}
		for _, owner := range inlined {
			seen[owner] = true
		}
	}
	walk(root, "")
	return keys
}

// commentedKey matches a line that is a key commented out: "  # ca_file: …".
var commentedKey = regexp.MustCompile(`^(\s*)#\s?([a-z_]+):`)

// uncommentKeys sets the keys that exporter.yml shows commented out (those
// the example leaves at their default, such as tls_config's files), so that
// their place in the tree can be checked. Only names of accepted keys are
// uncommented; prose in comments stays a comment.
func uncommentKeys(text string, accepted map[string]bool) []byte {
	names := map[string]bool{}
	for key := range accepted {
		names[key[strings.LastIndex(key, ".")+1:]] = true
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if m := commentedKey.FindStringSubmatchIndex(line); m != nil && names[line[m[4]:m[5]]] {
			lines[i] = line[m[2]:m[3]] + line[m[4]:]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// collectKeys adds the dotted path of every mapping key under n to keys.
func collectKeys(n *yaml.Node, path string, keys map[string]bool) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			collectKeys(c, path, keys)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := strings.TrimPrefix(path+"."+n.Content[i].Value, ".")
			keys[key] = true
			collectKeys(n.Content[i+1], key, keys)
		}
	}
}

// isBelowAccepted reports whether key lies under an accepted key whose
// type was documented at another place (a target's match under
// restore_tests), so that the keys below it are accepted too.
func isBelowAccepted(key string, accepted map[string]bool) bool {
	for parent := key; strings.Contains(parent, "."); {
		parent = parent[:strings.LastIndex(parent, ".")]
		if accepted[parent] {
			return true
		}
	}
	return false
}
