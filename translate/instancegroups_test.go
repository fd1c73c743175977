package translate_test

import (
	"context"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

// TestSetSecurityGroupsReadBack: a CloudStack that answers success without
// changing the groups (an updateVirtualMachine that ignores
// securitygroupids) is reported Unimplemented, never as done.
func TestSetSecurityGroupsReadBack(t *testing.T) {
	w, m := newWorld()
	svc := newService(m)
	m.ListSecurityGroupsFn = func(ctx context.Context, req translate.ListSecurityGroupsRequest) ([]translate.SecurityGroup, error) {
		return []translate.SecurityGroup{{ID: "sg-a", Name: "a"}, {ID: "sg-b", Name: "b"}}, nil
	}
	applied := false
	m.UpdateVirtualMachineSecurityGroupsFn = func(ctx context.Context, id string, ids []string) error {
		if applied {
			w.mu.Lock()
			w.vms[id].Groups = nil
			for _, g := range ids {
				w.vms[id].Groups = append(w.vms[id].Groups, translate.GroupRef{ID: g})
			}
			w.mu.Unlock()
		}
		return nil
	}
	insts, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID})
	if err != nil {
		t.Fatal(err)
	}
	id := insts[0].ID
	w.mu.Lock()
	w.vms[id].State = translate.StateStopped
	w.mu.Unlock()
	_, err = svc.SetSecurityGroups(testCtx(), id, []string{"sg-b", "sg-a"})
	if translate.KindOf(err) != translate.Unimplemented {
		t.Fatalf("ignored update: %v, want Unimplemented", err)
	}
	applied = true
	in, err := svc.SetSecurityGroups(testCtx(), id, []string{"sg-b", "sg-a", "sg-b"})
	if err != nil || len(in.Groups) != 2 {
		t.Fatalf("applied update: %+v %v", in, err)
	}
}
