// @aws-sdk/client-ec2 Elastic IP lifecycle against cloudgate on a zone with
// isolated networks (CloudStack gives users public addresses only there;
// the security-group zones answer UnsupportedOperation, which
// ec2_lifecycle.mjs's companions check). Driven by
// conformance/ec2clients_test.go with CG_URL, CG_CA and the credentials.
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

const ami = (await send(ec2.DescribeImagesCommand, { Owners: ["amazon"] })).Images[0].ImageId;
const run = await send(ec2.RunInstancesCommand, { ImageId: ami, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 });
const id = run.Instances[0].InstanceId;
assert.equal((await ec2.waitUntilInstanceRunning(fast, { InstanceIds: [id] })).state, "SUCCESS");
step("run");

const eip = await send(ec2.AllocateAddressCommand, { Domain: "vpc" });
assert.match(eip.AllocationId, /^eipalloc-/);
const assoc = await send(ec2.AssociateAddressCommand, { AllocationId: eip.AllocationId, InstanceId: id });
assert.match(assoc.AssociationId, /^eipassoc-/);
const addrs = (await send(ec2.DescribeAddressesCommand, { AllocationIds: [eip.AllocationId] })).Addresses;
assert.equal(addrs[0].InstanceId, id);
const inst = (await send(ec2.DescribeInstancesCommand, { InstanceIds: [id] })).Reservations[0].Instances[0];
assert.equal(inst.PublicIpAddress, eip.PublicIp);
const eni = (await send(ec2.DescribeNetworkInterfacesCommand, { Filters: [{ Name: "association.public-ip", Values: [eip.PublicIp] }] })).NetworkInterfaces;
assert.equal(eni.length, 1);
assert.equal(eni[0].Attachment.InstanceId, id);
step("allocate_associate");

await send(ec2.DisassociateAddressCommand, { AssociationId: assoc.AssociationId });
await send(ec2.ReleaseAddressCommand, { AllocationId: eip.AllocationId });
const left = (await send(ec2.DescribeAddressesCommand, {})).Addresses.filter((a) => a.AllocationId === eip.AllocationId);
assert.equal(left.length, 0);
step("disassociate_release");

await send(ec2.TerminateInstancesCommand, { InstanceIds: [id] });
assert.equal((await ec2.waitUntilInstanceTerminated(fast, { InstanceIds: [id] })).state, "SUCCESS");
step("terminate");
console.log("DONE");
