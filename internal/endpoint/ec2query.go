package endpoint

import (
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ec2"
)

// Amazon EC2 over the Query protocol: form-encoded Action=...&Version=
// 2016-11-15 requests, XML responses, XML errors
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
// The same internal/ec2 calls the lab shell's `aws ec2 ...` commands make;
// an instance whose user data sets ECS_CLUSTER joins that cluster.

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

// EC2Operations are the EC2 actions the endpoint serves.
var EC2Operations = append([]string{"RunInstances", "DescribeInstances", "StartInstances", "StopInstances", "TerminateInstances",
	"DescribeInstanceTypes"}, ec2LifecycleOperations...)

// MaxInstances caps the instances not yet terminated that the endpoint
// keeps (a shared endpoint must not be asked for a million).
const MaxInstances = 200

// isQueryRequest reports whether r is an EC2 Query request: a form POST (or
// a GET with Action) to the root path.
func isQueryRequest(r *http.Request) bool {
	if r.URL.Path != "/" && r.URL.Path != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return r.URL.Query().Get("Action") != ""
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && (mt == "application/x-www-form-urlencoded" || mt == "")
}

type xmlErrorBody struct {
	XMLName   xml.Name `xml:"Response"`
	Errors    []xmlErr `xml:"Errors>Error"`
	RequestID string   `xml:"RequestID"`
}

type xmlErr struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func writeXMLError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(xmlErrorBody{Errors: []xmlErr{{e.Code, e.Message}}, RequestID: newRequestID()})
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func ec2Err(code, format string, args ...any) *apiError {
	return &apiError{Status: 400, Code: code, Message: fmt.Sprintf(format, args...), XML: true}
}

// queryList reads a flattened list: Prefix.1, Prefix.2, ...
func queryList(f url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := f[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

func (s *Server) serveEC2(w http.ResponseWriter, r *http.Request, c *call) {
	c.op = "EC2.?"
	form := r.URL.Query()
	if r.Method == http.MethodPost {
		f, err := url.ParseQuery(string(c.body))
		if err != nil {
			writeError(w, ec2Err("MalformedQueryString", "The request body is not a valid form-encoded query string."))
			return
		}
		form = f
	}
	action := form.Get("Action")
	if action == "" {
		writeError(w, ec2Err("MissingAction", "The request must contain the parameter Action."))
		return
	}
	c.op = "EC2." + trunc(Sanitize(action), 40)
	if !containsStr(EC2Operations, action) {
		writeError(w, ec2Err("InvalidAction", "The action %s is not valid for this web service (the cloudlab endpoint serves %s).", Sanitize(trunc(action, 40)), strings.Join(EC2Operations, ", ")))
		return
	}
	if v := form.Get("Version"); v != "" && v != "2016-11-15" {
		writeError(w, ec2Err("InvalidParameterValue", "Version %s is not supported: the cloudlab endpoint speaks 2016-11-15.", Sanitize(trunc(v, 20))))
		return
	}
	var out any
	err := s.world.Do(func(a *cloud.Account) error {
		var err error
		out, err = s.ec2Op(a.EC2, action, form, c)
		return err
	})
	if err != nil {
		e := domainError(err, false)
		e.JSON11, e.XML = false, true
		if e.Status >= 500 {
			e.Code = "InternalError"
		}
		writeError(w, e)
		return
	}
	writeXML(w, out)
}

// XML shapes of the EC2 API (element names from the API reference).

type xmlState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlInstance struct {
	InstanceID       string    `xml:"instanceId"`
	ImageID          string    `xml:"imageId"`
	State            xmlState  `xml:"instanceState"`
	PrivateDNSName   string    `xml:"privateDnsName"`
	DNSName          string    `xml:"dnsName"`
	Reason           string    `xml:"reason"`
	AmiLaunchIndex   int       `xml:"amiLaunchIndex"`
	InstanceType     string    `xml:"instanceType"`
	LaunchTime       string    `xml:"launchTime"`
	AvailabilityZone string    `xml:"placement>availabilityZone"`
	Tenancy          string    `xml:"placement>tenancy"`
	Monitoring       string    `xml:"monitoring>state"`
	PrivateIP        string    `xml:"privateIpAddress"`
	PublicIP         string    `xml:"ipAddress,omitempty"`
	KeyName          string    `xml:"keyName,omitempty"`
	Architecture     string    `xml:"architecture"`
	StateReason      *xmlErr   `xml:"stateReason,omitempty"`
	Tags             *[]xmlTag `xml:"tagSet>item,omitempty"`
}

type xmlStateReason struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type xmlReservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Groups        struct{}      `xml:"groupSet"`
	Instances     []xmlInstance `xml:"instancesSet>item"`
}

type runInstancesResponse struct {
	XMLName   xml.Name `xml:"RunInstancesResponse"`
	NS        string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	xmlReservation
}

type describeInstancesResponse struct {
	XMLName      xml.Name         `xml:"DescribeInstancesResponse"`
	NS           string           `xml:"xmlns,attr"`
	RequestID    string           `xml:"requestId"`
	Reservations []xmlReservation `xml:"reservationSet>item"`
}

type xmlStateChange struct {
	InstanceID string   `xml:"instanceId"`
	Current    xmlState `xml:"currentState"`
	Previous   xmlState `xml:"previousState"`
}

type stateChangeResponse struct {
	XMLName   xml.Name
	NS        string           `xml:"xmlns,attr"`
	RequestID string           `xml:"requestId"`
	Changes   []xmlStateChange `xml:"instancesSet>item"`
}

type xmlInstanceType struct {
	InstanceType string   `xml:"instanceType"`
	CurrentGen   bool     `xml:"currentGeneration"`
	VCPUs        int      `xml:"vCpuInfo>defaultVCpus"`
	MemoryMiB    int      `xml:"memoryInfo>sizeInMiB"`
	MaxENIs      int      `xml:"networkInfo>maximumNetworkInterfaces"`
	Archs        []string `xml:"processorInfo>supportedArchitectures>item"`
	UsageClasses []string `xml:"supportedUsageClasses>item"`
}

type describeInstanceTypesResponse struct {
	XMLName   xml.Name          `xml:"DescribeInstanceTypesResponse"`
	NS        string            `xml:"xmlns,attr"`
	RequestID string            `xml:"requestId"`
	Types     []xmlInstanceType `xml:"instanceTypeSet>item"`
}

// EC2 instance state codes (API_InstanceState.html).
var ec2StateCodes = map[string]int{ec2.StatePending: 0, ec2.StateRunning: 16, ec2.StateShuttingDown: 32, ec2.StateTerminated: 48,
	ec2.StateStopping: 64, ec2.StateStopped: 80}

func (s *Server) instanceXML(inst *ec2.Instance, index int) xmlInstance {
	x := xmlInstance{InstanceID: inst.ID, ImageID: inst.ImageID, State: xmlState{ec2StateCodes[inst.State], inst.State},
		PrivateDNSName: "ip-" + strings.ReplaceAll(inst.PrivateIP, ".", "-") + ".ec2.internal", AmiLaunchIndex: index,
		InstanceType: inst.Type.Name, LaunchTime: s.world.Time(inst.LaunchedAt).UTC().Format("2006-01-02T15:04:05.000Z"),
		AvailabilityZone: inst.AZ, Tenancy: "default", Monitoring: "disabled", PrivateIP: inst.PrivateIP, Architecture: inst.Type.Arch,
		PublicIP: inst.PublicIP, KeyName: inst.KeyName}
	if inst.PublicIP != "" {
		x.DNSName = "ec2-" + strings.ReplaceAll(inst.PublicIP, ".", "-") + ".compute-1.amazonaws.com"
	}
	if inst.StateReason != "" {
		code, msg, _ := strings.Cut(inst.StateReason, ": ")
		x.StateReason = &xmlErr{Code: code, Message: inst.StateReason}
		x.Reason = msg
	}
	if len(inst.Tags) > 0 {
		tags := make([]xmlTag, 0, len(inst.Tags))
		for _, t := range inst.Tags {
			tags = append(tags, xmlTag{t.Key, t.Value})
		}
		x.Tags = &tags
	}
	return x
}

func (s *Server) ec2Op(e *ec2.Service, action string, f url.Values, c *call) (any, error) {
	rid := newRequestID()
	switch action {
	case "RunInstances":
		minC, err1 := strconv.Atoi(f.Get("MinCount"))
		maxC, err2 := strconv.Atoi(f.Get("MaxCount"))
		if f.Get("MinCount") == "" || f.Get("MaxCount") == "" {
			return nil, ec2Err("MissingParameter", "The request must contain the parameters MinCount and MaxCount.")
		}
		if err1 != nil || err2 != nil || minC < 1 || maxC < minC {
			return nil, ec2Err("InvalidParameterValue", "MinCount and MaxCount must be whole numbers with 1 <= MinCount <= MaxCount.")
		}
		if f.Get("ImageId") == "" {
			return nil, ec2Err("MissingParameter", "The request must contain the parameter ImageId.")
		}
		var tags []ec2.Tag
		for i := 1; ; i++ {
			p := "TagSpecification." + strconv.Itoa(i)
			rt, ok := f[p+".ResourceType"]
			if !ok {
				break
			}
			if rt[0] != "instance" {
				continue // volumes, network interfaces: not modelled
			}
			for j := 1; ; j++ {
				q := p + ".Tag." + strconv.Itoa(j)
				k, ok := f[q+".Key"]
				if !ok {
					break
				}
				tags = append(tags, ec2.Tag{Key: k[0], Value: f.Get(q + ".Value")})
			}
		}
		live := 0
		for _, inst := range e.Instances() {
			if inst.State != ec2.StateTerminated {
				live++
			}
		}
		if live+minC > MaxInstances {
			return nil, ec2Err("InstanceLimitExceeded", "You have requested more instances (%d) than your current instance limit of %d allows (the cloudlab endpoint's cap on instances not terminated).", live+minC, MaxInstances)
		}
		// EC2 launches up to MaxCount as capacity allows; here the cap.
		maxC = min(maxC, MaxInstances-live)
		var rootEbs map[string]string
		for i := 1; ; i++ {
			p := "BlockDeviceMapping." + strconv.Itoa(i)
			dev, ok := f[p+".DeviceName"]
			if !ok {
				break
			}
			if dev[0] != ec2.RootDevice {
				continue // extra volumes are not modelled
			}
			rootEbs = map[string]string{}
			for _, k := range []string{"VolumeSize", "VolumeType", "DeleteOnTermination"} {
				if v := f.Get(p + ".Ebs." + k); v != "" {
					rootEbs[k] = v
				}
			}
		}
		mt := f.Get("InstanceMarketOptions.MarketType")
		if mt != "" && mt != "spot" {
			return nil, ec2Err("InvalidParameterValue", "InstanceMarketOptions.MarketType %s: use spot (or leave it out for On-Demand).", Sanitize(trunc(mt, 20)))
		}
		image, err := ec2.ResolveImageID(f.Get("ImageId")) // RunInstances takes resolve:ssm: parameters
		if err != nil {
			return nil, err
		}
		insts, err := e.RunInstances(ec2.RunInput{ImageID: image, InstanceType: f.Get("InstanceType"), Count: maxC,
			AZ: f.Get("Placement.AvailabilityZone"), UserData: f.Get("UserData"), Tags: tags, RootEbs: rootEbs, Spot: mt == "spot",
			KeyName: f.Get("KeyName")})
		if err != nil {
			return nil, err
		}
		c.function = insts[0].ID
		res := runInstancesResponse{NS: ec2NS, RequestID: rid}
		res.ReservationID, res.OwnerID = insts[0].ReservationID, "123456789012"
		for i, inst := range insts {
			res.Instances = append(res.Instances, s.instanceXML(inst, i))
		}
		return res, nil
	case "DescribeInstances":
		insts, err := e.DescribeInstances(queryList(f, "InstanceId"))
		if err != nil {
			return nil, err
		}
		var fs []ec2.Filter
		for i := 1; ; i++ {
			p := "Filter." + strconv.Itoa(i)
			n, ok := f[p+".Name"]
			if !ok {
				break
			}
			if err := ec2.CheckFilter(n[0]); err != nil {
				return nil, err
			}
			fs = append(fs, ec2.Filter{Name: n[0], Values: queryList(f, p+".Value")})
		}
		res := describeInstancesResponse{NS: ec2NS, RequestID: rid}
		byRes := map[string]int{}
		for _, inst := range insts {
			if !ec2.Match(inst, fs) {
				continue
			}
			i, ok := byRes[inst.ReservationID]
			if !ok {
				i = len(res.Reservations)
				byRes[inst.ReservationID] = i
				res.Reservations = append(res.Reservations, xmlReservation{ReservationID: inst.ReservationID, OwnerID: "123456789012"})
			}
			r := &res.Reservations[i]
			r.Instances = append(r.Instances, s.instanceXML(inst, len(r.Instances)))
		}
		return res, nil
	case "StartInstances", "StopInstances", "TerminateInstances":
		ids := queryList(f, "InstanceId")
		if len(ids) == 0 {
			return nil, ec2Err("MissingParameter", "The request must contain the parameter InstanceId.")
		}
		c.function = ids[0]
		var ch []ec2.StateChange
		var err error
		switch action {
		case "StartInstances":
			ch, err = e.StartInstances(ids)
		case "StopInstances":
			ch, err = e.StopInstances(ids)
		default:
			ch, err = e.TerminateInstances(ids)
		}
		if err != nil {
			return nil, err
		}
		res := stateChangeResponse{XMLName: xml.Name{Local: action + "Response"}, NS: ec2NS, RequestID: rid}
		for _, sc := range ch {
			res.Changes = append(res.Changes, xmlStateChange{sc.InstanceID, xmlState{ec2StateCodes[sc.CurrentState], sc.CurrentState},
				xmlState{ec2StateCodes[sc.PreviousState], sc.PreviousState}})
		}
		return res, nil
	case "DescribeInstanceTypes":
		want := queryList(f, "InstanceType")
		var types []ec2.InstanceType
		if len(want) == 0 {
			types = ec2.Types()
		}
		for _, n := range want {
			t, ok := ec2.LookupType(n)
			if !ok {
				return nil, ec2Err("InvalidInstanceType", "The following supplied instance types do not exist: [%s] (the simulator knows t3, m5, c5 and r5 types)", Sanitize(trunc(n, 40)))
			}
			types = append(types, t)
		}
		sort.SliceStable(types, func(i, j int) bool { return types[i].Name < types[j].Name })
		res := describeInstanceTypesResponse{NS: ec2NS, RequestID: rid}
		for _, t := range types {
			res.Types = append(res.Types, xmlInstanceType{InstanceType: t.Name, CurrentGen: true, VCPUs: t.VCPU, MemoryMiB: t.MemoryMiB(),
				MaxENIs: t.MaxENI, Archs: []string{t.Arch}, UsageClasses: []string{"on-demand"}})
		}
		return res, nil
	}
	return s.ec2LifecycleOp(e, action, f, c, rid)
}
