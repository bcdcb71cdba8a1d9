package shell

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// The `aws ec2` commands of an instance's life after launch: reboot,
// console output, changing the type while stopped, and Elastic IPs. The
// rules live in internal/ec2 (lifecycle.go, with the AWS pages cited).

func ec2LifecycleCommands() []Command {
	instanceID := OptSpec{Name: "instance-id", Required: true, Complete: "instance", Help: "The instance id (i-...)."}
	return []Command{
		{
			Service: "ec2", Operation: "reboot-instances", Summary: "Reboot running instances (same host, same addresses, same billing period; user data does not run again)",
			Options: []OptSpec{{Name: "instance-ids", Type: List, Required: true, Complete: "instance", Help: "Instance ids."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				if err := ctx.Acct.EC2.RebootInstances(a.List("instance-ids")); err != nil {
					return Result{}, err
				}
				return Result{}, nil // the AWS CLI prints nothing
			},
		},
		{
			Service: "ec2", Operation: "get-console-output", Summary: "An instance's console output (boot messages and what its user data printed)",
			Options: []OptSpec{instanceID, {Name: "latest", Type: Bool, Help: "The most recent output (accepted)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				id := a.Str("instance-id")
				out, err := ctx.Acct.EC2.ConsoleOutput(id)
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"InstanceId": id, "Timestamp": awsTime(ctx.Now()), "Output": out}}, nil
			},
		},
		{
			Service: "ec2", Operation: "modify-instance-attribute", Summary: "Change an instance's type (only while it is stopped)",
			Options: []OptSpec{
				instanceID,
				{Name: "instance-type", Help: "Value=TYPE (or JSON {\"Value\": \"TYPE\"})."},
				{Name: "attribute", Enum: []string{"instanceType"}, Help: "The attribute to change (the simulator models instanceType)."},
				{Name: "value", Help: "The new value, with --attribute."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				typ := a.Str("value")
				switch {
				case a.Has("instance-type"):
					m, err := optShorthand("instance-type", a.Str("instance-type"))
					if err != nil {
						return Result{}, err
					}
					typ = str(m, "Value")
				case !a.Has("attribute") || !a.Has("value"):
					return Result{}, usagef("aws: error: give --instance-type Value=TYPE, or --attribute instanceType --value TYPE")
				}
				if typ == "" {
					return Result{}, usagef("Error parsing parameter '--instance-type': expected Value=TYPE")
				}
				return Result{}, ctx.Acct.EC2.ModifyInstanceType(a.Str("instance-id"), typ)
			},
		},
		{
			Service: "ec2", Operation: "allocate-address", Summary: "Allocate an Elastic IP address (a public address that stays with you)",
			Options: []OptSpec{{Name: "domain", Enum: []string{"vpc"}, Help: "vpc (the only kind today)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				ad := ctx.Acct.EC2.AllocateAddress()
				return Result{Output: map[string]any{"PublicIp": ad.PublicIP, "AllocationId": ad.AllocationID, "Domain": "vpc", "NetworkBorderGroup": ec2.Region}}, nil
			},
		},
		{
			Service: "ec2", Operation: "associate-address", Summary: "Attach an Elastic IP to an instance (its automatic public address is released)",
			Options: []OptSpec{
				{Name: "allocation-id", Required: true, Help: "eipalloc-... from allocate-address."},
				{Name: "instance-id", Required: true, Complete: "instance", Help: "The instance id (i-...)."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				assoc, err := ctx.Acct.EC2.AssociateAddress(a.Str("allocation-id"), a.Str("instance-id"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"AssociationId": assoc}}, nil
			},
		},
		{
			Service: "ec2", Operation: "describe-addresses", Summary: "List Elastic IP addresses and the instances they are attached to",
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out := []any{}
				for _, ad := range ctx.Acct.EC2.Addresses() {
					m := map[string]any{"PublicIp": ad.PublicIP, "AllocationId": ad.AllocationID, "Domain": "vpc", "NetworkBorderGroup": ec2.Region}
					if ad.InstanceID != "" {
						m["InstanceId"], m["AssociationId"] = ad.InstanceID, ad.AssociationID
					}
					out = append(out, m)
				}
				return Result{Output: map[string]any{"Addresses": out}}, nil
			},
		},
		{
			Service: "ec2", Operation: "release-address", Summary: "Give an Elastic IP back (it must not be attached)",
			Options: []OptSpec{{Name: "allocation-id", Required: true, Help: "eipalloc-..."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{}, ctx.Acct.EC2.ReleaseAddress(a.Str("allocation-id"))
			},
		},
	}
}

// publicIPJSON adds an instance's public address fields when it has one.
func publicIPJSON(m map[string]any, inst *ec2.Instance) {
	if inst.PublicIP == "" {
		return
	}
	m["PublicIpAddress"] = inst.PublicIP
	m["PublicDnsName"] = fmt.Sprintf("ec2-%s.compute-1.amazonaws.com", strings.ReplaceAll(inst.PublicIP, ".", "-"))
}
