package shell

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// Launch templates (`aws ec2`) and EC2 Auto Scaling groups
// (`aws autoscaling`); the rules live in internal/ec2/asg.go.

func asgCommands() []Command {
	groupName := OptSpec{Name: "auto-scaling-group-name", Required: true, Complete: "asg", Help: "The group's name."}
	return []Command{
		{
			Service: "ec2", Operation: "create-launch-template", Summary: "Save an instance configuration (image, type, user data) for Auto Scaling groups",
			Options: []OptSpec{
				{Name: "launch-template-name", Required: true, Help: "The template's name."},
				{Name: "launch-template-data", Required: true, Help: `ImageId=..., InstanceType=..., UserData=BASE64 (shorthand or JSON {"ImageId": ...}).`},
				{Name: "version-description", Help: "Accepted."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				m, err := optShorthand("launch-template-data", a.Str("launch-template-data"))
				if err != nil {
					return Result{}, err
				}
				image := str(m, "ImageId")
				if image != "" {
					if image, err = ec2.ResolveImageID(image); err != nil {
						return Result{}, err
					}
				} else {
					image = ec2.DefaultImageID
				}
				lt := ec2.LaunchTemplate{ImageID: image, InstanceType: str(m, "InstanceType"), UserData: ec2.DecodeUserData(str(m, "UserData"))}
				if mo, ok := m["InstanceMarketOptions"].(map[string]any); ok && str(mo, "MarketType") == "spot" {
					lt.Spot = true
				}
				if lt.InstanceType == "" {
					lt.InstanceType = "m5.large"
				}
				t, err := ctx.Acct.EC2.CreateLaunchTemplate(a.Str("launch-template-name"), lt)
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"LaunchTemplate": launchTemplateJSON(t)}}, nil
			},
		},
		{
			Service: "ec2", Operation: "describe-launch-templates", Summary: "List launch templates",
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out := []any{}
				for _, t := range ctx.Acct.EC2.LaunchTemplates() {
					out = append(out, launchTemplateJSON(t))
				}
				return Result{Output: map[string]any{"LaunchTemplates": out}}, nil
			},
		},
		{
			Service: "autoscaling", Operation: "create-auto-scaling-group", Summary: "Create a group that keeps a desired number of instances running across zones",
			Options: []OptSpec{
				groupName,
				{Name: "launch-template", Required: true, Help: "LaunchTemplateName=NAME (or LaunchTemplateId=lt-...), Version=$Latest."},
				{Name: "min-size", Type: Int, Required: true, Help: "Fewest instances."},
				{Name: "max-size", Type: Int, Required: true, Help: "Most instances."},
				{Name: "desired-capacity", Type: Int, Help: "Instances to run now (default: min-size)."},
				{Name: "availability-zones", Type: List, Help: "Zones to spread over (us-east-1a us-east-1b ...)."},
				{Name: "vpc-zone-identifier", Help: "Subnets: the simulator takes --availability-zones instead."},
				{Name: "health-check-grace-period", Type: Int, Help: "Accepted."},
				{Name: "tags", Type: List, Help: "Accepted."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				if a.Has("vpc-zone-identifier") && !a.Has("availability-zones") {
					return Result{}, usagef("the simulator has no subnets: give --availability-zones us-east-1a us-east-1b ... instead of --vpc-zone-identifier")
				}
				m, err := optShorthand("launch-template", a.Str("launch-template"))
				if err != nil {
					return Result{}, err
				}
				tmpl := str(m, "LaunchTemplateName")
				if tmpl == "" {
					tmpl = str(m, "LaunchTemplateId")
				}
				desired := -1
				if a.Has("desired-capacity") {
					desired = int(a.Int("desired-capacity"))
				}
				_, err = ctx.Acct.EC2.CreateAutoScalingGroup(ec2.GroupInput{Name: a.Str("auto-scaling-group-name"), Template: tmpl,
					Min: int(a.Int("min-size")), Max: int(a.Int("max-size")), Desired: desired, AZs: a.List("availability-zones")})
				return Result{}, err // the AWS CLI prints nothing
			},
		},
		{
			Service: "autoscaling", Operation: "describe-auto-scaling-groups", Summary: "Groups with their sizes and instances (lifecycle and health)",
			Options: []OptSpec{{Name: "auto-scaling-group-names", Type: List, Complete: "asg", Help: "Names (default: all)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out := []any{}
				names := a.List("auto-scaling-group-names")
				for _, g := range ctx.Acct.EC2.Groups() {
					if len(names) > 0 && !slices.Contains(names, g.Name) {
						continue
					}
					out = append(out, groupJSON(g))
				}
				return Result{Output: map[string]any{"AutoScalingGroups": out}}, nil
			},
		},
		{
			Service: "autoscaling", Operation: "set-desired-capacity", Summary: "Change how many instances the group runs (within min and max)",
			Options: []OptSpec{groupName, {Name: "desired-capacity", Type: Int, Required: true, Help: "Instances to run."}, {Name: "honor-cooldown", Type: Bool, Help: "Accepted."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{}, ctx.Acct.EC2.SetDesiredCapacity(a.Str("auto-scaling-group-name"), int(a.Int("desired-capacity")))
			},
		},
		{
			Service: "autoscaling", Operation: "update-auto-scaling-group", Summary: "Change a group's min, max or desired capacity",
			Options: []OptSpec{groupName,
				{Name: "min-size", Type: Int, Help: "Fewest instances."},
				{Name: "max-size", Type: Int, Help: "Most instances."},
				{Name: "desired-capacity", Type: Int, Help: "Instances to run."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				opt := func(n string) *int {
					if !a.Has(n) {
						return nil
					}
					v := int(a.Int(n))
					return &v
				}
				return Result{}, ctx.Acct.EC2.UpdateAutoScalingGroup(a.Str("auto-scaling-group-name"), opt("min-size"), opt("max-size"), opt("desired-capacity"))
			},
		},
		{
			Service: "autoscaling", Operation: "delete-auto-scaling-group", Summary: "Delete a group (--force-delete terminates its instances)",
			Options: []OptSpec{groupName, {Name: "force-delete", Type: Bool, Help: "Terminate the group's instances too."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{}, ctx.Acct.EC2.DeleteAutoScalingGroup(a.Str("auto-scaling-group-name"), a.Bool("force-delete"))
			},
		},
		{
			Service: "autoscaling", Operation: "describe-scaling-activities", Summary: "What a group did and why (launches, terminations, replacements)",
			Options: []OptSpec{groupName},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				g, err := ctx.Acct.EC2.Group(a.Str("auto-scaling-group-name"))
				if err != nil {
					return Result{}, err
				}
				out := []any{}
				for i := len(g.Activities) - 1; i >= 0; i-- { // newest first, as AWS lists them
					out = append(out, map[string]any{"AutoScalingGroupName": g.Name, "Description": g.Activities[i]})
				}
				return Result{Output: map[string]any{"Activities": out}, Text: strings.Join(g.Activities, "\n")}, nil
			},
		},
	}
}

func launchTemplateJSON(t *ec2.LaunchTemplate) map[string]any {
	return map[string]any{"LaunchTemplateId": t.ID, "LaunchTemplateName": t.Name, "CreateTime": awsTime(t.CreatedAt),
		"DefaultVersionNumber": 1, "LatestVersionNumber": 1}
}

func groupJSON(g *ec2.Group) map[string]any {
	insts := []any{}
	for _, i := range g.Instances {
		life, health := "InService", "Healthy"
		switch i.State {
		case ec2.StatePending:
			life = "Pending"
		case ec2.StateRunning:
		default:
			life, health = "Terminating", "Unhealthy"
		}
		insts = append(insts, map[string]any{"InstanceId": i.ID, "InstanceType": i.Type.Name, "AvailabilityZone": i.AZ,
			"LifecycleState": life, "HealthStatus": health,
			"LaunchTemplate": map[string]any{"LaunchTemplateId": g.Template.ID, "LaunchTemplateName": g.Template.Name, "Version": "1"}})
	}
	return map[string]any{
		"AutoScalingGroupName": g.Name, "MinSize": g.Min, "MaxSize": g.Max, "DesiredCapacity": g.Desired,
		"AvailabilityZones": g.AZs, "Instances": insts, "HealthCheckType": "EC2",
		"AutoScalingGroupARN": fmt.Sprintf("arn:aws:autoscaling:%s:123456789012:autoScalingGroup:%s:autoScalingGroupName/%s", ec2.Region, "00000000-0000-0000-0000-000000000000", g.Name),
		"LaunchTemplate":      map[string]any{"LaunchTemplateId": g.Template.ID, "LaunchTemplateName": g.Template.Name, "Version": "$Latest"},
	}
}
