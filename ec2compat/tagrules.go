package ec2compat

import (
	"unicode/utf8"

	"github.com/cloudgate/cloudgate/translate"
)

// EC2's tag restrictions (AWS "Tag restrictions" in the EC2 user guide):
// at most 50 user tags per resource, keys of 1 to 128 Unicode characters,
// values of 0 to 256, and the aws: prefix reserved (tagList refuses it
// together with the gateway's own prefix). They are checked before
// anything is created or changed.
const (
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
)

// checkTagSizes checks the lengths of tags that will be written.
func checkTagSizes(tags []translate.Tag) error {
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n > maxTagKeyLen {
			return apiErrf("InvalidParameterValue", "Tag key exceeds the maximum length of %d characters.", maxTagKeyLen)
		}
		if n := utf8.RuneCountInString(t.Value); n > maxTagValueLen {
			return apiErrf("InvalidParameterValue", "Tag value exceeds the maximum length of %d characters.", maxTagValueLen)
		}
		if !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value) {
			return apiErr("InvalidParameterValue", "Tag keys and values must be valid UTF-8.")
		}
	}
	return nil
}

// tagLimit is EC2's answer when a resource would carry more than 50 tags.
func tagLimit() error {
	return apiErr("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
}

// checkTagCount refuses more than 50 distinct keys for one resource.
func checkTagCount(tags map[string]string) error {
	if len(tags) > maxTagsPerResource {
		return tagLimit()
	}
	return nil
}
