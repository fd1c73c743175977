// @aws-sdk/client-ec2 (v3, pinned in package-lock.json) against cloudgate:
// a lifecycle with the SDK's waiters and paginators. Driven by
// conformance/ec2clients_test.go. Environment: CG_URL, CG_CA,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. Prints "STEP <name> ok" per
// passed step; the first failed assertion ends it non-zero.
import fs from "node:fs";
import https from "node:https";
import assert from "node:assert/strict";
import * as ec2 from "@aws-sdk/client-ec2";

const client = new ec2.EC2Client({
  endpoint: process.env.CG_URL,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  requestHandler: { httpsAgent: new https.Agent({ ca: fs.readFileSync(process.env.CG_CA) }) },
  maxAttempts: 1,
});
const send = (Cmd, input) => client.send(new Cmd(input));
const step = (name) => console.log(`STEP ${name} ok`);
const fast = { client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 };
async function fails(code, p) {
  try { await p; } catch (e) { assert.equal(e.name, code, e.message); return; }
  assert.fail(`expected ${code}`);
}

const zones = (await send(ec2.DescribeAvailabilityZonesCommand, {})).AvailabilityZones;
assert.ok(zones.length > 0);
const zone = zones[0].ZoneName;
const images = (await send(ec2.DescribeImagesCommand, { Owners: ["amazon"] })).Images;
assert.ok(images.length > 0);
const ami = images[0].ImageId;
step("catalog");

const kp = await send(ec2.CreateKeyPairCommand, { KeyName: "js-key" });
assert.match(kp.KeyMaterial, /PRIVATE KEY/);
await fails("InvalidKeyPair.Duplicate", send(ec2.CreateKeyPairCommand, { KeyName: "js-key" }));
step("key_pair");

const vpcs = (await send(ec2.DescribeVpcsCommand, { Filters: [{ Name: "isDefault", Values: ["true"] }] })).Vpcs;
assert.equal(vpcs.length, 1);
const sg = await send(ec2.CreateSecurityGroupCommand, { GroupName: "js-web", Description: "js web", VpcId: vpcs[0].VpcId });
let g = (await send(ec2.DescribeSecurityGroupsCommand, { GroupIds: [sg.GroupId] })).SecurityGroups[0];
assert.equal(g.VpcId, vpcs[0].VpcId);
assert.deepEqual(g.IpPermissionsEgress.map((p) => [p.IpProtocol, p.IpRanges[0].CidrIp]), [["-1", "0.0.0.0/0"]]);
await send(ec2.AuthorizeSecurityGroupIngressCommand, { GroupId: sg.GroupId, IpPermissions: [
  { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "https" }] }] });
g = (await send(ec2.DescribeSecurityGroupsCommand, { GroupIds: [sg.GroupId] })).SecurityGroups[0];
assert.equal(g.IpPermissions[0].IpRanges[0].Description, "https");
// EC2's default egress rule: revoking it leaves nothing, revoking it again
// is InvalidPermission.NotFound, authorizing it brings it back.
const allowAll = { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
await send(ec2.RevokeSecurityGroupEgressCommand, { GroupId: sg.GroupId, IpPermissions: [allowAll] });
g = (await send(ec2.DescribeSecurityGroupsCommand, { GroupIds: [sg.GroupId] })).SecurityGroups[0];
assert.deepEqual(g.IpPermissionsEgress, []);
await fails("InvalidPermission.NotFound", send(ec2.RevokeSecurityGroupEgressCommand, { GroupId: sg.GroupId, IpPermissions: [allowAll] }));
await send(ec2.AuthorizeSecurityGroupEgressCommand, { GroupId: sg.GroupId, IpPermissions: [allowAll] });
g = (await send(ec2.DescribeSecurityGroupsCommand, { GroupIds: [sg.GroupId] })).SecurityGroups[0];
assert.deepEqual(g.IpPermissionsEgress.map((p) => [p.IpProtocol, p.IpRanges[0].CidrIp]), [["-1", "0.0.0.0/0"]]);
await fails("InvalidPermission.Duplicate", send(ec2.AuthorizeSecurityGroupEgressCommand, { GroupId: sg.GroupId, IpPermissions: [allowAll] }));
step("security_group");

const run = await send(ec2.RunInstancesCommand, { ImageId: ami, InstanceType: "t3.micro", MinCount: 3, MaxCount: 3,
  KeyName: "js-key", SecurityGroupIds: [sg.GroupId], Placement: { AvailabilityZone: zone },
  TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "app", Value: "js" }] }] });
const ids = run.Instances.map((i) => i.InstanceId);
assert.equal(ids.length, 3);
const running = await ec2.waitUntilInstanceRunning(fast, { InstanceIds: ids });
assert.equal(running.state, "SUCCESS");
step("run_and_wait_running");

let seen = [];
for await (const page of ec2.paginateDescribeInstances({ client, pageSize: 5 },
  { Filters: [{ Name: "tag:app", Values: ["js"] }], MaxResults: 5 })) {
  for (const r of page.Reservations) for (const i of r.Instances) seen.push(i.InstanceId);
}
assert.deepEqual(seen.sort(), [...ids].sort());
let pages = 0;
for await (const page of ec2.paginateDescribeInstances({ client, pageSize: 5 }, { MaxResults: 5 })) {
  pages++;
  assert.ok(page.Reservations.flatMap((r) => r.Instances).length <= 5);
}
assert.ok(pages >= 1);
step("paginate_instances");

const stop = await send(ec2.StopInstancesCommand, { InstanceIds: [ids[0]] });
assert.equal(stop.StoppingInstances[0].CurrentState.Name, "stopping");
assert.equal((await ec2.waitUntilInstanceStopped(fast, { InstanceIds: [ids[0]] })).state, "SUCCESS");
const start = await send(ec2.StartInstancesCommand, { InstanceIds: [ids[0]] });
assert.equal(start.StartingInstances[0].CurrentState.Name, "pending");
assert.equal((await ec2.waitUntilInstanceRunning(fast, { InstanceIds: [ids[0]] })).state, "SUCCESS");
const ud = await send(ec2.DescribeInstanceAttributeCommand, { InstanceId: ids[0], Attribute: "userData" });
assert.equal(ud.UserData?.Value, undefined);
step("stop_start_waiters");

const vol = await send(ec2.CreateVolumeCommand, { AvailabilityZone: zone, Size: 1,
  TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Name", Value: "js-vol" }] }] });
assert.equal((await ec2.waitUntilVolumeAvailable(fast, { VolumeIds: [vol.VolumeId] })).state, "SUCCESS");
const att = await send(ec2.AttachVolumeCommand, { VolumeId: vol.VolumeId, InstanceId: ids[1], Device: "/dev/sdg" });
assert.equal(att.Device, "/dev/sdg");
assert.equal((await ec2.waitUntilVolumeInUse(fast, { VolumeIds: [vol.VolumeId] })).state, "SUCCESS");
const byDev = (await send(ec2.DescribeVolumesCommand, { Filters: [{ Name: "attachment.device", Values: ["/dev/sdg"] }] })).Volumes;
assert.deepEqual(byDev.map((v) => v.VolumeId), [vol.VolumeId]);
const inst = (await send(ec2.DescribeInstancesCommand, { InstanceIds: [ids[1]] })).Reservations[0].Instances[0];
assert.deepEqual(inst.BlockDeviceMappings.map((b) => b.DeviceName), ["/dev/sda1", "/dev/sdg"]);
let vols = [];
for await (const page of ec2.paginateDescribeVolumes({ client, pageSize: 5 }, { MaxResults: 5 })) vols.push(...page.Volumes);
assert.ok(vols.some((v) => v.VolumeId === vol.VolumeId));
await send(ec2.DetachVolumeCommand, { VolumeId: vol.VolumeId });
assert.equal((await ec2.waitUntilVolumeAvailable(fast, { VolumeIds: [vol.VolumeId] })).state, "SUCCESS");
await send(ec2.DeleteVolumeCommand, { VolumeId: vol.VolumeId });
assert.equal((await ec2.waitUntilVolumeDeleted(fast, { VolumeIds: [vol.VolumeId] })).state, "SUCCESS");
step("volumes_waiters_paginators");

const eni = (await send(ec2.DescribeNetworkInterfacesCommand, { Filters: [{ Name: "attachment.instance-id", Values: [ids[2]] }] })).NetworkInterfaces;
assert.equal(eni.length, 1);
assert.equal(eni[0].Attachment.InstanceId, ids[2]);
assert.ok(eni[0].PrivateIpAddress);
assert.ok(eni[0].Groups.some((x) => x.GroupId === sg.GroupId));
step("network_interfaces");

await send(ec2.TerminateInstancesCommand, { InstanceIds: ids });
assert.equal((await ec2.waitUntilInstanceTerminated(fast, { InstanceIds: ids })).state, "SUCCESS");
await send(ec2.DeleteKeyPairCommand, { KeyName: "js-key" });
// The group of terminated instances deletes at once (issue 12 item 13).
await send(ec2.DeleteSecurityGroupCommand, { GroupId: sg.GroupId });
step("cleanup");
console.log("DONE");
