package shell

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Args holds a command's parsed options and positional arguments.
type Args struct {
	vals  map[string]any      // option name or positional arg name -> typed value
	blobs map[string][]byte   // fileb:// contents read from disk, by option name
	reps  map[string][]string // every value of a Repeat option
	Pos   []string            // positional words as typed
}

// Blob returns the bytes of a fileb:// option when the file exists (a
// deployment package that is not on disk is simulated: ok is false).
func (a Args) Blob(name string) ([]byte, bool) { b, ok := a.blobs[name]; return b, ok }

// Has reports whether the option (or positional argument) was given.
func (a Args) Has(name string) bool { _, ok := a.vals[name]; return ok }

// All returns every value of a Repeat option, in order.
func (a Args) All(name string) []string { return a.reps[name] }

// Str returns a string option ("" if absent).
func (a Args) Str(name string) string { s, _ := a.vals[name].(string); return s }

// Int returns an int option (0 if absent).
func (a Args) Int(name string) int64 { v, _ := a.vals[name].(int64); return v }

// Float returns a float option (0 if absent).
func (a Args) Float(name string) float64 { v, _ := a.vals[name].(float64); return v }

// Bool returns a flag (false if absent or given as --no-NAME).
func (a Args) Bool(name string) bool { v, _ := a.vals[name].(bool); return v }

// Duration returns a duration option (0 if absent).
func (a Args) Duration(name string) time.Duration { v, _ := a.vals[name].(time.Duration); return v }

// Dist returns a distribution option (zero Dist if absent).
func (a Args) Dist(name string) sim.Dist { v, _ := a.vals[name].(sim.Dist); return v }

// List returns a list option (nil if absent).
func (a Args) List(name string) []string { v, _ := a.vals[name].([]string); return v }

// JSON returns a JSON option's text (inline or read from file://).
func (a Args) JSON(name string) string { s, _ := a.vals[name].(string); return s }

// Decode unmarshals a JSON option into v.
func (a Args) Decode(name string, v any) error {
	s := a.JSON(name)
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return usagef("Error parsing parameter '--%s': Invalid JSON: %v", name, err)
	}
	return nil
}

// parseArgs turns words into typed Args following cmd's specs.
func parseArgs(s *Shell, cmd *Command, words []string) (Args, error) {
	a := Args{vals: map[string]any{}}
	specs := map[string]*OptSpec{}
	shorts := map[string]string{}
	for i := range cmd.Options {
		specs[cmd.Options[i].Name] = &cmd.Options[i]
		if sh := cmd.Options[i].Short; sh != "" {
			shorts[sh] = cmd.Options[i].Name
		}
	}
	if len(shorts) > 0 {
		// Commands with short options (docker -t) take -X as --NAME.
		words = append([]string(nil), words...)
		for i, w := range words {
			if len(w) < 2 || w[0] != '-' || w[1] == '-' {
				continue
			}
			name, ok := shorts[w[1:2]]
			if !ok || len(w) > 2 && specs[name].Type == Bool {
				return a, usagef("unknown shorthand flag: '%s' in %s (see: %s)", w[1:2], w, seeHelp(cmd))
			}
			if len(w) > 2 { // -tNAME
				words[i] = "--" + name + "=" + strings.TrimPrefix(w[2:], "=")
			} else {
				words[i] = "--" + name
			}
		}
	}
	var unknown []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "--") || len(w) == 2 {
			a.Pos = append(a.Pos, w)
			continue
		}
		name, val, hasVal := strings.Cut(w[2:], "=")
		spec := specs[name]
		if spec == nil {
			if b, ok := strings.CutPrefix(name, "no-"); ok && specs[b] != nil && specs[b].Type == Bool && !hasVal {
				a.vals[b] = false
				continue
			}
			if globalFlags[name] && !hasVal {
				continue
			}
			if globalOptions[name] {
				if !hasVal {
					if i+1 >= len(words) {
						return a, usagef("aws: error: argument --%s: expected one argument", name)
					}
					i++
					val = words[i]
				}
				if name == "cli-binary-format" {
					// Kept: lambda invoke reads it (binaryformat.go).
					if err := checkEnum("--cli-binary-format", val, []string{"base64", "raw-in-base64-out"}); err != nil {
						return a, err
					}
					a.vals[name] = val
				}
				continue
			}
			unknown = append(unknown, w)
			if !hasVal && i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++ // skip its value
			}
			continue
		}
		if spec.Repeat {
			if !hasVal {
				if i+1 >= len(words) {
					return a, usagef("argument --%s: expected one argument", name)
				}
				i++
				val = words[i]
			}
			if a.reps == nil {
				a.reps = map[string][]string{}
			}
			a.reps[name] = append(a.reps[name], val)
			a.vals[name] = val
			continue
		}
		if _, dup := a.vals[name]; dup {
			return a, usagef("aws: error: argument --%s: given more than once", name)
		}
		if spec.Type == Bool {
			if hasVal {
				b, err := strconv.ParseBool(val)
				if err != nil {
					return a, usagef("aws: error: argument --%s: expected true or false, got '%s'", name, val)
				}
				a.vals[name] = b
			} else {
				a.vals[name] = true
			}
			continue
		}
		if spec.Type == List {
			var items []string
			if hasVal {
				items = append(items, val)
			}
			for i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++
				items = append(items, words[i])
			}
			if len(items) == 0 {
				return a, usagef("aws: error: argument --%s: expected at least one argument", name)
			}
			for _, it := range items {
				if err := checkEnum(name, it, spec.Enum); err != nil {
					return a, err
				}
			}
			a.vals[name] = items
			continue
		}
		if !hasVal {
			if i+1 >= len(words) || (strings.HasPrefix(words[i+1], "--") && len(words[i+1]) > 2 && spec.Type != Int && spec.Type != Float) {
				return a, usagef("aws: error: argument --%s: expected one argument", name)
			}
			i++
			val = words[i]
		}
		v, err := convert(s, "--"+name, val, spec.Type, spec.Enum)
		if err != nil {
			return a, err
		}
		a.vals[name] = v
		if rest, ok := strings.CutPrefix(val, "fileb://"); ok && (spec.Type == "" || spec.Type == String) {
			b, err := s.readBinary(rest)
			var fe *FileError
			switch {
			case err == nil:
				if a.blobs == nil {
					a.blobs = map[string][]byte{}
				}
				a.blobs[name] = b
			case errors.As(err, &fe) && (fe.Problem == "not-found" || fe.Problem == "no-files") && s.real == nil:
				// A package that is not on disk is simulated (the labs'
				// fileb://hello.zip): Blob reports it absent.
			default:
				return a, usagef("Error parsing parameter '--%s': Unable to load paramfile %s: %v", name, val, err)
			}
		}
	}
	if len(unknown) > 0 {
		var names []string
		for _, sp := range cmd.Options {
			names = append(names, "--"+sp.Name)
		}
		u := strings.SplitN(unknown[0], "=", 2)[0]
		return a, usagef("Unknown options: %s%s (see: %s)", strings.Join(unknown, ", "), didYouMean(u, names), seeHelp(cmd))
	}
	// Positional arguments.
	pi := 0
	for _, as := range cmd.Args {
		if as.Rest {
			if pi < len(a.Pos) {
				a.vals[as.Name] = append([]string(nil), a.Pos[pi:]...)
				pi = len(a.Pos)
			} else if as.Required {
				return a, usagef("%s: missing %s (see: %s)", cmd.Words(), as.Name, seeHelp(cmd))
			}
			continue
		}
		if pi >= len(a.Pos) {
			if as.Required {
				return a, usagef("%s: missing %s (see: %s)", cmd.Words(), as.Name, seeHelp(cmd))
			}
			continue
		}
		v, err := convert(s, as.Name, a.Pos[pi], as.Type, as.Enum)
		if err != nil {
			return a, err
		}
		a.vals[as.Name] = v
		pi++
	}
	if pi < len(a.Pos) {
		return a, usagef("%s: unexpected argument '%s' (see: %s)", cmd.Words(), a.Pos[pi], seeHelp(cmd))
	}
	var missing []string
	for _, sp := range cmd.Options {
		if sp.Required && !a.Has(sp.Name) {
			missing = append(missing, "--"+sp.Name)
		}
	}
	if len(missing) > 0 {
		return a, usagef("aws: error: the following arguments are required: %s", strings.Join(missing, ", "))
	}
	return a, nil
}

func checkEnum(name, v string, enum []string) error {
	if len(enum) == 0 || slices.Contains(enum, v) {
		return nil
	}
	return usagef("aws: error: argument %s: Invalid choice '%s'%s, valid choices are: %s", name, v, didYouMean(v, enum), strings.Join(enum, " | "))
}

func convert(s *Shell, name, val string, t OptType, enum []string) (any, error) {
	if t == "" {
		t = String
	}
	if rest, ok := strings.CutPrefix(val, "file://"); ok && (t == String || t == JSON) {
		b, err := s.readFile(rest)
		if err != nil {
			return nil, usagef("Error parsing parameter '%s': Unable to load paramfile %s: %v", name, val, err)
		}
		val = string(b)
	}
	// fileb:// values (deployment packages) stay as typed here; parseArgs
	// reads the bytes into Args.Blob.
	if err := checkEnum(name, val, enum); err != nil {
		return nil, err
	}
	switch t {
	case String:
		return val, nil
	case JSON:
		if !json.Valid([]byte(val)) {
			return nil, usagef("Error parsing parameter '%s': Invalid JSON: %s", name, clip(val, 60))
		}
		return val, nil
	case Int:
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, usagef("aws: error: argument %s: invalid int value: '%s'", name, termtext.Clip(val, 40))
		}
		return n, nil
	case Float:
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f != f {
			return nil, usagef("aws: error: argument %s: invalid number: '%s'", name, termtext.Clip(val, 40))
		}
		return f, nil
	case Duration:
		d, err := sim.ParseDuration(val)
		if err != nil {
			return nil, usagef("argument %s: %v", name, err)
		}
		return d, nil
	case Dist:
		d, err := sim.ParseDist(val)
		if err != nil {
			return nil, usagef("argument %s: %v", name, err)
		}
		return d, nil
	case List:
		return []string{val}, nil
	}
	return nil, usagef("argument %s: unsupported type %s", name, t)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
