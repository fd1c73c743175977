package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"sort"
)

// VM changes other than power state: attributes, offering, keys, password, user data.

func updateVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	if v.State == "Destroyed" || v.State == "Expunging" || v.State == "Error" {
		return nil, wrongState("update", v)
	}
	if n := c.str("name"); n != "" && n != v.Name {
		if v.State != "Stopped" {
			return nil, invalidParam("Update hostname is only allowed when VM is stopped")
		}
		if !validHostname(n) {
			return nil, invalidParam("Invalid name. Vm name can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'), must be between 1 and 63 characters long, and can't start or end with \"-\" and can't start with digit")
		}
		v.Name = n
	}
	if d := c.str("displayname"); d != "" {
		v.DisplayName = d
	}
	if g := c.str("group"); g != "" {
		s.addToGroup(c, v, g) // UserVmManagerImpl.updateVirtualMachine: addInstanceToGroup
	}
	if c.has("userdata") {
		if _, e := base64.StdEncoding.DecodeString(c.str("userdata")); e != nil {
			return nil, invalidParam("User data is not base64 encoded")
		}
		v.UserData = c.str("userdata")
	}
	// Security groups (server/src/main/java/com/cloud/vm/UserVmManagerImpl.java
	// updateVirtualMachine: names resolve first, mutually exclusive with
	// ids; checkAndUpdateSecurityGroupForVM applies them only where
	// NetworkModelImpl.checkSecurityGroupSupportForNetwork holds (the zone
	// has security groups) and skips them silently elsewhere;
	// updateSecurityGroup needs a Stopped VM).
	if ids, names := c.list("securitygroupids"), c.list("securitygroupnames"); len(ids)+len(names) > 0 {
		if len(ids) > 0 && len(names) > 0 {
			return nil, invalidParam("securitygroupids parameter is mutually exclusive with securitygroupnames parameter")
		}
		var sgs []string
		for _, id := range ids {
			g := s.sgByID(id)
			if g == nil || g.AccountID != v.AccountID {
				return nil, invalidParam("Unable to find security group by id %s", id)
			}
			if !contains(sgs, g.ID) {
				sgs = append(sgs, g.ID)
			}
		}
		for _, n := range names {
			g := s.sgByName(v.AccountID, n)
			if g == nil {
				return nil, invalidParam("Unable to find group by name %s", n)
			}
			if !contains(sgs, g.ID) {
				sgs = append(sgs, g.ID)
			}
		}
		if z := s.zoneByID(v.ZoneID); z != nil && z.SecurityGroups {
			if v.State != "Stopped" {
				return nil, invalidParam("VM %s must be stopped prior to update security groups", v.ID)
			}
			v.SecurityGroupIDs = sgs
		}
	}
	if d := c.mapMerged("details"); len(d) > 0 {
		if v.Details == nil {
			v.Details = map[string]string{}
		}
		for k, val := range d {
			v.Details[k] = val
		}
	}
	s.event(c, "VM.UPDATE", "VirtualMachine", v.ID, v.Name, "Successfully completed updating Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func changeServiceForVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	soID, err := c.need("serviceofferingid")
	if err != nil {
		return nil, err
	}
	so := s.serviceOfferingByID(soID)
	if so == nil {
		return nil, noEntity(c.cmd, "serviceofferingid", soID)
	}
	if v.State != "Stopped" {
		return nil, invalidParam("Unable to upgrade virtual machine %s in state %s; make sure the virtual machine is stopped", v.ID, v.State)
	}
	cpus, speed, mem, details, err := s.computeFromOffering(c, so)
	if err != nil {
		return nil, err
	}
	v.ServiceOfferingID, v.CPUs, v.CPUSpeed, v.Memory, v.Details = so.ID, cpus, speed, mem, details
	s.event(c, "VM.UPGRADE", "VirtualMachine", v.ID, v.Name, "Successfully completed upgrading Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func scaleVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	soID, err := c.need("serviceofferingid")
	if err != nil {
		return nil, err
	}
	so := s.serviceOfferingByID(soID)
	if so == nil {
		return nil, noEntity(c.cmd, "serviceofferingid", soID)
	}
	cpus, speed, mem, _, err := s.computeFromOffering(c, so)
	if err != nil {
		return nil, err
	}
	if v.State == "Running" && (cpus < v.CPUs || mem < v.Memory || speed < v.CPUSpeed) {
		return nil, invalidParam("Only scaling up the vm is supported, new service offering(speed=%d,cpu=%d,memory=%d) should have at least one value (cpu/ram) greater than old value and no value lower than old value", speed, cpus, mem)
	}
	return s.vmJob(c, "scale", []string{"Running", "Stopped"}, "")
}

func scaleDone(s *Server, c *call) (any, *apiError) {
	v, _ := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	so := s.serviceOfferingByID(c.str("serviceofferingid"))
	cpus, speed, mem, details, err := s.computeFromOffering(c, so)
	if err != nil {
		return nil, err
	}
	if v.State == "Running" {
		h := s.hostByID(v.HostID)
		if h != nil {
			cpu, m := s.hostUsage(h)
			if cpu-int64(v.CPUs*v.CPUSpeed)+int64(cpus*speed) > int64(h.CPUs*h.CPUSpeed) || m-int64(v.Memory)<<20+int64(mem)<<20 > h.Memory {
				return nil, insufficientCapacity("Unable to scale VM %s: insufficient capacity on host %s", v.ID, h.Name)
			}
		}
	}
	v.ServiceOfferingID, v.CPUs, v.CPUSpeed, v.Memory, v.Details = so.ID, cpus, speed, mem, details
	s.event(c, "VM.UPGRADE", "VirtualMachine", v.ID, v.Name, "Successfully completed scaling Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", s.vmObj(c, v)}, nil
}

func getVirtualMachineUserData(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "virtualmachineid")
	if err != nil {
		return nil, err
	}
	return objResult{"virtualmachineuserdata", obj{"virtualmachineid": v.ID, "userdata": v.UserData}}, nil
}

// getVMPassword returns the password encrypted with the VM's first SSH key (base64 RSA PKCS#1 v1.5).
func getVMPassword(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	if v.Password == "" || len(v.KeyPairs) == 0 {
		return nil, invalidParam("No password for VM with specified id found.")
	}
	k := s.keyPairByName(v.AccountID, v.KeyPairs[0])
	var pub *rsa.PublicKey
	if k != nil {
		pub = parseRSAPublic(k.PublicKey)
	}
	if pub == nil {
		return nil, invalidParam("No password for VM with specified id found.")
	}
	enc, e := rsa.EncryptPKCS1v15(rand.Reader, pub, []byte(v.Password))
	if e != nil {
		return nil, internalError("Failed to encrypt password: %v", e)
	}
	return objResult{"password", obj{"encryptedpassword": base64.StdEncoding.EncodeToString(enc)}}, nil
}

func resetSSHKeyForVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	keys := append(c.list("keypairs"), c.list("keypair")...)
	if len(keys) == 0 {
		return nil, missingParam(c.cmd, "keypair")
	}
	for _, k := range keys {
		if s.keyPairByName(v.AccountID, k) == nil {
			return nil, invalidParam("A key pair with name '%s' does not exist for account %s in specified domain id", k, s.accountName(v.AccountID))
		}
	}
	if v.State != "Stopped" {
		return nil, invalidParam("vm %s is not in the right state: %s; make sure the vm is stopped", v.ID, v.State)
	}
	return s.vmJob(c, "reset SSH key of", []string{"Stopped"}, "")
}

func resetSSHKeyDone(s *Server, c *call) (any, *apiError) {
	v, _ := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	v.KeyPairs = nil
	for _, k := range append(c.list("keypairs"), c.list("keypair")...) {
		if !contains(v.KeyPairs, k) {
			v.KeyPairs = append(v.KeyPairs, k)
		}
	}
	sort.Strings(v.KeyPairs)
	o := s.vmObj(c, v)
	if t := s.templateByIDAny(v.TemplateID); t != nil && t.PasswordEnabled {
		v.Password = s.password()
		o["password"] = v.Password
	}
	s.event(c, "VM.RESETSSHKEY", "VirtualMachine", v.ID, v.Name, "Successfully completed resetting SSH key for Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", o}, nil
}

func resetPasswordForVirtualMachine(s *Server, c *call) (any, *apiError) {
	v, err := s.needVM(c, "id")
	if err != nil {
		return nil, err
	}
	if t := s.templateByIDAny(v.TemplateID); t == nil || !t.PasswordEnabled {
		return nil, invalidParam("Fail to reset password for the virtual machine, the template is not password enabled")
	}
	return s.vmJob(c, "reset password of", []string{"Stopped", "Running"}, "")
}

func resetPasswordDone(s *Server, c *call) (any, *apiError) {
	v, _ := s.vmJobVM(c)
	if v == nil {
		return nil, internalError("VM disappeared")
	}
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	v.Password = s.password()
	if p := c.str("password"); p != "" {
		v.Password = p
	}
	o := s.vmObj(c, v)
	o["password"] = v.Password
	s.event(c, "VM.RESETPASSWORD", "VirtualMachine", v.ID, v.Name, "Successfully completed resetting password for Vm. Vm Id: "+v.ID)
	return objResult{"virtualmachine", o}, nil
}
