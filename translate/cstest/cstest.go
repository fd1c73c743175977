package cstest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// Harness gives the suite one backend to test.
type Harness interface {
	// Backend is the implementation under test.
	Backend() translate.CloudStack
	// Context carries a normal (non-admin) user's principal.
	Context() context.Context
	// BadContext carries a principal whose keys CloudStack rejects.
	BadContext() context.Context
	// Fixtures names catalog entries the suite may use.
	Fixtures() Fixtures
	// Close releases the harness.
	Close()
}

// Fixtures names existing catalog entries.
type Fixtures struct {
	Zone     string // zone name; an advanced zone with security groups if SecurityGroups
	Offering string // fixed service offering name
	Template string // template name usable by the user
	// SecurityGroups reports that Zone supports security groups.
	SecurityGroups bool
	// Addresses reports that public IPs can be acquired in Zone (without
	// naming a network) and static-NATed to VMs.
	Addresses bool
	// Networks reports that isolated networks and VPCs can be created in
	// Zone.
	Networks bool
	// Timeout bounds waiting for one async job (default 30s).
	Timeout time.Duration
}

// RunConformanceTests runs the suite; newHarness is called once per
// subtest.
func RunConformanceTests(t *testing.T, newHarness func() Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *suite)
	}{
		{"Catalog", testCatalog},
		{"BadCredentials", testBadCredentials},
		{"UnknownIDs", testUnknownIDs},
		{"VMLifecycle", testVMLifecycle},
		{"DeployBadTemplate", testDeployBadTemplate},
		{"Tags", testTags},
		{"KeyPairs", testKeyPairs},
		{"SecurityGroups", testSecurityGroups},
		{"Volumes", testVolumes},
		{"Addresses", testAddresses},
		{"Networks", testNetworks},
		{"InstanceGroups", testInstanceGroups},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness()
			defer h.Close()
			s := &suite{h: h, cs: h.Backend(), ctx: h.Context(), fx: h.Fixtures()}
			if s.fx.Timeout == 0 {
				s.fx.Timeout = 30 * time.Second
			}
			tt.fn(t, s)
		})
	}
}

type suite struct {
	h   Harness
	cs  translate.CloudStack
	ctx context.Context
	fx  Fixtures
}

// catalog resolves the fixtures to ids.
func (s *suite) catalog(t *testing.T) (zone, offering, template string) {
	t.Helper()
	zs, err := s.cs.ListZones(s.ctx)
	if err != nil {
		t.Fatalf("ListZones: %v", err)
	}
	for _, z := range zs {
		if z.Name == s.fx.Zone {
			zone = z.ID
		}
	}
	os, err := s.cs.ListServiceOfferings(s.ctx)
	if err != nil {
		t.Fatalf("ListServiceOfferings: %v", err)
	}
	for _, o := range os {
		if o.Name == s.fx.Offering {
			offering = o.ID
		}
	}
	ts, err := s.cs.ListTemplates(s.ctx, translate.ListTemplatesRequest{Filter: "executable", ZoneID: zone})
	if err != nil {
		t.Fatalf("ListTemplates: %v", err)
	}
	for _, tp := range ts {
		if tp.Name == s.fx.Template {
			template = tp.ID
		}
	}
	if zone == "" || offering == "" || template == "" {
		t.Fatalf("fixtures not found: zone=%q offering=%q template=%q", zone, offering, template)
	}
	return zone, offering, template
}

// wait polls a job until it is done.
func (s *suite) wait(t *testing.T, jobID string) *translate.Job {
	t.Helper()
	if jobID == "" {
		return &translate.Job{Status: translate.JobSucceeded}
	}
	deadline := time.Now().Add(s.fx.Timeout)
	for {
		j, err := s.cs.QueryAsyncJobResult(s.ctx, jobID)
		if err != nil {
			t.Fatalf("QueryAsyncJobResult(%s): %v", jobID, err)
		}
		if j.Status != translate.JobPending {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not finish in %v", jobID, s.fx.Timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *suite) mustSucceed(t *testing.T, what string, call func() (translate.AsyncResult, error)) translate.AsyncResult {
	t.Helper()
	r, err := call()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if j := s.wait(t, r.JobID); j.Status != translate.JobSucceeded {
		t.Fatalf("%s: job failed: %v", what, j.Err)
	}
	return r
}

func (s *suite) deploy(t *testing.T, name string) string {
	t.Helper()
	zone, off, tmpl := s.catalog(t)
	r := s.mustSucceed(t, "DeployVirtualMachine", func() (translate.AsyncResult, error) {
		return s.cs.DeployVirtualMachine(s.ctx, translate.DeployRequest{ZoneID: zone, ServiceOfferingID: off, TemplateID: tmpl, Name: name, DisplayName: name})
	})
	if r.ID == "" {
		t.Fatal("DeployVirtualMachine returned no VM id")
	}
	t.Cleanup(func() { _, _ = s.cs.DestroyVirtualMachine(s.ctx, r.ID, true) })
	return r.ID
}

func (s *suite) vm(t *testing.T, id string) *translate.Instance {
	t.Helper()
	vms, err := s.cs.ListVirtualMachines(s.ctx, translate.ListVMsRequest{ID: id})
	if err != nil {
		if translate.KindOf(err) == translate.NotFound {
			return nil
		}
		t.Fatalf("ListVirtualMachines: %v", err)
	}
	for i := range vms {
		if vms[i].ID == id {
			return &vms[i]
		}
	}
	return nil
}

func uniq(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e9)
}

func testCatalog(t *testing.T, s *suite) {
	zone, off, tmpl := s.catalog(t)
	if zone == off || off == tmpl {
		t.Fatal("ids are not distinct")
	}
	ds, err := s.cs.ListDiskOfferings(s.ctx)
	if err != nil || len(ds) == 0 {
		t.Fatalf("ListDiskOfferings = %v, %v", ds, err)
	}
}

func testBadCredentials(t *testing.T, s *suite) {
	_, err := s.cs.ListZones(s.h.BadContext())
	if k := translate.KindOf(err); k != translate.Unauthenticated {
		t.Fatalf("ListZones with bad keys: kind %v (%v), want Unauthenticated", k, err)
	}
}

const missing = "5a4c9d6e-0000-4000-8000-00000000dead"

func testUnknownIDs(t *testing.T, s *suite) {
	if vm := s.vm(t, missing); vm != nil {
		t.Fatalf("unknown VM listed: %+v", vm)
	}
	_, err := s.cs.QueryAsyncJobResult(s.ctx, missing)
	if err == nil {
		t.Fatal("QueryAsyncJobResult(unknown) succeeded")
	}
	if k := translate.KindOf(err); k != translate.NotFound && k != translate.InvalidArgument {
		t.Fatalf("QueryAsyncJobResult(unknown): kind %v (%v)", k, err)
	}
	_, err = s.cs.StartVirtualMachine(s.ctx, missing)
	if k := translate.KindOf(err); k != translate.NotFound {
		t.Fatalf("StartVirtualMachine(unknown): kind %v (%v), want NotFound", k, err)
	}
	var e *translate.Error = translate.AsError(err)
	if e.Resource != translate.ResInstance {
		t.Fatalf("StartVirtualMachine(unknown): resource %q", e.Resource)
	}
}

func testVMLifecycle(t *testing.T, s *suite) {
	name := uniq("vm")
	id := s.deploy(t, name)
	vm := s.vm(t, id)
	if vm == nil || vm.State != translate.StateRunning || vm.Name != name || vm.PrivateIP == "" {
		t.Fatalf("after deploy: %+v", vm)
	}
	s.mustSucceed(t, "StopVirtualMachine", func() (translate.AsyncResult, error) { return s.cs.StopVirtualMachine(s.ctx, id, false) })
	if vm := s.vm(t, id); vm == nil || vm.State != translate.StateStopped {
		t.Fatalf("after stop: %+v", vm)
	}
	s.mustSucceed(t, "StartVirtualMachine", func() (translate.AsyncResult, error) { return s.cs.StartVirtualMachine(s.ctx, id) })
	s.mustSucceed(t, "RebootVirtualMachine", func() (translate.AsyncResult, error) { return s.cs.RebootVirtualMachine(s.ctx, id) })
	if vm := s.vm(t, id); vm == nil || vm.State != translate.StateRunning {
		t.Fatalf("after start+reboot: %+v", vm)
	}
	jobs, err := s.cs.ListAsyncJobs(s.ctx)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("ListAsyncJobs = %d jobs, %v", len(jobs), err)
	}
	// Users expunge only where allow.user.expunge.recover.vm says so; else
	// CloudStack accepts the call and fails its job (530), which must be
	// classified PermissionDenied (UserVmManagerImpl.destroyVm).
	caps, err := s.cs.ListCapabilities(s.ctx)
	if err != nil {
		t.Fatalf("ListCapabilities: %v", err)
	}
	if !caps.UserExpungeVM {
		r, err := s.cs.DestroyVirtualMachine(s.ctx, id, true)
		if err == nil {
			j := s.wait(t, r.JobID)
			if j.Status != translate.JobFailed || j.Err == nil || j.Err.Kind != translate.PermissionDenied {
				t.Fatalf("destroy with expunge without the right: job %+v", j)
			}
		} else if translate.KindOf(err) != translate.PermissionDenied {
			t.Fatalf("destroy with expunge without the right: %v", err)
		}
		if vm := s.vm(t, id); vm == nil || vm.State != translate.StateRunning {
			t.Fatalf("after a refused expunge: %+v", vm)
		}
	}
	s.mustSucceed(t, "DestroyVirtualMachine", func() (translate.AsyncResult, error) {
		return s.cs.DestroyVirtualMachine(s.ctx, id, caps.UserExpungeVM)
	})
	if vm := s.vm(t, id); vm != nil && vm.State != translate.StateExpunging && vm.State != translate.StateDestroyed {
		t.Fatalf("after destroy: %+v", vm)
	}
}

func testDeployBadTemplate(t *testing.T, s *suite) {
	zone, off, _ := s.catalog(t)
	r, err := s.cs.DeployVirtualMachine(s.ctx, translate.DeployRequest{ZoneID: zone, ServiceOfferingID: off, TemplateID: missing})
	if err == nil {
		if j := s.wait(t, r.JobID); j.Status != translate.JobFailed {
			t.Fatal("deploy with an unknown template succeeded")
		}
		return
	}
	if k := translate.KindOf(err); k != translate.NotFound && k != translate.InvalidArgument {
		t.Fatalf("deploy with an unknown template: kind %v (%v)", k, err)
	}
}

func testTags(t *testing.T, s *suite) {
	id := s.deploy(t, uniq("tagged"))
	s.mustSucceed(t, "CreateTags", func() (translate.AsyncResult, error) {
		return s.cs.CreateTags(s.ctx, translate.ResInstance, []string{id}, translate.Tags{"env": "dev", "cloudgate:x": "y"})
	})
	ts, err := s.cs.ListTags(s.ctx, translate.ListTagsRequest{Resource: translate.ResInstance, ResourceID: id})
	if err != nil {
		t.Fatal(err)
	}
	got := translate.Tags{}
	for _, tg := range ts {
		if tg.ResourceID == id && tg.Resource == translate.ResInstance {
			got[tg.Key] = tg.Value
		}
	}
	if got["env"] != "dev" || got["cloudgate:x"] != "y" {
		t.Fatalf("tags = %v", got)
	}
	if vm := s.vm(t, id); vm == nil || vm.Tags["env"] != "dev" {
		t.Fatalf("VM tags = %+v", vm)
	}
	s.mustSucceed(t, "DeleteTags", func() (translate.AsyncResult, error) {
		return s.cs.DeleteTags(s.ctx, translate.ResInstance, []string{id}, translate.Tags{"env": ""})
	})
	if vm := s.vm(t, id); vm == nil || vm.Tags["env"] != "" || vm.Tags["cloudgate:x"] != "y" {
		t.Fatalf("VM tags after delete = %+v", vm)
	}
}

func testKeyPairs(t *testing.T, s *suite) {
	name := uniq("key")
	kp, err := s.cs.CreateSSHKeyPair(s.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if kp.Name != name || !strings.Contains(kp.PrivateKey, "PRIVATE KEY") || kp.Fingerprint == "" {
		t.Fatalf("created %+v", kp)
	}
	if _, err := s.cs.CreateSSHKeyPair(s.ctx, name); err == nil {
		t.Fatal("duplicate key pair created")
	}
	kps, err := s.cs.ListSSHKeyPairs(s.ctx, name)
	if err != nil || len(kps) != 1 || kps[0].Fingerprint != kp.Fingerprint {
		t.Fatalf("ListSSHKeyPairs = %+v, %v", kps, err)
	}
	if err := s.cs.DeleteSSHKeyPair(s.ctx, name); err != nil {
		t.Fatal(err)
	}
	kps, err = s.cs.ListSSHKeyPairs(s.ctx, name)
	if err == nil && len(kps) != 0 {
		t.Fatalf("key pair still listed: %+v", kps)
	}
	err = s.cs.DeleteSSHKeyPair(s.ctx, name)
	if k := translate.KindOf(err); k != translate.NotFound {
		t.Fatalf("deleting a deleted key pair: kind %v (%v), want NotFound", k, err)
	}
}

func testSecurityGroups(t *testing.T, s *suite) {
	if !s.fx.SecurityGroups {
		t.Skip("the zone has no security groups")
	}
	name := uniq("sg")
	g, err := s.cs.CreateSecurityGroup(s.ctx, name, "conformance")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.cs.DeleteSecurityGroup(s.ctx, g.ID) }()
	rule := translate.Rule{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}
	s.mustSucceed(t, "AuthorizeSecurityGroupRule", func() (translate.AsyncResult, error) { return s.cs.AuthorizeSecurityGroupRule(s.ctx, g.ID, rule) })
	egress := translate.Rule{Egress: true, Protocol: "udp", StartPort: 53, EndPort: 53, CIDR: "10.0.0.0/8"}
	s.mustSucceed(t, "AuthorizeSecurityGroupRule egress", func() (translate.AsyncResult, error) { return s.cs.AuthorizeSecurityGroupRule(s.ctx, g.ID, egress) })
	gs, err := s.cs.ListSecurityGroups(s.ctx, translate.ListSecurityGroupsRequest{ID: g.ID})
	if err != nil || len(gs) != 1 {
		t.Fatalf("ListSecurityGroups = %+v, %v", gs, err)
	}
	if len(gs[0].Ingress) != 1 || gs[0].Ingress[0].ID == "" || !translate.SameRule(gs[0].Ingress[0], rule) {
		t.Fatalf("ingress = %+v", gs[0].Ingress)
	}
	var eg *translate.Rule
	for i := range gs[0].Egress {
		if translate.SameRule(gs[0].Egress[i], egress) {
			eg = &gs[0].Egress[i]
		}
	}
	if eg == nil {
		t.Fatalf("egress = %+v", gs[0].Egress)
	}
	s.mustSucceed(t, "RevokeSecurityGroupRule", func() (translate.AsyncResult, error) {
		return s.cs.RevokeSecurityGroupRule(s.ctx, gs[0].Ingress[0].ID, false)
	})
	s.mustSucceed(t, "RevokeSecurityGroupRule egress", func() (translate.AsyncResult, error) { return s.cs.RevokeSecurityGroupRule(s.ctx, eg.ID, true) })
	gs, _ = s.cs.ListSecurityGroups(s.ctx, translate.ListSecurityGroupsRequest{ID: g.ID})
	if len(gs) != 1 || len(gs[0].Ingress) != 0 {
		t.Fatalf("after revoke: %+v", gs)
	}
	if err := s.cs.DeleteSecurityGroup(s.ctx, g.ID); err != nil {
		t.Fatal(err)
	}
}

func testVolumes(t *testing.T, s *suite) {
	zone, _, _ := s.catalog(t)
	ds, err := s.cs.ListDiskOfferings(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	custom := ""
	for _, d := range ds {
		if d.Custom {
			custom = d.ID
		}
	}
	if custom == "" {
		t.Skip("no custom disk offering")
	}
	vmID := s.deploy(t, uniq("withdisk"))
	r := s.mustSucceed(t, "CreateVolume", func() (translate.AsyncResult, error) {
		return s.cs.CreateVolume(s.ctx, translate.CreateVolumeRequest{Name: uniq("data"), ZoneID: zone, DiskOfferingID: custom, SizeGB: 2})
	})
	vols, err := s.cs.ListVolumes(s.ctx, translate.ListVolumesRequest{ID: r.ID})
	if err != nil || len(vols) != 1 || vols[0].SizeGB != 2 || vols[0].Type != "DATADISK" {
		t.Fatalf("ListVolumes = %+v, %v", vols, err)
	}
	s.mustSucceed(t, "AttachVolume", func() (translate.AsyncResult, error) { return s.cs.AttachVolume(s.ctx, r.ID, vmID, 0) })
	vols, _ = s.cs.ListVolumes(s.ctx, translate.ListVolumesRequest{VMID: vmID})
	root, data := 0, 0
	for _, v := range vols {
		switch {
		case v.Type == "ROOT":
			root++
		case v.ID == r.ID && v.InstanceID == vmID:
			data++
		}
	}
	if root != 1 || data != 1 {
		t.Fatalf("VM volumes = %+v", vols)
	}
	err = s.cs.DeleteVolume(s.ctx, r.ID)
	if k := translate.KindOf(err); err == nil || (k != translate.InUse && k != translate.InvalidArgument) {
		t.Fatalf("deleting an attached volume: kind %v (%v)", k, err)
	}
	snap := s.mustSucceed(t, "CreateSnapshot", func() (translate.AsyncResult, error) { return s.cs.CreateSnapshot(s.ctx, r.ID, uniq("snap")) })
	if snaps, err := s.cs.ListSnapshots(s.ctx, translate.ListSnapshotsRequest{ID: snap.ID}); err != nil || len(snaps) != 1 || snaps[0].VolumeID != r.ID {
		t.Fatalf("ListSnapshots = %+v, %v", snaps, err)
	}
	s.mustSucceed(t, "DeleteSnapshot", func() (translate.AsyncResult, error) { return s.cs.DeleteSnapshot(s.ctx, snap.ID) })
	s.mustSucceed(t, "DetachVolume", func() (translate.AsyncResult, error) { return s.cs.DetachVolume(s.ctx, r.ID) })
	s.mustSucceed(t, "ResizeVolume", func() (translate.AsyncResult, error) { return s.cs.ResizeVolume(s.ctx, r.ID, 3) })
	if vols, _ := s.cs.ListVolumes(s.ctx, translate.ListVolumesRequest{ID: r.ID}); len(vols) != 1 || vols[0].SizeGB != 3 || vols[0].InstanceID != "" {
		t.Fatalf("after detach+resize: %+v", vols)
	}
	if err := s.cs.DeleteVolume(s.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
}

func testAddresses(t *testing.T, s *suite) {
	if !s.fx.Addresses {
		t.Skip("the zone has no public IPs for users")
	}
	zone, _, _ := s.catalog(t)
	vmID := s.deploy(t, uniq("nat"))
	r := s.mustSucceed(t, "AssociateIPAddress", func() (translate.AsyncResult, error) { return s.cs.AssociateIPAddress(s.ctx, zone, "") })
	as, err := s.cs.ListPublicIPAddresses(s.ctx, translate.ListAddressesRequest{ID: r.ID})
	if err != nil || len(as) != 1 || as[0].IP == "" || as[0].InstanceID != "" {
		t.Fatalf("ListPublicIPAddresses = %+v, %v", as, err)
	}
	if err := s.cs.EnableStaticNat(s.ctx, r.ID, vmID); err != nil {
		t.Fatal(err)
	}
	if as, _ := s.cs.ListPublicIPAddresses(s.ctx, translate.ListAddressesRequest{ID: r.ID}); len(as) != 1 || as[0].InstanceID != vmID {
		t.Fatalf("after static NAT: %+v", as)
	}
	if vm := s.vm(t, vmID); vm == nil || vm.PublicIP != as[0].IP {
		t.Fatalf("VM public IP = %+v", vm)
	}
	s.mustSucceed(t, "DisableStaticNat", func() (translate.AsyncResult, error) { return s.cs.DisableStaticNat(s.ctx, r.ID) })
	s.mustSucceed(t, "DisassociateIPAddress", func() (translate.AsyncResult, error) { return s.cs.DisassociateIPAddress(s.ctx, r.ID) })
	if as, err := s.cs.ListPublicIPAddresses(s.ctx, translate.ListAddressesRequest{ID: r.ID}); err == nil && len(as) != 0 && as[0].State != "Releasing" {
		t.Fatalf("released address still listed: %+v", as)
	}
}

func testNetworks(t *testing.T, s *suite) {
	if !s.fx.Networks {
		t.Skip("the zone cannot have user-created networks")
	}
	zone, _, _ := s.catalog(t)
	offs, err := s.cs.ListNetworkOfferings(s.ctx, translate.ListNetworkOfferingsRequest{ZoneID: zone})
	if err != nil {
		t.Fatal(err)
	}
	off := ""
	for _, o := range offs {
		if o.GuestIPType == "Isolated" && !o.ForVPC && !o.SpecifyVLAN {
			off = o.ID
		}
	}
	if off == "" {
		t.Fatalf("no isolated network offering in %+v", offs)
	}
	n, err := s.cs.CreateNetwork(s.ctx, translate.CreateNetworkRequest{Name: uniq("net"), DisplayText: "conformance", ZoneID: zone,
		NetworkOfferingID: off, Gateway: "10.77.0.1", Netmask: "255.255.255.0"})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID == "" || n.CIDR != "10.77.0.0/24" {
		t.Fatalf("created %+v", n)
	}
	if ns, err := s.cs.ListNetworks(s.ctx, translate.ListNetworksRequest{ID: n.ID}); err != nil || len(ns) != 1 {
		t.Fatalf("ListNetworks = %+v, %v", ns, err)
	}
	s.mustSucceed(t, "DeleteNetwork", func() (translate.AsyncResult, error) { return s.cs.DeleteNetwork(s.ctx, n.ID) })

	vofs, err := s.cs.ListVPCOfferings(s.ctx)
	if err != nil || len(vofs) == 0 {
		t.Fatalf("ListVPCOfferings = %+v, %v", vofs, err)
	}
	r := s.mustSucceed(t, "CreateVPC", func() (translate.AsyncResult, error) {
		return s.cs.CreateVPC(s.ctx, translate.CreateVPCRequest{Name: uniq("vpc"), DisplayText: "conformance", ZoneID: zone, CIDR: "10.88.0.0/16", VPCOfferingID: vofs[0].ID})
	})
	if vs, err := s.cs.ListVPCs(s.ctx, r.ID); err != nil || len(vs) != 1 || vs[0].CIDR != "10.88.0.0/16" {
		t.Fatalf("ListVPCs = %+v, %v", vs, err)
	}
	s.mustSucceed(t, "DeleteVPC", func() (translate.AsyncResult, error) { return s.cs.DeleteVPC(s.ctx, r.ID) })
}
