package ec2compat_test

import (
	"encoding/base64"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestTerraformAWSProviderReplay replays, with aws-sdk-go-v2, the calls
// the Terraform AWS provider (5.x) makes to create, read back and destroy
// aws_key_pair, aws_security_group (with rules and descriptions),
// aws_instance (with user data), aws_ebs_volume and
// aws_volume_attachment. The provider cannot be built in CI; the sequence
// follows its resource code (resourceSecurityGroupCreate revokes the
// default egress rule, then authorizes the configured rules;
// aws_volume_attachment waits with the filters attachment.device,
// attachment.instance-id and volume-id; RunInstances always sends
// Monitoring, DisableApiTermination and EbsOptimized). Every value the
// configuration sets must read back unchanged, or Terraform plans a
// replacement.
func TestTerraformAWSProviderReplay(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)

	// aws_key_pair: ImportKeyPair, then the read.
	pub := "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEz4oyw0wkzDC8szZxvsdYhMD3E7ZrzWEiQqaVNAhGIgHUSBMgr6l3zaU4jBCEV2zNiP/fHEsO0WdxeJygJnuzPpQqxQMHJoLcZqHYDubjCd2mJw7TcQMydfUPHJWMGgBY8yeWXF+dsj+LaGlmsWS5lFYWeP/CbsamrHrBs4vOAw== tf"
	kp, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("tf-key"), PublicKeyMaterial: []byte(pub),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeKeyPair, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("tf-key")}}}}})
	if err != nil {
		// Key pairs cannot be tagged in CloudStack; Terraform sends
		// TagSpecifications only when the config has tags.
		wantCode(t, err, "UnknownParameter")
		kp = must[*ec2.ImportKeyPairOutput](t)(c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("tf-key"), PublicKeyMaterial: []byte(pub)}))
	}
	kps := must[*ec2.DescribeKeyPairsOutput](t)(c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"tf-key"}}))
	if k := kps.KeyPairs[0]; aws.ToString(k.KeyFingerprint) != aws.ToString(kp.KeyFingerprint) || aws.ToString(k.KeyPairId) != aws.ToString(kp.KeyPairId) || k.KeyType != types.KeyTypeRsa {
		t.Fatalf("key pair read %+v, imported %+v", k, kp)
	}
	// data "aws_key_pair" { include_public_key = true }: the key as
	// imported (the gateway keeps it; CloudStack does not list it).
	dk := must[*ec2.DescribeKeyPairsOutput](t)(c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"tf-key"}, IncludePublicKey: aws.Bool(true)}))
	if got := aws.ToString(dk.KeyPairs[0].PublicKey); got != pub {
		t.Fatalf("data aws_key_pair public_key %q, want %q", got, pub)
	}

	// aws_security_group: create, wait, revoke the default egress, add the
	// configured rules, read.
	vpcs := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}}))
	if len(vpcs.Vpcs) != 1 {
		t.Fatalf("default VPC: %+v", vpcs.Vpcs)
	}
	vpc := aws.ToString(vpcs.Vpcs[0].VpcId)
	sg := must[*ec2.CreateSecurityGroupOutput](t)(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("tf-web"), Description: aws.String("Managed by Terraform"), VpcId: aws.String(vpc)}))
	gid := aws.ToString(sg.GroupId)
	g := must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}})).SecurityGroups[0]
	if aws.ToString(g.VpcId) != vpc || len(g.IpPermissionsEgress) != 1 || aws.ToString(g.IpPermissionsEgress[0].IpProtocol) != "-1" {
		t.Fatalf("new group %+v", g)
	}
	allowAll := types.IpPermission{IpProtocol: aws.String("-1"), FromPort: aws.Int32(0), ToPort: aws.Int32(0), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(gid), IpPermissions: []types.IpPermission{allowAll}}))
	g = must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}})).SecurityGroups[0]
	if len(g.IpPermissionsEgress) != 0 {
		t.Fatalf("egress after revoking the default: %+v", g.IpPermissionsEgress)
	}
	_, err = c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(gid), IpPermissions: []types.IpPermission{allowAll}})
	wantCode(t, err, "InvalidPermission.NotFound")
	must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(gid),
		IpPermissions: []types.IpPermission{
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8"), Description: aws.String("ssh from the office")}}},
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("https")}}},
		}}))
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(gid),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("updates")}}}}}))
	g = must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}})).SecurityGroups[0]
	var ingress []string
	for _, p := range g.IpPermissions {
		ingress = append(ingress, aws.ToString(p.IpRanges[0].CidrIp)+" "+aws.ToString(p.IpRanges[0].Description))
	}
	sort.Strings(ingress)
	if len(ingress) != 2 || ingress[0] != "0.0.0.0/0 https" || ingress[1] != "10.0.0.0/8 ssh from the office" {
		t.Fatalf("ingress read back %q", ingress)
	}
	if len(g.IpPermissionsEgress) != 1 || aws.ToInt32(g.IpPermissionsEgress[0].FromPort) != 443 || aws.ToString(g.IpPermissionsEgress[0].IpRanges[0].Description) != "updates" {
		t.Fatalf("egress read back %+v", g.IpPermissionsEgress)
	}
	rules := must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{gid}}}}))
	if len(rules.SecurityGroupRules) != 3 {
		t.Fatalf("rules %+v", rules.SecurityGroupRules)
	}

	// aws_instance with user data.
	userData := "#!/bin/sh\necho terraform\n"
	run := must[*ec2.RunInstancesOutput](t)(c.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		KeyName: aws.String("tf-key"), SecurityGroupIds: []string{gid}, UserData: aws.String(base64.StdEncoding.EncodeToString([]byte(userData))),
		Monitoring: &types.RunInstancesMonitoringEnabled{Enabled: aws.Bool(false)}, DisableApiTermination: aws.Bool(false),
		EbsOptimized: aws.Bool(false), ClientToken: aws.String("terraform-20261129"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("tf-vm")}}}},
	}))
	iid := aws.ToString(run.Instances[0].InstanceId)
	if err := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay = 10e6; o.MaxDelay = 50e6 }).Wait(ctx,
		&ec2.DescribeInstancesInput{InstanceIds: []string{iid}}, 60e9); err != nil {
		t.Fatal(err)
	}
	ud := must[*ec2.DescribeInstanceAttributeOutput](t)(c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(iid), Attribute: types.InstanceAttributeNameUserData}))
	if ud.UserData == nil || aws.ToString(ud.UserData.Value) != base64.StdEncoding.EncodeToString([]byte(userData)) {
		t.Fatalf("user data read back %+v", ud.UserData)
	}

	// aws_ebs_volume + aws_volume_attachment.
	zone := aws.ToString(run.Instances[0].Placement.AvailabilityZone)
	vol := must[*ec2.CreateVolumeOutput](t)(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(2),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("tf-data")}}}}}))
	vid := aws.ToString(vol.VolumeId)
	// The SDK sends a ClientToken on every CreateVolume; a retry with the
	// same token returns the same volume.
	again := must[*ec2.CreateVolumeOutput](t)(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(2), ClientToken: aws.String("tf-vol-token")}))
	again2 := must[*ec2.CreateVolumeOutput](t)(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(2), ClientToken: aws.String("tf-vol-token")}))
	if aws.ToString(again.VolumeId) != aws.ToString(again2.VolumeId) || aws.ToString(again.VolumeId) == vid {
		t.Fatalf("CreateVolume retried with one ClientToken: %s then %s", aws.ToString(again.VolumeId), aws.ToString(again2.VolumeId))
	}
	// A parameter this cloud does not implement is refused, naming it.
	_, err = c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(2), OutpostArn: aws.String("arn:aws:outposts:us-east-1:1:outpost/op-1")})
	wantCode(t, err, "UnknownParameter")
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		EbsOptimized: aws.Bool(true)})
	wantCode(t, err, "InvalidParameterValue")
	if err := ec2.NewVolumeAvailableWaiter(c, func(o *ec2.VolumeAvailableWaiterOptions) { o.MinDelay = 10e6; o.MaxDelay = 50e6 }).Wait(ctx,
		&ec2.DescribeVolumesInput{VolumeIds: []string{vid}}, 60e9); err != nil {
		t.Fatal(err)
	}
	att := must[*ec2.AttachVolumeOutput](t)(c.AttachVolume(ctx, &ec2.AttachVolumeInput{Device: aws.String("/dev/sdh"), InstanceId: aws.String(iid), VolumeId: aws.String(vid)}))
	if aws.ToString(att.Device) != "/dev/sdh" {
		t.Fatalf("attach answered device %q", aws.ToString(att.Device))
	}
	attachFilter := &ec2.DescribeVolumesInput{Filters: []types.Filter{
		{Name: aws.String("attachment.device"), Values: []string{"/dev/sdh"}},
		{Name: aws.String("attachment.instance-id"), Values: []string{iid}},
		{Name: aws.String("volume-id"), Values: []string{vid}},
	}}
	vs := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, attachFilter))
	if len(vs.Volumes) != 1 || vs.Volumes[0].Attachments[0].State != types.VolumeAttachmentStateAttached || aws.ToString(vs.Volumes[0].Attachments[0].Device) != "/dev/sdh" {
		t.Fatalf("aws_volume_attachment wait found %+v", vs.Volumes)
	}
	_, err = c.AttachVolume(ctx, &ec2.AttachVolumeInput{Device: aws.String("/dev/sdh"), InstanceId: aws.String(iid),
		VolumeId: must[*ec2.CreateVolumeOutput](t)(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(1)})).VolumeId})
	wantCode(t, err, "InvalidParameterValue") // the device is taken

	// The re-read (terraform plan) sees what was applied.
	in := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{iid}})).Reservations[0].Instances[0]
	var devs []string
	for _, b := range in.BlockDeviceMappings {
		devs = append(devs, aws.ToString(b.DeviceName)+"="+aws.ToString(b.Ebs.VolumeId))
	}
	if len(devs) != 2 || devs[1] != "/dev/sdh="+vid || aws.ToString(in.KeyName) != "tf-key" || len(in.SecurityGroups) != 1 ||
		aws.ToString(in.SecurityGroups[0].GroupId) != gid || aws.ToString(in.VpcId) != vpc || aws.ToString(in.SubnetId) == "" {
		t.Fatalf("instance read back: devices %v key %q groups %+v vpc %q subnet %q", devs, aws.ToString(in.KeyName), in.SecurityGroups, aws.ToString(in.VpcId), aws.ToString(in.SubnetId))
	}
	enis := must[*ec2.DescribeNetworkInterfacesOutput](t)(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{gid}}}}))
	if len(enis.NetworkInterfaces) != 1 || aws.ToString(enis.NetworkInterfaces[0].Attachment.InstanceId) != iid ||
		aws.ToString(enis.NetworkInterfaces[0].PrivateIpAddress) != aws.ToString(in.PrivateIpAddress) {
		t.Fatalf("network interfaces of the group %+v", enis.NetworkInterfaces)
	}

	// Destroy, in Terraform's dependency order.
	must[*ec2.DetachVolumeOutput](t)(c.DetachVolume(ctx, &ec2.DetachVolumeInput{Device: aws.String("/dev/sdh"), InstanceId: aws.String(iid), VolumeId: aws.String(vid)}))
	if vs := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, attachFilter)); len(vs.Volumes) != 0 {
		t.Fatalf("still attached after detach: %+v", vs.Volumes)
	}
	must[*ec2.DeleteVolumeOutput](t)(c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vid)}))
	must[*ec2.TerminateInstancesOutput](t)(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{iid}}))
	if err := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay = 10e6; o.MaxDelay = 50e6 }).Wait(ctx,
		&ec2.DescribeInstancesInput{InstanceIds: []string{iid}}, 60e9); err != nil {
		t.Fatal(err)
	}
	if enis := must[*ec2.DescribeNetworkInterfacesOutput](t)(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{gid}}}})); len(enis.NetworkInterfaces) != 0 {
		t.Fatalf("interfaces left after terminate: %+v", enis.NetworkInterfaces)
	}
	// Issue 12 item 13: the group of a terminated instance can be deleted
	// at once (Terraform does not retry for long).
	must[*ec2.DeleteSecurityGroupOutput](t)(c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(gid)}))
	must[*ec2.DeleteKeyPairOutput](t)(c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String("tf-key")}))
}

// TestStartTerminated: starting, stopping or rebooting a terminated
// instance is IncorrectInstanceState (not NotFound).
func TestStartTerminated(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	run := must[*ec2.RunInstancesOutput](t)(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(debianImage(t, e)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}))
	id := aws.ToString(run.Instances[0].InstanceId)
	must[*ec2.TerminateInstancesOutput](t)(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}))
	_, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, "IncorrectInstanceState")
	_, err = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, "IncorrectInstanceState")
}
