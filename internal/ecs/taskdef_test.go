package ecs

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestAWSExampleTaskDefinitionsRegisterUnchanged(t *testing.T) {
	cases := []struct {
		file        string
		family      string
		cpu, mem    int
		fargate     bool
		fixedPorts  int
		networkMode string
	}{
		// awsvpc: the port is on the task's own network interface, no host port.
		{"webserver-fargate.json", "fargate-task-definition", 256, 512, true, 0, "awsvpc"},
		{"wordpress-awslogs.json", "awslogs-example", 20, 1000, false, 1, "bridge"},
		{"sleep360.json", "sleep360", 10, 10, false, 0, "bridge"},
		{"nginx-host.json", "nginx", 0, 512, false, 1, "host"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			w := newWorld(t, 1)
			data := readTestdata(t, tc.file)
			td, err := w.ecs.RegisterTaskDefinitionJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			if td.Family != tc.family || td.Revision != 1 || td.ReservedCPU() != tc.cpu || td.ReservedMemory() != tc.mem || td.NetworkMode != tc.networkMode {
				t.Errorf("got %s:%d cpu %d mem %d mode %s", td.Family, td.Revision, td.ReservedCPU(), td.ReservedMemory(), td.NetworkMode)
			}
			if td.compatible("FARGATE") != tc.fargate {
				t.Errorf("FARGATE compatible = %v", td.compatible("FARGATE"))
			}
			fixed, _ := td.HostPorts()
			if len(fixed) != tc.fixedPorts {
				t.Errorf("fixed ports %v", fixed)
			}
			// Everything in the input is kept in describe output.
			var in map[string]any
			if err := json.Unmarshal(data, &in); err != nil {
				t.Fatal(err)
			}
			out := td.Describe()
			for k := range in {
				if _, ok := out[k]; !ok {
					t.Errorf("describe lost key %q", k)
				}
			}
			if out["taskDefinitionArn"] != "arn:aws:ecs:us-east-1:123456789012:task-definition/"+tc.family+":1" {
				t.Errorf("arn %v", out["taskDefinitionArn"])
			}
			if _, err := json.Marshal(out); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMalformedJSONReportsLineAndColumn(t *testing.T) {
	cases := []struct {
		name      string
		src       string
		line, col int
	}{
		{"missing comma", "{\n  \"family\": \"web\"\n  \"containerDefinitions\": []\n}", 3, 3},
		{"trailing comma", "{\n  \"family\": \"web\",\n}", 3, 1},
		{"unterminated", "{\n  \"family\": \"web\",\n  \"cpu\": ", 3, 10},
		{"bad literal", "{\"family\": tru}", 1, 15},
		{"wrong type", "{\n  \"family\": \"web\",\n  \"containerDefinitions\": {\"name\": 1}\n}", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTaskDefinitionJSON([]byte(tc.src))
			if tc.line == 0 {
				var pe *ParamError
				if !errors.As(err, &pe) {
					t.Fatalf("err %v, want a parameter error", err)
				}
				return
			}
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("err %v (%T), want *JSONError", err, err)
			}
			if je.Line != tc.line || je.Column != tc.col {
				t.Errorf("line %d col %d, want %d:%d (%v)", je.Line, je.Column, tc.line, tc.col, err)
			}
		})
	}
}

func TestTaskDefinitionValidation(t *testing.T) {
	cases := []struct {
		name, src string
		errSub    string // "" = valid
	}{
		{"minimal", webTD("w", 0, 128, ""), ""},
		{"memory reservation only", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memoryReservation":64}]}`, ""},
		{"no memory", `{"family":"w","containerDefinitions":[{"name":"a","image":"x"}]}`, "At least one of 'memory' or 'memoryReservation' must be specified."},
		{"task memory covers containers", `{"family":"w","memory":"1GB","containerDefinitions":[{"name":"a","image":"x"}]}`, ""},
		{"no family", `{"containerDefinitions":[{"name":"a","image":"x","memory":64}]}`, `Missing required parameter in input: "family"`},
		{"bad family", `{"family":"my app","containerDefinitions":[{"name":"a","image":"x","memory":64}]}`, "Family contains invalid characters"},
		{"no image", `{"family":"w","containerDefinitions":[{"name":"a","memory":64}]}`, "Container.image should not be null or empty."},
		{"unknown key", `{"family":"w","colour":"red","containerDefinitions":[{"name":"a","image":"x","memory":64}]}`, `Unknown parameter in input: "colour"`},
		{"unknown container key", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":64,"ram":1}]}`, `Unknown parameter in containerDefinitions[0]: "ram"`},
		{"reservation above limit", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":64,"memoryReservation":128}]}`, "memory reservation must be less than or equal"},
		{"no essential", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":64,"essential":false}]}`, "at least one container must be marked essential"},
		{"duplicate names", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":64},{"name":"a","image":"y","memory":64}]}`, "Duplicate container name"},
		{"fargate needs awsvpc", `{"family":"w","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"a","image":"x"}]}`, "Fargate only supports network mode 'awsvpc'."},
		{"fargate needs cpu", `{"family":"w","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","memory":"512","containerDefinitions":[{"name":"a","image":"x"}]}`, "Fargate requires that 'cpu' be defined at the task level."},
		{"fargate bad cpu", `{"family":"w","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"300","memory":"512","containerDefinitions":[{"name":"a","image":"x"}]}`, "Invalid 'cpu' setting for task."},
		{"fargate bad combo", `{"family":"w","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"256","memory":"4GB","containerDefinitions":[{"name":"a","image":"x"}]}`, "Invalid 'cpu' setting for task."},
		{"fargate vcpu strings", `{"family":"w","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"1 vCPU","memory":"2 GB","containerDefinitions":[{"name":"a","image":"x"}]}`, ""},
		{"awsvpc ports must match", `{"family":"w","networkMode":"awsvpc","containerDefinitions":[{"name":"a","image":"x","memory":64,"portMappings":[{"containerPort":80,"hostPort":8080}]}]}`, "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{"duplicate host port", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":64,"portMappings":[{"containerPort":80,"hostPort":80}]},{"name":"b","image":"x","memory":64,"portMappings":[{"containerPort":81,"hostPort":80}]}]}`, "host ports must be unique"},
		{"bad network mode", `{"family":"w","networkMode":"nat","containerDefinitions":[{"name":"a","image":"x","memory":64}]}`, "Invalid value for parameter networkMode"},
		{"memory as string type error", `{"family":"w","containerDefinitions":[{"name":"a","image":"x","memory":"64"}]}`, "Invalid type for parameter containerDefinitions[0].memory"},
		{"bad memberOf", `{"family":"w","placementConstraints":[{"type":"memberOf","expression":"attribute:x =="}],"containerDefinitions":[{"name":"a","image":"x","memory":64}]}`, "invalid expression at position"},
		{"nulls are absent", `{"family":"w","taskRoleArn":null,"containerDefinitions":[{"name":"a","image":"x","memory":64,"command":null}]}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTaskDefinitionJSON([]byte(tc.src))
			if tc.errSub == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errSub) {
				t.Fatalf("err %v, want it to contain %q", err, tc.errSub)
			}
		})
	}
}

func TestFargateSizes(t *testing.T) {
	cases := []struct {
		cpu, mem int
		ok       bool
	}{
		{256, 512, true}, {256, 1024, true}, {256, 2048, true}, {256, 3072, false},
		{512, 1024, true}, {512, 4096, true}, {512, 5120, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 1024, false},
		{2048, 4096, true}, {2048, 16384, true}, {2048, 17408, false},
		{4096, 8192, true}, {4096, 30720, true}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 18432, false}, {8192, 61440, true},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 36864, false}, {16384, 122880, true},
		{128, 512, false}, {3072, 8192, false},
	}
	for _, tc := range cases {
		err := CheckFargateSize(tc.cpu, tc.mem)
		if (err == nil) != tc.ok {
			t.Errorf("%d CPU / %d MiB: err %v, want ok=%v", tc.cpu, tc.mem, err, tc.ok)
		}
	}
}

func TestCPUAndMemoryStrings(t *testing.T) {
	cpus := map[string]int{"256": 256, "1 vCPU": 1024, "1vcpu": 1024, "0.25 vCPU": 256, "2 VCPU": 2048, " 512 ": 512}
	for s, want := range cpus {
		if got, err := ParseCPU(s); err != nil || got != want {
			t.Errorf("ParseCPU(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	mems := map[string]int{"512": 512, "1GB": 1024, "1 GB": 1024, "0.5GB": 512, "2gb": 2048, "30 GB": 30720}
	for s, want := range mems {
		if got, err := ParseMemory(s); err != nil || got != want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "lots", "-1", "1 TB", "x vcpu"} {
		if _, err := ParseCPU(s); err == nil {
			t.Errorf("ParseCPU(%q) accepted", s)
		}
		if _, err := ParseMemory(s); err == nil {
			t.Errorf("ParseMemory(%q) accepted", s)
		}
	}
}

func TestRevisionsAndDeregister(t *testing.T) {
	w := newWorld(t, 1)
	for i := 0; i < 3; i++ {
		w.taskdef(webTD("web", 0, 128, ""))
	}
	if td, _ := w.ecs.TaskDefinition("web"); td.Revision != 3 {
		t.Fatalf("latest revision %d", td.Revision)
	}
	if _, err := w.ecs.DeregisterTaskDefinition("web:3"); err != nil {
		t.Fatal(err)
	}
	if td, _ := w.ecs.TaskDefinition("web"); td.Revision != 2 {
		t.Errorf("latest active revision %d, want 2", td.Revision)
	}
	if _, err := w.ecs.resolveForLaunch("web:3"); err == nil || !strings.Contains(err.Error(), "inactive") {
		t.Errorf("launching an inactive revision: %v", err)
	}
	if _, err := w.ecs.DeregisterTaskDefinition("web"); err == nil {
		t.Error("deregister without a revision accepted")
	}
	arns, _ := w.ecs.ListTaskDefinitions("", "", "")
	if len(arns) != 2 || !strings.HasSuffix(arns[1], "web:2") {
		t.Errorf("active list %v", arns)
	}
}

func TestCommandBehaviour(t *testing.T) {
	cases := []struct {
		argv []string
		exit string
	}{
		{[]string{"sleep", "360"}, "6m0s/0"},
		{[]string{"sh", "-c", "sleep 5"}, "5s/0"},
		{[]string{"exit", "1"}, "0s/1"},
		{[]string{"/bin/sh -c \"exit 3\""}, "0s/3"},
		{[]string{"false"}, "0s/1"},
		{[]string{"nginx", "-g", "daemon off;"}, "forever"},
		{nil, "forever"},
	}
	for _, tc := range cases {
		d, code := commandBehaviour(tc.argv)
		got := "forever"
		if d >= 0 {
			got = d.String() + "/" + string(rune('0'+code))
		}
		if got != tc.exit {
			t.Errorf("%q: %s, want %s", tc.argv, got, tc.exit)
		}
	}
}

func FuzzParseTaskDefinition(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			b, _ := os.ReadFile("testdata/" + e.Name())
			f.Add(b)
		}
	}
	f.Add([]byte(`{"family":"w","cpu":"1 vCPU","memory":"2GB","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"a","image":"x","portMappings":[{"containerPort":80}]}]}`))
	f.Add([]byte(`{"family":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		td, err := ParseTaskDefinitionJSON(data)
		if err != nil {
			return
		}
		if td.Family == "" || len(td.Containers) == 0 {
			t.Fatalf("accepted a definition without family or containers: %s", data)
		}
		td.Describe()
		td.HostPorts()
	})
}
