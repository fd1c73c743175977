package gcecompat

import (
	"context"
	"encoding/json"
)

// migTemplate reads a managed instance group's instance template
// (instancetemplates.go): its properties exactly as stored, from which
// each member's instances.insert body is decoded (migTemplateBody.insert).
func (s *server) migTemplate(ctx context.Context, project, name string) (migTemplateBody, error) {
	t, err := s.templateByName(ctx, project, name)
	if err != nil {
		return nil, err
	}
	b := migTemplateBody(t.doc.Properties)
	if _, err := b.insert(); err != nil {
		return nil, err
	}
	return b, nil
}

// migTemplateBody is an instance template's properties.
type migTemplateBody json.RawMessage

// insert decodes a fresh instances.insert body, strictly, as
// instances.insert?sourceInstanceTemplate= does. The caller sets the name.
func (b migTemplateBody) insert() (*instanceInsert, error) {
	req := &instanceInsert{}
	if err := decodeStrict(b, req); err != nil {
		return nil, err
	}
	return req, nil
}
