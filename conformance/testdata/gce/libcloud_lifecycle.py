"""Libcloud's GCE driver against cloudgate, unpatched.

Stock service-account auth (auth_type SA with the key file: Libcloud signs
the JWT itself, without kid, for accounts.google.com/o/oauth2/token). The
driver has its hosts built in (accounts.google.com, www.googleapis.com) and
its host= option fails for GCE (Libcloud 3.4 passes it positionally into
GCEConnection: "multiple values for argument 'auth_type'"), so it is pointed at the
gateway with its documented proxy_url option: the proxy tunnels every
CONNECT to the gateway, whose certificate also names those hosts; the
gateway's CA is given through libcloud.security.CA_CERTS_PATH.

usage: libcloud_lifecycle.py KEY_FILE CA_FILE PROXY_URL CREDENTIAL_CACHE
"""
import json
import sys
import traceback

import libcloud.security

key_file, ca, proxy, cache = sys.argv[1:5]
libcloud.security.CA_CERTS_PATH = ca

from libcloud.compute.providers import get_driver  # noqa: E402
from libcloud.compute.types import Provider  # noqa: E402
from libcloud.common.google import ResourceNotFoundError  # noqa: E402

key = json.load(open(key_file))
failed = False


def step(name, fn):
    global failed
    try:
        detail = fn()
        print(json.dumps({"step": name, "ok": True, "detail": detail}, default=str), flush=True)
        return detail
    except Exception as e:
        failed = True
        print(json.dumps({"step": name, "ok": False, "detail": "%s: %s" % (type(e).__name__, e),
                          "trace": traceback.format_exc()[-1500:]}), flush=True)
        return None


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


GCE = get_driver(Provider.GCE)
drv = step("driver (service-account token without kid)", lambda: GCE(
    key["client_email"], key_file, project=key["project_id"], auth_type="SA",
    credential_file=cache, proxy_url=proxy))
if drv is None:
    sys.exit(1)
zone = sorted(z.name for z in drv.zone_list)[0]
drv.zone = drv.ex_get_zone(zone)

step("list_locations", lambda: [z.name for z in drv.list_locations()])
step("list_sizes", lambda: len(drv.list_sizes(zone)))
image = step("ex_get_image_from_family", lambda: drv.ex_get_image_from_family("debian-12", ex_project_list=["debian-cloud"], ex_standard_projects=False))
step("list_nodes (empty)", lambda: check(drv.list_nodes() == [], "nodes exist") or 0)


def firewall():
    fw = drv.ex_create_firewall("lc-fw", [{"IPProtocol": "tcp", "ports": ["22"]}],
                                source_ranges=["0.0.0.0/0"], target_tags=["lc"])
    check(fw.allowed == [{"IPProtocol": "tcp", "ports": ["22"]}], fw.allowed)
    return fw.name


step("ex_create_firewall", firewall)


def update_firewall():
    fw = drv.ex_get_firewall("lc-fw")
    fw.allowed = [{"IPProtocol": "tcp", "ports": ["22", "8080"]}]
    drv.ex_update_firewall(fw)  # PUT of the whole firewall as read, output fields included
    fw = drv.ex_get_firewall("lc-fw")
    check(fw.allowed == [{"IPProtocol": "tcp", "ports": ["22", "8080"]}], fw.allowed)
    return fw.allowed


step("ex_update_firewall (PUT echoing the GET)", update_firewall)


def volume():
    v = drv.create_volume(2, "lc-data", location=zone, ex_disk_type="pd-ssd")
    got = drv.ex_get_volume("lc-data", zone)
    check(got.size == "2" and got.extra["type"].endswith("pd-ssd"), (got.size, got.extra["type"]))
    return got.extra["type"]


step("create_volume pd-ssd", volume)


def create():
    n = drv.create_node("lc-vm", "e2-small", image, location=zone, ex_tags=["lc"],
                        ex_metadata={"role": "web"}, ex_labels={"env": "test"},
                        ex_disk_auto_delete=False)
    check(n.name == "lc-vm" and n.extra["labels"] == {"env": "test"}, n.extra.get("labels"))
    check(n.extra["tags"] == ["lc"], n.extra["tags"])
    check(not n.extra["disks"][0]["autoDelete"], n.extra["disks"][0])
    return n.state


step("create_node (boot disk autoDelete false)", create)


def attach():
    n = drv.ex_get_node("lc-vm", zone)
    drv.attach_volume(n, drv.ex_get_volume("lc-data", zone), device="data")
    n = drv.ex_get_node("lc-vm", zone)
    check([d["deviceName"] for d in n.extra["disks"]] == ["lc-vm", "data"], n.extra["disks"])
    return len(n.extra["disks"])


step("attach_volume", attach)


def labels_metadata_tags():
    n = drv.ex_get_node("lc-vm", zone)
    drv.ex_set_node_labels(n, {"env": "prod"})
    drv.ex_set_node_metadata(drv.ex_get_node("lc-vm", zone), {"role": "db", "x": "1"})
    drv.ex_set_node_tags(drv.ex_get_node("lc-vm", zone), ["lc", "web"])
    n = drv.ex_get_node("lc-vm", zone)
    md = {i["key"]: i["value"] for i in n.extra["metadata"]["items"]}
    check(n.extra["labels"] == {"env": "prod"}, n.extra["labels"])
    check(md == {"role": "db", "x": "1"}, md)
    check(sorted(n.extra["tags"]) == ["lc", "web"], n.extra["tags"])
    return "ok"


step("ex_set_node_labels / metadata / tags", labels_metadata_tags)
step("ex_stop_node", lambda: drv.ex_stop_node(drv.ex_get_node("lc-vm", zone)))
step("ex_start_node", lambda: drv.ex_start_node(drv.ex_get_node("lc-vm", zone)))
step("reboot_node", lambda: drv.reboot_node(drv.ex_get_node("lc-vm", zone)))
step("list_nodes", lambda: check([n.name for n in drv.list_nodes()] == ["lc-vm"], "nodes") or 1)


def destroy():
    drv.destroy_node(drv.ex_get_node("lc-vm", zone))
    try:
        drv.ex_get_node("lc-vm", zone)
        raise AssertionError("node still there")
    except ResourceNotFoundError:
        pass
    boot = drv.ex_get_volume("lc-vm", zone)  # kept: autoDelete was false
    data = drv.ex_get_volume("lc-data", zone)
    check(not boot.extra.get("users") and not data.extra.get("users"), (boot.extra, data.extra))
    return "boot and data disks kept"


step("destroy_node keeps the boot disk asked to be kept", destroy)


def boot_from_kept_disk():
    n = drv.create_node("lc-vm2", "e2-small", None, location=zone,
                        ex_boot_disk=drv.ex_get_volume("lc-vm", zone), ex_disk_auto_delete=True)
    check(n.state == "running" and n.extra["boot_disk"].name == "lc-vm", (n.state, n.extra.get("boot_disk")))
    drv.destroy_node(drv.ex_get_node("lc-vm2", zone))
    try:
        drv.ex_get_volume("lc-vm", zone)
        raise AssertionError("boot disk with autoDelete true survived its instance")
    except ResourceNotFoundError:
        pass
    return "booted, then deleted with the instance"


step("create_node with ex_boot_disk (the kept disk)", boot_from_kept_disk)
step("destroy_volume", lambda: drv.destroy_volume(drv.ex_get_volume("lc-data", zone)))
step("ex_destroy_firewall", lambda: drv.ex_destroy_firewall(drv.ex_get_firewall("lc-fw")))
sys.exit(1 if failed else 0)
