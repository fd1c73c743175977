package translate

import "context"

// VMStreamer is implemented by a CloudStack port that can hand over a VM
// listing one CloudStack page at a time (csbackend), so a caller that keeps
// only a little of each VM (InstancesByName: its sort key and id) holds one
// page, not the whole listing. fn must not keep the pointer.
type VMStreamer interface {
	EachVirtualMachine(ctx context.Context, req ListVMsRequest, fn func(*Instance)) error
}

// forEachVM calls fn with every VM of req: page by page when the port is a
// VMStreamer, else from one ListVirtualMachines.
func (s *Service) forEachVM(ctx context.Context, req ListVMsRequest, fn func(*Instance)) error {
	if st, ok := s.cs.(VMStreamer); ok {
		return st.EachVirtualMachine(ctx, req, fn)
	}
	all, err := s.cs.ListVirtualMachines(ctx, req)
	if err != nil {
		return err
	}
	for i := range all {
		fn(&all[i])
	}
	return nil
}
