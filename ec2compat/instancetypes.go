package ec2compat

import (
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
)

type vcpuInfo struct {
	DefaultVCpus          int `xml:"defaultVCpus"`
	DefaultCores          int `xml:"defaultCores"`
	DefaultThreadsPerCore int `xml:"defaultThreadsPerCore"`
}

type instanceTypeItem struct {
	InstanceType                  string   `xml:"instanceType"`
	CurrentGeneration             bool     `xml:"currentGeneration"`
	FreeTierEligible              bool     `xml:"freeTierEligible"`
	SupportedUsageClasses         []string `xml:"supportedUsageClasses>item"`
	SupportedRootDeviceTypes      []string `xml:"supportedRootDeviceTypes>item"`
	SupportedVirtualizationTypes  []string `xml:"supportedVirtualizationTypes>item"`
	BareMetal                     bool     `xml:"bareMetal"`
	Hypervisor                    string   `xml:"hypervisor"`
	SupportedArchitectures        []string `xml:"processorInfo>supportedArchitectures>item"`
	SustainedClockSpeedInGhz      string   `xml:"processorInfo>sustainedClockSpeedInGhz,omitempty"`
	VCpuInfo                      vcpuInfo `xml:"vCpuInfo"`
	MemorySizeInMiB               int      `xml:"memoryInfo>sizeInMiB"`
	InstanceStorageSupported      bool     `xml:"instanceStorageSupported"`
	EbsOptimizedSupport           string   `xml:"ebsInfo>ebsOptimizedSupport"`
	NetworkPerformance            string   `xml:"networkInfo>networkPerformance"`
	MaximumNetworkInterfaces      int      `xml:"networkInfo>maximumNetworkInterfaces"`
	Ipv4AddressesPerInterface     int      `xml:"networkInfo>ipv4AddressesPerInterface"`
	Ipv6Supported                 bool     `xml:"networkInfo>ipv6Supported"`
	HibernationSupported          bool     `xml:"hibernationSupported"`
	BurstablePerformanceSupported bool     `xml:"burstablePerformanceSupported"`
	DedicatedHostsSupported       bool     `xml:"dedicatedHostsSupported"`
	AutoRecoverySupported         bool     `xml:"autoRecoverySupported"`
	SupportedBootModes            []string `xml:"supportedBootModes>item"`
}

type describeInstanceTypesResp struct {
	meta
	Types     []instanceTypeItem `xml:"instanceTypeSet>item"`
	NextToken string             `xml:"nextToken,omitempty"`
}

// typeName is the EC2 instance type shown for an offering: its alias when
// one is configured, else the offering name.
func (s *server) typeName(o translate.Offering) string {
	if a, ok := s.aliases[o.Name]; ok {
		return a
	}
	if a, ok := s.aliases[o.ID]; ok {
		return a
	}
	return o.Name
}

// tagInstanceType keeps the alias an instance was launched (or modified)
// with, since several aliases may name one offering (t2.micro and t3.micro).
const tagInstanceType = translate.ReservedTagPrefix + "ec2-instance-type"

// instanceType is an instance's type as the caller named it: the alias it
// was launched with while that alias still names its offering, else the
// offering's display name.
func (s *server) instanceType(in *translate.Instance) string {
	if a := in.Tags[tagInstanceType]; a != "" {
		if t, ok := s.opts.InstanceTypeAliases[a]; ok && (t == in.OfferingName || t == in.OfferingID) {
			return a
		}
	}
	return s.typeName(translate.Offering{ID: in.OfferingID, Name: in.OfferingName})
}

// setTypeTag records typ (when it is an alias) as the instance's type.
func (s *server) setTypeTag(r *request, in *translate.Instance, typ string) error {
	cur := in.Tags[tagInstanceType]
	want := ""
	if _, ok := s.opts.InstanceTypeAliases[typ]; ok {
		want = typ
	}
	if cur == want {
		return nil
	}
	if cur != "" {
		if err := s.svc.DeleteTags(r.ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagInstanceType: ""}); err != nil {
			return err
		}
	}
	if want == "" {
		return nil
	}
	return s.svc.CreateTags(r.ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagInstanceType: want})
}

// offering resolves an EC2 instance type (alias, offering name or id).
func (s *server) offering(r *request, typ string) (*translate.Offering, error) {
	if t, ok := s.opts.InstanceTypeAliases[typ]; ok {
		typ = t
	}
	o, err := s.svc.Offering(r.ctx, typ)
	if translate.KindOf(err) == translate.NotFound {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for InstanceType.", typ)
	}
	return o, err
}

func offeringItem(name string, o translate.Offering) instanceTypeItem {
	it := instanceTypeItem{
		InstanceType: name, CurrentGeneration: true,
		SupportedUsageClasses:        []string{"on-demand"},
		SupportedRootDeviceTypes:     []string{"ebs"},
		SupportedVirtualizationTypes: []string{"hvm"},
		Hypervisor:                   "kvm",
		SupportedArchitectures:       []string{"x86_64"},
		VCpuInfo:                     vcpuInfo{DefaultVCpus: o.CPUs, DefaultCores: o.CPUs, DefaultThreadsPerCore: 1},
		MemorySizeInMiB:              o.MemoryMB,
		EbsOptimizedSupport:          "unsupported",
		NetworkPerformance:           "Moderate",
		MaximumNetworkInterfaces:     1,
		Ipv4AddressesPerInterface:    1,
		SupportedBootModes:           []string{"legacy-bios"},
	}
	if o.CPUSpeedMHz > 0 {
		it.SustainedClockSpeedInGhz = strconv.FormatFloat(float64(o.CPUSpeedMHz)/1000, 'f', -1, 64)
	}
	return it
}

// describeInstanceTypes lists fixed-size service offerings (custom
// offerings have no fixed vCPU/memory and are left out).
func (s *server) describeInstanceTypes(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	pg, err := r.q.paging(5, 100)
	if err != nil {
		return nil, err
	}
	offs, err := s.svc.Offerings(r.ctx)
	if err != nil {
		return nil, err
	}
	var items []instanceTypeItem
	if want := r.q.list("InstanceType"); len(want) > 0 {
		for _, w := range want {
			o, err := s.offering(r, w)
			if err != nil {
				return nil, err
			}
			items = append(items, offeringItem(w, *o))
		}
	} else {
		for _, o := range offs {
			if o.Custom {
				continue
			}
			items = append(items, offeringItem(s.typeName(o), o))
		}
	}
	items, err = applyFilters(items, fs, fields[instanceTypeItem]{
		"instance-type":                         func(x instanceTypeItem) []string { return one(x.InstanceType) },
		"current-generation":                    func(x instanceTypeItem) []string { return one(boolStr(x.CurrentGeneration)) },
		"vcpu-info.default-vcpus":               func(x instanceTypeItem) []string { return one(strconv.Itoa(x.VCpuInfo.DefaultVCpus)) },
		"memory-info.size-in-mib":               func(x instanceTypeItem) []string { return one(strconv.Itoa(x.MemorySizeInMiB)) },
		"processor-info.supported-architecture": func(x instanceTypeItem) []string { return x.SupportedArchitectures },
		"free-tier-eligible":                    func(x instanceTypeItem) []string { return one(boolStr(x.FreeTierEligible)) },
		"hypervisor":                            func(x instanceTypeItem) []string { return one(x.Hypervisor) },
		"supported-usage-class":                 func(x instanceTypeItem) []string { return x.SupportedUsageClasses },
	}, nil)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x instanceTypeItem) string { return x.InstanceType }, pg)
	return &describeInstanceTypesResp{Types: items, NextToken: next}, nil
}
