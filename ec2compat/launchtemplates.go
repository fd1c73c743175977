package ec2compat

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// Launch templates are kept in CloudStack as registered user data
// (translate.StoreDoc), one object per fact, so that every replica reads
// the same answer and CloudStack's unique names serialise writers:
//
//	cg-ltn-<LaunchTemplateName>  the template: its id, creation time,
//	                             ClientToken and tags (ltDoc)
//	cg-lt-<id>-<N>               version N: its description and the
//	                             LaunchTemplateData parameters exactly as
//	                             the client sent them (ltVersionDoc)
//	cg-ltd-<id>-<N>              the default version is N (absent: 1)
//	cg-ltx-<id>-<N>              version N was deleted (numbers are
//	                             never reused, as in EC2)
//	cg-ltt-<id>-<stamp>          the template's tags after CreateTags or
//	                             DeleteTags (the newest wins; else ltDoc's)
//
// LaunchTemplateData is stored as the RunInstances parameters it stands
// for (LaunchTemplateData.X → X): its parameter table is RunInstances'
// (ltDataParams), every value is checked at creation by the same code
// RunInstances uses (launchSpec), and RunInstances with LaunchTemplate=
// merges the version's parameters under the request's (applyLaunchTemplate).

const (
	ltNamePrefix    = "cg-ltn-"
	ltVersionPrefix = "cg-lt-"
	ltDefaultPrefix = "cg-ltd-"
	ltGonePrefix    = "cg-ltx-" // version N was deleted: never reuse N
	ltTagsPrefix    = "cg-ltt-" // the template's tags since CreateTags/DeleteTags
	ltAllPrefix     = "cg-lt"   // all three
	ltDataPrefix    = "LaunchTemplateData."
)

// runOnlyParams are RunInstances parameters that are not part of
// RequestLaunchTemplateData (botocore's ec2 service model).
var runOnlyParams = map[string]bool{
	"MinCount": true, "MaxCount": true, "ClientToken": true, "SubnetId": true, "PrivateIpAddress": true,
	"Ipv6AddressCount": true, "Ipv6Address.1.Ipv6Address": true,
}

// ltDataParams are the LaunchTemplateData parameters, as RunInstances
// parameter patterns.
func ltDataParams() (allowed []string, defaults map[string][]string) {
	for _, p := range actionParams["RunInstances"] {
		if !runOnlyParams[p] && !strings.HasPrefix(p, "LaunchTemplate.") {
			allowed = append(allowed, p)
		}
	}
	return allowed, defaultOnly["RunInstances"]
}

func init() {
	data, defaults := ltDataParams()
	prefixed := make([]string, 0, len(data))
	for _, p := range data {
		prefixed = append(prefixed, ltDataPrefix+p)
	}
	pdef := map[string][]string{}
	for p, v := range defaults {
		pdef[ltDataPrefix+p] = v
	}
	ident := []string{"LaunchTemplateId", "LaunchTemplateName"}
	actionParams["CreateLaunchTemplate"] = join(prefixed, pTagSpec, []string{"LaunchTemplateName", "VersionDescription", "ClientToken"})
	actionParams["CreateLaunchTemplateVersion"] = join(prefixed, ident, []string{"SourceVersion", "VersionDescription", "ClientToken"})
	actionParams["DescribeLaunchTemplates"] = join(pFilter, pPaging, []string{"LaunchTemplateId.N", "LaunchTemplateName.N"})
	actionParams["DescribeLaunchTemplateVersions"] = join(pFilter, pPaging, ident, []string{"LaunchTemplateVersion.N", "MinVersion", "MaxVersion"})
	actionParams["ModifyLaunchTemplate"] = join(ident, []string{"SetDefaultVersion", "ClientToken"})
	actionParams["DeleteLaunchTemplate"] = ident
	actionParams["DeleteLaunchTemplateVersions"] = join(ident, []string{"LaunchTemplateVersion.N"})
	actionParams["RunInstances"] = append(actionParams["RunInstances"],
		"LaunchTemplate.LaunchTemplateId", "LaunchTemplate.LaunchTemplateName", "LaunchTemplate.Version")
	defaultOnly["CreateLaunchTemplate"] = pdef
	defaultOnly["CreateLaunchTemplateVersion"] = pdef

	actions["CreateLaunchTemplate"] = (*server).createLaunchTemplate
	actions["CreateLaunchTemplateVersion"] = (*server).createLaunchTemplateVersion
	actions["DescribeLaunchTemplates"] = (*server).describeLaunchTemplates
	actions["DescribeLaunchTemplateVersions"] = (*server).describeLaunchTemplateVersions
	actions["ModifyLaunchTemplate"] = (*server).modifyLaunchTemplate
	actions["DeleteLaunchTemplate"] = (*server).deleteLaunchTemplate
	actions["DeleteLaunchTemplateVersions"] = (*server).deleteLaunchTemplateVersions
}

// ltDoc is the stored template record (version 1 of the format).
type ltDoc struct {
	V       int               `json:"v"`
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Created string            `json:"created"`
	By      string            `json:"by"`
	Token   string            `json:"token,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// ltVersionDoc is one stored version. The version number is in the
// object's name only, so that a retried CreateLaunchTemplateVersion
// (same ClientToken) sends the same content, which CloudStack refuses as
// a duplicate: the retry then finds the version it made. Without a token
// Nonce keeps identical versions distinct.
type ltVersionDoc struct {
	V           int               `json:"v"`
	ID          string            `json:"id"`
	Description string            `json:"desc,omitempty"`
	Created     string            `json:"created"`
	By          string            `json:"by"`
	Token       string            `json:"token,omitempty"`
	Nonce       string            `json:"nonce,omitempty"`
	Data        map[string]string `json:"data"`
}

type ltDefaultDoc struct {
	V       int    `json:"v"`
	ID      string `json:"id"`
	Default int    `json:"default"`
	Nonce   string `json:"nonce"`
}

// launchTemplate is a template with all its stored objects.
type launchTemplate struct {
	docID    string // user data id of the template record
	doc      ltDoc
	versions map[int]*ltVersion
	defaults []ltDefault    // normally one; several while a ModifyLaunchTemplate runs
	gone     map[int]string // deleted version numbers → tombstone ids
	tagDocs  []ltTagsRec    // newest first
}

// ltTagsDoc is a tags record (CreateTags/DeleteTags on a template).
type ltTagsDoc struct {
	V     int               `json:"v"`
	ID    string            `json:"id"`
	Stamp string            `json:"stamp"`
	Tags  map[string]string `json:"tags"`
}

type ltTagsRec struct {
	docID string
	doc   ltTagsDoc
}

// tags are the template's current tags.
func (t *launchTemplate) tags() translate.Tags {
	if len(t.tagDocs) > 0 {
		return t.tagDocs[0].doc.Tags
	}
	return t.doc.Tags
}

func stamp() string { return fmt.Sprintf("%020d-%s", time.Now().UnixNano(), nonce()) }

type ltVersion struct {
	docID string
	n     int
	doc   ltVersionDoc
}

type ltDefault struct {
	docID string
	n     int
}

// next is the number of a new version: above every version, live or
// deleted.
func (t *launchTemplate) next() int {
	n := t.latest()
	for v := range t.gone {
		if v > n {
			n = v
		}
	}
	return n + 1
}

func (t *launchTemplate) latest() int {
	n := 0
	for v := range t.versions {
		if v > n {
			n = v
		}
	}
	return n
}

// defaultVersion is the newest default marker (CloudStack lists newest
// first), else 1.
func (t *launchTemplate) defaultVersion() int {
	if len(t.defaults) > 0 {
		return t.defaults[0].n
	}
	return 1
}

var (
	ltIDRe   = regexp.MustCompile(`^lt-[0-9a-f]{17}$`)
	ltNameRe = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]{3,128}$`)
)

func newLTID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return "lt-" + hex.EncodeToString(b[:])[:17]
}

func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func createdBy(r *request) string {
	return "arn:aws:iam::" + r.principal.AccountID + ":user/" + r.principal.UserName
}

// loadLaunchTemplates reads every launch template of the caller with one
// listUserData call.
func (s *server) loadLaunchTemplates(r *request) (map[string]*launchTemplate, error) {
	docs, err := s.svc.Docs(r.ctx, ltAllPrefix)
	if err != nil {
		return nil, err
	}
	byID := map[string]*launchTemplate{}
	get := func(id string) *launchTemplate {
		t := byID[id]
		if t == nil {
			t = &launchTemplate{versions: map[int]*ltVersion{}, gone: map[int]string{}}
			byID[id] = t
		}
		return t
	}
	// Docs are sorted by name; default markers must keep CloudStack's
	// newest-first order, so collect them and sort by nonce time below.
	type marker struct {
		docID string
		n     int
		doc   ltDefaultDoc
	}
	var markers []marker
	for _, d := range docs {
		switch {
		case strings.HasPrefix(d.Name, ltNamePrefix):
			var doc ltDoc
			if json.Unmarshal(d.Body, &doc) != nil || doc.V != 1 || ltNamePrefix+doc.Name != d.Name {
				s.log.Warn("skipping unreadable launch template", "userdata", d.ID)
				continue
			}
			t := get(doc.ID)
			t.docID, t.doc = d.ID, doc
		case strings.HasPrefix(d.Name, ltTagsPrefix):
			var doc ltTagsDoc
			if json.Unmarshal(d.Body, &doc) != nil || doc.V != 1 || d.Name != ltTagsPrefix+doc.ID+"-"+doc.Stamp {
				continue
			}
			t := get(doc.ID)
			t.tagDocs = append(t.tagDocs, ltTagsRec{d.ID, doc})
		case strings.HasPrefix(d.Name, ltGonePrefix):
			var doc ltDefaultDoc
			if json.Unmarshal(d.Body, &doc) != nil || doc.V != 1 || d.Name != fmt.Sprintf("%s%s-%d", ltGonePrefix, doc.ID, doc.Default) {
				continue
			}
			get(doc.ID).gone[doc.Default] = d.ID
		case strings.HasPrefix(d.Name, ltDefaultPrefix):
			var doc ltDefaultDoc
			if json.Unmarshal(d.Body, &doc) != nil || doc.V != 1 || d.Name != fmt.Sprintf("%s%s-%d", ltDefaultPrefix, doc.ID, doc.Default) {
				continue
			}
			markers = append(markers, marker{d.ID, doc.Default, doc})
		case strings.HasPrefix(d.Name, ltVersionPrefix):
			rest := strings.TrimPrefix(d.Name, ltVersionPrefix)
			i := strings.LastIndexByte(rest, '-')
			if i < 0 {
				continue
			}
			n, err := strconv.Atoi(rest[i+1:])
			var doc ltVersionDoc
			if err != nil || n < 1 || json.Unmarshal(d.Body, &doc) != nil || doc.V != 1 || doc.ID != rest[:i] {
				continue
			}
			get(doc.ID).versions[n] = &ltVersion{docID: d.ID, n: n, doc: doc}
		}
	}
	sort.SliceStable(markers, func(i, j int) bool { return markers[i].doc.Nonce > markers[j].doc.Nonce })
	for _, m := range markers {
		if t := byID[m.doc.ID]; t != nil {
			t.defaults = append(t.defaults, ltDefault{m.docID, m.n})
		}
	}
	for _, t := range byID {
		sort.SliceStable(t.tagDocs, func(i, j int) bool { return t.tagDocs[i].doc.Stamp > t.tagDocs[j].doc.Stamp })
	}
	for id, t := range byID {
		if t.docID == "" {
			// Versions of a template being created or deleted.
			delete(byID, id)
		}
	}
	return byID, nil
}

// findLaunchTemplate resolves LaunchTemplateId or LaunchTemplateName
// (exactly one) among the caller's templates.
func (s *server) findLaunchTemplate(r *request, q query) (*launchTemplate, error) {
	id, name := q.str("LaunchTemplateId"), q.str("LaunchTemplateName")
	switch {
	case id == "" && name == "":
		return nil, apiErr("MissingParameter", "The request must include either the launch template ID or the launch template name.")
	case id != "" && name != "":
		return nil, apiErr("InvalidParameterCombination", "The request cannot include both the launch template ID and the launch template name.")
	case id != "" && !ltIDRe.MatchString(id):
		return nil, apiErrf("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (%s) is not valid.", id)
	}
	all, err := s.loadLaunchTemplates(r)
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if id != "" && t.doc.ID == id || name != "" && t.doc.Name == name {
			return t, nil
		}
	}
	if id != "" {
		return nil, apiErrf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
	}
	return nil, apiErrf("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name %s, does not exist.", name)
}

// versionOf resolves a version reference ($Latest, $Default or a number;
// "" is $Default).
func (t *launchTemplate) versionOf(ref string) (*ltVersion, error) {
	n := 0
	switch ref {
	case "", "$Default":
		n = t.defaultVersion()
	case "$Latest":
		n = t.latest()
	default:
		v, err := strconv.Atoi(ref)
		if err != nil || v < 1 {
			return nil, apiErrf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version: %s", ref)
		}
		n = v
	}
	v := t.versions[n]
	if v == nil {
		return nil, apiErrf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version: %s", ref)
	}
	return v, nil
}

// ltData extracts the LaunchTemplateData parameters (prefix removed),
// one value each.
func ltData(q query) map[string]string {
	out := map[string]string{}
	for k := range q {
		if rest, ok := strings.CutPrefix(k, ltDataPrefix); ok {
			out[rest] = q.str(k)
		}
	}
	return out
}

// checkLTData checks template data as RunInstances would read it, so that
// nothing stored is dropped or refused at launch.
func (s *server) checkLTData(r *request, data map[string]string) error {
	q := query{}
	for k, v := range data {
		q[k] = []string{v}
	}
	vr := *r
	vr.q = q
	if _, _, err := s.launchSpec(&vr, true); err != nil {
		return err
	}
	return nil
}

// mergeParams returns base with every parameter group (first name
// segment, e.g. "SecurityGroupId" or "BlockDeviceMapping") that over sets
// replaced by over's.
func mergeParams(base, over map[string]string) map[string]string {
	head := func(k string) string { h, _, _ := strings.Cut(k, "."); return h }
	set := map[string]bool{}
	for k := range over {
		set[head(k)] = true
	}
	out := map[string]string{}
	for k, v := range base {
		if !set[head(k)] {
			out[k] = v
		}
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// Reserved tags recording the launch template an instance came from;
// DescribeInstances shows them as EC2's aws:ec2launchtemplate:id and
// aws:ec2launchtemplate:version (Terraform reads an instance's
// launch_template from them).
const (
	tagLTID      = translate.ReservedTagPrefix + "ec2-lt-id"
	tagLTVersion = translate.ReservedTagPrefix + "ec2-lt-version"
)

// instanceTagSet is an instance's user tags plus the aws:ec2launchtemplate
// tags of one launched from a template.
func instanceTagSet(t translate.Tags) []tagItem {
	out := tagSet(t)
	if id := t[tagLTID]; id != "" {
		out = append(out, tagItem{Key: "aws:ec2launchtemplate:id", Value: id},
			tagItem{Key: "aws:ec2launchtemplate:version", Value: t[tagLTVersion]})
		sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	}
	return out
}

// applyLaunchTemplate merges RunInstances' LaunchTemplate version into
// r.q (the request's parameters win, group by group) and returns the
// reserved tags that record the template on the instances.
func (s *server) applyLaunchTemplate(r *request) (translate.Tags, error) {
	spec := r.q.sub("LaunchTemplate")
	if len(spec) == 0 {
		return nil, nil
	}
	t, err := s.findLaunchTemplate(r, spec)
	if err != nil {
		return nil, err
	}
	v, err := t.versionOf(spec.str("Version"))
	if err != nil {
		return nil, err
	}
	req := map[string]string{}
	for k := range r.q {
		if !strings.HasPrefix(k, "LaunchTemplate.") {
			req[k] = r.q.str(k)
		}
	}
	// Request-only parameters (Action, counts, token…) never collide with
	// template data, so one merge does both.
	merged := mergeParams(v.doc.Data, req)
	q := query{}
	for k, val := range merged {
		q[k] = []string{val}
	}
	r.q = q
	return translate.Tags{tagLTID: t.doc.ID, tagLTVersion: strconv.Itoa(v.n)}, nil
}

// Responses.

type launchTemplateItem struct {
	ID      string    `xml:"launchTemplateId"`
	Name    string    `xml:"launchTemplateName"`
	Created string    `xml:"createTime"`
	By      string    `xml:"createdBy"`
	Default int       `xml:"defaultVersionNumber"`
	Latest  int       `xml:"latestVersionNumber"`
	Tags    []tagItem `xml:"tagSet>item"`
	tags    translate.Tags
}

func toLTItem(t *launchTemplate) launchTemplateItem {
	return launchTemplateItem{ID: t.doc.ID, Name: t.doc.Name, Created: t.doc.Created, By: t.doc.By,
		Default: t.defaultVersion(), Latest: t.latest(), Tags: tagSet(t.tags()), tags: t.tags()}
}

type launchTemplateResp struct {
	meta
	LaunchTemplate launchTemplateItem `xml:"launchTemplate"`
}

type ltVersionItem struct {
	ID          string     `xml:"launchTemplateId"`
	Name        string     `xml:"launchTemplateName"`
	Number      int        `xml:"versionNumber"`
	Description string     `xml:"versionDescription,omitempty"`
	Created     string     `xml:"createTime"`
	By          string     `xml:"createdBy"`
	Default     bool       `xml:"defaultVersion"`
	Data        ltDataNode `xml:"launchTemplateData"`
}

func toLTVersionItem(t *launchTemplate, v *ltVersion) ltVersionItem {
	return ltVersionItem{ID: t.doc.ID, Name: t.doc.Name, Number: v.n, Description: v.doc.Description,
		Created: v.doc.Created, By: v.doc.By, Default: v.n == t.defaultVersion(), Data: buildLTData(v.doc.Data)}
}

type ltVersionResp struct {
	meta
	Version ltVersionItem `xml:"launchTemplateVersion"`
}

// Handlers.

func (s *server) createLaunchTemplate(r *request) (response, error) {
	name, err := r.q.required("LaunchTemplateName")
	if err != nil {
		return nil, err
	}
	if !ltNameRe.MatchString(name) {
		return nil, apiErrf("InvalidLaunchTemplateName.MalformedException", "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.' (%s)", name)
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "launch-template"); err != nil {
		return nil, err
	}
	data := ltData(r.q)
	if len(data) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter LaunchTemplateData.")
	}
	if err := s.checkLTData(r, data); err != nil {
		return nil, err
	}
	desc := r.q.str("VersionDescription")
	if len(desc) > 255 {
		return nil, apiErr("InvalidParameterValue", "VersionDescription must be at most 255 characters.")
	}
	token := r.q.str("ClientToken")
	now := ts(time.Now())
	doc := ltDoc{V: 1, ID: newLTID(), Name: name, Created: now, By: createdBy(r), Token: token, Tags: specs["launch-template"]}
	b, _ := json.Marshal(doc)
	rec, err := s.svc.StoreDoc(r.ctx, "Launch templates", ltNamePrefix+name, b)
	if translate.KindOf(err) == translate.AlreadyExists {
		t, ferr := s.findLaunchTemplate(r, query{"LaunchTemplateName": {name}})
		if ferr != nil || token == "" || t.doc.Token != token {
			return nil, apiErr("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
		}
		// A retry of this very create: finish it if version 1 is missing.
		doc, rec = t.doc, &translate.StoredDoc{ID: t.docID}
		if t.versions[1] != nil {
			return &launchTemplateResp{LaunchTemplate: toLTItem(t)}, nil
		}
	} else if err != nil {
		return nil, s.storeErr(err)
	}
	v := ltVersionDoc{V: 1, ID: doc.ID, Description: desc, Created: now, By: doc.By, Token: token, Data: data}
	if token == "" {
		v.Nonce = nonce()
	}
	vb, _ := json.Marshal(v)
	if _, err := s.svc.StoreDoc(r.ctx, "Launch templates", fmt.Sprintf("%s%s-1", ltVersionPrefix, doc.ID), vb); err != nil && translate.KindOf(err) != translate.AlreadyExists {
		// Nothing half-done: the template record goes again.
		if derr := s.svc.DeleteDoc(r.ctx, rec.ID); derr != nil {
			s.log.Error("cannot remove a launch template whose first version failed", "userdata", rec.ID, "err", derr)
		}
		return nil, s.storeErr(err)
	}
	t := &launchTemplate{docID: rec.ID, doc: doc, versions: map[int]*ltVersion{1: {n: 1, doc: v}}}
	return &launchTemplateResp{LaunchTemplate: toLTItem(t)}, nil
}

// storeErr words a refusal to store as EC2 does for an oversized request.
func (s *server) storeErr(err error) error {
	if translate.KindOf(err) == translate.InvalidArgument {
		return apiErrf("InvalidParameterValue", "The launch template data cannot be stored in this cloud: %s", translate.AsError(err).Message)
	}
	return err
}

func (s *server) createLaunchTemplateVersion(r *request) (response, error) {
	t, err := s.findLaunchTemplate(r, r.q)
	if err != nil {
		return nil, err
	}
	data := ltData(r.q)
	if len(data) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter LaunchTemplateData.")
	}
	if src := r.q.str("SourceVersion"); src != "" {
		sv, err := t.versionOf(src)
		if err != nil {
			return nil, err
		}
		data = mergeParams(sv.doc.Data, data)
	}
	if err := s.checkLTData(r, data); err != nil {
		return nil, err
	}
	desc := r.q.str("VersionDescription")
	if len(desc) > 255 {
		return nil, apiErr("InvalidParameterValue", "VersionDescription must be at most 255 characters.")
	}
	token := r.q.str("ClientToken")
	byToken := func(t *launchTemplate) *ltVersion {
		for _, v := range t.versions {
			if token != "" && v.doc.Token == token {
				return v
			}
		}
		return nil
	}
	if v := byToken(t); v != nil {
		return &ltVersionResp{Version: toLTVersionItem(t, v)}, nil
	}
	v := ltVersionDoc{V: 1, ID: t.doc.ID, Description: desc, Created: ts(time.Now()), By: createdBy(r), Token: token, Data: data}
	if token == "" {
		v.Nonce = nonce()
	}
	vb, _ := json.Marshal(v)
	n := t.next()
	for attempt := 0; attempt < 20; attempt++ {
		rec, err := s.svc.StoreDoc(r.ctx, "Launch templates", fmt.Sprintf("%s%s-%d", ltVersionPrefix, t.doc.ID, n), vb)
		if err == nil {
			lv := &ltVersion{docID: rec.ID, n: n, doc: v}
			t.versions[n] = lv
			return &ltVersionResp{Version: toLTVersionItem(t, lv)}, nil
		}
		if translate.KindOf(err) != translate.AlreadyExists {
			return nil, s.storeErr(err)
		}
		// Another writer took number n, or (same content) a concurrent
		// retry of this request stored it: look again.
		if t, err = s.findLaunchTemplate(r, query{"LaunchTemplateId": {t.doc.ID}}); err != nil {
			return nil, err
		}
		if v := byToken(t); v != nil {
			return &ltVersionResp{Version: toLTVersionItem(t, v)}, nil
		}
		n = t.next()
	}
	// RequestLimitExceeded: clients retry it.
	return nil, apiErr("RequestLimitExceeded", "Too many concurrent new versions of launch template "+t.doc.ID+"; retry.")
}

func (s *server) modifyLaunchTemplate(r *request) (response, error) {
	t, err := s.findLaunchTemplate(r, r.q)
	if err != nil {
		return nil, err
	}
	ref := r.q.str("SetDefaultVersion")
	if ref == "" {
		return &launchTemplateResp{LaunchTemplate: toLTItem(t)}, nil
	}
	if ref == "$Default" {
		return nil, apiErrf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version: %s", ref)
	}
	v, err := t.versionOf(ref)
	if err != nil {
		return nil, err
	}
	if v.n != t.defaultVersion() || len(t.defaults) > 1 {
		d := ltDefaultDoc{V: 1, ID: t.doc.ID, Default: v.n, Nonce: fmt.Sprintf("%020d-%s", time.Now().UnixNano(), nonce())}
		b, _ := json.Marshal(d)
		rec, err := s.svc.StoreDoc(r.ctx, "Launch templates", fmt.Sprintf("%s%s-%d", ltDefaultPrefix, t.doc.ID, v.n), b)
		if err != nil && translate.KindOf(err) != translate.AlreadyExists {
			return nil, s.storeErr(err)
		}
		keep := ""
		if rec != nil {
			keep = rec.ID
		}
		for _, old := range t.defaults {
			if old.docID != keep && old.n != v.n {
				if err := s.svc.DeleteDoc(r.ctx, old.docID); err != nil {
					return nil, err
				}
			}
		}
		t.defaults = []ltDefault{{keep, v.n}}
	}
	return &launchTemplateResp{LaunchTemplate: toLTItem(t)}, nil
}

func (s *server) deleteLaunchTemplate(r *request) (response, error) {
	t, err := s.findLaunchTemplate(r, r.q)
	if err != nil {
		return nil, err
	}
	item := toLTItem(t)
	for _, d := range t.defaults {
		if err := s.svc.DeleteDoc(r.ctx, d.docID); err != nil {
			return nil, err
		}
	}
	for _, v := range t.versions {
		if err := s.svc.DeleteDoc(r.ctx, v.docID); err != nil {
			return nil, err
		}
	}
	for _, id := range t.gone {
		if err := s.svc.DeleteDoc(r.ctx, id); err != nil {
			return nil, err
		}
	}
	for _, tr := range t.tagDocs {
		if err := s.svc.DeleteDoc(r.ctx, tr.docID); err != nil {
			return nil, err
		}
	}
	if err := s.svc.DeleteDoc(r.ctx, t.docID); err != nil {
		return nil, err
	}
	return &launchTemplateResp{LaunchTemplate: item}, nil
}

type ltVersionDeleted struct {
	ID     string `xml:"launchTemplateId"`
	Name   string `xml:"launchTemplateName"`
	Number int64  `xml:"versionNumber"`
	Error  *struct {
		Code    string `xml:"code"`
		Message string `xml:"message"`
	} `xml:"responseError,omitempty"`
}

type deleteLTVersionsResp struct {
	meta
	Deleted []ltVersionDeleted `xml:"successfullyDeletedLaunchTemplateVersionSet>item"`
	Failed  []ltVersionDeleted `xml:"unsuccessfullyDeletedLaunchTemplateVersionSet>item"`
}

// deleteLaunchTemplateVersions deletes versions other than the default;
// each leaves a tombstone first, so its number is never given again.
func (s *server) deleteLaunchTemplateVersions(r *request) (response, error) {
	t, err := s.findLaunchTemplate(r, r.q)
	if err != nil {
		return nil, err
	}
	refs := r.q.list("LaunchTemplateVersion")
	if len(refs) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter LaunchTemplateVersion.")
	}
	resp := &deleteLTVersionsResp{}
	fail := func(n int64, code, msg string) {
		it := ltVersionDeleted{ID: t.doc.ID, Name: t.doc.Name, Number: n}
		it.Error = &struct {
			Code    string `xml:"code"`
			Message string `xml:"message"`
		}{code, msg}
		resp.Failed = append(resp.Failed, it)
	}
	for _, ref := range refs {
		n, err := strconv.ParseInt(ref, 10, 64)
		if err != nil || n < 1 {
			fail(0, "launchTemplateVersionDoesNotExist", "The specified launch template version does not exist: "+ref)
			continue
		}
		v := t.versions[int(n)]
		switch {
		case v == nil:
			fail(n, "launchTemplateVersionDoesNotExist", fmt.Sprintf("The specified launch template version %d does not exist.", n))
			continue
		case int(n) == t.defaultVersion():
			fail(n, "unexpectedError", "The default version of a launch template cannot be deleted; make another version the default first.")
			continue
		}
		tomb := ltDefaultDoc{V: 1, ID: t.doc.ID, Default: int(n), Nonce: nonce()}
		b, _ := json.Marshal(tomb)
		if _, err := s.svc.StoreDoc(r.ctx, "Launch templates", fmt.Sprintf("%s%s-%d", ltGonePrefix, t.doc.ID, n), b); err != nil &&
			translate.KindOf(err) != translate.AlreadyExists {
			return nil, s.storeErr(err)
		}
		if err := s.svc.DeleteDoc(r.ctx, v.docID); err != nil {
			return nil, err
		}
		delete(t.versions, int(n))
		resp.Deleted = append(resp.Deleted, ltVersionDeleted{ID: t.doc.ID, Name: t.doc.Name, Number: n})
	}
	return resp, nil
}

type describeLTResp struct {
	meta
	Items     []launchTemplateItem `xml:"launchTemplates>item"`
	NextToken string               `xml:"nextToken,omitempty"`
}

func (s *server) describeLaunchTemplates(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(1, 200)
	if err != nil {
		return nil, err
	}
	ids, names := r.q.list("LaunchTemplateId"), r.q.list("LaunchTemplateName")
	for _, id := range ids {
		if !ltIDRe.MatchString(id) {
			return nil, apiErrf("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (%s) is not valid.", id)
		}
	}
	all, err := s.loadLaunchTemplates(r)
	if err != nil {
		return nil, err
	}
	var items []launchTemplateItem
	found := map[string]bool{}
	for _, t := range all {
		if len(ids) > 0 && !contains(ids, t.doc.ID) || len(names) > 0 && !contains(names, t.doc.Name) {
			continue
		}
		found[t.doc.ID], found["name:"+t.doc.Name] = true, true
		items = append(items, toLTItem(t))
	}
	for _, id := range ids {
		if !found[id] {
			return nil, apiErrf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
		}
	}
	for _, n := range names {
		if !found["name:"+n] {
			return nil, apiErr("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
		}
	}
	items, err = applyFilters(items, fs, fields[launchTemplateItem]{
		"create-time":          func(x launchTemplateItem) []string { return one(x.Created) },
		"launch-template-name": func(x launchTemplateItem) []string { return one(x.Name) },
	}, func(x launchTemplateItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x launchTemplateItem) string { return x.ID }, pg)
	return &describeLTResp{Items: items, NextToken: next}, nil
}

type describeLTVersionsResp struct {
	meta
	Items     []ltVersionItem `xml:"launchTemplateVersionSet>item"`
	NextToken string          `xml:"nextToken,omitempty"`
}

func (s *server) describeLaunchTemplateVersions(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(1, 200)
	if err != nil {
		return nil, err
	}
	refs := r.q.list("LaunchTemplateVersion")
	var templates []*launchTemplate
	if r.q.str("LaunchTemplateId") == "" && r.q.str("LaunchTemplateName") == "" {
		// Across templates EC2 accepts only $Latest and $Default.
		for _, ref := range refs {
			if ref != "$Latest" && ref != "$Default" {
				return nil, apiErr("InvalidParameterCombination", "Specify a launch template ID or name to describe versions other than $Latest and $Default.")
			}
		}
		if len(refs) == 0 {
			return nil, apiErr("MissingParameter", "The request must include either the launch template ID or the launch template name.")
		}
		all, err := s.loadLaunchTemplates(r)
		if err != nil {
			return nil, err
		}
		for _, t := range all {
			templates = append(templates, t)
		}
	} else {
		t, err := s.findLaunchTemplate(r, r.q)
		if err != nil {
			return nil, err
		}
		templates = []*launchTemplate{t}
	}
	minV, err := r.q.integer("MinVersion", 0)
	if err != nil {
		return nil, err
	}
	maxV, err := r.q.integer("MaxVersion", 0)
	if err != nil {
		return nil, err
	}
	var items []ltVersionItem
	for _, t := range templates {
		picked := map[int]*ltVersion{}
		if len(refs) == 0 {
			for n, v := range t.versions {
				if (minV == 0 || n >= minV) && (maxV == 0 || n <= maxV) {
					picked[n] = v
				}
			}
		}
		for _, ref := range refs {
			v, err := t.versionOf(ref)
			if err != nil {
				if len(templates) > 1 {
					continue
				}
				return nil, err
			}
			picked[v.n] = v
		}
		for _, v := range picked {
			items = append(items, toLTVersionItem(t, v))
		}
	}
	items, err = applyFilters(items, fs, fields[ltVersionItem]{
		"create-time":        func(x ltVersionItem) []string { return one(x.Created) },
		"is-default-version": func(x ltVersionItem) []string { return one(boolStr(x.Default)) },
		"image-id":           func(x ltVersionItem) []string { return one(x.Data.value("ImageId")) },
		"instance-type":      func(x ltVersionItem) []string { return one(x.Data.value("InstanceType")) },
		"key-name":           func(x ltVersionItem) []string { return one(x.Data.value("KeyName")) },
	}, nil)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x ltVersionItem) string { return fmt.Sprintf("%s-%08d", x.ID, x.Number) }, pg)
	return &describeLTVersionsResp{Items: items, NextToken: next}, nil
}

// LaunchTemplateData as XML (ResponseLaunchTemplateData): the stored
// request parameters rendered under their response names. A list
// parameter "X.N" is "<xSet><item>…</item></xSet>"; the response names
// that do not follow that rule are in ltListNames and ltItemNames.

var ltListNames = map[string]string{
	"NetworkInterface.SecurityGroupId":    "groupSet",
	"NetworkInterface.PrivateIpAddresses": "privateIpAddressesSet",
	"LicenseSpecification":                "licenseSet",
}

// ltItemNames are the list member names other than "item" (botocore's
// ec2 model: LaunchTemplateInstanceNetworkInterfaceSpecification.Groups).
var ltItemNames = map[string]string{
	"NetworkInterface.SecurityGroupId": "groupId",
}

type ltDataNode struct {
	data map[string]string
}

func buildLTData(data map[string]string) ltDataNode { return ltDataNode{data: data} }

func (d ltDataNode) value(k string) string { return d.data[k] }

type xmlTree struct {
	text string
	kids map[string]*xmlTree // by request segment
	list bool                // kids are numeric indexes
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && s != ""
}

// MarshalXML renders the stored parameters as ResponseLaunchTemplateData.
func (d ltDataNode) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	root := &xmlTree{kids: map[string]*xmlTree{}}
	for k, v := range d.data {
		cur := root
		for _, seg := range strings.Split(k, ".") {
			if cur.kids == nil {
				cur.kids = map[string]*xmlTree{}
			}
			next := cur.kids[seg]
			if next == nil {
				next = &xmlTree{}
				cur.kids[seg] = next
			}
			cur.list = isIndex(seg)
			cur = next
		}
		cur.text = v
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := encodeTree(e, root, ""); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// encodeTree writes n's children; path is the request path of n without
// indexes ("NetworkInterface").
func encodeTree(e *xml.Encoder, n *xmlTree, path string) error {
	keys := make([]string, 0, len(n.kids))
	for k := range n.kids {
		keys = append(keys, k)
	}
	if n.list {
		sort.Slice(keys, func(i, j int) bool { a, _ := strconv.Atoi(keys[i]); b, _ := strconv.Atoi(keys[j]); return a < b })
	} else {
		sort.Strings(keys)
	}
	for _, k := range keys {
		kid := n.kids[k]
		name := lowerFirst(k)
		childPath := k
		if path != "" {
			childPath = path + "." + k
		}
		if n.list {
			name = "item"
			if alt, ok := ltItemNames[path]; ok {
				name = alt
			}
			childPath = path
		} else if kid.list {
			if alt, ok := ltListNames[childPath]; ok {
				name = alt
			} else {
				name += "Set"
			}
		}
		el := xml.StartElement{Name: xml.Name{Local: name}}
		if err := e.EncodeToken(el); err != nil {
			return err
		}
		if len(kid.kids) == 0 {
			if err := e.EncodeToken(xml.CharData(kid.text)); err != nil {
				return err
			}
		} else if err := encodeTree(e, kid, childPath); err != nil {
			return err
		}
		if err := e.EncodeToken(el.End()); err != nil {
			return err
		}
	}
	return nil
}

// retagLaunchTemplates applies CreateTags (del false) or DeleteTags (del
// true) to launch templates: each gets a new tags record, then its older
// ones go. For DeleteTags a tag with an empty value matches any value;
// with no tags every tag goes.
func (s *server) retagLaunchTemplates(r *request, ids []string, tags translate.Tags, del bool) error {
	all, err := s.loadLaunchTemplates(r)
	if err != nil {
		return err
	}
	byID := map[string]*launchTemplate{}
	for _, t := range all {
		byID[t.doc.ID] = t
	}
	for _, id := range ids {
		if !ltIDRe.MatchString(id) {
			return apiErrf("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (%s) is not valid.", id)
		}
		if byID[id] == nil {
			return apiErrf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
		}
	}
	for _, id := range ids {
		t := byID[id]
		next := translate.Tags{}
		for k, v := range t.tags() {
			next[k] = v
		}
		for k, v := range tags {
			switch {
			case !del:
				next[k] = v
			case v == "" || next[k] == v:
				delete(next, k)
			}
		}
		if del && len(tags) == 0 {
			next = translate.Tags{}
		}
		if !del {
			if err := checkTagCount(next); err != nil {
				return err
			}
		}
		doc := ltTagsDoc{V: 1, ID: id, Stamp: stamp(), Tags: next}
		b, _ := json.Marshal(doc)
		if _, err := s.svc.StoreDoc(r.ctx, "Launch templates", ltTagsPrefix+id+"-"+doc.Stamp, b); err != nil {
			return s.storeErr(err)
		}
		for _, old := range t.tagDocs {
			if err := s.svc.DeleteDoc(r.ctx, old.docID); err != nil {
				return err
			}
		}
	}
	return nil
}
