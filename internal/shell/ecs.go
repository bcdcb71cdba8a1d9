package shell

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cloudlab/cloudlab/internal/ecs"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// The `aws ecs` commands. Output is shaped like the ECS API's JSON; errors
// print like the AWS CLI (domain errors carry their AWS codes). Every ECS
// command also takes --generate-cli-skeleton (prints the input skeleton) and
// --cli-input-json (JSON keys in the API's camelCase fill the options).

func clusterOpt() OptSpec {
	return OptSpec{Name: "cluster", Complete: "cluster", Help: "Cluster name or ARN (default: the cluster named default)."}
}

func ecsOpt(name, help string) OptSpec { return OptSpec{Name: name, Help: help} }

func req(name, help string) OptSpec {
	return OptSpec{Name: name, Help: "(required) " + help}
}

var skeletonOpts = []OptSpec{
	{Name: "generate-cli-skeleton", Type: Bool, Help: "Print a JSON skeleton of the input instead of running the command."},
	{Name: "cli-input-json", Help: "Read the input from JSON (inline or file://input.json); keys are the API's names."},
}

// ecsCmd builds an ECS command with the skeleton options and input handling.
func ecsCmd(op, summary string, skeleton string, opts []OptSpec, run func(*Ctx, Args) (Result, error)) Command {
	all := append(append([]OptSpec(nil), opts...), skeletonOpts...)
	return Command{Service: "ecs", Operation: op, Summary: summary, Options: all,
		Run: func(ctx *Ctx, a Args) (Result, error) {
			if a.Bool("generate-cli-skeleton") {
				return skeletonResult(skeleton, opts), nil
			}
			if a.Has("cli-input-json") && op != "register-task-definition" {
				if err := mergeInputJSON(&a, ctx.Cmd, a.JSON("cli-input-json")); err != nil {
					return Result{}, err
				}
			}
			for _, o := range opts {
				if strings.HasPrefix(o.Help, "(required)") && !a.Has(o.Name) {
					return Result{}, usagef("aws: error: the following arguments are required: --%s", o.Name)
				}
			}
			res, err := run(ctx, a)
			return res, cliErr(err)
		}}
}

// cliErr converts the errors the AWS CLI reports itself (bad JSON,
// parameter validation) into usage errors with the CLI's wording.
func cliErr(err error) error {
	if err == nil {
		return nil
	}
	var je *ecs.JSONError
	if errors.As(err, &je) {
		return usagef("Error parsing parameter '--cli-input-json': Invalid JSON: %s: line %d column %d", je.Msg, je.Line, je.Column)
	}
	var pe *ecs.ParamError
	if errors.As(err, &pe) {
		return &UsageError{Msg: pe.Error()}
	}
	var qe *ecs.QueryError
	if errors.As(err, &qe) {
		return &AWSError{Code: "InvalidParameterException", Message: qe.Error() + "\n" + qe.Caret(), StatusCode: 400}
	}
	return err
}

// skeletonResult prints the command's input skeleton: the hand-written one
// when given (as AWS prints it), else one built from the options.
func skeletonResult(skeleton string, opts []OptSpec) Result {
	if skeleton != "" {
		return Result{Text: skeleton}
	}
	var b strings.Builder
	b.WriteString("{\n")
	var lines []string
	for _, o := range opts {
		if o.Sim {
			continue
		}
		v := `""`
		switch o.Type {
		case Int:
			v = "0"
		case Bool:
			v = "true"
		case List:
			v = `[
        ""
    ]`
		}
		lines = append(lines, fmt.Sprintf("    %q: %s", camel(o.Name), v))
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n}")
	return Result{Text: b.String()}
}

func camel(kebab string) string {
	parts := strings.Split(kebab, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func kebab(camelName string) string {
	var b strings.Builder
	for i, r := range camelName {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mergeInputJSON fills options from --cli-input-json (options given on the
// command line win, as with the AWS CLI).
func mergeInputJSON(a *Args, cmd *Command, text string) error {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return usagef("Error parsing parameter '--cli-input-json': Invalid JSON: %v", err)
	}
	specs := map[string]OptSpec{}
	for _, o := range cmd.Options {
		specs[o.Name] = o
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Like the AWS CLI's parameter validation, report every unknown key and
	// every wrong type at once, one line each.
	var probs []string
	bad := func(k string, v any, want string) {
		probs = append(probs, fmt.Sprintf("Invalid type for parameter %s, value: %v, type: %s, valid types: <class '%s'>", k, v, pyTypeName(v), want))
	}
	for _, k := range keys {
		v := m[k]
		name := kebab(k)
		sp, ok := specs[name]
		if !ok || name == "cli-input-json" || name == "generate-cli-skeleton" {
			var names []string
			for _, o := range cmd.Options {
				if o.Name != "cli-input-json" && o.Name != "generate-cli-skeleton" {
					names = append(names, camel(o.Name))
				}
			}
			probs = append(probs, fmt.Sprintf("Unknown parameter in input: %q, must be one of: %s", k, strings.Join(names, ", ")))
			continue
		}
		if a.Has(name) || v == nil {
			continue
		}
		switch sp.Type {
		case Int:
			num, isNum := v.(json.Number)
			n, err := strconv.ParseInt(string(num), 10, 64)
			if !isNum || err != nil {
				bad(k, v, "int")
				continue
			}
			a.vals[name] = n
		case Float:
			num, isNum := v.(json.Number)
			f, err := strconv.ParseFloat(string(num), 64)
			if !isNum || err != nil {
				bad(k, v, "float")
				continue
			}
			a.vals[name] = f
		case Bool:
			b, ok := v.(bool)
			if !ok {
				bad(k, v, "bool")
				continue
			}
			a.vals[name] = b
		case List:
			list, ok := v.([]any)
			if !ok {
				bad(k, v, "list")
				continue
			}
			var items []string
			allStrings := true
			for _, x := range list {
				if s, ok := x.(string); ok {
					items = append(items, s)
				} else {
					allStrings = false
				}
			}
			if !allStrings {
				b, _ := json.Marshal(list)
				items = []string{string(b)}
			}
			a.vals[name] = items
		default:
			if s, ok := v.(string); ok {
				a.vals[name] = s
			} else if _, isMap := v.(map[string]any); isMap || sp.Type == JSON {
				b, _ := json.Marshal(v)
				a.vals[name] = string(b) // a structure, given as JSON
			} else {
				bad(k, v, "str")
			}
		}
	}
	if len(probs) > 0 {
		return &UsageError{Msg: "Parameter validation failed:\n" + strings.Join(probs, "\n")}
	}
	return nil
}

// pyTypeName is the Python type the AWS CLI names for a JSON value.
func pyTypeName(v any) string {
	switch x := v.(type) {
	case string:
		return "<class 'str'>"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "<class 'float'>"
		}
		return "<class 'int'>"
	case bool:
		return "<class 'bool'>"
	case []any:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	}
	return "<class 'NoneType'>"
}

func ecsCommands() []Command {
	return []Command{
		ecsCmd("create-cluster", "Create a cluster", "", []OptSpec{
			ecsOpt("cluster-name", "Cluster name (default: default)."),
			{Name: "tags", Type: List, Help: "key=team,value=web key=env,value=prod ... or JSON (kept; describe-clusters --include TAGS shows them)."},
			{Name: "settings", Type: List, Help: "name=containerInsights,value=enabled|disabled|enhanced (kept; describe-clusters --include SETTINGS shows it; metrics not simulated)."},
			ecsOpt("configuration", "executeCommandConfiguration=... (accepted, not simulated)."),
			{Name: "capacity-providers", Type: List, Help: "FARGATE FARGATE_SPOT (accepted; use --launch-type or --capacity-provider-strategy on run-task)."},
			{Name: "default-capacity-provider-strategy", Type: List, Help: "Accepted, not simulated."},
			ecsOpt("service-connect-defaults", "namespace=... (accepted, not simulated)."),
		}, func(ctx *Ctx, a Args) (Result, error) {
			in := ecs.ClusterInput{Name: a.Str("cluster-name")}
			var err error
			if in.Tags, err = tagsArg(a); err != nil {
				return Result{}, err
			}
			if a.Has("settings") {
				items, err := structList(a.List("settings"))
				if err != nil {
					return Result{}, usagef("Error parsing parameter '--settings': %v", err)
				}
				if err := structKeys("settings", items, "name", "value"); err != nil {
					return Result{}, err
				}
				for _, it := range items {
					in.Settings = append(in.Settings, ecs.ClusterSetting{Name: str(it, "name"), Value: str(it, "value")})
				}
			}
			c, err := ctx.Acct.ECS.CreateClusterWith(in)
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"cluster": clusterJSON(ctx, c, "SETTINGS", "TAGS", "STATISTICS")}}, nil
		}),
		ecsCmd("list-clusters", "List cluster ARNs", "", nil, func(ctx *Ctx, a Args) (Result, error) {
			arns := []string{}
			for _, c := range ctx.Acct.ECS.Clusters() {
				arns = append(arns, c.Arn)
			}
			return Result{Output: map[string]any{"clusterArns": arns}}, nil
		}),
		ecsCmd("describe-clusters", "Describe clusters", "", []OptSpec{
			{Name: "clusters", Type: List, Complete: "cluster", Help: "Cluster names or ARNs (default: default)."},
			{Name: "cluster", Type: List, Complete: "cluster", Help: "Same as --clusters (accepted for convenience)."},
			{Name: "include", Type: List, Enum: []string{"ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"}, Help: "Also show SETTINGS, TAGS, STATISTICS (ATTACHMENTS and CONFIGURATIONS accepted)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			names := append(a.List("clusters"), a.List("cluster")...)
			if len(names) == 0 {
				names = []string{"default"}
			}
			out := []any{}
			fails := []ecs.Failure{}
			for _, n := range names {
				c, ok := ctx.Acct.ECS.ClusterAny(n)
				if !ok {
					arn := n
					if !strings.HasPrefix(n, "arn:") {
						arn = "arn:aws:ecs:" + ecs.Region + ":" + ecs.AccountID + ":cluster/" + n
					}
					fails = append(fails, ecs.Failure{Arn: arn, Reason: "MISSING"})
					continue
				}
				out = append(out, clusterJSON(ctx, c, a.List("include")...))
			}
			return Result{Output: map[string]any{"clusters": out, "failures": fails}}, nil
		}),
		ecsCmd("put-account-setting", "Change an account setting, e.g. --name awsvpcTrunking --value enabled (more network interfaces for awsvpc tasks on instances launched afterwards)", "", []OptSpec{
			{Name: "name", Help: "(required) Setting name: awsvpcTrunking, containerInsights, ..."},
			ecsOpt("value", "(required) enabled | disabled (containerInsights also enhanced)."),
			ecsOpt("principal-arn", "The user or role (the simulator has one principal; accepted)."),
		}, ecsPutAccountSetting),
		ecsCmd("put-account-setting-default", "Change an account setting for every principal (same as put-account-setting here)", "", []OptSpec{
			{Name: "name", Help: "(required) Setting name: awsvpcTrunking, containerInsights, ..."},
			ecsOpt("value", "(required) enabled | disabled (containerInsights also enhanced)."),
		}, ecsPutAccountSetting),
		ecsCmd("list-account-settings", "List account settings (--name for one, --effective-settings accepted)", "", []OptSpec{
			ecsOpt("name", "Only this setting."),
			ecsOpt("value", "Only settings with this value."),
			ecsOpt("principal-arn", "Accepted (one principal)."),
			{Name: "effective-settings", Type: Bool, Help: "Accepted: the settings shown are the effective ones."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			out := []ecs.AccountSetting{}
			for _, st := range ctx.Acct.ECS.AccountSettings(a.Str("name")) {
				if a.Has("value") && st.Value != a.Str("value") {
					continue
				}
				out = append(out, st)
			}
			return Result{Output: map[string]any{"settings": out}}, nil
		}),
		ecsCmd("delete-cluster", "Delete a cluster (it must have no instances, services or tasks)", "", []OptSpec{
			req("cluster", "Cluster name or ARN."),
		}, func(ctx *Ctx, a Args) (Result, error) {
			c, err := ctx.Acct.ECS.DeleteCluster(a.Str("cluster"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"cluster": clusterJSON(ctx, c, "SETTINGS", "TAGS", "STATISTICS")}}, nil
		}),
	}
}

// tagsArg parses --tags key=K,value=V ... (or a JSON list).
func tagsArg(a Args) ([]ecs.Tag, error) {
	if !a.Has("tags") {
		return nil, nil
	}
	items, err := structList(a.List("tags"))
	if err != nil {
		return nil, usagef("Error parsing parameter '--tags': %v", err)
	}
	if err := structKeys("tags", items, "key", "value"); err != nil {
		return nil, err
	}
	var out []ecs.Tag
	for i, it := range items {
		if _, ok := it["key"]; !ok {
			return nil, usagef("Parameter validation failed:\nMissing required parameter in tags[%d]: \"key\"", i)
		}
		out = append(out, ecs.Tag{Key: str(it, "key"), Value: str(it, "value")})
	}
	return out, nil
}

func awsTime(d time.Duration) string { return sim.Timestamp(d) }

func optTime(m map[string]any, key string, d time.Duration) {
	if d >= 0 {
		m[key] = awsTime(d)
	}
}

func ecsPutAccountSetting(ctx *Ctx, a Args) (Result, error) {
	st, err := ctx.Acct.ECS.PutAccountSetting(a.Str("name"), a.Str("value"))
	if err != nil {
		return Result{}, err
	}
	return Result{Output: map[string]any{"setting": st}}, nil
}

// structKeys is the CLI's parameter validation of a list of structures:
// every unknown member is reported (settings containerInsights=enabled is
// not name=containerInsights,value=enabled).
func structKeys(param string, items []map[string]any, known ...string) error {
	var probs []string
	for i, it := range items {
		keys := make([]string, 0, len(it))
		for k := range it {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !slices.Contains(known, k) {
				probs = append(probs, fmt.Sprintf("Unknown parameter in %s[%d]: %q, must be one of: %s", param, i, k, strings.Join(known, ", ")))
			}
		}
	}
	if len(probs) > 0 {
		return &UsageError{Msg: "Parameter validation failed:\n" + strings.Join(probs, "\n")}
	}
	return nil
}
