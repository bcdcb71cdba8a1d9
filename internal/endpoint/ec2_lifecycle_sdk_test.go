package endpoint

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// TestEC2LifecycleWithTheSDK drives the instance lifecycle through the real
// EC2 SDK client, as issue 16's lab does in the shell: a Spot instance with
// a 20 GiB root volume and a key pair; its status checks; a new public
// IPv4 address after a stop and start (EC2 User Guide,
// using-instance-addressing.html#concepts-public-addresses) unless an
// Elastic IP is associated; a type change only while stopped
// (IncorrectInstanceState otherwise); console output from the first boot's
// user data; tags; an AMI from the instance; a reboot.
func TestEC2LifecycleWithTheSDK(t *testing.T) {
	e := newSimEnv(t, 600)
	c := ctx(t)
	run := must(e.ec2.RunInstances(c, &ec2.RunInstancesInput{
		ImageId: aws.String("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), KeyName: aws.String("lab-key"),
		UserData:              aws.String("IyEvYmluL2Jhc2gKZWNobyBoZWxsbyBmcm9tIHVzZXIgZGF0YQo="), // #!/bin/bash\necho hello from user data
		InstanceMarketOptions: &ec2types.InstanceMarketOptionsRequest{MarketType: ec2types.MarketTypeSpot},
		BlockDeviceMappings:   []ec2types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &ec2types.EbsBlockDevice{VolumeSize: aws.Int32(20), VolumeType: ec2types.VolumeTypeGp3}}},
	}))
	id := *run.Instances[0].InstanceId
	ids := []string{id}
	describe := func() ec2types.Instance {
		d := must(e.ec2.DescribeInstances(c, &ec2.DescribeInstancesInput{InstanceIds: ids}))
		return d.Reservations[0].Instances[0]
	}
	waitState := func(want ec2types.InstanceStateName) ec2types.Instance {
		var inst ec2types.Instance
		waitFor(t, "instance "+string(want), func() (bool, string) {
			inst = describe()
			return inst.State.Name == want, string(inst.State.Name)
		})
		return inst
	}
	inst := waitState(ec2types.InstanceStateNameRunning)
	if aws.ToString(inst.KeyName) != "lab-key" || aws.ToString(inst.PublicIpAddress) == "" {
		t.Errorf("running instance: key %q, public IP %q", aws.ToString(inst.KeyName), aws.ToString(inst.PublicIpAddress))
	}
	firstIP := aws.ToString(inst.PublicIpAddress)

	st := must(e.ec2.DescribeInstanceStatus(c, &ec2.DescribeInstanceStatusInput{InstanceIds: ids}))
	if len(st.InstanceStatuses) != 1 || st.InstanceStatuses[0].InstanceStatus == nil {
		t.Fatalf("describe-instance-status: %+v", st.InstanceStatuses)
	}
	if s := st.InstanceStatuses[0].InstanceStatus.Status; s != ec2types.SummaryStatusInitializing && s != ec2types.SummaryStatusOk {
		t.Errorf("instance status %q, want initializing or ok", s)
	}

	con := must(e.ec2.GetConsoleOutput(c, &ec2.GetConsoleOutputInput{InstanceId: aws.String(id)}))
	out, err := base64Decode(aws.ToString(con.Output))
	if err != nil || !strings.Contains(out, "hello from user data") {
		t.Errorf("console output (base64 %v): %q", err, out)
	}

	must(e.ec2.CreateTags(c, &ec2.CreateTagsInput{Resources: ids, Tags: []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("lab")}}}))
	if inst = describe(); len(inst.Tags) != 1 || aws.ToString(inst.Tags[0].Value) != "lab" {
		t.Errorf("tags after create-tags: %+v", inst.Tags)
	}

	// The type changes only while the instance is stopped.
	_, err = e.ec2.ModifyInstanceAttribute(c, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), InstanceType: &ec2types.AttributeValue{Value: aws.String("t3.small")}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "IncorrectInstanceState" {
		t.Errorf("modify while running: %v, want IncorrectInstanceState", err)
	}
	must(e.ec2.StopInstances(c, &ec2.StopInstancesInput{InstanceIds: ids}))
	waitState(ec2types.InstanceStateNameStopped)
	must(e.ec2.ModifyInstanceAttribute(c, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), InstanceType: &ec2types.AttributeValue{Value: aws.String("t3.small")}}))
	must(e.ec2.StartInstances(c, &ec2.StartInstancesInput{InstanceIds: ids}))
	inst = waitState(ec2types.InstanceStateNameRunning)
	if inst.InstanceType != ec2types.InstanceTypeT3Small {
		t.Errorf("type after modify: %s", inst.InstanceType)
	}
	if ip := aws.ToString(inst.PublicIpAddress); ip == "" || ip == firstIP {
		t.Errorf("public IP after stop/start: %q (before %q): want a new one", ip, firstIP)
	}

	// An Elastic IP stays across a stop and start.
	alloc := must(e.ec2.AllocateAddress(c, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	must(e.ec2.AssociateAddress(c, &ec2.AssociateAddressInput{AllocationId: alloc.AllocationId, InstanceId: aws.String(id)}))
	addrs := must(e.ec2.DescribeAddresses(c, &ec2.DescribeAddressesInput{AllocationIds: []string{*alloc.AllocationId}}))
	if len(addrs.Addresses) != 1 || aws.ToString(addrs.Addresses[0].InstanceId) != id {
		t.Fatalf("describe-addresses: %+v", addrs.Addresses)
	}
	must(e.ec2.RebootInstances(c, &ec2.RebootInstancesInput{InstanceIds: ids}))
	must(e.ec2.StopInstances(c, &ec2.StopInstancesInput{InstanceIds: ids}))
	waitState(ec2types.InstanceStateNameStopped)
	must(e.ec2.StartInstances(c, &ec2.StartInstancesInput{InstanceIds: ids}))
	if inst = waitState(ec2types.InstanceStateNameRunning); aws.ToString(inst.PublicIpAddress) != aws.ToString(alloc.PublicIp) {
		t.Errorf("public IP with an Elastic IP after stop/start: %q, want %q", aws.ToString(inst.PublicIpAddress), aws.ToString(alloc.PublicIp))
	}
	_, err = e.ec2.ReleaseAddress(c, &ec2.ReleaseAddressInput{AllocationId: alloc.AllocationId})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidIPAddress.InUse" {
		t.Errorf("releasing an associated address: %v, want InvalidIPAddress.InUse", err)
	}

	// An AMI from the instance: pending, then available.
	img := must(e.ec2.CreateImage(c, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("lab-image"), NoReboot: aws.Bool(true)}))
	waitFor(t, "image available", func() (bool, string) {
		d := must(e.ec2.DescribeImages(c, &ec2.DescribeImagesInput{ImageIds: []string{*img.ImageId}}))
		return len(d.Images) == 1 && d.Images[0].State == ec2types.ImageStateAvailable, string(d.Images[0].State)
	})
	d := must(e.ec2.DescribeImages(c, &ec2.DescribeImagesInput{ImageIds: []string{*img.ImageId}}))
	if im := d.Images[0]; aws.ToString(im.Name) != "lab-image" || len(im.BlockDeviceMappings) != 1 || aws.ToInt32(im.BlockDeviceMappings[0].Ebs.VolumeSize) != 20 {
		t.Errorf("describe-images: %+v", im)
	}
	must(e.ec2.DeregisterImage(c, &ec2.DeregisterImageInput{ImageId: img.ImageId}))
	_, err = e.ec2.DescribeImages(c, &ec2.DescribeImagesInput{ImageIds: []string{*img.ImageId}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidAMIID.NotFound" {
		t.Errorf("describe a deregistered image: %v, want InvalidAMIID.NotFound", err)
	}
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}
