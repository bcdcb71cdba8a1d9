package shell

import (
	"encoding/json"
	"errors"
	"fmt"
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
			return &UsageError{Msg: fmt.Sprintf("Parameter validation failed:\nUnknown parameter in input: %q, must be one of: %s", k, strings.Join(names, ", "))}
		}
		if a.Has(name) || v == nil {
			continue
		}
		switch sp.Type {
		case Int:
			n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
			if err != nil {
				return usagef("Parameter validation failed:\nInvalid type for parameter %s, value: %v, valid types: <class 'int'>", k, v)
			}
			a.vals[name] = n
		case Float:
			f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
			if err != nil {
				return usagef("Parameter validation failed:\nInvalid type for parameter %s, value: %v, valid types: <class 'float'>", k, v)
			}
			a.vals[name] = f
		case Bool:
			b, ok := v.(bool)
			if !ok {
				return usagef("Parameter validation failed:\nInvalid type for parameter %s, value: %v, valid types: <class 'bool'>", k, v)
			}
			a.vals[name] = b
		case List:
			list, ok := v.([]any)
			if !ok {
				return usagef("Parameter validation failed:\nInvalid type for parameter %s, value: %v, valid types: <class 'list'>", k, v)
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
			} else {
				b, _ := json.Marshal(v)
				a.vals[name] = string(b)
			}
		}
	}
	return nil
}

func ecsCommands() []Command {
	return []Command{
		ecsCmd("create-cluster", "Create a cluster", "", []OptSpec{
			ecsOpt("cluster-name", "Cluster name (default: default)."),
			ecsOpt("tags", "Tags (kept, not simulated)."),
			ecsOpt("settings", "Cluster settings such as containerInsights (kept, not simulated)."),
		}, func(ctx *Ctx, a Args) (Result, error) {
			c, err := ctx.Acct.ECS.CreateCluster(a.Str("cluster-name"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"cluster": clusterJSON(ctx, c)}}, nil
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
			{Name: "include", Type: List, Help: "Extra information (accepted, ignored)."},
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
				out = append(out, clusterJSON(ctx, c))
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
			return Result{Output: map[string]any{"cluster": clusterJSON(ctx, c)}}, nil
		}),
	}
}

func clusterJSON(ctx *Ctx, c *ecs.Cluster) map[string]any {
	reg, run, pend, svcs := c.Counts()
	return map[string]any{
		"clusterArn": c.Arn, "clusterName": c.Name, "status": c.Status,
		"registeredContainerInstancesCount": reg, "runningTasksCount": run, "pendingTasksCount": pend,
		"activeServicesCount": svcs, "statistics": []any{}, "tags": []any{},
		"settings":          []any{map[string]string{"name": "containerInsights", "value": "disabled"}},
		"capacityProviders": []any{}, "defaultCapacityProviderStrategy": []any{},
	}
}

func awsTime(d time.Duration) string {
	return sim.Epoch.Add(d).Format("2006-01-02T15:04:05.000000-07:00")
}

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
