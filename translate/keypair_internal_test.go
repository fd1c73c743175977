package translate

import "testing"

func TestCheckPublicKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host", true},
		{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", true},
		{"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", false}, // type mismatch
		{"ssh-ed25519 !!!", false},
		{"just-one-field", false},
		{"", false},
		{"ssh-rsa AAAA", false},
	}
	for _, tt := range tests {
		if err := checkPublicKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("checkPublicKey(%q) = %v, want ok=%v", tt.key, err, tt.ok)
		}
	}
}

func TestGatewayOf(t *testing.T) {
	tests := []struct{ cidr, gw, mask string }{
		{"10.1.2.0/24", "10.1.2.1", "255.255.255.0"},
		{"10.1.2.77/24", "10.1.2.1", "255.255.255.0"},
		{"192.168.0.0/16", "192.168.0.1", "255.255.0.0"},
		{"bad", "", ""},
		{"10.0.0.0/31", "", ""},
		{"fd00::/64", "", ""},
	}
	for _, tt := range tests {
		gw, mask, err := gatewayOf(tt.cidr)
		if (err == nil) != (tt.gw != "") || gw != tt.gw || mask != tt.mask {
			t.Errorf("gatewayOf(%q) = %q, %q, %v", tt.cidr, gw, mask, err)
		}
	}
}

func TestSameRule(t *testing.T) {
	base := Rule{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}
	tests := []struct {
		name string
		r    Rule
		same bool
	}{
		{"identical", base, true},
		{"protocol number", Rule{Protocol: "6", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}, true},
		{"upper case", Rule{Protocol: "TCP", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}, true},
		{"id ignored", Rule{ID: "x", Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}, true},
		{"port", Rule{Protocol: "tcp", StartPort: 22, EndPort: 23, CIDR: "0.0.0.0/0"}, false},
		{"cidr", Rule{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "10.0.0.0/8"}, false},
		{"egress", Rule{Egress: true, Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}, false},
		{"udp", Rule{Protocol: "udp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}, false},
	}
	for _, tt := range tests {
		if got := SameRule(base, tt.r); got != tt.same {
			t.Errorf("%s: SameRule = %v", tt.name, got)
		}
	}
	if !SameRule(Rule{Protocol: "all", CIDR: "a"}, Rule{Protocol: "-1", StartPort: 1, CIDR: "a"}) {
		t.Error("all/-1 differ")
	}
	if !SameRule(Rule{Protocol: "icmp", ICMPType: 8, ICMPCode: 0, GroupName: "g"}, Rule{Protocol: "1", ICMPType: 8, ICMPCode: 0, GroupName: "g", GroupAccount: "demo"}) {
		t.Error("icmp group rules differ")
	}
}
