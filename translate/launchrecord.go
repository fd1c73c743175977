package translate

import (
	"net/url"
	"time"
)

// LaunchRecordTag is the reserved tag in which Launch records what a
// terminated instance's description needs once CloudStack stops listing
// the VM to its owner (allow.user.view.destroyed.vm is false by default):
// when it was launched, its offering and its image. Launch writes it in the
// createTags call that carries the caller's tags and client token (one call
// per launch, whatever MaxCount). TerminatedInstances reads it back with
// one listTags call: CloudStack's listTags filters by owner only, not by
// the tagged VM's state, so the owner reads the tags of a Destroyed,
// not-yet-expunged VM (server/src/main/java/com/cloud/api/query/
// QueryManagerImpl.java, listTagsInternal: ACL search over
// resource_tag_view, no VM join). Destroying a VM only changes its state;
// its tags go when it is expunged (engine/schema/src/main/java/com/cloud/
// vm/dao/UserVmDaoImpl.java, remove: _tagsDao.removeByIdAndType).
//
// The value is URL-query encoded: time (RFC 3339, the gateway's clock when
// the deploy calls began), offering (id), image (id), zone (id) and, while
// the value fits CloudStack's 255 characters, offering-name, zone-name and
// key-pair.
const LaunchRecordTag = ReservedTagPrefix + "launch"

// maxTagValue is the length of resource_tags.value in CloudStack's schema.
const maxTagValue = 255

// launchRecord is the value of LaunchRecordTag for in (Created, OfferingID,
// OfferingName, ImageID, ZoneID, ZoneName, KeyPair).
func launchRecord(in Instance) string {
	v := url.Values{}
	v.Set("time", in.Created.UTC().Truncate(time.Second).Format(time.RFC3339))
	v.Set("offering", in.OfferingID)
	v.Set("image", in.ImageID)
	v.Set("zone", in.ZoneID)
	// Names last, each only while the value still fits.
	for _, kv := range [][2]string{{"offering-name", in.OfferingName}, {"zone-name", in.ZoneName}, {"key-pair", in.KeyPair}} {
		if kv[1] == "" {
			continue
		}
		v.Set(kv[0], kv[1])
		if len(v.Encode()) > maxTagValue {
			v.Del(kv[0])
		}
	}
	return v.Encode()
}

// applyLaunchRecord sets what the record tells on in. It reports whether
// the record held a launch time.
func applyLaunchRecord(in *Instance, rec string) bool {
	v, err := url.ParseQuery(rec)
	if err != nil {
		return false
	}
	in.OfferingID, in.OfferingName, in.ImageID = v.Get("offering"), v.Get("offering-name"), v.Get("image")
	in.ZoneID, in.ZoneName, in.KeyPair = v.Get("zone"), v.Get("zone-name"), v.Get("key-pair")
	t, err := time.Parse(time.RFC3339, v.Get("time"))
	if err != nil {
		return false
	}
	in.Created = t
	return true
}
