package gcecompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Instance templates (global/instanceTemplates) are kept in CloudStack as
// registered user data (translate.StoreDoc) named tmplPrefix+name, whose
// content is templateDoc: the properties exactly as the client sent them,
// so a get reads back what was written. CloudStack keeps user data names
// unique per account, which makes an insert atomic across replicas and a
// retried insert (same requestId) recognisable.
//
// Every property is checked at insert against what an instances.insert
// can honour (instanceInsert.validate, the machine type, image, disk type
// and network references), so a template never stores a field that would
// be dropped or refused at launch. instances.insert?sourceInstanceTemplate=
// starts from the template's properties; every top-level field of the
// request body replaces the template's (mergeTemplate).

const tmplPrefix = "cg-it-"

// templateDoc is the stored document (version 1).
type templateDoc struct {
	V           int             `json:"v"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Created     string          `json:"created"`
	RequestID   string          `json:"requestId,omitempty"`
	Properties  json.RawMessage `json:"properties"`
}

// templateInsert is the body of instanceTemplates.insert. sourceInstance
// and sourceInstanceParams are not fields here, so the strict decoder
// refuses them naming the field.
type templateInsert struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Properties  *templateProps  `json:"properties"`
	Region      json.RawMessage `json:"region"` // output only; must be absent (checked)
}

// templateProps are the InstanceProperties fields an instances.insert
// honours (the others are refused by the strict decoder, naming them).
type templateProps struct {
	Description       string            `json:"description"` // the instances' description
	MachineType       string            `json:"machineType"`
	CanIPForward      bool              `json:"canIpForward"`
	MinCPUPlatform    string            `json:"minCpuPlatform"`
	Disks             []insertDisk      `json:"disks"`
	NetworkInterfaces []insertNIC       `json:"networkInterfaces"`
	Metadata          *reqMetadata      `json:"metadata"`
	Tags              *wireTags         `json:"tags"`
	Labels            map[string]string `json:"labels"`
	Scheduling        *struct {
		AutomaticRestart  *bool  `json:"automaticRestart"`
		OnHostMaintenance string `json:"onHostMaintenance"`
		Preemptible       bool   `json:"preemptible"`
		ProvisioningModel string `json:"provisioningModel"`
	} `json:"scheduling"`
	ServiceAccounts   []insertServiceAccount `json:"serviceAccounts"`
	GuestAccelerators []struct {
		AcceleratorType  string `json:"acceleratorType"`
		AcceleratorCount int    `json:"acceleratorCount"`
	} `json:"guestAccelerators"`
}

func (p *templateProps) instance() *instanceInsert {
	return &instanceInsert{
		Description: p.Description, MachineType: p.MachineType, CanIPForward: p.CanIPForward, MinCPUPlatform: p.MinCPUPlatform,
		Disks: p.Disks, NetworkInterfaces: p.NetworkInterfaces, Metadata: p.Metadata, Tags: p.Tags,
		Labels: p.Labels, Scheduling: p.Scheduling, ServiceAccounts: p.ServiceAccounts, GuestAccelerators: p.GuestAccelerators,
	}
}

type wireInstanceTemplate struct {
	Kind              string          `json:"kind"`
	ID                string          `json:"id"`
	CreationTimestamp string          `json:"creationTimestamp"`
	Name              string          `json:"name"`
	Description       string          `json:"description,omitempty"`
	Properties        json.RawMessage `json:"properties"`
	SelfLink          string          `json:"selfLink"`
}

func (t *wireInstanceTemplate) sortName() string { return t.Name }
func (t *wireInstanceTemplate) sortTime() string { return t.CreationTimestamp }

// instanceTemplate is a stored template, decoded.
type instanceTemplate struct {
	id  string // CloudStack user data id
	doc templateDoc
}

func parseTemplate(d *translate.StoredDoc) (*instanceTemplate, error) {
	t := &instanceTemplate{id: d.ID}
	if err := json.Unmarshal(d.Body, &t.doc); err != nil || t.doc.V != 1 || tmplPrefix+t.doc.Name != d.Name {
		return nil, &translate.Error{Kind: translate.Internal, Resource: translate.ResUserData, ID: d.Name,
			Message: "stored instance template is unreadable", Err: fmt.Errorf("user data %s: %v", d.ID, err)}
	}
	return t, nil
}

func (s *server) wireTemplate(project string, t *instanceTemplate) *wireInstanceTemplate {
	return &wireInstanceTemplate{Kind: "compute#instanceTemplate", ID: numericID(t.id), CreationTimestamp: t.doc.Created,
		Name: t.doc.Name, Description: t.doc.Description, Properties: t.doc.Properties,
		SelfLink: s.global(project, "instanceTemplates", t.doc.Name)}
}

func (s *server) templateByName(ctx context.Context, project, name string) (*instanceTemplate, error) {
	d, err := s.svc.Doc(ctx, tmplPrefix+name)
	if isNotFound(err) {
		return nil, notFound(translate.ResUserData, "projects/"+project+"/global/instanceTemplates/"+name)
	}
	if err != nil {
		return nil, err
	}
	return parseTemplate(d)
}

func (s *server) templates(ctx context.Context, project string) ([]*wireInstanceTemplate, error) {
	docs, err := s.svc.Docs(ctx, tmplPrefix)
	if err != nil {
		return nil, err
	}
	out := make([]*wireInstanceTemplate, 0, len(docs))
	for i := range docs {
		t, err := parseTemplate(&docs[i])
		if err != nil {
			s.log.Warn("skipping unreadable instance template", "userdata", docs[i].ID, "err", err)
			continue
		}
		out = append(out, s.wireTemplate(project, t))
	}
	return out, nil
}

func (s *server) listInstanceTemplates(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	items, err := s.templates(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	pg, next := page(items, lp)
	return s.list("compute#instanceTemplateList", s.projectLink(project)+"/global/instanceTemplates", pg, next), nil
}

// aggregatedInstanceTemplates answers gcloud compute instance-templates
// list: the global templates (regional ones cannot be created here).
func (s *server) aggregatedInstanceTemplates(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	items, err := s.templates(ctx, project)
	if err != nil {
		return nil, err
	}
	all := make([]scoped[*wireInstanceTemplate], 0, len(items))
	for _, it := range items {
		all = append(all, scoped[*wireInstanceTemplate]{scope: "global", item: it})
	}
	lp.scopes = append([]string{"global"}, s.scopes(ctx)...)
	return aggregate("compute#instanceTemplateAggregatedList", s.projectLink(project)+"/aggregated/instanceTemplates", "instanceTemplates", all, lp), nil
}

func (s *server) getInstanceTemplate(c *gin.Context) (any, error) {
	project := c.Param("project")
	t, err := s.templateByName(c.Request.Context(), project, c.Param("instanceTemplate"))
	if err != nil {
		return nil, err
	}
	return s.wireTemplate(project, t), nil
}

func (s *server) deleteInstanceTemplate(c *gin.Context) (any, error) {
	ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("instanceTemplate")
	t, err := s.templateByName(ctx, project, name)
	if err != nil {
		return nil, err
	}
	if err := s.templateInUse(ctx, project, name); err != nil {
		return nil, err
	}
	if err := s.svc.DeleteDoc(ctx, t.id); err != nil {
		return nil, err
	}
	return s.done(c, newOp("delete", "", "instanceTemplates", name, t.id))
}

func (s *server) insertInstanceTemplate(c *gin.Context) (any, error) {
	raw, err := readBody(c)
	if err != nil {
		return nil, err
	}
	var req templateInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	if len(req.Region) > 0 && string(req.Region) != "null" {
		return nil, unsupportedValue("resource.region", strings.Trim(string(req.Region), `"`), "Regional instance templates are not supported by this gateway; insert a global one.")
	}
	if req.Properties == nil {
		return nil, invalid("Invalid value for field 'resource.properties': ''. Instance template properties are required.")
	}
	ctx, project := c.Request.Context(), c.Param("project")
	if err := s.checkTemplateProps(ctx, project, req.Properties); err != nil {
		return nil, err
	}
	var body struct {
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, invalid("Invalid JSON payload received. %v", err)
	}
	var props bytes.Buffer
	if err := json.Compact(&props, body.Properties); err != nil {
		return nil, invalid("Invalid JSON payload received. %v", err)
	}
	requestID := c.Query("requestId")
	doc := templateDoc{V: 1, Name: req.Name, Description: req.Description, Created: timestamp(time.Now()),
		RequestID: requestID, Properties: props.Bytes()}
	b, _ := json.Marshal(doc)
	d, err := s.svc.StoreDoc(ctx, "Instance templates", tmplPrefix+req.Name, b)
	if translate.KindOf(err) == translate.AlreadyExists {
		// The name is taken: by this very insert if it is a retry (the
		// requestId reached CloudStack in the stored document).
		if t, gerr := s.templateByName(ctx, project, req.Name); gerr == nil && requestID != "" && t.doc.RequestID == requestID {
			return s.done(c, newOp("insert", "", "instanceTemplates", req.Name, t.id))
		}
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResUserData, req.Name,
			"The resource 'projects/%s/global/instanceTemplates/%s' already exists", project, req.Name)
	}
	if translate.KindOf(err) == translate.InvalidArgument {
		return nil, invalid("Invalid value for field 'resource.properties': '{…}'. The instance template cannot be stored in CloudStack: %s.", translate.AsError(err).Message)
	}
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("insert", "", "instanceTemplates", req.Name, d.ID))
}

// readBody reads the request body and puts it back for bindJSON.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, invalid("Invalid JSON payload received. %v", err)
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(raw))
	return raw, nil
}

// propsField renames an instances.insert field error to the template's
// field ("resource.disks[0]" → "resource.properties.disks[0]").
func propsField(err error) error {
	var e *translate.Error
	if errors.As(err, &e) && e.Kind == translate.InvalidArgument {
		c := *e
		c.Message = strings.ReplaceAll(c.Message, "'resource.", "'resource.properties.")
		return &c
	}
	return err
}

// checkTemplateProps refuses, at insert, every property an instances.insert
// from the template could not honour, naming the field.
func (s *server) checkTemplateProps(ctx context.Context, project string, p *templateProps) error {
	r := p.instance()
	if err := propsField(r.validate()); err != nil {
		return err
	}
	if err := checkLabels("resource.properties.labels", p.Labels); err != nil {
		return err
	}
	if _, err := serviceAccountTags(p.ServiceAccounts); err != nil {
		return propsField(err)
	}
	if p.MachineType == "" {
		return invalid("Invalid value for field 'resource.properties.machineType': ''. A machine type is required.")
	}
	if strings.Contains(p.MachineType, "/") {
		return unsupportedValue("resource.properties.machineType", p.MachineType, "Give the machine type's name (for example e2-medium), not a URL.")
	}
	_, zones, err := s.zoneNames(ctx)
	if err != nil {
		return err
	}
	if len(zones) == 0 {
		return unimplementedf("This cloud has no zones to launch instances in.")
	}
	zone := &zones[0]
	zoneName := s.gceZone(zone.Name)
	if _, err := s.resolveMachineType(ctx, project, zoneName, p.MachineType); err != nil {
		if isNotFound(err) {
			return invalid("Invalid value for field 'resource.properties.machineType': '%s'. Machine type with name '%s' does not exist.", p.MachineType, p.MachineType)
		}
		return err
	}
	if len(p.Disks) == 0 {
		return invalid("Invalid value for field 'resource.properties.disks': ''. Boot disk must be specified.")
	}
	for i, d := range p.Disks {
		f := fmt.Sprintf("resource.properties.disks[%d]", i)
		if d.Source != "" {
			return unsupportedValue(f+".source", d.Source, "Instance templates create their boot disk from an image; existing disks cannot be shared by the instances of a template.")
		}
		ip := d.InitializeParams
		if ip == nil || ip.SourceImage == "" {
			return invalid("Invalid value for field '%s.initializeParams.sourceImage': ''. A source image is required.", f)
		}
		if _, err := s.resolveImage(ctx, ip.SourceImage); err != nil {
			if isNotFound(err) {
				return invalid("Invalid value for field '%s.initializeParams.sourceImage': '%s'. The referenced image resource cannot be found.", f, ip.SourceImage)
			}
			return propsField(err)
		}
		if ip.DiskType != "" {
			if strings.Contains(ip.DiskType, "/") {
				return unsupportedValue(f+".initializeParams.diskType", ip.DiskType, "Give the disk type's name (for example pd-balanced), not a URL.")
			}
			if _, _, err := s.resolveDiskType(ctx, project, zoneName, ip.DiskType); err != nil {
				if isNotFound(err) {
					return invalid("Invalid value for field '%s.initializeParams.diskType': '%s'. Disk type does not exist.", f, ip.DiskType)
				}
				return err
			}
		}
	}
	// Network references: the network and subnetwork must exist, in some
	// zone (the template is global; the instance's zone picks).
	if len(p.NetworkInterfaces) > 0 {
		var first error
		for i := range zones {
			var scratch translate.LaunchSpec
			err := s.applyNetworkInterfaces(ctx, project, &zones[i], p.NetworkInterfaces[:1], &scratch)
			if err == nil {
				first = nil
				break
			}
			if first == nil {
				first = err
			}
		}
		if first != nil {
			return propsField(first)
		}
	}
	return nil
}

// bindInstanceInsert decodes an instances.insert body; with
// ?sourceInstanceTemplate= it starts from the template's properties, every
// top-level field present in the body replacing the template's.
func (s *server) bindInstanceInsert(c *gin.Context, req *instanceInsert) error {
	src := c.Query("sourceInstanceTemplate")
	if src == "" {
		return bindJSON(c, req)
	}
	raw, err := readBody(c)
	if err != nil {
		return err
	}
	r, err := s.instanceFromTemplate(c.Request.Context(), c.Param("project"), src, raw)
	if err != nil {
		return err
	}
	*req = *r
	return nil
}

// instanceFromTemplate is the instances.insert body made from the instance
// template src (a name or URL) and body's top-level fields (JSON; may be
// empty), which replace the template's. Managed instance groups use it
// with {"name": member}.
func (s *server) instanceFromTemplate(ctx context.Context, project, src string, body []byte) (*instanceInsert, error) {
	if p := segmentAfter(src, "projects"); p != "" && p != project {
		return nil, unsupportedValue("sourceInstanceTemplate", src, "The instance template must be in the instance's project.")
	}
	if segmentAfter(src, "regions") != "" {
		return nil, notFound(translate.ResUserData, strings.TrimPrefix(src, s.base+"/"))
	}
	t, err := s.templateByName(ctx, project, lastSegment(src))
	if err != nil {
		return nil, err
	}
	merged, err := mergeTemplate(t.doc.Properties, body)
	if err != nil {
		return nil, err
	}
	var req instanceInsert
	err = decodeStrict(merged, &req)
	var uf *unknownFieldError
	if errors.As(err, &uf) {
		if schemaHasPath("Instance", uf.path) {
			return nil, invalid("Invalid value for field 'resource.%s': this gateway does not implement this field, so it cannot honour it.", uf.path)
		}
		return nil, invalid("Invalid JSON payload received. Unknown name %q: Cannot find field.", uf.path)
	}
	if err != nil {
		return nil, err
	}
	return &req, nil
}

// mergeTemplate overlays the request body's top-level fields on the
// template's properties.
func mergeTemplate(props, body []byte) ([]byte, error) {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(props, &m); err != nil {
		return nil, &translate.Error{Kind: translate.Internal, Message: "stored instance template is unreadable", Err: err}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var over map[string]json.RawMessage
		if err := json.Unmarshal(body, &over); err != nil {
			return nil, invalid("Invalid JSON payload received. %v", err)
		}
		for k, v := range over {
			if string(v) == "null" {
				continue
			}
			m[k] = v
		}
	}
	return json.Marshal(m)
}
