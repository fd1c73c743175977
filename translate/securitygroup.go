package translate

import "context"

// SecurityGroup is a CloudStack security group (an EC2 security group; GCE
// firewalls are mapped onto them by gcecompat).
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
	Account     string
	Ingress     []Rule
	Egress      []Rule
	Tags        Tags
}

// Rule is one security-group rule. Protocol is "tcp", "udp", "icmp", "all"
// or a protocol number. Ports apply to tcp/udp; ICMPType/ICMPCode (-1 =
// any) to icmp. A rule has either a CIDR or a source group.
type Rule struct {
	ID           string
	Egress       bool
	Protocol     string
	StartPort    int
	EndPort      int
	ICMPType     int
	ICMPCode     int
	CIDR         string
	GroupName    string // source/destination security group
	GroupAccount string
	Tags         Tags
}

// SecurityGroupQuery selects security groups. Zero fields do not filter.
type SecurityGroupQuery struct {
	IDs   []string
	Names []string
	Tags  Tags
}

// CreateSecurityGroup creates a group. AlreadyExists if the name is taken.
func (s *Service) CreateSecurityGroup(ctx context.Context, name, description string, tags Tags) (*SecurityGroup, error) {
	return nil, unimplemented("CreateSecurityGroup")
}

// SecurityGroups lists the caller's groups matching q.
func (s *Service) SecurityGroups(ctx context.Context, q SecurityGroupQuery) ([]SecurityGroup, error) {
	return nil, unimplemented("SecurityGroups")
}

// SecurityGroup returns one group by UUID; NotFound (ResSecurityGroup).
func (s *Service) SecurityGroup(ctx context.Context, id string) (*SecurityGroup, error) {
	return nil, unimplemented("SecurityGroup")
}

// DeleteSecurityGroup deletes a group. InUse if VMs still use it.
func (s *Service) DeleteSecurityGroup(ctx context.Context, id string) error {
	return unimplemented("DeleteSecurityGroup")
}

// AuthorizeRules adds rules to a group and waits for CloudStack to apply
// them. Rules with Egress set go to the egress list. AlreadyExists if an
// identical rule exists. If one rule fails, rules added by this call are
// revoked again.
func (s *Service) AuthorizeRules(ctx context.Context, groupID string, rules []Rule) ([]Rule, error) {
	return nil, unimplemented("AuthorizeRules")
}

// RevokeRules removes the group's rules that equal the given ones
// (matched on direction, protocol, ports, ICMP, CIDR and source group;
// IDs are used when set). NotFound if a rule does not exist.
func (s *Service) RevokeRules(ctx context.Context, groupID string, rules []Rule) error {
	return unimplemented("RevokeRules")
}
