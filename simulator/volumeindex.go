package simulator

// volumesOfVM returns the volumes attached to VM id, in the order of
// s.st.Volumes, through s.st.volIdx (rebuilt when stale: reset by every
// change to the Volumes slice or to a volume's VMID, and checked against
// the slice's length and each volume's VMID so that a change that forgot
// to reset it cannot add or keep a wrong volume).
func (s *Server) volumesOfVM(id string) []*volume {
	if s.st.volIdx == nil || s.st.volIdxLen != len(s.st.Volumes) {
		s.st.volIdx = make(map[string][]*volume, len(s.st.Volumes))
		for _, v := range s.st.Volumes {
			if v.VMID != "" {
				s.st.volIdx[v.VMID] = append(s.st.volIdx[v.VMID], v)
			}
		}
		s.st.volIdxLen = len(s.st.Volumes)
	}
	var out []*volume
	for _, v := range s.st.volIdx[id] {
		if v.VMID == id {
			out = append(out, v)
		}
	}
	return out
}
