"""googleapiclient (the discovery-based Python client) against cloudgate.

Built from the discovery document the gateway serves; stock google-auth
service-account credentials from the gateway's key file; the gateway's CA
given explicitly to httplib2. Prints one JSON line per step:
{"step": ..., "ok": true|false, "detail": ...}.

usage: googleapiclient_lifecycle.py GATEWAY_URL KEY_FILE CA_FILE ZONE IMAGE_PROJECT IMAGE_FAMILY
"""
import json
import sys
import time
import traceback

import httplib2
import google_auth_httplib2
from google.oauth2 import service_account
from googleapiclient import discovery, errors

gw, key_file, ca, zone, image_project, image_family = sys.argv[1:7]
project = json.load(open(key_file))["project_id"]
failed = False


def step(name, fn):
    global failed
    try:
        detail = fn()
        print(json.dumps({"step": name, "ok": True, "detail": detail}, default=str), flush=True)
        return detail
    except Exception as e:  # report and go on: every step is listed
        failed = True
        print(json.dumps({"step": name, "ok": False, "detail": "%s: %s" % (type(e).__name__, e),
                          "trace": traceback.format_exc()[-1500:]}), flush=True)
        return None


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


creds = service_account.Credentials.from_service_account_file(
    key_file, scopes=["https://www.googleapis.com/auth/compute"])
http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(ca_certs=ca))


def build(url):
    return discovery.build("compute", "v1", http=http, discoveryServiceUrl=url, cache_discovery=False)


svc = step("build from /discovery/v1/apis/compute/v1/rest",
           lambda: build(gw + "/discovery/v1/apis/{api}/{apiVersion}/rest"))
step("build from /$discovery/rest?version=v1",
     lambda: check(build(gw + "/$discovery/rest?version={apiVersion}") is not None, "no service") or "ok")
if svc is None:
    sys.exit(1)


def wait(op):
    deadline = time.time() + 300
    while op["status"] != "DONE":
        check(time.time() < deadline, "operation %s not done" % op["name"])
        if "zone" in op:
            op = svc.zoneOperations().wait(project=project, zone=zone, operation=op["name"]).execute()
        elif "region" in op:
            op = svc.regionOperations().wait(project=project, region=op["region"].rsplit("/", 1)[1], operation=op["name"]).execute()
        else:
            op = svc.globalOperations().wait(project=project, operation=op["name"]).execute()
    check("error" not in op, "operation failed: %s" % op.get("error"))
    return op


def zones():
    global zone
    names = sorted(z["name"] for z in svc.zones().list(project=project).execute()["items"])
    if zone == "-":
        zone = names[0]
    check(zone in names, "zone %s not in %s" % (zone, names))
    return names


step("zones.list", zones)
step("machineTypes.list", lambda: len(svc.machineTypes().list(project=project, zone=zone).execute()["items"]))
image = step("images.getFromFamily", lambda: svc.images().getFromFamily(project=image_project, family=image_family).execute()["selfLink"])

fw = {"name": "gapi-fw", "network": "global/networks/default", "direction": "INGRESS",
      "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "sourceRanges": ["0.0.0.0/0"], "targetTags": ["gapi"]}
step("firewalls.insert", lambda: wait(svc.firewalls().insert(project=project, body=fw).execute())["status"])


def fw_patch():
    wait(svc.firewalls().patch(project=project, firewall="gapi-fw",
                               body={"allowed": [{"IPProtocol": "tcp", "ports": ["22", "443"]}]}).execute())
    got = svc.firewalls().get(project=project, firewall="gapi-fw").execute()
    check(got["allowed"] == [{"IPProtocol": "tcp", "ports": ["22", "443"]}], got["allowed"])
    check(got["targetTags"] == ["gapi"] and got["sourceRanges"] == ["0.0.0.0/0"], got)
    return got["allowed"]


step("firewalls.patch + get", fw_patch)


def disk_insert():
    wait(svc.disks().insert(project=project, zone=zone, body={
        "name": "gapi-data", "sizeGb": "2", "type": "zones/%s/diskTypes/pd-ssd" % zone, "labels": {"app": "gapi"}}).execute())
    d = svc.disks().get(project=project, zone=zone, disk="gapi-data").execute()
    check(d["sizeGb"] == "2" and d["type"].endswith("/diskTypes/pd-ssd") and d["labels"] == {"app": "gapi"}, d)
    return d["type"]


step("disks.insert pd-ssd + get", disk_insert)


def unknown_field():
    try:
        svc.disks().insert(project=project, zone=zone, body={"name": "gapi-bad", "sizeGb": "1", "sourceDiskx": "x"}).execute()
    except errors.HttpError as e:
        check(e.resp.status == 400 and "sourceDiskx" in e.content.decode(), e.content)
        return json.loads(e.content)["error"]["message"]
    raise AssertionError("an unknown field was accepted")


step("unknown field is 400 naming it", unknown_field)

vm = {
    "name": "gapi-vm", "machineType": "zones/%s/machineTypes/e2-small" % zone,
    "labels": {"env": "test"}, "tags": {"items": ["gapi"]},
    "metadata": {"items": [{"key": "role", "value": "web"}]},
    "disks": [{"boot": True, "autoDelete": True, "initializeParams": {"sourceImage": image}},
              {"source": "zones/%s/disks/gapi-data" % zone, "autoDelete": False, "deviceName": "data"}],
    "networkInterfaces": [{"network": "global/networks/default",
                           "accessConfigs": [{"name": "External NAT", "type": "ONE_TO_ONE_NAT"}]}],
}


def insert_vm():
    wait(svc.instances().insert(project=project, zone=zone, body=vm).execute())
    got = svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    check(got["labels"] == {"env": "test"}, got["labels"])
    check(got["tags"]["items"] == ["gapi"], got["tags"])
    check({i["key"]: i["value"] for i in got["metadata"]["items"]} == {"role": "web"}, got["metadata"])
    check(len(got["disks"]) == 2 and got["disks"][1]["source"].endswith("/disks/gapi-data")
          and got["disks"][1]["deviceName"] == "data", got["disks"])
    check(got["networkInterfaces"][0]["accessConfigs"][0]["name"] == "External NAT", got["networkInterfaces"])
    return got["status"]


step("instances.insert with an attached disk + get", insert_vm)


def batch_gets():
    out = {}

    def cb(rid, resp, exc):
        out[rid] = exc or resp["name"]

    b = svc.new_batch_http_request(callback=cb)
    b.add(svc.instances().get(project=project, zone=zone, instance="gapi-vm"), request_id="vm")
    b.add(svc.disks().get(project=project, zone=zone, disk="gapi-data"), request_id="disk")
    b.execute()
    check(out == {"vm": "gapi-vm", "disk": "gapi-data"}, out)
    return out


step("batch (batchPath from the document)", batch_gets)


def set_labels():
    got = svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    wait(svc.instances().setLabels(project=project, zone=zone, instance="gapi-vm", body={
        "labels": {"env": "prod", "team": "a"}, "labelFingerprint": got["labelFingerprint"]}).execute())
    got = svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    check(got["labels"] == {"env": "prod", "team": "a"}, got["labels"])
    return got["labels"]


step("instances.setLabels", set_labels)


def set_metadata():
    got = svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    md = got["metadata"]
    md["items"] = [{"key": "role", "value": "db"}]
    wait(svc.instances().setMetadata(project=project, zone=zone, instance="gapi-vm", body=md).execute())
    got = svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    check({i["key"]: i["value"] for i in got["metadata"]["items"]} == {"role": "db"}, got["metadata"])
    return "ok"


step("instances.setMetadata (echoing kind and fingerprint)", set_metadata)
step("instances.stop", lambda: wait(svc.instances().stop(project=project, zone=zone, instance="gapi-vm").execute())["status"])
step("instances.start", lambda: wait(svc.instances().start(project=project, zone=zone, instance="gapi-vm").execute())["status"])
step("instances.delete", lambda: wait(svc.instances().delete(project=project, zone=zone, instance="gapi-vm").execute())["status"])


def disk_kept():
    d = svc.disks().get(project=project, zone=zone, disk="gapi-data").execute()
    check(not d.get("users"), d)
    wait(svc.disks().delete(project=project, zone=zone, disk="gapi-data").execute())
    return "kept, then deleted"


step("attached disk (autoDelete false) survives the instance", disk_kept)
step("firewalls.delete", lambda: wait(svc.firewalls().delete(project=project, firewall="gapi-fw").execute())["status"])


def not_found():
    try:
        svc.instances().get(project=project, zone=zone, instance="gapi-vm").execute()
    except errors.HttpError as e:
        check(e.resp.status == 404, e.resp.status)
        return "404"
    raise AssertionError("deleted instance still found")


step("get after delete is 404", not_found)


def unmatched_path():
    resp, content = http.request(gw + "/compute/v1/projects/%s/zones/%s/nosuchCollection" % (project, zone))
    e = errors.HttpError(resp, content, uri="nosuch")
    body = json.loads(content)
    check(resp.status == 404 and body["error"]["code"] == 404 and body["error"]["errors"][0]["reason"] == "notFound", content)
    check("was not found" in e._get_reason(), e._get_reason())
    return body["error"]["status"]


step("unmatched /compute/v1 path is Google's JSON 404", unmatched_path)


def unauthenticated():
    resp, content = httplib2.Http(ca_certs=ca).request(gw + "/compute/v1/projects/%s/zones" % project)
    body = json.loads(content)
    check(resp.status == 401 and body["error"]["status"] == "UNAUTHENTICATED" and body["error"]["code"] == 401, content)
    return body["error"]["message"]


step("401 carries status UNAUTHENTICATED", unauthenticated)
sys.exit(1 if failed else 0)
