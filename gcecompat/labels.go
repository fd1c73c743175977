package gcecompat

import (
	"context"
	"regexp"
	"sort"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// GCE's label rules (Compute Engine "Labels" requirements): at most 64
// labels per resource; keys of 1 to 63 characters that start with a
// lowercase letter, values of 0 to 63; both only lowercase letters,
// digits, underscores and dashes, international (lowercase or caseless)
// letters allowed. They are checked before anything is created.
const maxLabels = 64

var (
	labelKeyRE   = regexp.MustCompile(`^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$`)
	labelValueRE = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$`)
)

// checkLabels validates the labels of a request; field is the request
// field that holds them ("resource.labels", "labels").
func checkLabels(field string, labels map[string]string) error {
	if len(labels) > maxLabels {
		return invalid("Invalid value for field '%s': ''. Resource can have at most %d labels, got %d.", field, maxLabels, len(labels))
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !labelKeyRE.MatchString(k) {
			return invalid("Invalid value for field '%s': ''. Label key '%s' violates format constraints. The key must start with a lowercase character, can only contain lowercase letters, numeric characters, underscores and dashes. The key can be at most 63 characters long. International characters are allowed.", field, clip(k))
		}
		if v := labels[k]; !labelValueRE.MatchString(v) {
			return invalid("Invalid value for field '%s': ''. Label value '%s' violates format constraints. The value can only contain lowercase letters, numeric characters, underscores and dashes. The value can be at most 63 characters long. International characters are allowed.", field, clip(v))
		}
	}
	return nil
}

// clip shortens what an error message echoes.
func clip(s string) string {
	if r := []rune(s); len(r) > 70 {
		return string(r[:70]) + "…"
	}
	return s
}

// labelsRequest is the body of every setLabels method (instances, disks,
// snapshots, images).
type labelsRequest struct {
	Labels           map[string]string `json:"labels"`
	LabelFingerprint string            `json:"labelFingerprint"`
}

// readLabels decodes a setLabels body and checks the labels against GCE's
// rules before anything is looked up or changed.
func readLabels(c *gin.Context) (*labelsRequest, error) {
	var req labelsRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkLabels("labels", req.Labels); err != nil {
		return nil, err
	}
	return &req, nil
}

// applyLabels replaces a resource's user labels cur with req's, after the
// fingerprint check (412 when the caller's fingerprint is stale).
func (s *server) applyLabels(ctx context.Context, req *labelsRequest, res translate.Resource, id string, cur translate.Tags) error {
	if !fingerprintMatches(req.LabelFingerprint, mapFingerprint(cur)) {
		return fingerprintMismatch("label")
	}
	return s.replaceTags(ctx, res, id, cur, translate.Tags(req.Labels))
}
