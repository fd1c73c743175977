// @google-cloud/compute (REST transport) with google-auth-library against
// cloudgate: the gateway's service-account key file, the gateway's CA in
// NODE_EXTRA_CA_CERTS, apiEndpoint/port pointing at the gateway.
// google-auth-library posts JWT grants only to Google's hard-coded token
// URL, so the clients authenticate as GAPIC libraries do by default: with
// self-signed service-account JWTs (useJWTAccessWithScope), which the
// gateway verifies. Prints one JSON line per step.
//
// usage: node gce_lifecycle.js HOST PORT KEY_FILE
'use strict';
const fs = require('fs');
const compute = require('@google-cloud/compute');
const {GoogleAuth} = require('google-auth-library');

const [host, port, keyFile] = process.argv.slice(2);
const project = JSON.parse(fs.readFileSync(keyFile, 'utf8')).project_id;
const auth = new GoogleAuth({keyFilename: keyFile, scopes: ['https://www.googleapis.com/auth/compute']});
auth.useJWTAccessWithScope = true;
const opts = {auth, apiEndpoint: host, port: Number(port), fallback: true};
const zones = new compute.ZonesClient(opts);
const machineTypes = new compute.MachineTypesClient(opts);
const images = new compute.ImagesClient(opts);
const firewalls = new compute.FirewallsClient(opts);
const disks = new compute.DisksClient(opts);
const instances = new compute.InstancesClient(opts);
const zoneOps = new compute.ZoneOperationsClient(opts);
const regionOps = new compute.RegionOperationsClient(opts);
const snapshots = new compute.SnapshotsClient(opts);
const regions = new compute.RegionsClient(opts);
const addresses = new compute.AddressesClient(opts);
const globalOps = new compute.GlobalOperationsClient(opts);

let failed = false;
async function step(name, fn) {
  try {
    const detail = await fn();
    console.log(JSON.stringify({step: name, ok: true, detail: detail === undefined ? null : detail}));
    return detail;
  } catch (e) {
    failed = true;
    console.log(JSON.stringify({step: name, ok: false, detail: String(e && e.message || e), trace: String(e && e.stack || '').slice(-1500)}));
    return undefined;
  }
}
function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + JSON.stringify(msg));
}
// waitZonal/waitGlobal poll with operations.wait until DONE.
async function waitZonal(zone, resp) {
  let [op] = Array.isArray(resp) ? resp : [resp];
  op = op.latestResponse || op;
  while (op.status !== 'DONE') {
    [op] = await zoneOps.wait({project, zone, operation: op.name});
  }
  check(!op.error || !op.error.errors || op.error.errors.length === 0, op.error);
  return op;
}
async function waitRegional(region, resp) {
  let [op] = Array.isArray(resp) ? resp : [resp];
  op = op.latestResponse || op;
  while (op.status !== 'DONE') {
    [op] = await regionOps.wait({project, region, operation: op.name});
  }
  check(!op.error || !op.error.errors || op.error.errors.length === 0, op.error);
  return op;
}
async function waitGlobal(resp) {
  let [op] = Array.isArray(resp) ? resp : [resp];
  op = op.latestResponse || op;
  while (op.status !== 'DONE') {
    [op] = await globalOps.wait({project, operation: op.name});
  }
  check(!op.error || !op.error.errors || op.error.errors.length === 0, op.error);
  return op;
}

(async () => {
  let zone;
  await step('zones.list', async () => {
    const [list] = await zones.list({project});
    const names = list.map(z => z.name).sort();
    zone = names[0];
    check(names.length > 0, names);
    return names;
  });
  await step('machineTypes.list', async () => (await machineTypes.list({project, zone}))[0].length);
  const image = await step('images.getFromFamily', async () => (await images.getFromFamily({project: 'debian-cloud', family: 'debian-12'}))[0].selfLink);
  await step('firewalls.insert', async () => {
    await waitGlobal(await firewalls.insert({project, firewallResource: {
      name: 'node-fw', network: 'global/networks/default', direction: 'INGRESS',
      allowed: [{IPProtocol: 'tcp', ports: ['22']}], sourceRanges: ['0.0.0.0/0'], targetTags: ['node']}}));
    return 'DONE';
  });
  await step('firewalls.patch + get', async () => {
    await waitGlobal(await firewalls.patch({project, firewall: 'node-fw', firewallResource: {allowed: [{IPProtocol: 'tcp', ports: ['22', '443']}]}}));
    const [fw] = await firewalls.get({project, firewall: 'node-fw'});
    check(JSON.stringify(fw.allowed.map(a => [a.IPProtocol, a.ports])) === JSON.stringify([['tcp', ['22', '443']]]), fw.allowed);
    check(JSON.stringify(fw.targetTags) === '["node"]', fw.targetTags);
    return fw.allowed.length;
  });
  await step('disks.insert pd-balanced + get', async () => {
    await waitZonal(zone, await disks.insert({project, zone, diskResource: {
      name: 'node-data', sizeGb: 2, type: `zones/${zone}/diskTypes/pd-balanced`, labels: {app: 'node'}}}));
    const [d] = await disks.get({project, zone, disk: 'node-data'});
    check(String(d.sizeGb) === '2' && d.type.endsWith('/diskTypes/pd-balanced') && d.labels.app === 'node', d);
    return d.type;
  });
  await step('instances.insert with an attached disk + get', async () => {
    await waitZonal(zone, await instances.insert({project, zone, instanceResource: {
      name: 'node-vm', machineType: `zones/${zone}/machineTypes/e2-small`,
      labels: {env: 'test'}, tags: {items: ['node']},
      metadata: {items: [{key: 'role', value: 'web'}]},
      disks: [{boot: true, autoDelete: true, initializeParams: {sourceImage: image, diskType: `zones/${zone}/diskTypes/pd-ssd`}},
              {source: `zones/${zone}/disks/node-data`, autoDelete: false, deviceName: 'data'}],
      networkInterfaces: [{network: 'global/networks/default'}]}}));
    const [vm] = await instances.get({project, zone, instance: 'node-vm'});
    check(vm.labels.env === 'test' && vm.tags.items.join() === 'node', vm.labels);
    check(vm.metadata.items.length === 1 && vm.metadata.items[0].value === 'web', vm.metadata);
    check(vm.disks.length === 2 && vm.disks[1].deviceName === 'data' && vm.disks[0].autoDelete === true, vm.disks);
    check((vm.networkInterfaces[0].accessConfigs || []).length === 0, vm.networkInterfaces[0]);
    const [boot] = await disks.get({project, zone, disk: 'node-vm'});
    check(boot.type.endsWith('/diskTypes/pd-ssd') && boot.sourceImage === image, boot);
    return vm.status;
  });
  await step('instances.aggregatedList', async () => {
    const names = [];
    for await (const [scope, list] of instances.aggregatedListAsync({project})) {
      for (const i of (list.instances || [])) names.push(scope + '/' + i.name);
    }
    check(names.length === 1 && names[0].endsWith('/node-vm'), names);
    return names;
  });
  await step('instances.setLabels', async () => {
    const [vm] = await instances.get({project, zone, instance: 'node-vm'});
    await waitZonal(zone, await instances.setLabels({project, zone, instance: 'node-vm',
      instancesSetLabelsRequestResource: {labels: {env: 'prod'}, labelFingerprint: vm.labelFingerprint}}));
    const [got] = await instances.get({project, zone, instance: 'node-vm'});
    check(JSON.stringify(got.labels) === '{"env":"prod"}', got.labels);
    return got.labels;
  });
  await step('instances.setMetadata', async () => {
    const [vm] = await instances.get({project, zone, instance: 'node-vm'});
    await waitZonal(zone, await instances.setMetadata({project, zone, instance: 'node-vm',
      metadataResource: {fingerprint: vm.metadata.fingerprint, items: [{key: 'role', value: 'db'}]}}));
    const [got] = await instances.get({project, zone, instance: 'node-vm'});
    check(got.metadata.items[0].value === 'db', got.metadata);
    return 'ok';
  });
  await step('instances.detachDisk + attachDisk', async () => {
    await waitZonal(zone, await instances.detachDisk({project, zone, instance: 'node-vm', deviceName: 'data'}));
    let [vm] = await instances.get({project, zone, instance: 'node-vm'});
    check(vm.disks.length === 1, vm.disks);
    await waitZonal(zone, await instances.attachDisk({project, zone, instance: 'node-vm',
      attachedDiskResource: {source: `zones/${zone}/disks/node-data`, deviceName: 'data2'}}));
    [vm] = await instances.get({project, zone, instance: 'node-vm'});
    check(vm.disks.length === 2 && vm.disks[1].deviceName === 'data2', vm.disks);
    return vm.disks.length;
  });
  await step('instances.getSerialPortOutput', async () => {
    const [out] = await instances.getSerialPortOutput({project, zone, instance: 'node-vm', port: 1});
    check(typeof out.contents === 'string', out);
    return out.contents.length;
  });
  await step('disks.createSnapshot (boot disk) + snapshots.get/delete', async () => {
    await waitZonal(zone, await disks.createSnapshot({project, zone, disk: 'node-vm', snapshotResource: {name: 'node-snap'}}));
    const [sn] = await snapshots.get({project, snapshot: 'node-snap'});
    check(sn.sourceDisk.endsWith('/disks/node-vm'), sn);
    await waitGlobal(await snapshots.delete({project, snapshot: 'node-snap'}));
    return sn.status;
  });
  await step('zoneOperations.list', async () => {
    const [ops] = await zoneOps.list({project, zone});
    check(ops.length > 0 && ops.every(o => o.name && o.status), ops.length);
    return ops.length;
  });
  await step('instances.stop', async () => (await waitZonal(zone, await instances.stop({project, zone, instance: 'node-vm'}))).status);
  await step('instances.setMachineType (stopped)', async () => {
    await waitZonal(zone, await instances.setMachineType({project, zone, instance: 'node-vm',
      instancesSetMachineTypeRequestResource: {machineType: `zones/${zone}/machineTypes/e2-medium`}}));
    const [vm] = await instances.get({project, zone, instance: 'node-vm'});
    check(vm.machineType.endsWith('/machineTypes/e2-medium'), vm.machineType);
    return vm.machineType.split('/').pop();
  });
  await step('instances.start', async () => (await waitZonal(zone, await instances.start({project, zone, instance: 'node-vm'}))).status);
  await step('addresses.insert/get/delete (or a native refusal)', async () => {
    const region = zone.replace(/-[^-]+$/, '');
    const [regs] = await regions.list({project});
    const r = regs.map(x => x.name).includes(region) ? region : regs[0].name;
    try {
      await waitRegional(r, await addresses.insert({project, region: r, addressResource: {name: 'node-ip'}}));
    } catch (e) {
      // Clouds whose zones all use security groups have no public
      // addresses to reserve: a native 501 naming the reason.
      check((e.code === 501 || e.code === 12) && /security groups|not supported|isolated/i.test(e.message), e.message);
      return 'refused: ' + e.message;
    }
    const [a] = await addresses.get({project, region: r, address: 'node-ip'});
    check(/^\d+\.\d+\.\d+\.\d+$/.test(a.address) && a.status === 'RESERVED', a);
    await waitRegional(r, await addresses.delete({project, region: r, address: 'node-ip'}));
    return a.address;
  });
  await step('instances.delete', async () => (await waitZonal(zone, await instances.delete({project, zone, instance: 'node-vm'}))).status);
  await step('get after delete is 404', async () => {
    try {
      await instances.get({project, zone, instance: 'node-vm'});
    } catch (e) {
      check(e.code === 404 || e.code === 5 || /not found/i.test(e.message), e.message);
      return e.code;
    }
    throw new Error('deleted instance still found');
  });
  await step('attached disk survives, then disks.delete', async () => {
    const [d] = await disks.get({project, zone, disk: 'node-data'});
    check(!d.users || d.users.length === 0, d.users);
    await waitZonal(zone, await disks.delete({project, zone, disk: 'node-data'}));
    return 'ok';
  });
  await step('firewalls.delete', async () => (await waitGlobal(await firewalls.delete({project, firewall: 'node-fw'}))).status);
  process.exit(failed ? 1 : 0);
})().catch(e => {
  console.log(JSON.stringify({step: 'script', ok: false, detail: String(e && e.stack || e)}));
  process.exit(1);
});
