package endpoint

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// The instance lifecycle, Elastic IP, AMI, status and tag actions of the
// EC2 Query API, on the same internal/ec2 calls as the lab shell's
// commands. Response shapes: the EC2 API reference (API_RebootInstances,
// API_ModifyInstanceAttribute, API_GetConsoleOutput, API_AllocateAddress,
// API_AssociateAddress, API_DescribeAddresses, API_ReleaseAddress,
// API_CreateImage, API_DescribeImages, API_DeregisterImage,
// API_DescribeInstanceStatus, API_CreateTags).

// ec2LifecycleOperations are served by ec2LifecycleOp.
var ec2LifecycleOperations = []string{"RebootInstances", "ModifyInstanceAttribute", "GetConsoleOutput", "AllocateAddress",
	"AssociateAddress", "DescribeAddresses", "ReleaseAddress", "CreateImage", "DescribeImages", "DeregisterImage",
	"DescribeInstanceStatus", "CreateTags"}

// returnResponse is the answer of actions that only say they succeeded.
type returnResponse struct {
	XMLName   xml.Name
	NS        string `xml:"xmlns,attr"`
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

type consoleOutputResponse struct {
	XMLName    xml.Name `xml:"GetConsoleOutputResponse"`
	NS         string   `xml:"xmlns,attr"`
	RequestID  string   `xml:"requestId"`
	InstanceID string   `xml:"instanceId"`
	Timestamp  string   `xml:"timestamp"`
	Output     string   `xml:"output"` // base64, as the API sends it
}

type allocateAddressResponse struct {
	XMLName      xml.Name `xml:"AllocateAddressResponse"`
	NS           string   `xml:"xmlns,attr"`
	RequestID    string   `xml:"requestId"`
	PublicIP     string   `xml:"publicIp"`
	Domain       string   `xml:"domain"`
	AllocationID string   `xml:"allocationId"`
}

type associateAddressResponse struct {
	XMLName       xml.Name `xml:"AssociateAddressResponse"`
	NS            string   `xml:"xmlns,attr"`
	RequestID     string   `xml:"requestId"`
	Return        bool     `xml:"return"`
	AssociationID string   `xml:"associationId"`
}

type xmlAddress struct {
	PublicIP      string `xml:"publicIp"`
	AllocationID  string `xml:"allocationId"`
	Domain        string `xml:"domain"`
	InstanceID    string `xml:"instanceId,omitempty"`
	AssociationID string `xml:"associationId,omitempty"`
}

type describeAddressesResponse struct {
	XMLName   xml.Name     `xml:"DescribeAddressesResponse"`
	NS        string       `xml:"xmlns,attr"`
	RequestID string       `xml:"requestId"`
	Addresses []xmlAddress `xml:"addressesSet>item"`
}

type createImageResponse struct {
	XMLName   xml.Name `xml:"CreateImageResponse"`
	NS        string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	ImageID   string   `xml:"imageId"`
}

type xmlImage struct {
	ImageID        string `xml:"imageId"`
	ImageLocation  string `xml:"imageLocation"`
	State          string `xml:"imageState"`
	OwnerID        string `xml:"imageOwnerId"`
	CreationDate   string `xml:"creationDate"`
	Public         bool   `xml:"isPublic"`
	Architecture   string `xml:"architecture"`
	ImageType      string `xml:"imageType"`
	Name           string `xml:"name"`
	Description    string `xml:"description,omitempty"`
	RootDeviceType string `xml:"rootDeviceType"`
	RootDeviceName string `xml:"rootDeviceName"`
	Virtualization string `xml:"virtualizationType"`
	Platform       string `xml:"platformDetails"`
	SourceInstance string `xml:"sourceInstanceId"`
	Device         struct {
		DeviceName string `xml:"deviceName"`
		SnapshotID string `xml:"ebs>snapshotId"`
		VolumeSize int    `xml:"ebs>volumeSize"`
		Delete     bool   `xml:"ebs>deleteOnTermination"`
		VolumeType string `xml:"ebs>volumeType"`
	} `xml:"blockDeviceMapping>item"`
}

type describeImagesResponse struct {
	XMLName   xml.Name   `xml:"DescribeImagesResponse"`
	NS        string     `xml:"xmlns,attr"`
	RequestID string     `xml:"requestId"`
	Images    []xmlImage `xml:"imagesSet>item"`
}

type xmlStatusDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type xmlStatusCheck struct {
	Status  string            `xml:"status"`
	Details []xmlStatusDetail `xml:"details>item,omitempty"`
}

type xmlInstanceStatus struct {
	InstanceID       string         `xml:"instanceId"`
	AvailabilityZone string         `xml:"availabilityZone"`
	State            xmlState       `xml:"instanceState"`
	SystemStatus     xmlStatusCheck `xml:"systemStatus"`
	InstanceStatus   xmlStatusCheck `xml:"instanceStatus"`
}

type describeInstanceStatusResponse struct {
	XMLName   xml.Name            `xml:"DescribeInstanceStatusResponse"`
	NS        string              `xml:"xmlns,attr"`
	RequestID string              `xml:"requestId"`
	Statuses  []xmlInstanceStatus `xml:"instanceStatusSet>item"`
}

func ok(action, rid string) returnResponse {
	return returnResponse{XMLName: xml.Name{Local: action + "Response"}, NS: ec2NS, RequestID: rid, Return: true}
}

func need(f url.Values, name string) (string, error) {
	v := f.Get(name)
	if v == "" {
		return "", ec2Err("MissingParameter", "The request must contain the parameter %s.", name)
	}
	return v, nil
}

func (s *Server) ec2LifecycleOp(e *ec2.Service, action string, f url.Values, c *call, rid string) (any, error) {
	switch action {
	case "RebootInstances":
		ids := queryList(f, "InstanceId")
		if len(ids) == 0 {
			return nil, ec2Err("MissingParameter", "The request must contain the parameter InstanceId.")
		}
		c.function = ids[0]
		if err := e.RebootInstances(ids); err != nil {
			return nil, err
		}
		return ok(action, rid), nil
	case "ModifyInstanceAttribute":
		id, err := need(f, "InstanceId")
		if err != nil {
			return nil, err
		}
		c.function = id
		typ := f.Get("InstanceType.Value")
		if typ == "" && f.Get("Attribute") == "instanceType" {
			typ = f.Get("Value")
		}
		if typ == "" {
			return nil, ec2Err("InvalidParameterCombination", "The cloudlab endpoint changes the instance type only: give InstanceType.Value.")
		}
		if err := e.ModifyInstanceType(id, typ); err != nil {
			return nil, err
		}
		return ok(action, rid), nil
	case "GetConsoleOutput":
		id, err := need(f, "InstanceId")
		if err != nil {
			return nil, err
		}
		c.function = id
		out, err := e.ConsoleOutput(id)
		if err != nil {
			return nil, err
		}
		return consoleOutputResponse{NS: ec2NS, RequestID: rid, InstanceID: id, Timestamp: s.world.Time(e.Kernel().Now()).UTC().Format("2006-01-02T15:04:05.000Z"),
			Output: base64.StdEncoding.EncodeToString([]byte(out))}, nil
	case "AllocateAddress":
		if d := f.Get("Domain"); d != "" && d != "vpc" {
			return nil, ec2Err("InvalidParameterValue", "Domain %s: EC2-Classic is retired; addresses are for use in a VPC (Domain=vpc).", Sanitize(trunc(d, 20)))
		}
		a := e.AllocateAddress()
		return allocateAddressResponse{NS: ec2NS, RequestID: rid, PublicIP: a.PublicIP, Domain: "vpc", AllocationID: a.AllocationID}, nil
	case "AssociateAddress":
		alloc, err := need(f, "AllocationId")
		if err != nil {
			return nil, err
		}
		id, err := need(f, "InstanceId")
		if err != nil {
			return nil, err
		}
		c.function = id
		assoc, err := e.AssociateAddress(alloc, id)
		if err != nil {
			return nil, err
		}
		return associateAddressResponse{NS: ec2NS, RequestID: rid, Return: true, AssociationID: assoc}, nil
	case "DescribeAddresses":
		want := queryList(f, "AllocationId")
		res := describeAddressesResponse{NS: ec2NS, RequestID: rid}
		found := map[string]bool{}
		for _, a := range e.Addresses() {
			if len(want) > 0 && !containsStr(want, a.AllocationID) {
				continue
			}
			found[a.AllocationID] = true
			res.Addresses = append(res.Addresses, xmlAddress{PublicIP: a.PublicIP, AllocationID: a.AllocationID, Domain: "vpc",
				InstanceID: a.InstanceID, AssociationID: a.AssociationID})
		}
		for _, w := range want {
			if !found[w] {
				return nil, ec2Err("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", Sanitize(trunc(w, 40)))
			}
		}
		return res, nil
	case "ReleaseAddress":
		alloc, err := need(f, "AllocationId")
		if err != nil {
			return nil, err
		}
		if err := e.ReleaseAddress(alloc); err != nil {
			return nil, err
		}
		return ok(action, rid), nil
	case "CreateImage":
		id, err := need(f, "InstanceId")
		if err != nil {
			return nil, err
		}
		name, err := need(f, "Name")
		if err != nil {
			return nil, err
		}
		c.function = id
		im, err := e.CreateImage(id, name, f.Get("Description"), f.Get("NoReboot") == "true")
		if err != nil {
			return nil, err
		}
		return createImageResponse{NS: ec2NS, RequestID: rid, ImageID: im.ImageID}, nil
	case "DescribeImages":
		for _, o := range queryList(f, "Owner") {
			if o != "self" && o != "123456789012" && o != "amazon" {
				return nil, ec2Err("InvalidUserID.Malformed", "Invalid user id: \"%s\"", Sanitize(trunc(o, 40)))
			}
		}
		ids := queryList(f, "ImageId")
		for _, id := range ids {
			if _, found := e.FindImage(id); !found {
				return nil, ec2Err("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", Sanitize(trunc(id, 40)))
			}
		}
		res := describeImagesResponse{NS: ec2NS, RequestID: rid}
		for _, im := range e.Images() {
			if len(ids) > 0 && !containsStr(ids, im.ImageID) {
				continue
			}
			x := xmlImage{ImageID: im.ImageID, ImageLocation: "123456789012/" + im.Name, State: im.State, OwnerID: "123456789012",
				CreationDate: s.world.Time(im.CreatedAt).UTC().Format("2006-01-02T15:04:05.000Z"), Architecture: "x86_64",
				ImageType: "machine", Name: im.Name, Description: im.Description, RootDeviceType: "ebs", RootDeviceName: ec2.RootDevice,
				Virtualization: "hvm", Platform: "Linux/UNIX", SourceInstance: im.SourceInstanceID}
			x.Device.DeviceName, x.Device.SnapshotID, x.Device.VolumeSize, x.Device.Delete, x.Device.VolumeType =
				ec2.RootDevice, im.SnapshotID, im.RootGiB, true, "gp3"
			res.Images = append(res.Images, x)
		}
		return res, nil
	case "DeregisterImage":
		id, err := need(f, "ImageId")
		if err != nil {
			return nil, err
		}
		if err := e.DeregisterImage(id); err != nil {
			return nil, err
		}
		return ok(action, rid), nil
	case "DescribeInstanceStatus":
		insts, err := e.DescribeInstances(queryList(f, "InstanceId"))
		if err != nil {
			return nil, err
		}
		all := f.Get("IncludeAllInstances") == "true"
		res := describeInstanceStatusResponse{NS: ec2NS, RequestID: rid}
		for _, inst := range insts {
			if !all && inst.State != ec2.StateRunning {
				continue
			}
			st := e.InstanceStatus(inst)
			check := xmlStatusCheck{Status: st}
			if st != ec2.StatusNotApplicable {
				detail := "passed"
				if st == ec2.StatusInitializing {
					detail = ec2.StatusInitializing
				}
				check.Details = []xmlStatusDetail{{"reachability", detail}}
			}
			res.Statuses = append(res.Statuses, xmlInstanceStatus{InstanceID: inst.ID, AvailabilityZone: inst.AZ,
				State: xmlState{ec2StateCodes[inst.State], inst.State}, SystemStatus: check, InstanceStatus: check})
		}
		return res, nil
	case "CreateTags":
		ids := queryList(f, "ResourceId")
		if len(ids) == 0 {
			return nil, ec2Err("MissingParameter", "The request must contain the parameter ResourceId.")
		}
		var tags []ec2.Tag
		for i := 1; ; i++ {
			p := "Tag." + strconv.Itoa(i)
			k, found := f[p+".Key"]
			if !found {
				break
			}
			tags = append(tags, ec2.Tag{Key: k[0], Value: f.Get(p + ".Value")})
		}
		if len(tags) == 0 {
			return nil, ec2Err("MissingParameter", "The request must contain the parameter Tag.")
		}
		for _, id := range ids {
			if !strings.HasPrefix(id, "i-") {
				return nil, ec2Err("InvalidParameterValue", "The cloudlab endpoint tags instances only, not %s.", Sanitize(trunc(id, 40)))
			}
		}
		if err := e.CreateTags(ids, tags); err != nil {
			return nil, err
		}
		return ok(action, rid), nil
	}
	return nil, ec2Err("InvalidAction", "unknown action")
}
