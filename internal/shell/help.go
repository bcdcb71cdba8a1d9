package shell

import (
	"fmt"
	"slices"
	"strings"
)

// Help returns the help text for a topic, as `help WORDS...` prints it:
// no words lists every command; "aws", "aws lambda" (or "lambda") lists a
// service's operations; "aws lambda invoke" (or "lambda invoke"), "traffic",
// "clock advance" describe one command.
func (s *Shell) Help(words ...string) string { return s.helpFor(words) }

func (s *Shell) helpFor(words []string) string {
	if len(words) == 0 {
		return s.overview()
	}
	if words[0] == "aws" {
		words = words[1:]
		if len(words) == 0 {
			return s.awsOverview()
		}
	}
	// "lambda" or "lambda invoke"
	if s.hasService(words[0]) {
		if len(words) == 1 {
			return s.serviceHelp(words[0])
		}
		for i := range s.cmds {
			c := &s.cmds[i]
			if !c.Lab && c.Service == words[0] && c.Operation == words[1] {
				return commandHelp(c)
			}
		}
		return fmt.Sprintf("no command 'aws %s %s'%s\n\n%s", words[0], words[1], didYouMean(words[1], s.operations(words[0])), s.serviceHelp(words[0]))
	}
	var cands []*Command
	for i := range s.cmds {
		c := &s.cmds[i]
		if c.Lab && c.Service == words[0] {
			if len(words) > 1 && c.Operation == words[1] {
				return commandHelp(c)
			}
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		all := append(s.verbs(), s.services()...)
		return fmt.Sprintf("no help for '%s'%s\n\n%s", strings.Join(words, " "), didYouMean(words[0], all), s.overview())
	}
	var b strings.Builder
	for i, c := range cands {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(commandHelp(c))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *Shell) overview() string {
	var b strings.Builder
	b.WriteString("Commands (AWS CLI syntax plus lab verbs). Type `help COMMAND` for details.\n\nLab verbs:\n")
	for _, c := range s.cmds {
		if c.Lab {
			fmt.Fprintf(&b, "  %-24s %s\n", c.Words(), c.Summary)
		}
	}
	b.WriteString("\nAWS services (type `aws SERVICE help`):\n")
	for _, svc := range s.services() {
		n := len(s.operations(svc))
		fmt.Fprintf(&b, "  aws %-20s %d operation%s\n", svc, n, plural(n))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *Shell) awsOverview() string {
	var b strings.Builder
	b.WriteString("usage: aws <service> <operation> [options]\n\nServices:\n")
	for _, svc := range s.services() {
		fmt.Fprintf(&b, "  %s\n", svc)
	}
	b.WriteString("\nType `aws SERVICE help` for its operations.")
	return b.String()
}

func (s *Shell) serviceHelp(svc string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "aws %s: available operations (type `aws %s OPERATION help`):\n\n", svc, svc)
	var cs []*Command
	for i := range s.cmds {
		if c := &s.cmds[i]; !c.Lab && c.Service == svc {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b *Command) int { return strings.Compare(a.Operation, b.Operation) })
	for _, c := range cs {
		fmt.Fprintf(&b, "  %-36s %s\n", c.Operation, c.Summary)
	}
	return strings.TrimRight(b.String(), "\n")
}

func placeholder(t OptType, enum []string) string {
	if len(enum) > 0 {
		return "<" + strings.Join(enum, "|") + ">"
	}
	switch t {
	case List:
		return "<value> [<value> ...]"
	case "":
		return "<string>"
	}
	return "<" + string(t) + ">"
}

func commandHelp(c *Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  %s\n\nUsage: %s", c.Words(), c.Summary, c.Words())
	col := len("Usage: ") + len(c.Words())
	word := func(u string) {
		if col+1+len(u) > 78 {
			b.WriteString("\n      ")
			col = 6
		}
		b.WriteString(" " + u)
		col += 1 + len(u)
	}
	for _, o := range c.Options {
		u := "--" + o.Name
		if o.Type != Bool {
			u += " " + placeholder(o.Type, o.Enum)
		}
		if !o.Required {
			u = "[" + u + "]"
		}
		word(u)
	}
	for _, a := range c.Args {
		u := a.Name
		if a.Rest {
			u += "..."
		}
		if !a.Required {
			u = "[" + u + "]"
		}
		word(u)
	}
	b.WriteString("\n")
	if len(c.Options) > 0 {
		b.WriteString("\nOptions:\n")
		for _, o := range c.Options {
			name := "--" + o.Name
			if o.Short != "" {
				name = "-" + o.Short + ", " + name
			}
			writeOpt(&b, name, o.Type, o.Enum, o.Required, o.Sim, o.Default, o.Help)
		}
	}
	if len(c.Args) > 0 {
		b.WriteString("\nArguments:\n")
		for _, a := range c.Args {
			writeOpt(&b, a.Name, a.Type, a.Enum, a.Required, false, "", a.Help)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeOpt(b *strings.Builder, name string, t OptType, enum []string, req, simOnly bool, def, help string) {
	var tags []string
	if req {
		tags = append(tags, "required")
	}
	if simOnly {
		tags = append(tags, "simulation only")
	}
	line := help
	if len(tags) > 0 {
		line = "(" + strings.Join(tags, ", ") + ") " + line
	}
	if def != "" {
		line += " Default: " + def + "."
	}
	head := name
	if t != Bool {
		head += " " + placeholder(t, enum)
	}
	if len(head) > 30 {
		fmt.Fprintf(b, "  %s\n  %-30s %s\n", head, "", line)
		return
	}
	fmt.Fprintf(b, "  %-30s %s\n", head, line)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// seeHelp says how to get help on c.
func seeHelp(c *Command) string {
	if c.Lab {
		return "help " + c.Words()
	}
	return c.Words() + " help"
}
