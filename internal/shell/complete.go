package shell

import (
	"slices"
	"sort"
	"strings"
)

// Complete returns completions of the command line prefix, for tab
// completion. Each completion is the whole line with its last (partial)
// word completed: Complete("aws lambda inv") returns ["aws lambda invoke"],
// Complete("aws lambda invoke --fu") ["aws lambda invoke --function-name"],
// and Complete("aws lambda invoke --function-name ") the function names.
// Resource names come from cloud.Account.Names(kind) for the kind named by
// OptSpec.Complete. Results are sorted; nil when nothing fits.
func (s *Shell) Complete(prefix string) []string {
	words, err := Split(prefix)
	if err != nil {
		return nil
	}
	partial := ""
	if prefix != "" && !strings.ContainsRune(" \t", rune(prefix[len(prefix)-1])) && len(words) > 0 {
		partial = words[len(words)-1]
		words = words[:len(words)-1]
	}
	head := prefix[:len(prefix)-len(partialSuffix(prefix, partial))]
	var cands []string
	switch {
	case len(words) == 0:
		cands = append(s.verbs(), "help")
	case words[0] == "help":
		cands = append(s.verbs(), s.services()...)
		if len(words) >= 2 {
			cands = s.subwords(words[1:])
		}
	case words[0] == "aws" && len(words) == 1:
		cands = append(s.services(), "help")
	case words[0] == "aws" && len(words) == 2:
		cands = append(s.operations(words[1]), "help")
	default:
		cmd, rest, err := s.lookup(words)
		if err != nil {
			// A verb whose subcommand is being typed.
			if len(words) == 1 {
				for _, c := range s.cmds {
					if c.Lab && c.Service == words[0] && c.Operation != "" {
						cands = append(cands, c.Operation)
					}
				}
			}
			break
		}
		if cmd == nil {
			break
		}
		cands = s.optionCands(cmd, rest, partial)
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c, partial) && !seen[c] {
			seen[c] = true
			out = append(out, head+quoteWord(c))
		}
	}
	sort.Strings(out)
	return out
}

// subwords completes the words after `help`.
func (s *Shell) subwords(words []string) []string {
	w := words
	if w[0] == "aws" {
		w = w[1:]
	}
	switch len(w) {
	case 0:
		return s.services()
	case 1:
		if s.hasService(w[0]) {
			return s.operations(w[0])
		}
		var ops []string
		for _, c := range s.cmds {
			if c.Lab && c.Service == w[0] && c.Operation != "" {
				ops = append(ops, c.Operation)
			}
		}
		return ops
	}
	return nil
}

func partialSuffix(prefix, partial string) string {
	if partial == "" {
		return ""
	}
	// The partial word as typed is the text after the last unquoted blank;
	// find the last blank (quotes in a partial word are rare in completion).
	i := strings.LastIndexAny(prefix, " \t")
	return prefix[i+1:]
}

func quoteWord(w string) string {
	if w == "" || strings.ContainsAny(w, " \t'\"\\#") {
		return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return w
}

// optionCands lists what may come next for cmd given the words typed so far.
func (s *Shell) optionCands(cmd *Command, rest []string, partial string) []string {
	used := map[string]bool{}
	var expect *OptSpec
	npos := 0
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		expect = nil
		if name, ok := strings.CutPrefix(w, "--"); ok {
			name, _, hasVal := strings.Cut(name, "=")
			used[name] = true
			if sp := findOpt(cmd, name); sp != nil && sp.Type != Bool && !hasVal {
				if i == len(rest)-1 || sp.Type == List {
					expect = sp
				} else {
					i++
				}
			}
			continue
		}
		npos++
	}
	if expect != nil && !strings.HasPrefix(partial, "--") {
		if len(expect.Enum) > 0 {
			return expect.Enum
		}
		if expect.Complete != "" {
			return s.acct.Names(expect.Complete)
		}
		if expect.Type != List {
			return nil
		}
	}
	var cands []string
	for _, o := range cmd.Options {
		if !used[o.Name] {
			cands = append(cands, "--"+o.Name)
		}
	}
	if !strings.HasPrefix(partial, "-") && npos < len(cmd.Args) {
		a := cmd.Args[npos]
		if len(a.Enum) > 0 {
			cands = append(cands, a.Enum...)
		} else if a.Complete != "" {
			cands = append(cands, s.acct.Names(a.Complete)...)
		}
	}
	return slices.Compact(cands)
}

func findOpt(cmd *Command, name string) *OptSpec {
	for i := range cmd.Options {
		if cmd.Options[i].Name == name {
			return &cmd.Options[i]
		}
	}
	return nil
}
