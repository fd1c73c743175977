package csbackend_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
	"github.com/cloudgate/cloudgate/translate/cstest"
)

type simHarness struct {
	srv *simulator.Server
	b   *csbackend.Backend
	ctx context.Context
	bad context.Context
	fx  cstest.Fixtures
}

func newSim(tb testing.TB) (*simulator.Server, *csbackend.Options) {
	tb.Helper()
	return newSimSeed(tb, nil)
}

// isolatedSeed is the demo datacenter whose zone1 is an Advanced zone
// without security groups (Isolated networks, public IPs; the default
// isolated offering Required): CloudStack has neither in a zone with
// security groups.
func isolatedSeed(tb testing.TB) *simulator.Seed {
	tb.Helper()
	seed, err := simulator.ProfileSeed(simulator.ProfileDemoRecommended)
	if err != nil {
		tb.Fatal(err)
	}
	seed.Zones[0].SecurityGroups = false
	seed.NetworkOfferings = []simulator.SeedNetworkOffering{{Name: "DefaultIsolatedNetworkOfferingWithSourceNatService", Availability: "Required"}}
	return seed
}

// newSimSeed starts a simulator on seed (nil: the demo-recommended profile).
func newSimSeed(tb testing.TB, seed *simulator.Seed) (*simulator.Server, *csbackend.Options) {
	tb.Helper()
	srv, err := simulator.New(&simulator.Options{NoListener: true, Seed: seed, Profile: simulator.ProfileDemoRecommended})
	if err != nil {
		tb.Fatal(err)
	}
	ak, sk, ok := srv.UserKeys("admin")
	if !ok {
		tb.Fatal("simulator has no admin user")
	}
	return srv, &csbackend.Options{HTTPClient: srv.HTTPClient(), AdminAPIKey: ak, AdminSecret: sk, Timeout: 10 * time.Second}
}

func userCtx(tb testing.TB, srv *simulator.Server, user string) context.Context {
	tb.Helper()
	ak, sk, ok := srv.UserKeys(user)
	if !ok {
		tb.Fatalf("simulator has no user %s", user)
	}
	return translate.NewContext(context.Background(), &translate.Principal{UserName: user, Account: user, Project: user, APIKey: ak, SecretKey: sk})
}

func newHarness(t *testing.T) cstest.Harness {
	// zone1 has security groups: CloudStack has no public IPs or Isolated
	// networks there (TestConformanceSimulatorIsolated covers them).
	h := newHarnessSeed(t, nil)
	h.fx = cstest.Fixtures{Zone: "zone1", Offering: "Small Instance", Template: "Debian 12", SecurityGroups: true, Timeout: 20 * time.Second}
	return h
}

func newHarnessSeed(t *testing.T, seed *simulator.Seed) *simHarness {
	srv, opts := newSimSeed(t, seed)
	return &simHarness{
		srv: srv,
		b:   csbackend.NewBackend(srv.URL(), opts),
		ctx: userCtx(t, srv, "demo"),
		bad: translate.NewContext(context.Background(), &translate.Principal{APIKey: "nope", SecretKey: "nope"}),
	}
}

func (h *simHarness) Backend() translate.CloudStack { return h.b }
func (h *simHarness) Context() context.Context      { return h.ctx }
func (h *simHarness) BadContext() context.Context   { return h.bad }
func (h *simHarness) Close()                        { _ = h.srv.Close() }
func (h *simHarness) Fixtures() cstest.Fixtures     { return h.fx }

func TestConformanceSimulator(t *testing.T) {
	cstest.RunConformanceTests(t, func() cstest.Harness { return newHarness(t) })
}

// TestConformanceSimulatorIsolated runs the suite where zone1 has no security
// groups: public IPs, Isolated networks and VPCs.
func TestConformanceSimulatorIsolated(t *testing.T) {
	cstest.RunConformanceTests(t, func() cstest.Harness {
		h := newHarnessSeed(t, isolatedSeed(t))
		h.fx = cstest.Fixtures{Zone: "zone1", Offering: "Small Instance", Template: "Debian 12", Addresses: true, Networks: true, Timeout: 20 * time.Second}
		return h
	})
}

func newService(t *testing.T) (*translate.Service, context.Context, *simulator.Server) {
	return newServiceSeed(t, nil)
}

func newServiceSeed(t *testing.T, seed *simulator.Seed) (*translate.Service, context.Context, *simulator.Server) {
	srv, opts := newSimSeed(t, seed)
	t.Cleanup(func() { _ = srv.Close() })
	svc := translate.New(csbackend.New(srv.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond, JobTimeout: 20 * time.Second})
	return svc, userCtx(t, srv, "demo"), srv
}

func TestServiceInstances(t *testing.T) {
	svc, ctx, _ := newService(t)
	z, err := svc.Zone(ctx, "zone1")
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := svc.Images(ctx, translate.ImageQuery{Public: true, Name: "Debian 12"})
	if err != nil || len(imgs) != 1 {
		t.Fatalf("Images = %+v, %v", imgs, err)
	}
	spec := translate.LaunchSpec{Names: []string{"web-1"}, ZoneID: z.Name, OfferingID: "Small Instance", ImageID: imgs[0].ID,
		Tags: translate.Tags{"env": "dev"}, ClientToken: "tok-1", Wait: true, UserData: []byte("hello")}
	vms, err := svc.Launch(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 1 || vms[0].State != translate.StateRunning || vms[0].Name != "web-1" || vms[0].Tags["env"] != "dev" ||
		vms[0].Tags[translate.ClientTokenTag] != "tok-1" || vms[0].ZoneID != z.ID {
		t.Fatalf("launched %+v", vms)
	}
	id := vms[0].ID
	again, err := svc.Launch(ctx, spec)
	if err != nil || len(again) != 1 || again[0].ID != id {
		t.Fatalf("idempotent launch = %+v, %v", again, err)
	}
	spec2 := spec
	spec2.ClientToken = ""
	if _, err := svc.Launch(ctx, spec2); translate.KindOf(err) != translate.AlreadyExists || translate.AsError(err).Resource != translate.ResInstance {
		t.Fatalf("duplicate name: %v", err)
	}
	if ud, err := svc.UserData(ctx, id); err != nil || string(ud) != "hello" {
		t.Fatalf("UserData = %q, %v", ud, err)
	}
	if err := svc.CreateTags(ctx, translate.ResInstance, []string{id}, translate.Tags{"env": "prod"}); err != nil {
		t.Fatal(err)
	}
	tags, err := svc.ListTags(ctx, translate.TagQuery{Resource: translate.ResInstance, ResourceIDs: []string{id}})
	if err != nil || len(tags) != 1 || tags[0].Value != "prod" {
		t.Fatalf("ListTags = %+v, %v", tags, err)
	}
	job, err := svc.StopInstance(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := svc.WaitJob(ctx, job.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("stop job = %+v, %v", j, err)
	}
	if err := svc.ChangeOffering(ctx, id, "Medium Instance", 0, 0); err != nil {
		t.Fatal(err)
	}
	vm, err := svc.Instance(ctx, id)
	if err != nil || vm.State != translate.StateStopped || vm.OfferingName != "Medium Instance" || vm.RootVolumeID == "" {
		t.Fatalf("after stop+change = %+v, %v", vm, err)
	}
	out, err := svc.ConsoleOutput(ctx, id)
	if err != nil || out == "" {
		t.Fatalf("ConsoleOutput = %q, %v", out, err)
	}
	t.Logf("console:\n%s", out)
	if pw, err := svc.Password(ctx, id); err != nil || pw != "" {
		t.Fatalf("Password = %q, %v", pw, err)
	}
	if _, err := svc.Instance(ctx, "5a4c9d6e-0000-4000-8000-00000000dead"); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("unknown instance: %v", err)
	}
	job, err = svc.DestroyInstance(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := svc.WaitJob(ctx, job.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("destroy job = %+v, %v", j, err)
	}
	jobs, err := svc.Jobs(ctx)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("Jobs = %d, %v", len(jobs), err)
	}
}

func TestServiceLaunchErrors(t *testing.T) {
	svc, ctx, _ := newService(t)
	_, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Huge", ImageID: "x"})
	if e := translate.AsError(err); e.Kind != translate.NotFound || e.Resource != translate.ResOffering {
		t.Fatalf("bad offering: %v", err)
	}
	_, err = svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: "5a4c9d6e-0000-4000-8000-00000000dead"})
	if e := translate.AsError(err); e.Kind != translate.NotFound || e.Resource != translate.ResImage {
		t.Fatalf("bad image: %v", err)
	}
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Custom", CPUs: 2, MemoryMB: 1024, ImageID: imgs[0].ID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if vms[0].CPUs != 2 || vms[0].MemoryMB != 1024 {
		t.Fatalf("custom VM = %+v", vms[0])
	}
}

func TestServiceSecurityGroupsAndKeys(t *testing.T) {
	svc, ctx, _ := newService(t)
	g, err := svc.CreateSecurityGroup(ctx, "web", "web servers", translate.Tags{"role": "web"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateSecurityGroup(ctx, "web", "again", nil); translate.KindOf(err) != translate.AlreadyExists {
		t.Fatalf("duplicate group: %v", err)
	}
	rules := []translate.Rule{
		{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"},
		{Protocol: "icmp", ICMPType: -1, ICMPCode: -1, CIDR: "10.0.0.0/8"},
	}
	added, err := svc.AuthorizeRules(ctx, g.ID, rules)
	if err != nil || len(added) != 2 {
		t.Fatalf("AuthorizeRules = %+v, %v", added, err)
	}
	if _, err := svc.AuthorizeRules(ctx, g.ID, rules[:1]); translate.KindOf(err) != translate.AlreadyExists {
		t.Fatalf("duplicate rule: %v", err)
	}
	if err := svc.RevokeRules(ctx, g.ID, rules[:1]); err != nil {
		t.Fatal(err)
	}
	got, err := svc.SecurityGroup(ctx, g.ID)
	if err != nil || len(got.Ingress) != 1 || got.Tags["role"] != "web" {
		t.Fatalf("group = %+v, %v", got, err)
	}
	if err := svc.DeleteSecurityGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}

	kp, err := svc.CreateKeyPair(ctx, "k1")
	if err != nil || kp.PrivateKey == "" {
		t.Fatalf("CreateKeyPair = %+v, %v", kp, err)
	}
	if _, err := svc.CreateKeyPair(ctx, "k1"); translate.KindOf(err) != translate.AlreadyExists {
		t.Fatalf("duplicate key: %v", err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	blob := binary.BigEndian.AppendUint32(nil, 11)
	blob = append(blob, "ssh-ed25519"...)
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(pub)))
	blob = append(blob, pub...)
	if _, err := svc.ImportKeyPair(ctx, "k2", "ssh-ed25519 "+base64.StdEncoding.EncodeToString(blob)+" me@host"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportKeyPair(ctx, "k3", "ssh-rsa bm90IGEga2V5"); translate.KindOf(err) != translate.InvalidArgument {
		t.Fatalf("bad key: %v", err)
	}
	kps, err := svc.KeyPairs(ctx, nil)
	if err != nil || len(kps) != 2 {
		t.Fatalf("KeyPairs = %+v, %v", kps, err)
	}
	if _, err := svc.KeyPairs(ctx, []string{"nope"}); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("unknown key: %v", err)
	}
	if err := svc.DeleteKeyPair(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
}

func TestServiceVolumes(t *testing.T) {
	svc, ctx, _ := newService(t)
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	v, job, err := svc.CreateVolume(ctx, translate.VolumeSpec{Name: "data", ZoneID: "zone1", SizeGB: 4, Tags: translate.Tags{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if j, err := svc.WaitJob(ctx, job.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("create volume job = %+v, %v", j, err)
	}
	job, err = svc.AttachVolume(ctx, v.ID, vms[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.WaitJob(ctx, job.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteVolume(ctx, v.ID); translate.KindOf(err) != translate.InUse {
		t.Fatalf("delete attached: %v", err)
	}
	snap, job, err := svc.CreateSnapshot(ctx, v.ID, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := svc.WaitJob(ctx, job.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("snapshot job = %+v, %v", j, err)
	}
	if _, err := svc.Snapshot(ctx, snap.ID); err != nil {
		t.Fatal(err)
	}
	job, err = svc.DetachVolume(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.WaitJob(ctx, job.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ResizeVolume(ctx, v.ID, 1); translate.KindOf(err) != translate.InvalidArgument {
		t.Fatalf("shrink: %v", err)
	}
	img, job, err := svc.CreateImage(ctx, translate.CreateImageSpec{Name: "from-snap", SnapshotID: snap.ID, OSTypeID: imgs[0].OSTypeID})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Image(ctx, img.ID); err != nil || got.Name != "from-snap" {
		t.Fatalf("Image(new) = %+v, %v", got, err)
	}
	if j, err := svc.WaitJob(ctx, job.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("create image job = %+v, %v (%+v)", j, err, img)
	}
	if own, err := svc.Images(ctx, translate.ImageQuery{Self: true}); err != nil || len(own) != 1 || own[0].ID != img.ID || own[0].OSTypeID != imgs[0].OSTypeID {
		t.Fatalf("Images(Self) = %+v, %v", own, err)
	}
	if pub, err := svc.Images(ctx, translate.ImageQuery{Public: true}); err != nil || len(pub) != 3 {
		t.Fatalf("Images(Public) = %+v, %v", pub, err)
	}
	if j, err := svc.DeleteImage(ctx, img.ID); err != nil {
		t.Fatal(err)
	} else if j, err := svc.WaitJob(ctx, j.ID, 0); err != nil || j.Status != translate.JobSucceeded {
		t.Fatalf("delete image job = %+v, %v", j, err)
	}
	if err := svc.DeleteVolume(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Volume(ctx, v.ID); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("deleted volume: %v", err)
	}
}

func TestDirectoryAndLogin(t *testing.T) {
	srv, opts := newSim(t)
	defer srv.Close()
	d := csbackend.NewDirectory(srv.URL(), opts)
	ctx := context.Background()
	ak, sk, _ := srv.UserKeys("demo")
	p, err := d.ByAPIKey(ctx, ak)
	if err != nil || p.Account != "demo" || p.SecretKey != sk || p.Project != "demo" || p.Admin {
		t.Fatalf("ByAPIKey = %+v, %v", p, err)
	}
	if _, err := d.ByAPIKey(ctx, "nope"); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("unknown key: %v", err)
	}
	p, err = d.ByUserName(ctx, "", "admin")
	if err != nil || !p.Admin || p.UserName != "admin" {
		t.Fatalf("ByUserName = %+v, %v", p, err)
	}
	p, err = d.Login(ctx, "", "demo", "password")
	if err != nil || p.APIKey != ak {
		t.Fatalf("Login = %+v, %v", p, err)
	}
	if _, err := d.Login(ctx, "", "demo", "wrong"); translate.KindOf(err) != translate.Unauthenticated {
		t.Fatalf("wrong password: %v", err)
	}
}

// Ensure destroyed, not yet expunged VMs are listed (as CloudStack lists
// them only when asked by id or state).
func TestServiceInstancesIncludeDestroyed(t *testing.T) {
	svc, ctx, _ := newService(t)
	imgs, err := svc.Images(ctx, translate.ImageQuery{Public: true, Name: "Debian 12"})
	if err != nil || len(imgs) != 1 {
		t.Fatalf("Images = %+v, %v", imgs, err)
	}
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, MinCount: 2, Wait: true})
	if err != nil || len(vms) != 2 {
		t.Fatalf("Launch = %+v, %v", vms, err)
	}
	job, err := svc.DestroyInstance(ctx, vms[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.WaitJob(ctx, job.ID, 0); err != nil {
		t.Fatal(err)
	}
	all, err := svc.Instances(ctx, translate.InstanceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, vm := range all {
		states[vm.ID] = vm.State
	}
	if states[vms[0].ID] != translate.StateDestroyed || states[vms[1].ID] != translate.StateRunning {
		t.Fatalf("states = %v", states)
	}
	running, err := svc.Instances(ctx, translate.InstanceQuery{States: []string{translate.StateRunning}})
	if err != nil || len(running) != 1 {
		t.Fatalf("running = %+v, %v", running, err)
	}
}

// Ensure several ids are listed with CloudStack's ids= (and an unknown one
// among them only drops out).
func TestServiceInstancesByIDs(t *testing.T) {
	svc, ctx, _ := newService(t)
	imgs, err := svc.Images(ctx, translate.ImageQuery{Public: true, Name: "Debian 12"})
	if err != nil || len(imgs) != 1 {
		t.Fatalf("Images = %+v, %v", imgs, err)
	}
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, MinCount: 3, Wait: true})
	if err != nil || len(vms) != 3 {
		t.Fatalf("Launch = %+v, %v", vms, err)
	}
	got, err := svc.Instances(ctx, translate.InstanceQuery{IDs: []string{vms[0].ID, vms[2].ID}})
	if err != nil || len(got) != 2 {
		t.Fatalf("by ids = %+v, %v", got, err)
	}
	got, err = svc.Instances(ctx, translate.InstanceQuery{IDs: []string{vms[1].ID, "5a4c9d6e-0000-4000-8000-00000000dead"}})
	if err != nil || len(got) != 1 || got[0].ID != vms[1].ID {
		t.Fatalf("with an unknown id = %+v, %v", got, err)
	}
}
