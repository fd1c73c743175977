package translate

import "context"

// Capabilities is what CloudStack's listCapabilities tells a caller about
// the management server: its version and the operator settings that change
// what a normal user may do. The gateway reads them as the caller and never
// assumes a permission it does not report.
type Capabilities struct {
	Version string
	// SecurityGroups: CloudStack's securitygroupsenabled.
	SecurityGroups bool
	// UserExpungeVM is allow.user.expunge.recover.vm (CloudStack default
	// false, UserVmManager.AllowUserExpungeRecoverVm): a user may pass
	// expunge=true to destroyVirtualMachine and call expungeVirtualMachine.
	UserExpungeVM bool
	// UserViewDestroyedVM is allow.user.view.destroyed.vm (default false,
	// QueryService.AllowUserViewDestroyedVM): users see Destroyed VMs.
	UserViewDestroyedVM bool
	// UserExpungeVolume is allow.user.expunge.recover.volume.
	UserExpungeVolume bool
	// CustomDiskMaxGB is custom.diskoffering.size.max.
	CustomDiskMaxGB int64
	// Known is false when listCapabilities could not be read; every
	// permission above is then false.
	Known bool
}

// Capabilities returns the caller's view of listCapabilities, cached per
// caller like the catalog. When CloudStack does not answer it (an old
// version, a restricted role) it returns the conservative defaults
// (CloudStack's own: no user expunge, Destroyed VMs hidden) and no error,
// so that the gateway degrades instead of failing.
func (s *Service) Capabilities(ctx context.Context) (Capabilities, error) {
	v, err := s.cached(ctx, "capabilities", func(ctx context.Context) (any, error) {
		c, err := s.cs.ListCapabilities(ctx)
		if err != nil {
			switch KindOf(err) {
			case Unauthenticated, Unavailable, DeadlineExceeded, Throttled:
				return nil, err
			}
			return Capabilities{}, nil
		}
		out := *c
		out.Known = true
		return out, nil
	})
	if err != nil {
		return Capabilities{}, opErr("Capabilities", "", "", err)
	}
	return v.(Capabilities), nil
}

// canExpunge reports whether the caller may expunge VMs. A failure to read
// the capabilities counts as "no".
func (s *Service) canExpunge(ctx context.Context) bool {
	c, err := s.Capabilities(ctx)
	return err == nil && c.UserExpungeVM
}
