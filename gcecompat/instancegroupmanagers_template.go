package gcecompat

import (
	"context"
	"encoding/json"

	"github.com/cloudgate/cloudgate/translate"
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

// templateInUse refuses to delete an instance template a managed instance
// group creates its members from, as GCE does (400
// resourceInUseByAnotherResource naming the group).
func (s *server) templateInUse(ctx context.Context, project, name string) error {
	groups, err := s.svc.InstanceGroups(ctx, translate.ListInstanceGroupsRequest{Keyword: migGroupPrefix})
	if err != nil {
		return err
	}
	zones, _, err := s.zoneNames(ctx)
	if err != nil {
		return err
	}
	for _, g := range groups {
		zoneID, mig, _, tmpl, _, ok := parseMIGGroup(g.Name)
		if ok && tmpl == name && zones[zoneID] != "" {
			return translate.Errorf(translate.InUse, translate.ResUserData, name,
				"The instance_template resource 'projects/%s/global/instanceTemplates/%s' is already being used by 'projects/%s/zones/%s/instanceGroupManagers/%s'",
				project, name, project, zones[zoneID], mig)
		}
	}
	return nil
}
