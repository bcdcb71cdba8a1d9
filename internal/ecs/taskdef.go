package ecs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PortMapping is a container port mapping.
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

// ContainerDef is what the scheduler uses from a container definition; the
// task definition keeps the full JSON too (Raw).
type ContainerDef struct {
	Name              string
	Image             string
	CPU               int
	Memory            int // hard limit MiB (0 = unset)
	MemoryReservation int // soft limit MiB (0 = unset)
	Essential         bool
	PortMappings      []PortMapping
	Command           []string
	EntryPoint        []string
	// Behaviour derived from command (simulation): the container exits
	// ExitAfter after it starts with ExitCode; ExitAfter < 0 = runs forever.
	ExitAfter time.Duration
	ExitCode  int
	// LogDriver is logConfiguration.logDriver ("" when unset);
	// PrivateRegistry is set when repositoryCredentials is given.
	LogDriver       string
	PrivateRegistry bool
}

// TaskDefinition is one registered revision.
type TaskDefinition struct {
	Family                  string
	Revision                int
	Arn                     string
	Status                  string // ACTIVE | INACTIVE
	NetworkMode             string // bridge (default on EC2) | host | awsvpc | none
	RequiresCompatibilities []string
	Compatibilities         []string
	CPU                     int // task-level CPU units (0 = unset)
	Memory                  int // task-level MiB (0 = unset)
	CPUString, MemoryString string
	Arch                    string // X86_64 | ARM64
	ExecutionRoleArn        string
	Containers              []ContainerDef
	PlacementConstraints    []Constraint
	Raw                     map[string]any // the input JSON, kept
	RegisteredAt            time.Duration
	DeregisteredAt          time.Duration
}

// FamilyRevision is "family:N".
func (td *TaskDefinition) FamilyRevision() string {
	return fmt.Sprintf("%s:%d", td.Family, td.Revision)
}

// ReservedCPU is the CPU units placement reserves: the task-level value if
// set, else the sum of the containers' cpu.
func (td *TaskDefinition) ReservedCPU() int {
	if td.CPU > 0 {
		return td.CPU
	}
	n := 0
	for _, c := range td.Containers {
		n += c.CPU
	}
	return n
}

// ReservedMemory is the MiB placement reserves: the task-level value if set,
// else per container memoryReservation when set, otherwise memory (EDG:
// "memoryReservation (soft limit, used for placement when set)").
func (td *TaskDefinition) ReservedMemory() int {
	if td.Memory > 0 {
		return td.Memory
	}
	n := 0
	for _, c := range td.Containers {
		if c.MemoryReservation > 0 {
			n += c.MemoryReservation
		} else {
			n += c.Memory
		}
	}
	return n
}

// HostPorts lists the fixed host ports the task needs and the number of
// dynamic ones (bridge mode, hostPort 0). In host mode the host port is the
// container port. An awsvpc task takes no host port: it gets its own
// elastic network interface and its ports live there, so two awsvpc tasks
// with the same container port fit on one instance (Request.ENIs counts
// the interface instead; eni.go).
func (td *TaskDefinition) HostPorts() (fixed []PortKey, dynamic int) {
	for _, c := range td.Containers {
		for _, p := range c.PortMappings {
			proto := p.Protocol
			if proto == "" {
				proto = "tcp"
			}
			switch td.NetworkMode {
			case "host":
				hp := p.HostPort
				if hp == 0 {
					hp = p.ContainerPort
				}
				fixed = append(fixed, PortKey{hp, proto})
			case "none", "awsvpc":
			default:
				if p.HostPort == 0 {
					dynamic++
				} else {
					fixed = append(fixed, PortKey{p.HostPort, proto})
				}
			}
		}
	}
	return fixed, dynamic
}

// JSONError is malformed JSON with its line and column (1-based).
type JSONError struct {
	Line, Column int
	Msg          string
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// ParamError is a parameter validation failure the AWS CLI reports before
// calling the API ("Parameter validation failed: ...").
type ParamError struct{ Msg string }

func (e *ParamError) Error() string { return "Parameter validation failed:\n" + e.Msg }

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// DecodeJSON decodes JSON into v, reporting syntax and type errors with the
// line and column of the offending byte.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(data, se.Offset)
			if se.Offset > 0 && c > 1 {
				c-- // Offset is just past the bad byte
			}
			return &JSONError{l, c, se.Error()}
		case errors.As(err, &te):
			l, c := lineCol(data, te.Offset)
			return &JSONError{l, c, fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)}
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			l, c := lineCol(data, int64(len(data)))
			return &JSONError{l, c, "unexpected end of JSON input"}
		}
		l, c := lineCol(data, dec.InputOffset())
		return &JSONError{l, c, err.Error()}
	}
	if dec.More() {
		l, c := lineCol(data, dec.InputOffset())
		return &JSONError{l, c, "unexpected data after the JSON value"}
	}
	return nil
}

// Known input keys of RegisterTaskDefinition and of a container definition
// (AWS API reference). Unknown keys are refused as the AWS CLI does.
var taskDefKeys = []string{"family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
	"volumes", "placementConstraints", "requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode",
	"proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "enableFaultInjection"}

var containerKeys = []string{"name", "image", "repositoryCredentials", "cpu", "memory", "memoryReservation", "links",
	"portMappings", "essential", "restartPolicy", "entryPoint", "command", "environment", "environmentFiles",
	"mountPoints", "volumesFrom", "linuxParameters", "secrets", "dependsOn", "startTimeout", "stopTimeout",
	"versionConsistency", "hostname", "user", "workingDirectory", "disableNetworking", "privileged",
	"readonlyRootFilesystem", "dnsServers", "dnsSearchDomains", "extraHosts", "dockerSecurityOptions",
	"interactive", "pseudoTerminal", "dockerLabels", "ulimits", "logConfiguration", "healthCheck",
	"systemControls", "resourceRequirements", "firelensConfiguration", "credentialSpecs"}

// paramProblems is the AWS CLI's parameter validation of the input: every
// unknown key and every value of the wrong type, one line each, in one
// "Parameter validation failed:" message (as botocore reports them).
func paramProblems(raw map[string]any) []string {
	var out []string
	out = append(out, unknownKeys(raw, taskDefKeys, "input")...)
	for _, k := range []string{"family", "taskRoleArn", "executionRoleArn", "networkMode", "pidMode", "ipcMode"} {
		out = append(out, typeProblem(raw, k, k, "str")...)
	}
	for _, k := range []string{"containerDefinitions", "volumes", "placementConstraints", "requiresCompatibilities", "tags", "inferenceAccelerators"} {
		out = append(out, typeProblem(raw, k, k, "list")...)
	}
	cds, _ := raw["containerDefinitions"].([]any)
	for i, c := range cds {
		where := fmt.Sprintf("containerDefinitions[%d]", i)
		obj, ok := c.(map[string]any)
		if !ok {
			out = append(out, fmt.Sprintf("Invalid type for parameter %s, value: %v, type: %s, valid types: <class 'dict'>", where, c, pyType(c)))
			continue
		}
		dropNulls(obj)
		out = append(out, unknownKeys(obj, containerKeys, where)...)
		for _, k := range []string{"name", "image", "hostname", "user", "workingDirectory"} {
			out = append(out, typeProblem(obj, k, where+"."+k, "str")...)
		}
		for _, k := range []string{"cpu", "memory", "memoryReservation", "startTimeout", "stopTimeout"} {
			out = append(out, typeProblem(obj, k, where+"."+k, "int")...)
		}
		for _, k := range []string{"essential", "privileged", "readonlyRootFilesystem", "interactive", "pseudoTerminal", "disableNetworking"} {
			out = append(out, typeProblem(obj, k, where+"."+k, "bool")...)
		}
		for _, k := range []string{"portMappings", "command", "entryPoint", "environment", "mountPoints", "links", "secrets"} {
			out = append(out, typeProblem(obj, k, where+"."+k, "list")...)
		}
		pms, _ := obj["portMappings"].([]any)
		for j, p := range pms {
			pm, ok := p.(map[string]any)
			if !ok {
				continue
			}
			pw := fmt.Sprintf("%s.portMappings[%d]", where, j)
			out = append(out, unknownKeys(pm, portMappingKeys, pw)...)
			for _, k := range []string{"containerPort", "hostPort"} {
				out = append(out, typeProblem(pm, k, pw+"."+k, "int")...)
			}
			out = append(out, typeProblem(pm, "protocol", pw+".protocol", "str")...)
		}
	}
	return out
}

var portMappingKeys = []string{"containerPort", "hostPort", "protocol", "name", "appProtocol", "containerPortRange"}

// typeProblem checks one value against a botocore type (str, int, bool,
// list); absent keys are fine.
func typeProblem(m map[string]any, key, where, want string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	good := false
	switch want {
	case "str":
		_, good = v.(string)
	case "int":
		switch n := v.(type) {
		case json.Number:
			_, err := strconv.Atoi(string(n))
			good = err == nil
		case float64:
			good = n == math.Trunc(n)
		}
	case "bool":
		_, good = v.(bool)
	case "list":
		_, good = v.([]any)
	}
	if good {
		return nil
	}
	return []string{fmt.Sprintf("Invalid type for parameter %s, value: %v, type: %s, valid types: <class '%s'>", where, v, pyType(v), want)}
}

// unknownKeys lists every key of obj that is not known, sorted.
func unknownKeys(obj map[string]any, known []string, where string) []string {
	var out []string
	for k := range obj {
		if !slices.Contains(known, k) {
			out = append(out, fmt.Sprintf("Unknown parameter in %s: %q, must be one of: %s", where, k, strings.Join(known, ", ")))
		}
	}
	sort.Strings(out)
	return out
}

func checkKeys(obj map[string]any, known []string, where string) error {
	var unknown []string
	for k := range obj {
		found := false
		for _, n := range known {
			if n == k {
				found = true
				break
			}
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return &ParamError{fmt.Sprintf("Unknown parameter in %s: %q, must be one of: %s", where, unknown[0], strings.Join(known, ", "))}
}

// ParseTaskDefinitionJSON parses RegisterTaskDefinition input JSON (as
// given to --cli-input-json) and validates it. The result has no revision.
func ParseTaskDefinitionJSON(data []byte) (*TaskDefinition, error) {
	var raw map[string]any
	if err := DecodeJSON(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, &JSONError{1, 1, "expected a JSON object"}
	}
	return TaskDefinitionFromMap(raw)
}

var familyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`) })

// TaskDefinitionFromMap validates a decoded RegisterTaskDefinition input.
func TaskDefinitionFromMap(raw map[string]any) (*TaskDefinition, error) {
	dropNulls(raw)
	if probs := paramProblems(raw); len(probs) > 0 {
		return nil, &ParamError{strings.Join(probs, "\n")}
	}
	td := &TaskDefinition{Raw: raw, Status: "ACTIVE"}
	fam, ok := raw["family"]
	if !ok {
		return nil, &ParamError{`Missing required parameter in input: "family"`}
	}
	if td.Family, ok = fam.(string); !ok {
		return nil, &ParamError{fmt.Sprintf("Invalid type for parameter family, value: %v, type: %s, valid types: <class 'str'>", fam, pyType(fam))}
	}
	if !familyRE().MatchString(td.Family) {
		return nil, &ClientError{"Family contains invalid characters or is longer than 255: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed."}
	}
	var err error
	if td.NetworkMode, err = optString(raw, "networkMode"); err != nil {
		return nil, err
	}
	switch td.NetworkMode {
	case "":
		td.NetworkMode = "bridge"
	case "bridge", "host", "awsvpc", "none":
	default:
		return nil, &ParamError{fmt.Sprintf("Invalid value for parameter networkMode: %q, must be one of: bridge, host, awsvpc, none", td.NetworkMode)}
	}
	if rc, ok := raw["requiresCompatibilities"]; ok {
		list, ok := rc.([]any)
		if !ok {
			return nil, &ParamError{"Invalid type for parameter requiresCompatibilities: expected a list of strings"}
		}
		for _, v := range list {
			s, _ := v.(string)
			switch s {
			case "EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES":
				td.RequiresCompatibilities = append(td.RequiresCompatibilities, s)
			default:
				return nil, &ParamError{fmt.Sprintf("Invalid value for parameter requiresCompatibilities: %v, must be one of: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES", v)}
			}
		}
	}
	if td.ExecutionRoleArn, err = optString(raw, "executionRoleArn"); err != nil {
		return nil, err
	}
	td.Arch = "X86_64"
	if rp, ok := raw["runtimePlatform"].(map[string]any); ok {
		if a, ok := rp["cpuArchitecture"].(string); ok && a != "" {
			if a != "X86_64" && a != "ARM64" {
				return nil, &ParamError{fmt.Sprintf("Invalid value for parameter runtimePlatform.cpuArchitecture: %q, must be one of: X86_64, ARM64", a)}
			}
			td.Arch = a
		}
	}
	if v, ok := raw["cpu"]; ok {
		s := scalarString(v)
		if td.CPU, err = ParseCPU(s); err != nil {
			return nil, err
		}
		td.CPUString = strconv.Itoa(td.CPU)
	}
	if v, ok := raw["memory"]; ok {
		s := scalarString(v)
		if td.Memory, err = ParseMemory(s); err != nil {
			return nil, err
		}
		td.MemoryString = strconv.Itoa(td.Memory)
	}
	cdsRaw, ok := raw["containerDefinitions"]
	if !ok {
		return nil, &ParamError{`Missing required parameter in input: "containerDefinitions"`}
	}
	cds, ok := cdsRaw.([]any)
	if !ok {
		return nil, &ParamError{"Invalid type for parameter containerDefinitions: expected a list of container definitions"}
	}
	if len(cds) == 0 {
		return nil, &ClientError{"Container list cannot be empty."}
	}
	names := map[string]bool{}
	for i, c := range cds {
		obj, ok := c.(map[string]any)
		if !ok {
			return nil, &ParamError{fmt.Sprintf("Invalid type for parameter containerDefinitions[%d]: expected an object", i)}
		}
		dropNulls(obj)
		cd, err := parseContainer(obj, i)
		if err != nil {
			return nil, err
		}
		if names[cd.Name] {
			return nil, &ClientError{fmt.Sprintf("Duplicate container name found: %s. Container names must be unique within a task definition.", cd.Name)}
		}
		names[cd.Name] = true
		td.Containers = append(td.Containers, cd)
	}
	if pcs, ok := raw["placementConstraints"].([]any); ok {
		for _, p := range pcs {
			m, _ := p.(map[string]any)
			typ, _ := m["type"].(string)
			expr, _ := m["expression"].(string)
			if typ != "memberOf" {
				return nil, &ClientError{"Task definition placement constraints support only the memberOf type."}
			}
			c, err := NewConstraint(typ, expr)
			if err != nil {
				return nil, err
			}
			td.PlacementConstraints = append(td.PlacementConstraints, c)
		}
	}
	if err := td.validate(); err != nil {
		return nil, err
	}
	return td, nil
}

func parseContainer(obj map[string]any, i int) (ContainerDef, error) {
	where := fmt.Sprintf("containerDefinitions[%d]", i)
	if err := checkKeys(obj, containerKeys, where); err != nil {
		return ContainerDef{}, err
	}
	cd := ContainerDef{Essential: true, ExitAfter: -1}
	var err error
	if cd.Name, err = optString(obj, "name"); err != nil {
		return cd, err
	}
	if cd.Name == "" {
		return cd, &ClientError{"Container.name should not be null or empty."}
	}
	if cd.Image, err = optString(obj, "image"); err != nil {
		return cd, err
	}
	if cd.Image == "" {
		return cd, &ClientError{"Container.image should not be null or empty."}
	}
	if cd.CPU, err = optInt(obj, "cpu", where); err != nil {
		return cd, err
	}
	if cd.Memory, err = optInt(obj, "memory", where); err != nil {
		return cd, err
	}
	if cd.MemoryReservation, err = optInt(obj, "memoryReservation", where); err != nil {
		return cd, err
	}
	if v, ok := obj["essential"]; ok {
		b, ok := v.(bool)
		if !ok {
			return cd, &ParamError{fmt.Sprintf("Invalid type for parameter %s.essential, value: %v, type: %s, valid types: <class 'bool'>", where, v, pyType(v))}
		}
		cd.Essential = b
	}
	if pms, ok := obj["portMappings"]; ok {
		list, ok := pms.([]any)
		if !ok {
			return cd, &ParamError{fmt.Sprintf("Invalid type for parameter %s.portMappings: expected a list", where)}
		}
		for j, p := range list {
			m, ok := p.(map[string]any)
			if !ok {
				return cd, &ParamError{fmt.Sprintf("Invalid type for parameter %s.portMappings[%d]: expected an object", where, j)}
			}
			dropNulls(m)
			pw := fmt.Sprintf("%s.portMappings[%d]", where, j)
			var pm PortMapping
			if pm.ContainerPort, err = optInt(m, "containerPort", pw); err != nil {
				return cd, err
			}
			if pm.HostPort, err = optInt(m, "hostPort", pw); err != nil {
				return cd, err
			}
			if pm.Protocol, err = optString(m, "protocol"); err != nil {
				return cd, err
			}
			if pm.Protocol == "" {
				pm.Protocol = "tcp"
			}
			if pm.Protocol != "tcp" && pm.Protocol != "udp" {
				return cd, &ParamError{fmt.Sprintf("Invalid value for parameter %s.protocol: %q, must be one of: tcp, udp", pw, pm.Protocol)}
			}
			if pm.ContainerPort < 0 || pm.ContainerPort > 65535 || pm.HostPort < 0 || pm.HostPort > 65535 {
				return cd, &ClientError{fmt.Sprintf("Invalid port mapping for container '%s': ports must be between 0 and 65535.", cd.Name)}
			}
			cd.PortMappings = append(cd.PortMappings, pm)
		}
	}
	if lc, ok := obj["logConfiguration"].(map[string]any); ok {
		cd.LogDriver, _ = lc["logDriver"].(string)
	}
	if _, ok := obj["repositoryCredentials"]; ok {
		cd.PrivateRegistry = true
	}
	cd.Command = stringList(obj["command"])
	cd.EntryPoint = stringList(obj["entryPoint"])
	cd.ExitAfter, cd.ExitCode = commandBehaviour(append(append([]string{}, cd.EntryPoint...), cd.Command...))
	return cd, nil
}

func (td *TaskDefinition) validate() error {
	fargate := td.requires("FARGATE")
	essential := false
	cpuSum, memSum := 0, 0
	ports := map[PortKey]string{}
	for _, c := range td.Containers {
		if c.Essential {
			essential = true
		}
		if td.Memory == 0 && c.Memory == 0 && c.MemoryReservation == 0 {
			return &ClientError{fmt.Sprintf("Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", c.Name)}
		}
		if c.Memory != 0 && c.Memory < 6 {
			return &ClientError{fmt.Sprintf("Invalid 'memory' setting for container '%s'. The memory limit must be at least 6 MiB.", c.Name)}
		}
		if c.Memory > 0 && c.MemoryReservation > c.Memory {
			return &ClientError{fmt.Sprintf("Invalid 'memoryReservation' setting for container '%s'. The memory reservation must be less than or equal to the memory limit.", c.Name)}
		}
		cpuSum += c.CPU
		if c.MemoryReservation > 0 {
			memSum += c.MemoryReservation
		} else {
			memSum += c.Memory
		}
		for _, p := range c.PortMappings {
			if (td.NetworkMode == "awsvpc" || td.NetworkMode == "host") && p.HostPort != 0 && p.HostPort != p.ContainerPort {
				return &ClientError{fmt.Sprintf("When networkMode=%s, the host ports and container ports in port mappings must match.", td.NetworkMode)}
			}
			hp := p.HostPort
			if td.NetworkMode == "awsvpc" || td.NetworkMode == "host" {
				hp = p.ContainerPort
			}
			if hp == 0 {
				continue
			}
			k := PortKey{hp, p.Protocol}
			if other, dup := ports[k]; dup {
				return &ClientError{fmt.Sprintf("Port %d/%s is mapped by both container '%s' and container '%s': host ports must be unique within a task definition.", hp, p.Protocol, other, c.Name)}
			}
			ports[k] = c.Name
		}
	}
	if !essential {
		return &ClientError{"Invalid task definition: at least one container must be marked essential."}
	}
	if td.Memory > 0 && memSum > td.Memory {
		return &ClientError{fmt.Sprintf("Invalid setting: the containers reserve %d MiB of memory in total, more than the task memory of %d MiB.", memSum, td.Memory)}
	}
	if td.CPU > 0 && cpuSum > td.CPU {
		return &ClientError{fmt.Sprintf("Invalid setting: the containers reserve %d CPU units in total, more than the task cpu of %d.", cpuSum, td.CPU)}
	}
	// A definition that requires FARGATE is refused at registration when it
	// does not meet Fargate's requirements; any other definition is
	// registered, and `compatibilities` lists FARGATE only when it meets
	// them (RunTask and CreateService check the launch type against it).
	fp := td.fargateProblem()
	if fargate && fp != nil {
		return fp
	}
	td.Compatibilities = []string{"EC2"}
	if fp == nil {
		td.Compatibilities = append(td.Compatibilities, "FARGATE")
	}
	return nil
}

// fargateProblem says why the definition cannot run on Fargate (nil when
// it can):
//   - the awsvpc network mode and task-level cpu and memory, a valid pair
//     (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html,
//     https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html);
//   - an execution role when a container uses the awslogs log driver, an
//     Amazon ECR image or private registry credentials: Fargate pulls the
//     image and ships the logs with that role
//     (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
//     The awslogs and ECR messages are ECS's own; the private-registry one
//     follows their pattern.
func (td *TaskDefinition) fargateProblem() error {
	if td.NetworkMode != "awsvpc" {
		return &ClientError{"Fargate only supports network mode 'awsvpc'."}
	}
	if td.CPU == 0 {
		return &ClientError{"Fargate requires that 'cpu' be defined at the task level."}
	}
	if td.Memory == 0 {
		return &ClientError{"Fargate requires that 'memory' be defined at the task level."}
	}
	if err := CheckFargateSize(td.CPU, td.Memory); err != nil {
		return err
	}
	if td.ExecutionRoleArn == "" {
		for _, c := range td.Containers {
			switch {
			case c.LogDriver == "awslogs":
				return &ClientError{"Fargate requires task definition to have execution role ARN to support log driver awslogs."}
			case isECRImage(c.Image):
				return &ClientError{"Fargate requires task definition to have execution role ARN to support ECR images."}
			case c.PrivateRegistry:
				return &ClientError{"Fargate requires task definition to have execution role ARN to support private registry authentication."}
			}
		}
	}
	return nil
}

// isECRImage reports a private Amazon ECR image (ACCOUNT.dkr.ecr.REGION.
// amazonaws.com/...); the ECR Public gallery (public.ecr.aws) needs no role.
func isECRImage(image string) bool {
	host, _, ok := strings.Cut(image, "/")
	return ok && strings.Contains(host, ".dkr.ecr.") && strings.Contains(host, ".amazonaws.com")
}

func (td *TaskDefinition) requires(c string) bool {
	for _, r := range td.RequiresCompatibilities {
		if r == c {
			return true
		}
	}
	return false
}

func (td *TaskDefinition) compatible(c string) bool {
	for _, r := range td.Compatibilities {
		if r == c {
			return true
		}
	}
	return false
}

// CheckFargateSize validates a Fargate task size. Any pair outside the
// table is refused with the wording the ECS API and the AWS CLI print,
// "Invalid 'cpu' setting for task." (some tools, such as Terraform, show
// "No Fargate configuration exists for given values." instead):
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
func CheckFargateSize(cpu, mem int) error {
	const g = 1024
	var ok bool
	switch cpu {
	case 256:
		ok = mem == 512 || mem == 1024 || mem == 2048
	case 512:
		ok = inSteps(mem, 1*g, 4*g, g)
	case 1024:
		ok = inSteps(mem, 2*g, 8*g, g)
	case 2048:
		ok = inSteps(mem, 4*g, 16*g, g)
	case 4096:
		ok = inSteps(mem, 8*g, 30*g, g)
	case 8192:
		ok = inSteps(mem, 16*g, 60*g, 4*g)
	case 16384:
		ok = inSteps(mem, 32*g, 120*g, 8*g)
	default:
		return &ClientError{"Invalid 'cpu' setting for task."}
	}
	if !ok {
		return &ClientError{"Invalid 'cpu' setting for task."}
	}
	return nil
}

func inSteps(v, lo, hi, step int) bool { return v >= lo && v <= hi && (v-lo)%step == 0 }

// ParseCPU parses a task CPU value: CPU units ("256", 1024) or vCPUs
// ("1 vCPU", "0.5 vcpu").
func ParseCPU(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	bad := &ClientError{"Invalid 'cpu' setting for task."}
	if strings.HasSuffix(t, "vcpu") {
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "vcpu")), 64)
		if err != nil || f <= 0 || f > 192 {
			return 0, bad
		}
		return int(math.Round(f * 1024)), nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 196608 {
		return 0, bad
	}
	return n, nil
}

// ParseMemory parses a task memory value: MiB ("512", 1024) or GB ("1GB",
// "2 gb"; 1 GB = 1024 MiB as ECS counts it).
func ParseMemory(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	bad := &ClientError{"Invalid 'memory' setting for task."}
	if strings.HasSuffix(t, "gb") {
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "gb")), 64)
		if err != nil || f <= 0 || f > 1024 {
			return 0, bad
		}
		return int(math.Round(f * 1024)), nil
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "mib"))
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 1024*1024 {
		return 0, bad
	}
	return n, nil
}

var (
	sleepRE = regexp.MustCompile(`^(?:.*[;&|]\s*)?sleep\s+(\d+(?:\.\d+)?)(?:\s*[;&|].*)?$`)
	exitRE  = regexp.MustCompile(`^(?:.*[;&|]\s*)?exit\s+(\d+)\s*$`)
)

// commandBehaviour derives the simulated exit of a container from its
// command: `sleep N` exits 0 after N seconds (AWS's classic sleep360
// example), `exit N` exits with N as soon as it starts, `false` exits 1,
// `true` exits 0. Anything else runs until stopped.
func commandBehaviour(argv []string) (time.Duration, int) {
	line := strings.TrimSpace(strings.Join(argv, " "))
	for _, p := range []string{"/bin/sh -c ", "sh -c ", "/bin/bash -c ", "bash -c "} {
		line = strings.TrimPrefix(line, p)
	}
	line = strings.Trim(line, `"' `)
	switch line {
	case "false", "/bin/false":
		return 0, 1
	case "true", "/bin/true":
		return 0, 0
	}
	if m := exitRE.FindStringSubmatch(line); m != nil && !strings.Contains(line, "sleep") {
		n, _ := strconv.Atoi(m[1])
		return 0, n % 256
	}
	if m := sleepRE.FindStringSubmatch(line); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		return time.Duration(f * float64(time.Second)), 0
	}
	return -1, 0
}

func dropNulls(m map[string]any) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}

func optString(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &ParamError{fmt.Sprintf("Invalid type for parameter %s, value: %v, type: %s, valid types: <class 'str'>", key, v, pyType(v))}
	}
	return s, nil
}

func optInt(m map[string]any, key, where string) (int, error) {
	v, ok := m[key]
	if !ok {
		return 0, nil
	}
	n, ok := v.(json.Number)
	if ok {
		i, err := strconv.Atoi(string(n))
		if err == nil && i >= 0 {
			return i, nil
		}
	}
	if f, ok := v.(float64); ok && f == math.Trunc(f) && f >= 0 && f < 1<<31 {
		return int(f), nil
	}
	return 0, &ParamError{fmt.Sprintf("Invalid type for parameter %s.%s, value: %v, type: %s, valid types: <class 'int'>", where, key, v, pyType(v))}
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func pyType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case json.Number, float64:
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
