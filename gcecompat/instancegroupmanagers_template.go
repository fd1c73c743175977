package gcecompat

import "context"

// migTemplate reads a managed instance group's instance template
// (instancetemplates.go) as the instances.insert body a member is created
// from: the template's properties exactly as stored, decoded strictly like
// instances.insert?sourceInstanceTemplate= does. The caller sets the name.
func (s *server) migTemplate(ctx context.Context, project, name string) (*instanceInsert, error) {
	t, err := s.templateByName(ctx, project, name)
	if err != nil {
		return nil, err
	}
	req := &instanceInsert{}
	if err := decodeStrict(t.doc.Properties, req); err != nil {
		return nil, err
	}
	return req, nil
}
