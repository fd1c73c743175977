package gcecompat

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Instance state that CloudStack has no field for lives in reserved
// CloudStack tags (translate.ReservedTagPrefix), so every replica sees it:
//
//	cloudgate:gce-tags         network tags, comma-separated
//	cloudgate:gce-description  the description
//	cloudgate:gce-md:KEY[#N]   metadata value KEY ("v:" + value, split in
//	                           tagChunk-byte pieces #1, #2, ...)
//	cloudgate:gce-md-ud        fingerprint of the startup-script, which
//	                           itself is the CloudStack user data
//
// GCE labels are the user (non-reserved) tags.
const (
	tagNetTags   = translate.ReservedTagPrefix + "gce-tags"
	tagDesc      = translate.ReservedTagPrefix + "gce-description"
	tagMD        = translate.ReservedTagPrefix + "gce-md:"
	tagUserData  = translate.ReservedTagPrefix + "gce-md-ud"
	tagName      = translate.ReservedTagPrefix + "gce-name"
	tagRequestID = translate.ReservedTagPrefix + "gce-request-id"    // instances.insert and disks.insert requestId
	tagOpJob     = translate.ReservedTagPrefix + "gce-insert-job"    // its deploy job, for retries
	tagHostname  = translate.ReservedTagPrefix + "gce-hostname"      // hostname, when given at insert
	tagAccessCfg = translate.ReservedTagPrefix + "gce-access-config" // the access config's name, when asked for
	tagKeepBoot  = translate.ReservedTagPrefix + "gce-keep-boot"     // boot disk autoDelete=false
	tagChunk     = 200

	startupScript = "startup-script"
)

// metadataTags encodes metadata items (without startup-script) as tags.
func metadataTags(items map[string]string) translate.Tags {
	t := translate.Tags{}
	for k, v := range items {
		if k == startupScript {
			continue
		}
		v = "v:" + v
		for i := 0; len(v) > 0; i++ {
			n := min(tagChunk, len(v))
			key := tagMD + k
			if i > 0 {
				key += "#" + strconv.Itoa(i)
			}
			t[key] = v[:n]
			v = v[n:]
		}
	}
	return t
}

// metadataFromTags decodes the metadata items stored in tags.
func metadataFromTags(tags translate.Tags) map[string]string {
	type piece struct {
		i int
		v string
	}
	parts := map[string][]piece{}
	for k, v := range tags {
		if !strings.HasPrefix(k, tagMD) {
			continue
		}
		key, idx := k[len(tagMD):], 0
		if j := strings.LastIndexByte(key, '#'); j >= 0 {
			n, err := strconv.Atoi(key[j+1:])
			if err == nil {
				key, idx = key[:j], n
			}
		}
		parts[key] = append(parts[key], piece{idx, v})
	}
	out := map[string]string{}
	for k, ps := range parts {
		sort.Slice(ps, func(i, j int) bool { return ps[i].i < ps[j].i })
		var b strings.Builder
		for _, p := range ps {
			b.WriteString(p.v)
		}
		out[k] = strings.TrimPrefix(b.String(), "v:")
	}
	return out
}

// metadataKeys lists the reserved tag keys holding metadata.
func metadataKeys(tags translate.Tags) translate.Tags {
	out := translate.Tags{}
	for k, v := range tags {
		if strings.HasPrefix(k, tagMD) || k == tagUserData {
			out[k] = v
		}
	}
	return out
}

// metadataFingerprint fingerprints the metadata as stored: the md tags and
// the startup-script fingerprint.
func metadataFingerprint(tags translate.Tags) string {
	return mapFingerprint(metadataKeys(tags))
}

// wireMetadataOf renders metadata; script is the startup-script (nil when
// not loaded).
func wireMetadataOf(tags translate.Tags, script *string) wireMetadata {
	md := metadataFromTags(tags)
	m := wireMetadata{Kind: "compute#metadata", Fingerprint: metadataFingerprint(tags)}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.Items = append(m.Items, wireMetadataItem{Key: k, Value: md[k]})
	}
	if script != nil && *script != "" {
		m.Items = append(m.Items, wireMetadataItem{Key: startupScript, Value: *script})
	}
	return m
}

func networkTags(tags translate.Tags) []string {
	v := tags[tagNetTags]
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func tagsFingerprint(items []string) string {
	return fingerprint(append([]string{"tags"}, items...)...)
}

// reqMetadata is metadata in a request body.
type reqMetadata struct {
	Fingerprint string `json:"fingerprint"`
	Items       []struct {
		Key   string  `json:"key"`
		Value *string `json:"value"`
	} `json:"items"`
}

func (m *reqMetadata) asMap() map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for _, it := range m.Items {
		v := ""
		if it.Value != nil {
			v = *it.Value
		}
		out[it.Key] = v
	}
	return out
}
