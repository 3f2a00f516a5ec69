package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// This file decodes a yaml.Node tree into the raw types by their `yaml` tags.
// It exists instead of yaml.v3's own Decode for three reasons: every error must
// carry the key path (yaml.v3 gives only a Go type name), every key's line is
// kept for the checks that run after decoding, and every scalar goes through
// ${ENV} expansion before it is typed.

var durationType = reflect.TypeFor[model.Duration]()

// reflectValue returns the settable value behind a pointer.
func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }

// decode sets v from n; path names n in errors. It reports whether v was set.
func (l *loader) decode(n *yaml.Node, path string, v reflect.Value) bool {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return false // `key:` with no value means "not set"
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if !l.decode(n, path, p.Elem()) {
			return false
		}
		v.Set(p)
		return true
	case reflect.Struct:
		return l.decodeMapping(n, path, v)
	case reflect.Slice:
		return l.decodeSequence(n, path, v)
	default:
		return l.decodeScalar(n, path, v)
	}
}

// decodeMapping sets the struct v from a mapping, rejecting unknown and
// repeated keys.
func (l *loader) decodeMapping(n *yaml.Node, path string, v reflect.Value) bool {
	if n.Kind != yaml.MappingNode {
		l.errorNode(n, path, "expected a mapping, got %s", kindName(n))
		return false
	}
	fields, names := structFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		switch idx, known := fields[k.Value]; {
		case k.Kind != yaml.ScalarNode:
			l.errorAt(k.Line, path, "expected a key name, got %s", kindName(k))
		case k.Value == "<<":
			l.errorAt(k.Line, key, "merge keys are not supported; repeat the keys or set them in defaults")
		case seen[k.Value] > 0:
			l.errorAt(k.Line, key, "duplicate key (first at line %d)", seen[k.Value])
		case !known:
			l.errorAt(k.Line, key, "unknown key%s", didYouMean(k.Value, names))
		default:
			seen[k.Value] = k.Line
			l.lines[key] = k.Line
			l.decode(val, key, v.FieldByIndex(idx))
		}
	}
	return true
}

// decodeSequence sets the slice v from a sequence, one path `key[i]` per item.
func (l *loader) decodeSequence(n *yaml.Node, path string, v reflect.Value) bool {
	if n.Kind != yaml.SequenceNode {
		l.errorNode(n, path, "expected a list, got %s", kindName(n))
		return false
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		l.lines[p] = item.Line
		l.decode(item, p, s.Index(i))
	}
	v.Set(s)
	return true
}

// decodeScalar expands ${ENV} references in a scalar and parses it as v's
// type. Values are never echoed for strings, which may be secrets.
func (l *loader) decodeScalar(n *yaml.Node, path string, v reflect.Value) bool {
	want := scalarName(v.Type())
	if n.Kind != yaml.ScalarNode {
		l.errorNode(n, path, "expected %s, got %s", withArticle(want), kindName(n))
		return false
	}
	s, used, err := expandEnv(n.Value, l.lookupEnv)
	if err != nil {
		l.errorNode(n, path, "%v", err)
		return false
	}
	l.fromEnv[path] = used
	var ok bool
	switch {
	case v.Type() == durationType:
		var d model.Duration
		if d, err = model.ParseDuration(s); err == nil {
			v.SetInt(int64(d))
			ok = true
		}
	case v.Kind() == reflect.String:
		v.SetString(s)
		ok = true
	case v.Kind() == reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(s); err == nil {
			v.SetBool(b)
			ok = true
		}
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		var i int64
		if i, err = strconv.ParseInt(s, 10, v.Type().Bits()); err == nil {
			v.SetInt(i)
			ok = true
		}
	case v.Kind() == reflect.Float64:
		var f float64
		if f, err = strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			v.SetFloat(f)
			ok = true
		}
	default:
		panic(fmt.Sprintf("config: no decoding for %s at %s", v.Type(), path)) // a raw type this file does not know
	}
	switch {
	case ok:
	case used:
		// The environment may hold a secret: show the reference, not the
		// value it expanded to.
		l.errorNode(n, path, "invalid %s from %q", want, n.Value)
	default:
		l.errorNode(n, path, "invalid %s %q", want, s)
	}
	return ok
}

// errorNode reports a problem with a value on its key's line, like every
// other problem; only the document itself has no key.
func (l *loader) errorNode(n *yaml.Node, path, format string, args ...any) {
	line := l.line(path)
	if line == 0 {
		line = n.Line
	}
	l.errorAt(line, path, format, args...)
}

// structFields maps the yaml key names of a struct, inline fields included,
// to their field index; names keeps the declaration order for suggestions.
func structFields(t reflect.Type) (fields map[string][]int, names []string) {
	fields = map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			inner, innerNames := structFields(f.Type)
			for _, n := range innerNames {
				fields[n] = append([]int{i}, inner[n]...)
			}
			names = append(names, innerNames...)
			continue
		}
		fields[name] = []int{i}
		names = append(names, name)
	}
	return fields, names
}

// scalarName names what a scalar key expects, for messages.
func scalarName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "duration"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return "integer"
	case t.Kind() == reflect.Float64:
		return "number"
	default:
		return "string"
	}
}

// withArticle puts "a" or "an" before a type name.
func withArticle(name string) string {
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// kindName names what the file has where something else was expected.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}
