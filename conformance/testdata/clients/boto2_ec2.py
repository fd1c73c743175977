"""boto 2 (Debian python3-boto 2.49) against cloudgate, with SigV2 or SigV4.

Driven by conformance/ec2clients_test.go. Environment: CG_URL, CG_CA,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, CG_SIGV (2 or 4), CG_PREFIX
(names are prefixed with it so runs do not collide). Prints "STEP <name> ok"
per passed step; the first failed assertion ends it non-zero.
"""
import os
import time
from urllib.parse import urlparse

import boto
from boto.ec2.connection import EC2Connection
from boto.ec2.regioninfo import RegionInfo
from boto.exception import EC2ResponseError

u = urlparse(os.environ["CG_URL"])
sigv = os.environ.get("CG_SIGV", "4")
pfx = os.environ.get("CG_PREFIX", "b")
if not boto.config.has_section("Boto"):
    boto.config.add_section("Boto")
boto.config.set("Boto", "ca_certificates_file", os.environ["CG_CA"])
boto.config.set("Boto", "num_retries", "0")


class SigV2Connection(EC2Connection):
    # boto 2.49's EC2Connection always asks for hmac-v4; 'ec2' is its
    # SignatureVersion=2 query signer.
    def _required_auth_capability(self):
        return ["ec2"]


cls = SigV2Connection if sigv == "2" else EC2Connection
conn = cls(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"],
           # boto 2's certificate check knows no IP-address SANs: use the
           # certificate's DNS name.
           region=RegionInfo(name="us-east-1", endpoint="localhost" if u.hostname == "127.0.0.1" else u.hostname),
           port=u.port, is_secure=True, validate_certs=True)
if sigv == "4":
    # boto derives the scope from the host name (ec2.REGION.amazonaws.com);
    # for any other endpoint it has to be told.
    conn._auth_handler.region_name = "us-east-1"
    conn._auth_handler.service_name = "ec2"
    assert type(conn._auth_handler).__name__ == "HmacAuthV4Handler", type(conn._auth_handler)
else:
    assert type(conn._auth_handler).__name__ == "QuerySignatureV2AuthHandler", type(conn._auth_handler)


def step(name):
    print("STEP %s ok" % name, flush=True)


def wait(pred, what, timeout=120):
    deadline = time.time() + timeout
    while not pred():
        assert time.time() < deadline, "timed out waiting for " + what
        time.sleep(1)


def fails(code, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except EC2ResponseError as e:
        assert e.error_code == code, (e.error_code, e.error_message)
        return
    raise AssertionError("expected " + code)


zones = conn.get_all_zones()
assert zones and zones[0].state == "available", zones
zone = zones[0].name
images = conn.get_all_images(owners=["amazon"])
assert images, "no images"
image = images[0]
step("catalog")

kp = conn.create_key_pair(pfx + "-key")
assert "PRIVATE KEY" in kp.material
fails("InvalidKeyPair.Duplicate", conn.create_key_pair, pfx + "-key")
ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl " + pfx
kp2 = conn.import_key_pair(pfx + "-ed", ed.encode())
assert kp2.fingerprint, kp2
assert sorted(k.name for k in conn.get_all_key_pairs() if k.name.startswith(pfx + "-")) == [pfx + "-ed", pfx + "-key"]
step("key_pairs")

sg = conn.create_security_group(pfx + "-web", "boto2 web")
assert sg.id.startswith("sg-")
assert conn.authorize_security_group(group_id=sg.id, ip_protocol="tcp", from_port=22, to_port=22, cidr_ip="0.0.0.0/0")
g = conn.get_all_security_groups(group_ids=[sg.id])[0]
assert [(r.ip_protocol, r.from_port, r.to_port) for r in g.rules] == [("tcp", "22", "22")], g.rules
assert g.vpc_id, "security group without vpcId"
step("security_group")

res = conn.run_instances(image.id, instance_type="t3.micro", key_name=pfx + "-key",
                         security_group_ids=[sg.id], user_data="#!/bin/sh\necho boto\n", placement=zone)
inst = res.instances[0]
assert inst.id.startswith("i-")
wait(lambda: inst.update() == "running", "running")
assert inst.key_name == pfx + "-key" and inst.private_ip_address, inst.__dict__
assert inst.vpc_id and inst.subnet_id, (inst.vpc_id, inst.subnet_id)
step("run_instances")

assert conn.create_tags([inst.id], {"Name": pfx + "-vm", "env": "dev"})
inst.update()
assert inst.tags == {"Name": pfx + "-vm", "env": "dev"}, inst.tags
assert conn.delete_tags([inst.id], {"env": None})
inst.update()
assert inst.tags == {"Name": pfx + "-vm"}, inst.tags
ids = [i.id for i in conn.get_only_instances(filters={"tag:Name": pfx + "-vm"})]
assert ids == [inst.id], ids
step("tags")

co = conn.get_console_output(inst.id)  # boto 2 sends InstanceId.1
assert co.instance_id == inst.id, co.instance_id
ud = conn.get_instance_attribute(inst.id, "userData")
assert ud["userData"] and "echo boto" in __import__("base64").b64decode(ud["userData"]).decode(), ud
step("console_and_attributes")

stopped = conn.stop_instances([inst.id])
assert stopped[0].state == "stopping", stopped[0].state
wait(lambda: inst.update() == "stopped", "stopped")
started = conn.start_instances([inst.id])
assert started[0].state == "pending", started[0].state
wait(lambda: inst.update() == "running", "running again")
step("stop_start")

vol = conn.create_volume(1, zone)
wait(lambda: vol.update() == "available", "volume available")
assert conn.attach_volume(vol.id, inst.id, "/dev/sdf")
wait(lambda: vol.update() == "in-use", "volume in-use")
assert vol.attach_data.device == "/dev/sdf" and vol.attach_data.instance_id == inst.id, vol.attach_data.__dict__
found = conn.get_all_volumes(filters={"attachment.device": "/dev/sdf", "attachment.instance-id": inst.id})
assert [v.id for v in found] == [vol.id], found
inst.update()
assert "/dev/sdf" in inst.block_device_mapping and inst.block_device_mapping["/dev/sdf"].volume_id == vol.id, inst.block_device_mapping
snap = conn.create_snapshot(vol.id, "boto2 snap")
wait(lambda: snap.update() is not None and snap.status == "completed", "snapshot completed")
assert conn.delete_snapshot(snap.id)
assert conn.detach_volume(vol.id)
wait(lambda: vol.update() == "available", "volume detached")
assert conn.delete_volume(vol.id)
step("volumes")

if os.environ.get("CG_EIP", "1") == "1":
    addr = conn.allocate_address()
    assert addr.public_ip
    assert conn.associate_address(instance_id=inst.id, public_ip=addr.public_ip) or True
    inst.update()
    assert inst.ip_address == addr.public_ip, (inst.ip_address, addr.public_ip)
    assert conn.disassociate_address(public_ip=addr.public_ip)
    assert conn.release_address(public_ip=addr.public_ip)
else:
    # No user public addresses in a security-group zone (CloudStack).
    fails("UnsupportedOperation", conn.allocate_address)
step("addresses")

term = conn.terminate_instances([inst.id])
assert term[0].id == inst.id
wait(lambda: inst.update() == "terminated", "terminated")
step("terminate")

assert conn.delete_key_pair(pfx + "-key") and conn.delete_key_pair(pfx + "-ed")
# The group of a terminated instance deletes at once (issue 12 item 13).
assert conn.delete_security_group(group_id=sg.id)
assert not [k for k in conn.get_all_key_pairs() if k.name.startswith(pfx + "-")]
step("cleanup")
print("DONE", flush=True)
