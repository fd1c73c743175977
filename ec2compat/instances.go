package ec2compat

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/cloudgate/cloudgate/translate"
)

// Reserved tags ec2compat writes on instances at launch.
const (
	tagReservation = translate.ReservedTagPrefix + "ec2-reservation"
	tagClientToken = translate.ReservedTagPrefix + "ec2-client-token"
)

// EC2 instance states.
type instanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

var (
	statePending      = instanceState{0, "pending"}
	stateRunning      = instanceState{16, "running"}
	stateShuttingDown = instanceState{32, "shutting-down"}
	stateTerminated   = instanceState{48, "terminated"}
	stateStopping     = instanceState{64, "stopping"}
	stateStopped      = instanceState{80, "stopped"}
)

// stateOf maps a CloudStack VM state to the EC2 instance state.
func stateOf(in *translate.Instance) instanceState {
	switch in.State {
	case translate.StateStarting:
		return statePending
	case translate.StateRunning, translate.StateMigrating:
		return stateRunning
	case translate.StateStopping:
		return stateStopping
	case translate.StateStopped:
		if in.JobPending {
			return statePending // a start job is on its way
		}
		return stateStopped
	case translate.StateExpunging:
		return stateShuttingDown
	case translate.StateDestroyed, translate.StateError:
		return stateTerminated
	}
	return statePending
}

type ebsItem struct {
	VolumeID            string `xml:"volumeId"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime,omitempty"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type blockDeviceItem struct {
	DeviceName string  `xml:"deviceName"`
	Ebs        ebsItem `xml:"ebs"`
}

type instanceItem struct {
	InstanceID         string            `xml:"instanceId"`
	ImageID            string            `xml:"imageId"`
	State              instanceState     `xml:"instanceState"`
	PrivateDNSName     string            `xml:"privateDnsName"`
	DNSName            string            `xml:"dnsName"`
	Reason             string            `xml:"reason"`
	KeyName            string            `xml:"keyName,omitempty"`
	AmiLaunchIndex     int               `xml:"amiLaunchIndex"`
	InstanceType       string            `xml:"instanceType"`
	LaunchTime         string            `xml:"launchTime,omitempty"`
	AvailabilityZone   string            `xml:"placement>availabilityZone"`
	PlacementGroupName string            `xml:"placement>groupName"`
	Tenancy            string            `xml:"placement>tenancy"`
	Monitoring         string            `xml:"monitoring>state"`
	SubnetID           string            `xml:"subnetId,omitempty"`
	VpcID              string            `xml:"vpcId,omitempty"`
	PrivateIPAddress   string            `xml:"privateIpAddress,omitempty"`
	IPAddress          string            `xml:"ipAddress,omitempty"`
	SourceDestCheck    bool              `xml:"sourceDestCheck"`
	Groups             []groupItem       `xml:"groupSet>item"`
	Architecture       string            `xml:"architecture"`
	RootDeviceType     string            `xml:"rootDeviceType"`
	RootDeviceName     string            `xml:"rootDeviceName"`
	BlockDevices       []blockDeviceItem `xml:"blockDeviceMapping>item"`
	VirtualizationType string            `xml:"virtualizationType"`
	ClientToken        string            `xml:"clientToken,omitempty"`
	Tags               []tagItem         `xml:"tagSet>item"`
	Hypervisor         string            `xml:"hypervisor"`
	EbsOptimized       bool              `xml:"ebsOptimized"`
	CoreCount          int               `xml:"cpuOptions>coreCount"`
	ThreadsPerCore     int               `xml:"cpuOptions>threadsPerCore"`
	PlatformDetails    string            `xml:"platformDetails"`
	PasswordEnabled    bool              `xml:"-"`
	reservation        string
	created            string
}

const rootDeviceName = "/dev/sda1"

// instanceView carries what converting instances needs besides the
// instances themselves.
type instanceView struct {
	owner    string
	groupIDs map[string]string             // security group name → id
	vpcOf    map[string]string             // network id → vpc id
	volumes  map[string][]translate.Volume // instance id → attached volumes
	sgZones  map[string]bool               // zone ids with security groups (shared networks)
}

func (s *server) toInstanceItem(v *instanceView, in *translate.Instance) instanceItem {
	it := instanceItem{
		InstanceID:         ec2ID(pInstance, in.ID),
		ImageID:            ec2ID(pImage, in.ImageID),
		State:              stateOf(in),
		PrivateDNSName:     in.Hostname,
		KeyName:            in.KeyPair,
		InstanceType:       s.instanceType(in),
		LaunchTime:         ts(in.Created),
		AvailabilityZone:   in.ZoneName,
		Tenancy:            "default",
		Monitoring:         "disabled",
		SubnetID:           ec2ID(pSubnet, in.NetworkID),
		PrivateIPAddress:   in.PrivateIP,
		SourceDestCheck:    true,
		Architecture:       "x86_64",
		RootDeviceType:     "ebs",
		RootDeviceName:     rootDeviceName,
		VirtualizationType: "hvm",
		ClientToken:        in.Tags[tagClientToken],
		Tags:               instanceTagSet(in.Tags),
		Hypervisor:         "xen",
		CoreCount:          in.CPUs,
		ThreadsPerCore:     1,
		PlatformDetails:    "Linux/UNIX",
		reservation:        in.Tags[tagReservation],
		created:            ts(in.Created),
	}
	if it.reservation == "" {
		it.reservation = ec2ID(pReservation, in.ID)
	}
	if ip := publicIP(in, v.sgZones[in.ZoneID]); ip != "" {
		it.IPAddress = ip
		it.DNSName = "ec2-" + strings.ReplaceAll(ip, ".", "-") + "." + s.opts.Region + ".compute.cloudgate"
	}
	if vpc, ok := v.vpcOf[in.NetworkID]; ok {
		it.VpcID = vpcOfNetwork(vpc)
	}
	for _, g := range in.Groups {
		id := g.ID
		if id == "" {
			id = v.groupIDs[g.Name]
		}
		it.Groups = append(it.Groups, groupItem{GroupID: ec2ID(pGroup, id), GroupName: g.Name})
	}
	if in.RootVolumeID != "" {
		it.BlockDevices = []blockDeviceItem{{DeviceName: rootDeviceName,
			Ebs: ebsItem{VolumeID: ec2ID(pVolume, in.RootVolumeID), Status: "attached", AttachTime: ts(in.Created), DeleteOnTermination: true}}}
	}
	// Data volumes, by device name (CloudStack detaches them when the
	// instance is destroyed: they are not deleted on termination).
	for _, vol := range v.volumes[in.ID] {
		if vol.Type == "ROOT" || vol.ID == in.RootVolumeID {
			continue
		}
		at := vol.Attached
		if at.IsZero() {
			at = vol.Created
		}
		it.BlockDevices = append(it.BlockDevices, blockDeviceItem{DeviceName: volumeDevice(&vol),
			Ebs: ebsItem{VolumeID: ec2ID(pVolume, vol.ID), Status: "attached", AttachTime: ts(at)}})
	}
	if len(it.BlockDevices) > 1 {
		sort.SliceStable(it.BlockDevices[1:], func(a, b int) bool {
			return it.BlockDevices[1+a].DeviceName < it.BlockDevices[1+b].DeviceName
		})
	}
	if it.State == stateStopped {
		it.Reason = "User initiated"
	}
	if it.State == stateTerminated && !in.Destroyed.IsZero() {
		it.Reason = "User initiated (" + in.Destroyed.UTC().Format("2006-01-02 15:04:05") + " GMT)"
	}
	return it
}

// view loads the lookups instance conversion needs. Failures only lose
// optional fields.
func (s *server) view(r *request, insts []translate.Instance) *instanceView {
	return s.viewWith(r, insts, nil, nil)
}

// volumesByInstance lists the volumes attached to instances (of one
// instance when instanceID is set), by instance id; nil on failure (block
// device mappings are optional output).
func (s *server) volumesByInstance(r *request, instanceID string) map[string][]translate.Volume {
	vols, err := s.svc.Volumes(r.ctx, translate.VolumeQuery{InstanceID: instanceID})
	if err != nil {
		return nil
	}
	m := map[string][]translate.Volume{}
	for _, vol := range vols {
		if vol.InstanceID != "" {
			m[vol.InstanceID] = append(m[vol.InstanceID], vol)
		}
	}
	return m
}

// networkVPCs maps network id -> VPC id (nil on failure: the VPC is
// optional output).
func (s *server) networkVPCs(r *request) map[string]string {
	ns, err := s.svc.Networks(r.ctx, translate.NetworkQuery{})
	if err != nil {
		return nil
	}
	m := make(map[string]string, len(ns))
	for _, n := range ns {
		m[n.ID] = n.VPCID
	}
	return m
}

// perInstanceVolumeLookups is the most instances view looks up volumes for
// one by one (listVolumes virtualmachineid=…); above it, it lists all.
const perInstanceVolumeLookups = 100

// volumesOfInstances lists each instance's volumes (at most 8 calls at a
// time), by instance id; nil if a lookup failed.
func (s *server) volumesOfInstances(r *request, insts []translate.Instance) map[string][]translate.Volume {
	if len(insts) == 1 {
		return s.volumesByInstance(r, insts[0].ID)
	}
	out := map[string][]translate.Volume{}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(r.ctx)
	g.SetLimit(8)
	for i := range insts {
		id := insts[i].ID
		g.Go(func() error {
			vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: id})
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, vol := range vols {
				if vol.InstanceID != "" {
					out[vol.InstanceID] = append(out[vol.InstanceID], vol)
				}
			}
			return nil
		})
	}
	if g.Wait() != nil {
		return nil
	}
	return out
}

// viewWith is view with the network -> VPC map and the attached volumes
// already loaded (nil: load them if needed).
func (s *server) viewWith(r *request, insts []translate.Instance, vpcOf map[string]string, vols map[string][]translate.Volume) *instanceView {
	v := &instanceView{owner: r.principal.AccountID, groupIDs: map[string]string{}, vpcOf: map[string]string{},
		volumes: map[string][]translate.Volume{}, sgZones: map[string]bool{}}
	if len(insts) > 0 {
		if zs, err := s.svc.Zones(r.ctx); err == nil {
			for _, z := range zs {
				v.sgZones[z.ID] = z.SecurityGroups
			}
		}
	}
	needGroups, needNets := false, false
	for _, in := range insts {
		for _, g := range in.Groups {
			needGroups = needGroups || g.ID == ""
		}
		needNets = needNets || in.NetworkID != ""
	}
	// The lookups are independent: asked at once (issue 15, item 3).
	var wg sync.WaitGroup
	if needGroups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if gs, err := s.svc.SecurityGroups(r.ctx, translate.SecurityGroupQuery{}); err == nil {
				for _, g := range gs {
					v.groupIDs[g.Name] = g.ID
				}
			}
		}()
	}
	if needNets && vpcOf == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vpcOf = s.networkVPCs(r)
		}()
	}
	switch {
	case vols != nil || len(insts) == 0:
	case len(insts) <= perInstanceVolumeLookups:
		// A few instances (a get by id, a RunInstances batch): their own
		// volumes, asked concurrently, so the cost follows the answer and
		// not the number of volumes in the cloud.
		vols = s.volumesOfInstances(r, insts)
	default:
		// Many instances: one listVolumes for the block device mappings
		// of every instance.
		vols = s.volumesByInstance(r, "")
	}
	wg.Wait()
	if vols != nil {
		v.volumes = vols
	}
	if needNets && vpcOf != nil {
		v.vpcOf = vpcOf
	}
	return v
}

type reservationItem struct {
	ReservationID string         `xml:"reservationId"`
	OwnerID       string         `xml:"ownerId"`
	Groups        []groupItem    `xml:"groupSet>item"`
	Instances     []instanceItem `xml:"instancesSet>item"`
}

// reservations groups instance items by reservation, keeping the order of
// first appearance, and numbers amiLaunchIndex by launch time.
func reservations(owner string, items []instanceItem) []reservationItem {
	var out []reservationItem
	idx := map[string]int{}
	for _, it := range items {
		i, ok := idx[it.reservation]
		if !ok {
			i = len(out)
			idx[it.reservation] = i
			out = append(out, reservationItem{ReservationID: it.reservation, OwnerID: owner})
		}
		out[i].Instances = append(out[i].Instances, it)
	}
	for i := range out {
		ins := out[i].Instances
		order := make([]int, len(ins))
		for j := range order {
			order[j] = j
		}
		sort.SliceStable(order, func(a, b int) bool {
			if ins[order[a]].created != ins[order[b]].created {
				return ins[order[a]].created < ins[order[b]].created
			}
			return ins[order[a]].InstanceID < ins[order[b]].InstanceID
		})
		for n, j := range order {
			ins[j].AmiLaunchIndex = n
		}
	}
	return out
}

// reservationID derives the reservation id of a launch from its client
// token, so a retried launch answers with the same reservation.
func reservationID(account, token string) string {
	h := sha256.Sum256([]byte(account + "\x00" + token))
	return pReservation + "-0" + hex.EncodeToString(h[:])[:16]
}

var instanceFields = fields[instanceItem]{
	"instance-id":         func(x instanceItem) []string { return one(x.InstanceID) },
	"instance-state-name": func(x instanceItem) []string { return one(x.State.Name) },
	"instance-state-code": func(x instanceItem) []string { return one(strconv.Itoa(x.State.Code)) },
	"instance-type":       func(x instanceItem) []string { return one(x.InstanceType) },
	"availability-zone":   func(x instanceItem) []string { return one(x.AvailabilityZone) },
	"image-id":            func(x instanceItem) []string { return one(x.ImageID) },
	"key-name":            func(x instanceItem) []string { return one(x.KeyName) },
	"ip-address":          func(x instanceItem) []string { return one(x.IPAddress) },
	"private-ip-address":  func(x instanceItem) []string { return one(x.PrivateIPAddress) },
	"dns-name":            func(x instanceItem) []string { return one(x.DNSName) },
	"private-dns-name":    func(x instanceItem) []string { return one(x.PrivateDNSName) },
	"vpc-id":              func(x instanceItem) []string { return one(x.VpcID) },
	"subnet-id":           func(x instanceItem) []string { return one(x.SubnetID) },
	"reservation-id":      func(x instanceItem) []string { return one(x.reservation) },
	"client-token":        func(x instanceItem) []string { return one(x.ClientToken) },
	"launch-time":         func(x instanceItem) []string { return one(x.LaunchTime) },
	"architecture":        func(x instanceItem) []string { return one(x.Architecture) },
	"root-device-type":    func(x instanceItem) []string { return one(x.RootDeviceType) },
	"root-device-name":    func(x instanceItem) []string { return one(x.RootDeviceName) },
	"tenancy":             func(x instanceItem) []string { return one(x.Tenancy) },
	"group-id":            groupIDsOf,
	"instance.group-id":   groupIDsOf,
	"group-name":          groupNamesOf,
	"instance.group-name": groupNamesOf,
	"block-device-mapping.volume-id": func(x instanceItem) []string {
		var out []string
		for _, b := range x.BlockDevices {
			out = append(out, b.Ebs.VolumeID)
		}
		return out
	},
	"block-device-mapping.device-name": func(x instanceItem) []string {
		var out []string
		for _, b := range x.BlockDevices {
			out = append(out, b.DeviceName)
		}
		return out
	},
}

func groupIDsOf(x instanceItem) []string {
	var out []string
	for _, g := range x.Groups {
		out = append(out, g.GroupID)
	}
	return out
}

func groupNamesOf(x instanceItem) []string {
	var out []string
	for _, g := range x.Groups {
		out = append(out, g.GroupName)
	}
	return out
}

func tagsOfItem(x instanceItem) translate.Tags {
	t := translate.Tags{}
	for _, kv := range x.Tags {
		t[kv.Key] = kv.Value
	}
	return t
}

// instancesByID fetches the instances named by InstanceId.N (all if none)
// and fails with InvalidInstanceID.NotFound for a missing one.
func (s *server) instancesByID(r *request, ec2IDs []string) ([]translate.Instance, error) {
	return s.instancesByIDRoots(r, ec2IDs, false)
}

// instancesByIDRoots is instancesByID; with noRoots a listing (no ids)
// leaves RootVolumeID empty, for a caller that lists the volumes itself.
func (s *server) instancesByIDRoots(r *request, ec2IDs []string, noRoots bool) ([]translate.Instance, error) {
	ids, err := csIDs(pInstance, translate.ResInstance, ec2IDs)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		// A listing: the instances terminated within the hour come from
		// CloudStack's events, independent of the VM lists, so ask for them
		// alongside.
		type terminated struct {
			gone []translate.Instance
			err  error
		}
		ch := make(chan terminated, 1)
		go func() {
			gone, err := s.svc.TerminatedInstances(r.ctx, nil)
			ch <- terminated{gone, err}
		}()
		insts, err := s.svc.Instances(r.ctx, translate.InstanceQuery{NoRootVolumes: noRoots})
		t := <-ch
		if err != nil {
			return nil, err
		}
		return mergeTerminated(insts, t.gone, t.err)
	}
	insts, err := s.svc.Instances(r.ctx, translate.InstanceQuery{IDs: ids})
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, in := range insts {
		have[strings.ToLower(in.ID)] = true
	}
	var missing []string
	for i, id := range ids {
		if have[id] {
			continue
		}
		// Listing several ids may leave out Destroyed VMs; ask for each.
		in, err := s.svc.Instance(r.ctx, id)
		switch {
		case err == nil:
			insts = append(insts, *in)
			have[id] = true
		case translate.KindOf(err) == translate.NotFound:
			missing = append(missing, ec2IDs[i])
		default:
			return nil, err
		}
	}
	if len(missing) > 0 {
		// Terminated within the hour but hidden (or expunged) by CloudStack.
		var gone []string
		for _, m := range missing {
			id, _ := csID(pInstance, translate.ResInstance, m)
			gone = append(gone, id)
		}
		if insts, err = s.withTerminated(r, insts, gone); err != nil {
			return nil, err
		}
		missing = missing[:0]
		for i, id := range ids {
			if !have[id] && !slices.ContainsFunc(insts, func(in translate.Instance) bool { return strings.EqualFold(in.ID, id) }) {
				missing = append(missing, ec2IDs[i])
			}
		}
	}
	if len(missing) > 0 {
		return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResInstance, ID: strings.Join(missing, ", ")}
	}
	return insts, nil
}

// withTerminated adds the instances terminated within the last hour that
// CloudStack no longer lists to the caller (allow.user.view.destroyed.vm is
// false by default, and expunged VMs are gone), as EC2 keeps showing
// terminated instances for about an hour. ids limits them (nil: all). The
// terminated instance carries what CloudStack's VM.DESTROY event tells
// (its id, host name and when, in its state transition reason) and, from
// its tags (which CloudStack lists to the owner until expunge), its tags
// and the launch time, type and image Launch recorded
// (translate.LaunchRecordTag). An instance launched without the record has
// its launch time from its VM.CREATE event where CloudStack still keeps it,
// and no type or image; see translate.Service.TerminatedInstances.
func (s *server) withTerminated(r *request, insts []translate.Instance, ids []string) ([]translate.Instance, error) {
	gone, err := s.svc.TerminatedInstances(r.ctx, ids)
	return mergeTerminated(insts, gone, err)
}

// mergeTerminated adds gone (TerminatedInstances' answer, or its error
// err) to insts; see withTerminated.
func mergeTerminated(insts, gone []translate.Instance, err error) ([]translate.Instance, error) {
	switch translate.KindOf(err) {
	case translate.PermissionDenied, translate.Unimplemented:
		return insts, nil // a role without listEvents sees CloudStack's view only
	}
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(insts))
	for _, in := range insts {
		have[strings.ToLower(in.ID)] = true
	}
	for _, in := range gone {
		if !have[strings.ToLower(in.ID)] {
			insts = append(insts, in)
		}
	}
	return insts, nil
}

type describeInstancesResp struct {
	meta
	Reservations []reservationItem `xml:"reservationSet>item"`
	NextToken    string            `xml:"nextToken,omitempty"`
}

func (s *server) describeInstances(r *request) (response, error) {
	ids := r.q.list("InstanceId")
	if len(ids) > 0 && r.q.has("MaxResults") {
		return nil, apiErr("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		// A page CloudStack can select is read alone (instancepages.go).
		if resp, handled, err := s.describeInstancesPushdown(r, fs); handled {
			return resp, err
		}
	}
	pg, err := r.q.paging(5, 1000)
	if err != nil {
		return nil, err
	}
	// The network -> VPC map and, for a listing, the attached volumes do
	// not depend on the instances: load them alongside (the sequential
	// chain of CloudStack calls stays one call long).
	vpcs := make(chan map[string]string, 1)
	go func() { vpcs <- s.networkVPCs(r) }()
	var vols chan map[string][]translate.Volume
	if len(ids) == 0 {
		vols = make(chan map[string][]translate.Volume, 1)
		go func() { vols <- s.volumesByInstance(r, "") }()
	}
	insts, err := s.instancesByIDRoots(r, ids, vols != nil)
	if err != nil {
		return nil, err
	}
	var attached map[string][]translate.Volume
	if vols != nil {
		// The ROOT volumes come from this listing of all volumes (the
		// instances were listed without them: one CloudStack list less).
		attached = <-vols
		for i := range insts {
			for _, vol := range attached[insts[i].ID] {
				if vol.Type == "ROOT" && insts[i].RootVolumeID == "" {
					insts[i].RootVolumeID = vol.ID
				}
			}
		}
	}
	v := s.viewWith(r, insts, <-vpcs, attached)
	items := make([]instanceItem, 0, len(insts))
	for i := range insts {
		items = append(items, s.toInstanceItem(v, &insts[i]))
	}
	items, err = applyFilters(items, fs, instanceFields, tagsOfItem)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x instanceItem) string { return x.InstanceID }, pg)
	return &describeInstancesResp{Reservations: reservations(v.owner, items), NextToken: next}, nil
}

type runInstancesResp struct {
	meta
	reservationItem
	RequesterID string `xml:"requesterId,omitempty"`
}

// runInstances launches MinCount..MaxCount instances, all or nothing
// (translate.Launch with Wait rolls back when fewer than MinCount deploy),
// idempotent on ClientToken.
// launchSpec reads RunInstances' parameters from r.q into a launch spec
// (not yet launched). template is true for a launch template's data
// (launchtemplates.go), where ImageId may be absent.
func (s *server) launchSpec(r *request, template bool) (*translate.LaunchSpec, *launchNetwork, error) {
	spec := &translate.LaunchSpec{Wait: true, KeyPair: r.q.str("KeyName"), Tags: translate.Tags{}}
	var err error
	if imageID := r.q.str("ImageId"); imageID != "" || !template {
		if imageID, err = r.q.required("ImageId"); err != nil {
			return nil, nil, err
		}
		if spec.ImageID, err = csID(pImage, translate.ResImage, imageID); err != nil {
			return nil, nil, err
		}
	}
	if spec.MinCount, err = r.q.integer("MinCount", 1); err != nil {
		return nil, nil, err
	}
	if spec.MaxCount, err = r.q.integer("MaxCount", spec.MinCount); err != nil {
		return nil, nil, err
	}
	if spec.MinCount < 1 || spec.MaxCount < spec.MinCount || spec.MaxCount > 100 {
		return nil, nil, apiErrf("InvalidParameterValue", "Invalid MinCount/MaxCount: %d/%d", spec.MinCount, spec.MaxCount)
	}
	off, err := s.launchOffering(r, r.q.str("InstanceType"))
	if err != nil {
		return nil, nil, err
	}
	spec.OfferingID = off.ID
	if _, ok := s.opts.InstanceTypeAliases[r.q.str("InstanceType")]; ok {
		spec.Tags[tagInstanceType] = r.q.str("InstanceType")
	}
	ln, err := launchSettings(r.q, spec)
	if err != nil {
		return nil, nil, err
	}
	groupIDs := r.q.list("SecurityGroupId")
	if len(ln.groupIDs) > 0 {
		groupIDs = ln.groupIDs
	}
	if spec.GroupIDs, err = csIDs(pGroup, translate.ResSecurityGroup, groupIDs); err != nil {
		return nil, nil, err
	}
	spec.GroupNames = r.q.list("SecurityGroup")
	if ud := r.q.str("UserData"); ud != "" {
		if spec.UserData, err = decodeBase64("user data", ud); err != nil {
			return nil, nil, err
		}
	}
	zoneName := r.q.str("Placement.AvailabilityZone")
	if sub := ln.subnet; sub != "" {
		nid, err := csID(pSubnet, translate.ResNetwork, sub)
		if err != nil {
			return nil, nil, err
		}
		if zid := zoneOfSubnet(nid); zid != "" {
			// A zone default subnet (defaultvpc.go): CloudStack picks the
			// network in that zone.
			z, err := s.zoneByName(r, zid)
			if err != nil {
				return nil, nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResNetwork, ID: sub}
			}
			if zoneName != "" && zoneName != z.Name {
				return nil, nil, apiErrf("InvalidParameterValue", "The subnet '%s' is not in availability zone '%s'.", sub, zoneName)
			}
			spec.ZoneID = z.ID
		} else {
			n, err := s.svc.Network(r.ctx, nid)
			if err != nil {
				return nil, nil, err
			}
			if zoneName != "" && zoneName != n.ZoneName {
				return nil, nil, apiErrf("InvalidParameterValue", "The subnet '%s' is not in availability zone '%s'.", sub, zoneName)
			}
			spec.NetworkIDs = []string{nid}
			spec.ZoneID = n.ZoneID
		}
	}
	if spec.ZoneID == "" {
		z, err := s.zoneByName(r, zoneName)
		if err != nil {
			return nil, nil, err
		}
		spec.ZoneID = z.ID
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, nil, err
	}
	if _, err := specTags(specs, "instance", "volume"); err != nil {
		return nil, nil, err
	}
	for k, v := range specs["instance"] {
		spec.Tags[k] = v
	}
	spec.VolumeTags = specs["volume"]
	for _, bd := range r.q.structs("BlockDeviceMapping") {
		switch bd.str("DeviceName") {
		case rootDeviceName, "/dev/sda", "/dev/xvda", "/dev/vda":
			if n, err := bd.integer("Ebs.VolumeSize", 0); err != nil || n < 0 {
				return nil, nil, apiErr("InvalidParameterValue", "Invalid value for Ebs.VolumeSize")
			} else {
				spec.RootDiskGB = int64(n)
			}
		default:
			return nil, nil, apiErrf("InvalidParameterValue", "Block device mapping %s is not supported; only the root device (%s) can be sized.", bd.str("DeviceName"), rootDeviceName)
		}
	}
	return spec, ln, nil
}

func (s *server) runInstances(r *request) (response, error) {
	from, err := s.applyLaunchTemplate(r)
	if err != nil {
		return nil, err
	}
	spec, ln, err := s.launchSpec(r, false)
	if err != nil {
		return nil, err
	}
	for k, v := range from {
		spec.Tags[k] = v
	}
	token := r.q.str("ClientToken")
	if token == "" {
		token = newRequestID()
	}
	if len(token) > 64 {
		return nil, apiErr("InvalidParameterValue", "ClientToken must be at most 64 characters.")
	}
	spec.ClientToken = token
	rid := reservationID(r.principal.AccountID, token)
	spec.Tags[tagReservation] = rid
	spec.Tags[tagClientToken] = token
	insts, err := s.svc.Launch(r.ctx, *spec)
	if err != nil {
		return nil, err
	}
	if z, err := s.svc.Zone(r.ctx, spec.ZoneID); err == nil && wantsPublicIP(r.q, ln, z.SecurityGroups) {
		var fresh []translate.Instance
		for _, in := range insts {
			if in.PublicIP == "" { // a retried launch already has its address
				fresh = append(fresh, in)
			}
		}
		if err := s.assignPublicIPs(r, fresh); err != nil {
			return nil, err
		}
		if len(fresh) > 0 {
			if cur, err := s.svc.Instances(r.ctx, translate.InstanceQuery{IDs: instanceUUIDs(insts)}); err == nil {
				insts = cur
			}
		}
	}
	v := s.view(r, insts)
	items := make([]instanceItem, 0, len(insts))
	for i := range insts {
		items = append(items, s.toInstanceItem(v, &insts[i]))
	}
	res := reservations(v.owner, items)
	resp := &runInstancesResp{reservationItem: reservationItem{ReservationID: rid, OwnerID: v.owner}}
	if len(res) > 0 {
		resp.reservationItem = res[0]
		for _, o := range res[1:] {
			resp.Instances = append(resp.Instances, o.Instances...)
		}
	}
	resp.ReservationID = rid
	return resp, nil
}

// launchOffering resolves InstanceType, defaulting to the smallest fixed
// offering.
func (s *server) launchOffering(r *request, typ string) (*translate.Offering, error) {
	if typ != "" {
		return s.offering(r, typ)
	}
	offs, err := s.svc.Offerings(r.ctx)
	if err != nil {
		return nil, err
	}
	var best *translate.Offering
	for i := range offs {
		o := &offs[i]
		if o.Custom {
			continue
		}
		if best == nil || o.CPUs < best.CPUs || o.CPUs == best.CPUs && o.MemoryMB < best.MemoryMB {
			best = o
		}
	}
	if best == nil {
		return nil, apiErr("InvalidParameterValue", "No instance type is available; specify InstanceType.")
	}
	return best, nil
}

type statusDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type statusSummary struct {
	Status  string         `xml:"status"`
	Details []statusDetail `xml:"details>item"`
}

type instanceStatusItem struct {
	InstanceID       string        `xml:"instanceId"`
	AvailabilityZone string        `xml:"availabilityZone"`
	State            instanceState `xml:"instanceState"`
	SystemStatus     statusSummary `xml:"systemStatus"`
	InstanceStatus   statusSummary `xml:"instanceStatus"`
	tags             []tagItem
}

type describeInstanceStatusResp struct {
	meta
	Statuses  []instanceStatusItem `xml:"instanceStatusSet>item"`
	NextToken string               `xml:"nextToken,omitempty"`
}

func (s *server) describeInstanceStatus(r *request) (response, error) {
	ids := r.q.list("InstanceId")
	pg, err := r.q.paging(5, 1000)
	if err != nil {
		return nil, err
	}
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	all, err := r.q.boolean("IncludeAllInstances")
	if err != nil {
		return nil, err
	}
	insts, err := s.instancesByID(r, ids)
	if err != nil {
		return nil, err
	}
	var items []instanceStatusItem
	for i := range insts {
		st := stateOf(&insts[i])
		if !all && st != stateRunning {
			continue
		}
		sum := statusSummary{Status: "not-applicable"}
		if st == stateRunning {
			sum = statusSummary{Status: "ok", Details: []statusDetail{{"reachability", "passed"}}}
		}
		items = append(items, instanceStatusItem{InstanceID: ec2ID(pInstance, insts[i].ID),
			AvailabilityZone: insts[i].ZoneName, State: st, SystemStatus: sum, InstanceStatus: sum,
			tags: tagSet(insts[i].Tags)})
	}
	items, err = applyFilters(items, fs, fields[instanceStatusItem]{
		"availability-zone":      func(x instanceStatusItem) []string { return one(x.AvailabilityZone) },
		"instance-state-name":    func(x instanceStatusItem) []string { return one(x.State.Name) },
		"instance-state-code":    func(x instanceStatusItem) []string { return one(strconv.Itoa(x.State.Code)) },
		"system-status.status":   func(x instanceStatusItem) []string { return one(x.SystemStatus.Status) },
		"instance-status.status": func(x instanceStatusItem) []string { return one(x.InstanceStatus.Status) },
	}, nil)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x instanceStatusItem) string { return x.InstanceID }, pg)
	return &describeInstanceStatusResp{Statuses: items, NextToken: next}, nil
}
