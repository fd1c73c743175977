package simulator

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func (s *Server) vmByID(id string) *vm {
	if id == "" {
		return nil
	}
	if s.st.vmIdx == nil {
		s.st.vmIdx = make(map[string]*vm, len(s.st.VMs))
		for _, v := range s.st.VMs {
			s.st.vmIdx[v.ID] = v
		}
	}
	return s.st.vmIdx[id]
}

// needVM resolves a VM parameter the caller may operate on.
func (s *Server) needVM(c *call, param string) (*vm, *apiError) {
	id, err := c.need(param)
	if err != nil {
		return nil, err
	}
	v := s.vmByID(id)
	if v == nil {
		return nil, noEntity(c.cmd, param, id)
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	return v, nil
}

func wrongState(op string, v *vm) *apiError {
	return invalidParam("Unable to %s VM %s (%s): VM is not in the right state: %s", op, v.ID, v.DisplayName, v.State)
}

func (s *Server) vmObj(c *call, v *vm) obj {
	o := obj{"id": v.ID, "name": v.Name, "displayname": v.DisplayName, "created": fmtTime(v.Created), "state": v.State,
		"haenable": false, "zoneid": v.ZoneID, "zonename": s.zoneName(v.ZoneID), "templateid": v.TemplateID,
		"serviceofferingid": v.ServiceOfferingID, "cpunumber": v.CPUs, "cpuspeed": v.CPUSpeed, "memory": v.Memory,
		"hypervisor": "Simulator", "rootdeviceid": 0, "rootdevicetype": "ROOT", "isdynamicallyscalable": false,
		"displayvm": true, "arch": "x86_64", "userid": v.UserID, "tags": s.tagsOf("UserVm", v.ID), "affinitygroup": []obj{},
		"deleteprotection": false, "hasannotations": false, "lastupdated": fmtTime(v.Created)}
	if u := s.userByID(v.UserID); u != nil {
		o["username"] = u.Username
	}
	if minDetails(c) {
		// details=min: UserVmJoinDaoImpl.newUserVmResponse adds the
		// template, offering, CPU/memory, root device, stats, security
		// groups, NICs and affinity groups only for their VMDetails.
		for _, k := range minOmitted {
			delete(o, k)
		}
		if ip := s.staticNatOf(v.ID); ip != nil {
			o["publicip"], o["publicipid"] = ip.Address, ip.ID
		}
		if c.isAdmin() {
			o["instancename"] = v.InstanceName
		}
		if v.JobID != "" {
			o["jobid"], o["jobstatus"] = v.JobID, 0
		}
		s.groupFields(o, v)
		return s.ownerFields(o, v.owned)
	}
	if v.State == "Running" {
		o["cpuused"] = "10%"
		// CloudStack's simulator agent reports fixed stats (GetVmStatsCommand).
		o["networkkbsread"], o["networkkbswrite"] = int64(32768), int64(16384)
		o["diskioread"], o["diskiowrite"], o["diskkbsread"], o["diskkbswrite"] = int64(0), int64(0), int64(0), int64(0)
		o["memorykbs"], o["memoryintfreekbs"], o["memorytargetkbs"] = int64(v.Memory)<<10, int64(0), int64(v.Memory)<<10
	}
	if t := s.templateByIDAny(v.TemplateID); t != nil {
		o["templatename"], o["templatedisplaytext"] = t.Name, t.DisplayText
		o["passwordenabled"] = t.PasswordEnabled
		o["guestosid"], o["ostypeid"], o["osdisplayname"] = t.OSTypeID, t.OSTypeID, s.osName(t.OSTypeID)
		o["templatetype"], o["templateformat"] = "USER", t.Format
		if t.Featured {
			o["templatetype"] = "BUILTIN"
		}
	}
	if so := s.serviceOfferingByID(v.ServiceOfferingID); so != nil {
		o["serviceofferingname"] = so.Name
	}
	if len(v.Details) > 0 {
		o["details"] = v.Details
	}
	if len(v.KeyPairs) > 0 {
		o["keypairs"] = strings.Join(v.KeyPairs, ",")
	}
	sgs := []obj{}
	for _, id := range v.SecurityGroupIDs {
		if g := s.sgByID(id); g != nil {
			sgs = append(sgs, s.sgNested(g))
		}
	}
	o["securitygroup"] = sgs
	nics := []obj{}
	for _, n := range v.Nics {
		if n.Default {
			o["ipaddress"] = n.IP
		}
		nics = append(nics, s.nicObj(v, n))
	}
	o["nic"] = nics
	if ip := s.staticNatOf(v.ID); ip != nil {
		o["publicip"], o["publicipid"] = ip.Address, ip.ID
		for _, n := range nics {
			if n["networkid"] == ip.NetworkID {
				n["publicip"], n["publicipid"] = ip.Address, ip.ID
			}
		}
	}
	if c != nil && c.isAdmin() {
		o["instancename"] = v.InstanceName
		if h := s.hostByID(v.HostID); h != nil {
			o["hostid"], o["hostname"] = h.ID, h.Name
		}
	}
	if v.JobID != "" {
		o["jobid"], o["jobstatus"] = v.JobID, 0
	}
	s.groupFields(o, v)
	return s.ownerFields(o, v.owned)
}

// templateByIDAny finds a template even when removed (VMs keep referring to it).
func (s *Server) templateByIDAny(id string) *template {
	for _, t := range s.st.Templates {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func listVirtualMachines(s *Server, c *call) (any, *apiError) {
	ids := c.list("ids")
	// By id (or ids) the candidates come from the index: a get-by-id costs
	// O(1) in the number of VMs. The order stays that of s.st.VMs (creation).
	cands := s.st.VMs
	if id := c.str("id"); id != "" || len(ids) > 0 {
		cands = s.vmsByIDs(id, ids)
	}
	// The filters, read once (the loop runs over every VM of the cloud).
	var (
		id, name, state = c.str("id"), strings.ToLower(c.str("name")), c.str("state")
		zone, tmpl, so  = c.str("zoneid"), c.str("templateid"), c.str("serviceofferingid")
		host, kp, sg    = c.str("hostid"), c.str("keypair"), c.str("securitygroupid")
		nw              = c.str("networkid")
		group           = c.str("groupid")
		kw              = strings.ToLower(c.str("keyword"))
		tags            = c.kv("tags")
		present         = strings.EqualFold(state, "present")
	)
	var match []*vm
	for _, v := range cands {
		if !s.visible(c, v.owned) {
			continue
		}
		if id != "" && id != v.ID {
			continue
		}
		// name is a substring match in CloudStack (cloudstack-go's Get*ID helpers pick the exact one).
		if name != "" && !containsFold(v.Name, name) {
			continue
		}
		destroyed := v.State == "Destroyed" || v.State == "Expunging"
		if present {
			if destroyed {
				continue
			}
		} else if state != "" && !strings.EqualFold(state, v.State) {
			continue
		}
		// Users never see Destroyed/Expunging VMs, not even by id, unless
		// allow.user.view.destroyed.vm is set for their account; admins always do
		// (server/src/main/java/com/cloud/api/query/QueryManagerImpl.java searchForUserVMsInternal:
		// "if (!isAdmin && !AllowUserViewDestroyedVM.valueIn(caller.getAccountId())) stateNIN Destroyed, Expunging").
		if destroyed && !s.userSeesDestroyed(c) {
			continue
		}
		if (zone != "" && zone != v.ZoneID) || (tmpl != "" && tmpl != v.TemplateID) || (so != "" && so != v.ServiceOfferingID) ||
			(host != "" && host != v.HostID) || (kp != "" && !contains(v.KeyPairs, kp)) || (sg != "" && !contains(v.SecurityGroupIDs, sg)) {
			continue
		}
		if group != "" && group != v.GroupID {
			continue
		}
		if nw != "" {
			found := false
			for _, n := range v.Nics {
				found = found || n.NetworkID == nw
			}
			if !found {
				continue
			}
		}
		if kw != "" && !containsFold(v.Name, kw) && !containsFold(v.DisplayName, kw) && !containsFold(v.State, kw) {
			continue
		}
		if len(tags) > 0 && !s.hasTags(tags, "UserVm", v.ID) {
			continue
		}
		match = append(match, v)
	}
	// Render only the requested page: a page costs what its items cost.
	lo, hi := c.pageBounds(len(match))
	items := make([]obj, 0, hi-lo)
	for _, v := range match[lo:hi] {
		items = append(items, s.vmObj(c, v))
	}
	return listResult{Key: "virtualmachine", Items: items, Total: len(match)}, nil
}

// vmsByIDs returns the VMs named by id and ids, in creation order: the
// single-id case through the index (O(1)); several ids with one pass over
// the VMs with a set (no rendering), which keeps CloudStack's order.
func (s *Server) vmsByIDs(id string, ids []string) []*vm {
	if len(ids) == 0 {
		if v := s.vmByID(id); v != nil {
			return []*vm{v}
		}
		return nil
	}
	want := make(map[string]bool, len(ids))
	for _, x := range ids {
		want[x] = true
	}
	var out []*vm
	for _, v := range s.st.VMs {
		if want[v.ID] {
			out = append(out, v)
		}
	}
	return out
}

var hostnameRe = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

func validHostname(n string) bool { return hostnameRe.MatchString(n) }

// deployVirtualMachine (async create): the VM is recorded at once (Starting, or Stopped with
// startvm=false) and placed on a host when the job completes.
func deployVirtualMachine(s *Server, c *call) (any, *apiError) {
	soID, err := c.need("serviceofferingid")
	if err != nil {
		return nil, err
	}
	tID, err := c.need("templateid")
	if err != nil {
		return nil, err
	}
	z, err := s.needZone(c)
	if err != nil {
		return nil, err
	}
	so := s.serviceOfferingByID(soID)
	if so == nil {
		return nil, noEntity(c.cmd, "serviceofferingid", soID)
	}
	t := s.templateByID(tID)
	if t == nil {
		return nil, noEntity(c.cmd, "templateid", tID)
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	if !t.Public && t.AccountID != ow.ID && !t.sharedWith(ow.ID) && !c.isAdmin() {
		return nil, permissionDenied("Account %s does not have permission to use template %s", ow.Name, t.ID)
	}
	if !t.Ready || !contains(t.ZoneIDs, z.ID) {
		return nil, invalidParam("Template %s has not been completely downloaded to zone %s", t.ID, z.ID)
	}
	cpus, speed, mem, details, err := s.computeFromOffering(c, so)
	if err != nil {
		return nil, err
	}
	name, display := c.str("name"), c.str("displayname")
	if name != "" && !validHostname(name) {
		return nil, invalidParam("Invalid name. Vm name can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'), must be between 1 and 63 characters long, and can't start or end with \"-\" and can't start with digit")
	}
	vmID := s.st.uuid()
	if name == "" {
		name = "VM-" + vmID
	}
	if display == "" {
		display = name
	}
	// user data
	ud := c.str("userdata")
	if ud != "" {
		b, e := base64.StdEncoding.DecodeString(ud)
		if e != nil {
			if b, e = base64.RawStdEncoding.DecodeString(strings.TrimRight(ud, "=")); e != nil {
				return nil, invalidParam("User data is not base64 encoded")
			}
		}
		if len(b) > 1048576 {
			return nil, invalidParam("User data is too long")
		}
	}
	// key pairs
	var kps []string
	for _, k := range append(c.list("keypairs"), c.list("keypair")...) {
		if s.keyPairByName(ow.ID, k) == nil {
			return nil, invalidParam("A key pair with name '%s' was not found for account %s", k, ow.Name)
		}
		if !contains(kps, k) {
			kps = append(kps, k)
		}
	}
	// security groups
	sgIDs, sgNames := c.list("securitygroupids"), c.list("securitygroupnames")
	if len(sgIDs) > 0 && len(sgNames) > 0 {
		return nil, invalidParam("securitygroupids parameter is mutually exclusive with securitygroupnames parameter")
	}
	var sgs []string
	if z.SecurityGroups {
		for _, id := range sgIDs {
			g := s.sgByID(id)
			if g == nil || g.AccountID != ow.ID {
				return nil, invalidParam("Unable to find security group by id %s", id)
			}
			sgs = append(sgs, g.ID)
		}
		for _, n := range sgNames {
			g := s.sgByName(ow.ID, n)
			if g == nil {
				return nil, invalidParam("Unable to find security group by name %s", n)
			}
			sgs = append(sgs, g.ID)
		}
		if len(sgs) == 0 {
			if g := s.sgByName(ow.ID, "default"); g != nil {
				sgs = []string{g.ID}
			}
		}
	} else if len(sgIDs)+len(sgNames) > 0 {
		return nil, invalidParam("Can't create vm with security groups; security group feature is not enabled in zone %s", z.Name)
	}
	// networks
	var nets []*network
	for _, id := range c.list("networkids") {
		n := s.networkByID(id)
		if n == nil {
			return nil, noEntity(c.cmd, "networkids", id)
		}
		if !s.networkUsable(c, ow, n) {
			return nil, permissionDenied("Account %s does not have permission to use network %s", ow.Name, id)
		}
		if n.ZoneID != z.ID {
			return nil, invalidParam("Network %s doesn't belong to zone %s", n.ID, z.ID)
		}
		// createAdvancedSecurityGroupVirtualMachine: every network must have security groups.
		if z.SecurityGroups && !s.hasSGService(n) {
			return nil, invalidParam("Network is not security group enabled: %s", n.ID)
		}
		nets = append(nets, n)
	}
	// disks
	rootSize := t.Size
	if rs, ok, err := c.integer("rootdisksize"); err != nil {
		return nil, err
	} else if ok {
		if rs<<30 < t.Size {
			return nil, invalidParam("Root disk size %d GB is smaller than the template size %d GB", rs, t.Size>>30)
		}
		rootSize = rs << 30
	}
	// overridediskofferingid (CloudStack 4.17+, DeployVMCmd) gives the ROOT
	// volume that disk offering instead of the service offering's.
	rootOfferingID := ""
	if id := c.str("overridediskofferingid"); id != "" {
		if s.diskOfferingByID(id) == nil {
			return nil, noEntity(c.cmd, "overridediskofferingid", id)
		}
		rootOfferingID = id
	}
	var dataOff *diskOffering
	var dataSize int64
	if id := c.str("diskofferingid"); id != "" {
		dataOff = s.diskOfferingByID(id)
		if dataOff == nil {
			return nil, noEntity(c.cmd, "diskofferingid", id)
		}
		dataSize = dataOff.DiskSize << 30
		if dataOff.Customized {
			sz, ok, err := c.integer("size")
			if err != nil {
				return nil, err
			}
			if !ok || sz <= 0 {
				return nil, invalidParam("Disk offering %s requires size parameter to be specified", dataOff.ID)
			}
			dataSize = sz << 30
		}
	}
	if len(nets) == 0 {
		n, err := s.deployNetwork(c, ow, z)
		if err != nil {
			return nil, err
		}
		nets = []*network{n}
	}
	// Fact 7: a hostname must be unique in each of the VM's networks, counting every VM that
	// is not expunged yet — a Destroyed VM keeps its NICs and name until the expunge thread
	// removes it (UserVmManagerImpl.checkIfHostNameUniqueInNtwkDomain: hostNames =
	// VMInstanceDao.listDistinctHostNames(networkId), i.e. vm_instance.removed IS NULL joined
	// with nics of the network; engine/schema/src/main/java/com/cloud/vm/dao/VMInstanceDaoImpl.java
	// DistinctHostNameSearch). Java's List.contains compares case-sensitively.
	for _, n := range nets {
		for _, o := range s.st.VMs {
			if o.Name != name {
				continue
			}
			for _, nc := range o.Nics {
				if nc.NetworkID == n.ID {
					return nil, invalidParam("The vm with hostName %s already exists in the network domain: %s; network=%s",
						name, s.networkDomain(n), networkString(n))
				}
			}
		}
	}
	// ipaddress: the default NIC's guest address. CloudStack
	// (UserVmManagerImpl.createVirtualMachine -> IpAddressManagerImpl
	// .acquireGuestIpAddress) refuses an address outside the network's
	// CIDR or already taken.
	reqIP := c.str("ipaddress")
	if reqIP != "" {
		if apiErr := s.checkGuestIP(nets[0], reqIP); apiErr != nil {
			return nil, apiErr
		}
	}
	u := c.user
	if ow.ID != c.acct.ID {
		for _, x := range s.st.Users {
			if x.AccountID == ow.ID {
				u = x
				break
			}
		}
	}
	startVM := c.boolean("startvm", true)
	num := s.st.nextSeq()
	v := &vm{owned: owned{ow.ID, ow.DomainID}, ID: vmID, Name: name, DisplayName: display, ZoneID: z.ID,
		ServiceOfferingID: so.ID, TemplateID: t.ID, UserID: u.ID, CPUs: cpus, CPUSpeed: speed, Memory: mem,
		State: "Stopped", UserData: ud, KeyPairs: kps, SecurityGroupIDs: sgs, Details: details, JobID: c.job.ID,
		Created: c.now, StartVM: startVM,
		InstanceName: fmt.Sprintf("i-%d-%d-%s", s.accountIndex(ow.ID), num, s.st.Instance)}
	if startVM {
		v.State = "Starting"
	}
	if t.PasswordEnabled {
		v.Password = s.password()
	}
	for i, n := range nets {
		ip := s.allocIP(n)
		if i == 0 && reqIP != "" {
			ip = reqIP
		}
		v.Nics = append(v.Nics, nic{ID: s.st.uuid(), NetworkID: n.ID, IP: ip, MAC: s.st.mac(), Default: i == 0, DeviceID: i})
	}
	s.st.VMs = append(s.st.VMs, v)
	if s.st.vmIdx != nil {
		s.st.vmIdx[v.ID] = v
	}
	// group=NAME: UserVmManagerImpl.addInstanceToGroup (instancegroup.go).
	if g := c.str("group"); g != "" {
		s.addToGroup(c, v, g)
	}
	s.st.Volumes = append(s.st.Volumes, &volume{owned: v.owned, ID: s.st.uuid(), Name: fmt.Sprintf("ROOT-%d", num), Type: "ROOT",
		ZoneID: z.ID, VMID: v.ID, TemplateID: t.ID, DiskOfferingID: rootOfferingID, Size: rootSize, DeviceID: 0, State: "Allocated", Created: c.now, Attached: c.now})
	if dataOff != nil {
		s.st.Volumes = append(s.st.Volumes, &volume{owned: v.owned, ID: s.st.uuid(), Name: fmt.Sprintf("DATA-%d", num), Type: "DATADISK",
			ZoneID: z.ID, VMID: v.ID, DiskOfferingID: dataOff.ID, Size: dataSize, DeviceID: 1, State: "Allocated", Created: c.now, Attached: c.now})
	}
	s.st.volIdx = nil
	c.job.InstanceType, c.job.InstanceID = "VirtualMachine", v.ID
	return createReply(c, v.ID), nil
}

func (s *Server) accountIndex(id string) int {
	for i, a := range s.st.Accounts {
		if a.ID == id {
			return i + 2
		}
	}
	return 0
}

func (s *Server) password() string {
	const chars = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	r := s.st.r()
	b := make([]byte, 8)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// computeFromOffering returns CPU count, speed (MHz) and memory (MB) for offering so,
// reading details[].cpuNumber/cpuSpeed/memory for customized offerings.
func (s *Server) computeFromOffering(c *call, so *serviceOffering) (int, int, int, map[string]string, *apiError) {
	if !so.Customized {
		return so.CPUs, so.CPUSpeed, so.Memory, nil, nil
	}
	// UserVmManagerImpl.validateCustomParameters (server/src/main/java/com/cloud/vm/UserVmManagerImpl.java):
	// no details at all → "Need to specify…"; each of cpuNumber, cpuSpeed and memory is required
	// when the offering leaves it open (getCpu/getSpeed/getRamSize null) and refused when the
	// offering fixes it. A customized offering without cpuspeed thus needs details[0].cpuSpeed
	// (431 "Invalid cpu speed value, specify a value between 1 and 2147483647").
	d := c.mapMerged("details")
	get := func(k string) (int, bool, bool) {
		for dk, dv := range d {
			if strings.EqualFold(dk, k) {
				n, err := strconv.Atoi(dv)
				return n, err == nil, true
			}
		}
		return -1, false, false
	}
	if len(d) == 0 {
		return 0, 0, 0, nil, invalidParam("Need to specify custom parameter values cpu, cpu speed and memory when using custom offering")
	}
	cpus, _, _ := get("cpuNumber")
	mem, _, _ := get("memory")
	minC, maxC, minM, maxM := so.MinCPUs, so.MaxCPUs, so.MinMemory, so.MaxMemory
	if minC == 0 {
		minC = 1
	}
	if maxC == 0 {
		maxC = 512
	}
	if minM == 0 {
		minM = 32
	}
	if maxM == 0 {
		maxM = 16 << 20
	}
	if cpus < minC || cpus > maxC {
		return 0, 0, 0, nil, invalidParam("Invalid cpu cores value, specify a value between %d and %d", minC, maxC)
	}
	speed, speedOK, speedGiven := get("cpuSpeed")
	if so.CPUSpeed == 0 {
		if !speedOK || speed <= 0 {
			return 0, 0, 0, nil, invalidParam("Invalid cpu speed value, specify a value between 1 and %d", 1<<31-1)
		}
	} else if speedGiven {
		return 0, 0, 0, nil, invalidParam("The cpu speed of this offering id:%s is not customizable. This is predefined in the template.", so.ID)
	} else {
		speed = so.CPUSpeed
	}
	if mem < minM || mem > maxM {
		return 0, 0, 0, nil, invalidParam("Invalid memory value, specify a value between %d and %d", minM, maxM)
	}
	details := map[string]string{"cpuNumber": strconv.Itoa(cpus), "cpuSpeed": strconv.Itoa(speed), "memory": strconv.Itoa(mem)}
	return cpus, speed, mem, details, nil
}

// place puts v on a host; it returns the CloudStack capacity error when nothing fits.
func (s *Server) place(c *call, v *vm) *apiError {
	h := s.findHost(v.ZoneID, v.CPUs, v.CPUSpeed, v.Memory)
	if h == nil {
		return insufficientCapacity("Unable to create a deployment for VM instance {\"id\":%d,\"instanceName\":\"%s\",\"type\":\"User\",\"uuid\":\"%s\"}",
			s.accountIndex(v.AccountID), v.InstanceName, v.ID)
	}
	v.HostID = h.ID
	for _, n := range v.Nics {
		if nw := s.networkByID(n.NetworkID); nw != nil {
			s.implement(c, nw)
		}
	}
	for _, vol := range s.st.Volumes {
		if vol.VMID == v.ID && vol.State == "Allocated" {
			vol.State = "Ready"
		}
	}
	return nil
}

func deployDone(s *Server, c *call) (any, *apiError) {
	v := s.vmByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	v.JobID = ""
	fail := c.job.Fault
	if fail == nil && v.StartVM {
		fail = s.place(c, v)
	}
	if fail != nil {
		v.State, v.HostID = "Error", ""
		s.eventLevel(c, "ERROR", "VM.CREATE", "VirtualMachine", v.ID, v.Name, "Error while deploying VM "+v.Name+": "+fail.Text)
		return nil, fail
	}
	s.event(c, "VM.CREATE", "VirtualMachine", v.ID, v.Name, "Successfully completed deploying Vm. Vm Id: "+v.ID)
	if v.StartVM {
		v.State = "Running"
		s.event(c, "VM.START", "VirtualMachine", v.ID, v.Name, "Successfully completed starting Vm. Vm Id: "+v.ID)
	} else {
		v.State = "Stopped"
	}
	o := s.vmObj(c, v)
	if v.Password != "" {
		o["password"] = v.Password
	}
	return objResult{"virtualmachine", o}, nil
}

// vmJob begins a VM state change: it checks the state, sets the transitional state and
// stamps the job on the VM.
func (s *Server) vmJob(c *call, op string, allowed []string, transitional string) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	if v.JobID != "" {
		return nil, invalidParam("Unable to %s VM %s: another operation (job %s) is in progress", op, v.ID, v.JobID)
	}
	if !contains(allowed, v.State) {
		return nil, wrongState(op, v)
	}
	c.job.Params["_prevstate"] = v.State
	v.JobID = c.job.ID
	if transitional != "" {
		v.State = transitional
	}
	c.job.InstanceType, c.job.InstanceID = "VirtualMachine", v.ID
	return jobReply(c), nil
}

// vmJobVM returns the VM of a completing job and clears its job stamp.
func (s *Server) vmJobVM(c *call) (*vm, string) {
	v := s.vmByID(c.job.InstanceID)
	if v != nil {
		v.JobID = ""
	}
	return v, c.job.Params["_prevstate"]
}

func startVirtualMachine(s *Server, c *call) (any, *apiError) {
	if v := s.vmByID(c.str("id")); v != nil && v.State == "Running" && s.canAccess(c, v.owned) {
		return nil, invalidParam("The virtual machine %s (%s) is already running", v.ID, v.DisplayName)
	}
	return s.vmJob(c, "start", []string{"Stopped"}, "Starting")
}

func startDone(s *Server, c *call) (any, *apiError) {
	v, prev := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	fail := c.job.Fault
	if fail == nil {
		fail = s.place(c, v)
	}
	if fail != nil {
		v.State, v.HostID = prev, ""
		return nil, fail
	}
	v.State = "Running"
	s.event(c, "VM.START", "VirtualMachine", v.ID, v.Name, "Successfully completed starting Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func stopVirtualMachine(s *Server, c *call) (any, *apiError) {
	if v := s.vmByID(c.str("id")); v != nil && v.State == "Stopped" {
		return s.vmJob(c, "stop", []string{"Stopped"}, "") // already stopped: a no-op job, as CloudStack
	}
	return s.vmJob(c, "stop", []string{"Running"}, "Stopping")
}

func stopDone(s *Server, c *call) (any, *apiError) {
	v, prev := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		v.State = prev
		return nil, c.job.Fault
	}
	v.State, v.HostID = "Stopped", ""
	s.event(c, "VM.STOP", "VirtualMachine", v.ID, v.Name, "Successfully completed stopping Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func rebootVirtualMachine(s *Server, c *call) (any, *apiError) {
	return s.vmJob(c, "reboot", []string{"Running"}, "")
}

func rebootDone(s *Server, c *call) (any, *apiError) {
	v, _ := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	s.event(c, "VM.REBOOT", "VirtualMachine", v.ID, v.Name, "Successfully completed rebooting Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

// errExpungeNotAllowed is the PermissionDeniedException UserVmManagerImpl.destroyVm throws
// for expunge=true when the caller is no admin and allow.user.expunge.recover.vm is not set
// for the VM's owner (server/src/main/java/com/cloud/vm/UserVmManagerImpl.java). It is thrown
// inside the job, so the call returns a jobid and the job fails with 530
// (server/src/main/java/com/cloud/api/ApiAsyncJobDispatcher.java: any exception that is not
// a ServerApiException completes the job with INTERNAL_ERROR).
func errExpungeNotAllowed() *apiError {
	return &apiError{Code: codeInternalError, Text: "Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set."}
}

func destroyVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	if c.boolean("expunge", false) && !c.isAdmin() && !s.settingBool(SettingAllowUserExpungeRecoverVM, v.AccountID) {
		// Refused before any state change: the VM is neither stopped nor destroyed.
		c.job.Fault = errExpungeNotAllowed()
		c.job.InstanceType, c.job.InstanceID = "VirtualMachine", v.ID
		return jobReply(c), nil
	}
	trans := ""
	if v.State == "Running" {
		trans = "Stopping"
	}
	return s.vmJob(c, "destroy", []string{"Running", "Stopped", "Error"}, trans)
}

func destroyDone(s *Server, c *call) (any, *apiError) {
	v, prev := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		if prev != "" {
			v.State = prev
		}
		return nil, c.job.Fault
	}
	if prev == "Running" {
		s.event(c, "VM.STOP", "VirtualMachine", v.ID, v.Name, "Successfully completed stopping Vm. Vm Id: "+v.ID)
	}
	v.HostID = ""
	s.event(c, "VM.DESTROY", "VirtualMachine", v.ID, v.Name, "Successfully completed destroying Vm. Vm Id: "+v.ID)
	// A VM in Error goes straight to Expunging (VirtualMachine.State: Error → DestroyRequested → Expunging).
	if c.boolean("expunge", false) || prev == "Error" {
		v.State = "Expunging"
		o := s.vmObj(c, v)
		s.expunge(c, v)
		return objResult{"virtualmachine", o}, nil
	}
	v.State, v.DestroyedAt = "Destroyed", c.now
	for _, vol := range s.st.Volumes {
		if vol.VMID == v.ID && vol.Type == "ROOT" {
			vol.State = "Destroy"
		}
	}
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

// expunge removes v, its ROOT volume, NIC addresses, static NAT and tags; data disks are detached.
func (s *Server) expunge(c *call, v *vm) {
	var keep []*volume
	for _, vol := range s.st.Volumes {
		if vol.VMID == v.ID {
			if vol.Type == "ROOT" {
				s.dropTags("Volume", vol.ID)
				s.forget(vol.ID)
				continue
			}
			vol.VMID, vol.DeviceID, vol.Attached = "", 0, time.Time{}
		}
		keep = append(keep, vol)
	}
	s.st.Volumes = keep
	s.st.volIdx = nil
	for _, ip := range s.st.IPs {
		if ip.StaticNatVMID == v.ID {
			ip.StaticNatVMID = ""
		}
	}
	s.st.VMs = removeByID(s.st.VMs, v.ID, func(x *vm) string { return x.ID })
	if s.st.vmIdx != nil {
		delete(s.st.vmIdx, v.ID)
	}
	s.forget(v.ID)
	s.dropTags("UserVm", v.ID)
	s.event(c, "VM.EXPUNGE", "VirtualMachine", v.ID, v.Name, "Successfully completed expunging Vm. Vm Id: "+v.ID)
}

// expungeVirtualMachine: users may call it (ExpungeVMCmd), but UserVmManagerImpl.expungeVm
// throws PermissionDeniedException inside the job unless the caller is an admin or
// allow.user.expunge.recover.vm is set for the caller's account; ExpungeVMCmd.execute turns
// that CloudRuntimeException into a 530 job failure
// (api/src/main/java/org/apache/cloudstack/api/command/admin/vm/ExpungeVMCmd.java).
func expungeVirtualMachine(s *Server, c *call) (any, *apiError) {
	if !s.userMayExpunge(c) {
		v, err := s.needVM(c, "id")
		if err != nil {
			return nil, err
		}
		c.job.Fault = &apiError{Code: codeInternalError, Text: "Expunging a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set."}
		c.job.InstanceType, c.job.InstanceID = "VirtualMachine", v.ID
		return jobReply(c), nil
	}
	return s.vmJob(c, "expunge", []string{"Destroyed", "Error"}, "Expunging")
}

func expungeDone(s *Server, c *call) (any, *apiError) {
	v, prev := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		if prev != "" {
			v.State = prev
		}
		return nil, c.job.Fault
	}
	s.expunge(c, v)
	return success(), nil
}

// autoExpunge is UserVmManagerImpl's ExpungeTask: it runs every expunge.interval and
// expunges the VMs destroyed at least expunge.delay before the run. Until then a Destroyed VM
// keeps everything it holds (security groups, NICs and their addresses, volumes, its name in
// the network). Runs that fell due since the last request are applied at once: the last
// due run expunges everything every earlier run would have.
func (s *Server) autoExpunge(now time.Time) {
	if s.st.LastExpunge.IsZero() {
		s.st.LastExpunge = now
	}
	if now.Sub(s.st.LastExpunge) < s.expInt {
		return
	}
	run := s.st.LastExpunge.Add(now.Sub(s.st.LastExpunge) / s.expInt * s.expInt)
	s.st.LastExpunge = run
	s.expungeDestroyed(run)
}

// expungeDestroyed expunges the VMs destroyed at least expunge.delay before at.
func (s *Server) expungeDestroyed(at time.Time) int {
	n := 0
	for _, v := range append([]*vm{}, s.st.VMs...) {
		if v.State == "Destroyed" && v.JobID == "" && !v.DestroyedAt.IsZero() && !v.DestroyedAt.Add(s.expDel).After(at) {
			c := &call{now: at, acct: s.accountByID(v.AccountID), user: s.userByID(v.UserID)}
			s.expunge(c, v)
			n++
		}
	}
	return n
}

// RunExpunger runs the expunge thread now, as if expunge.interval had just elapsed: it
// expunges the VMs destroyed at least expunge.delay ago and returns how many. With
// expunge.delay 0 it expunges every Destroyed VM.
func (s *Server) RunExpunger() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	s.advance(now)
	s.st.LastExpunge = now
	n := s.expungeDestroyed(now)
	s.persist()
	return n
}

func recoverVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	// UserVmManagerImpl.recoverVirtualMachine: PermissionDeniedException (sync: 531/4365).
	if !s.userMayExpunge(c) {
		return nil, permissionDenied("Recovering a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.")
	}
	if v.State != "Destroyed" {
		return nil, invalidParam("Unable to recover VM %s (%s) - the VM is not in Destroyed state: %s", v.ID, v.DisplayName, v.State)
	}
	v.State, v.DestroyedAt = "Stopped", time.Time{}
	for _, vol := range s.st.Volumes {
		if vol.VMID == v.ID && vol.State == "Destroy" {
			vol.State = "Ready"
		}
	}
	s.event(c, "VM.RECOVER", "VirtualMachine", v.ID, v.Name, "Successfully completed recovering Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func (s *Server) nicObj(v *vm, n nic) obj {
	no := obj{"id": n.ID, "networkid": n.NetworkID, "ipaddress": n.IP, "macaddress": n.MAC, "isdefault": n.Default,
		"deviceid": strconv.Itoa(n.DeviceID), "traffictype": "Guest", "virtualmachineid": v.ID, "extradhcpoption": []string{},
		"secondaryip": []obj{}}
	if nw := s.networkByID(n.NetworkID); nw != nil {
		no["networkname"], no["netmask"], no["gateway"], no["type"] = nw.Name, nw.Netmask, nw.Gateway, nw.Type
		no["broadcasturi"], no["isolationuri"] = "vlan://untagged", "ec2://untagged"
		if nw.VPCID != "" {
			no["vpcid"] = nw.VPCID
		}
	}
	return no
}

// listNics lists the NICs of one VM (virtualmachineid is required).
func listNics(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "virtualmachineid")
	if err != nil {
		return nil, err
	}
	var items []obj
	for _, n := range v.Nics {
		if id := c.str("nicid"); id != "" && id != n.ID {
			continue
		}
		if nw := c.str("networkid"); nw != "" && nw != n.NetworkID {
			continue
		}
		items = append(items, s.nicObj(v, n))
	}
	return c.pageOf("nic", items), nil
}

// networkDomain is a network's DNS domain (cs<account>cloud.internal; shared: cloud.internal).
func (s *Server) networkDomain(n *network) string {
	if n.ACLType == "Domain" {
		return "cloud.internal"
	}
	return "cs" + n.AccountID[:4] + "cloud.internal"
}

// networkString renders a network like CloudStack's NetworkVO.toString.
func networkString(n *network) string {
	return fmt.Sprintf(`Network {"name": "%s", "uuid": "%s"}`, n.Name, n.ID)
}
