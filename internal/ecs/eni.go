package ecs

import (
	"fmt"
	"sort"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// Elastic network interfaces for awsvpc tasks on EC2 container instances.
//
// Each task that uses the awsvpc network mode gets its own elastic network
// interface, attached to the container instance; the instance's primary
// interface counts against the instance type's limit, so an instance runs
// at most MaxENI-1 awsvpc tasks (a t3.medium, 3 interfaces: 2 tasks). A
// task that finds no free attachment point is refused with RESOURCE:ENI.
// With the awsvpcTrunking account setting, instances of the supported
// types launched (registered) after the setting is turned on get a trunk
// interface and a higher task limit.
//
// Sources:
//   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html
//     (c5.large: 3 interfaces, 2 awsvpc tasks; 10 with trunking; only new
//     instances get the trunk)
//   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking-supported-instance-types.html
//     (the table below; t3 is not listed, nor r5.8xlarge)
//   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html
//     (RESOURCE:ENI)
//   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html
//     (maximum network interfaces per instance type: ec2.InstanceType.MaxENI)

// ReasonENI is RunTask's failure reason when no network interface is free.
const ReasonENI = "RESOURCE:ENI"

// AccountSettingTrunking is the account setting that turns on ENI trunking.
const AccountSettingTrunking = "awsvpcTrunking"

// TrunkingTaskLimits is the awsvpc task limit per instance type with ENI
// trunking (ECS Developer Guide, "Supported instances for increased Amazon
// ECS container network interfaces"). Types not listed do not support
// trunking and keep MaxENI-1.
var TrunkingTaskLimits = map[string]int{
	"m5.large": 10, "m5.xlarge": 20, "m5.2xlarge": 40, "m5.4xlarge": 60, "m5.8xlarge": 60,
	"m5.12xlarge": 60, "m5.16xlarge": 120, "m5.24xlarge": 120,
	"c5.large": 10, "c5.xlarge": 20, "c5.2xlarge": 40, "c5.4xlarge": 60, "c5.9xlarge": 60,
	"c5.12xlarge": 60, "c5.18xlarge": 120, "c5.24xlarge": 120,
	"r5.large": 10, "r5.xlarge": 20, "r5.2xlarge": 40, "r5.4xlarge": 60,
	"r5.12xlarge": 60, "r5.16xlarge": 120, "r5.24xlarge": 120,
}

// AwsvpcTaskLimit is how many awsvpc tasks an instance of type t can run:
// its network interfaces minus the primary one, or the trunking limit when
// trunked and the type supports it.
func AwsvpcTaskLimit(t ec2.InstanceType, trunking bool) (limit int, trunked bool) {
	if trunking {
		if n, ok := TrunkingTaskLimits[t.Name]; ok {
			return n, true
		}
	}
	return max(t.MaxENI-1, 0), false
}

// AccountSetting is one ECS account setting.
type AccountSetting struct {
	Name         string `json:"name"`
	Value        string `json:"value"`
	PrincipalArn string `json:"principalArn"`
	Type         string `json:"type,omitempty"`
}

// accountSettingNames are the settings the simulator knows, with defaults.
var accountSettingDefaults = map[string]string{
	AccountSettingTrunking:            "disabled",
	"containerInsights":               "disabled",
	"serviceLongArnFormat":            "enabled",
	"taskLongArnFormat":               "enabled",
	"containerInstanceLongArnFormat":  "enabled",
	"tagResourceAuthorization":        "on",
	"fargateTaskRetirementWaitPeriod": "7",
	"guardDutyActivate":               "off",
	"defaultLogDriverMode":            "blocking",
	"fargateFIPSMode":                 "disabled",
}

// PutAccountSetting changes an account setting (PutAccountSetting and
// PutAccountSettingDefault: the simulator has one principal, the root).
func (s *Sim) PutAccountSetting(name, value string) (AccountSetting, error) {
	if _, ok := accountSettingDefaults[name]; !ok {
		names := make([]string, 0, len(accountSettingDefaults))
		for n := range accountSettingDefaults {
			names = append(names, n)
		}
		sort.Strings(names)
		return AccountSetting{}, invalidf("Invalid account setting name %q: must be one of %v.", name, names)
	}
	switch name {
	case AccountSettingTrunking, "containerInsights", "serviceLongArnFormat", "taskLongArnFormat", "containerInstanceLongArnFormat":
		ok := value == "enabled" || value == "disabled" || (name == "containerInsights" && value == "enhanced")
		if !ok {
			return AccountSetting{}, invalidf("Invalid value %q for the %s setting: must be enabled or disabled.", value, name)
		}
	}
	if s.account == nil {
		s.account = map[string]string{}
	}
	s.account[name] = value
	s.emit(Event{Kind: "account", Message: fmt.Sprintf("account setting %s is now %s", name, value)})
	return s.accountSetting(name), nil
}

func (s *Sim) accountSetting(name string) AccountSetting {
	v, ok := s.account[name]
	if !ok {
		v = accountSettingDefaults[name]
	}
	return AccountSetting{Name: name, Value: v, PrincipalArn: "arn:aws:iam::" + AccountID + ":root", Type: "user"}
}

// AccountSettings lists the settings (one name, or all when name is "").
func (s *Sim) AccountSettings(name string) []AccountSetting {
	if name != "" {
		if _, ok := accountSettingDefaults[name]; !ok {
			return nil
		}
		return []AccountSetting{s.accountSetting(name)}
	}
	names := make([]string, 0, len(accountSettingDefaults))
	for n := range accountSettingDefaults {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]AccountSetting, 0, len(names))
	for _, n := range names {
		out = append(out, s.accountSetting(n))
	}
	return out
}

// Trunking reports whether awsvpcTrunking is enabled.
func (s *Sim) Trunking() bool { return s.account[AccountSettingTrunking] == "enabled" }

// eniDetail explains a RESOURCE:ENI rejection with the instance's numbers.
func eniDetail(c *Candidate) string {
	typ := c.Attrs["ecs.instance-type"]
	if c.Trunked {
		return fmt.Sprintf("no free network interface for an awsvpc task: %d of %d in use; this %s has ENI trunking", c.ENILimit-c.RemainingENI, c.ENILimit, typ)
	}
	return fmt.Sprintf("no free network interface for an awsvpc task: %d of %d in use; a %s has %d, the primary one included",
		c.ENILimit-c.RemainingENI, c.ENILimit, typ, c.ENILimit+1)
}
