package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// ListCapabilities implements translate.CloudStack (listCapabilities, any
// role; the fields are CloudStack's CapabilitiesResponse).
func (b *Backend) ListCapabilities(ctx context.Context) (*translate.Capabilities, error) {
	raw, err := b.call(ctx, "listCapabilities", "", nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		C struct {
			Version             string   `json:"cloudstackversion"`
			SecurityGroups      flexBool `json:"securitygroupsenabled"`
			UserExpungeVM       flexBool `json:"allowuserexpungerecovervm"`
			UserViewDestroyedVM flexBool `json:"allowuserviewdestroyedvm"`
			UserExpungeVolume   flexBool `json:"allowuserexpungerecovervolume"`
			CustomDiskMax       flexInt  `json:"customdiskofferingmaxsize"`
		} `json:"capability"`
	}
	if err := decode("listCapabilities", raw, &r); err != nil {
		return nil, err
	}
	c := r.C
	return &translate.Capabilities{Version: c.Version, SecurityGroups: bool(c.SecurityGroups),
		UserExpungeVM: bool(c.UserExpungeVM), UserViewDestroyedVM: bool(c.UserViewDestroyedVM),
		UserExpungeVolume: bool(c.UserExpungeVolume), CustomDiskMaxGB: int64(c.CustomDiskMax), Known: true}, nil
}
