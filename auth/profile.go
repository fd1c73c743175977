package auth

import (
	"fmt"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// AWSProfile renders the aws CLI files for p: credentials (the CloudStack
// API key as aws_access_key_id and the secret key as
// aws_secret_access_key) and config (region and endpoint_url). profileName
// "" or "default" writes the default profile. Write both files with mode
// 0600; the credentials file holds the secret key.
func AWSProfile(p *translate.Principal, profileName, region, endpoint string) (credentials, config []byte) {
	name := strings.TrimSpace(profileName)
	if name == "" {
		name = "default"
	}
	configSection := "profile " + name
	if name == "default" {
		configSection = "default"
	}
	credentials = fmt.Appendf(nil, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, p.APIKey, p.SecretKey)
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", configSection)
	if region != "" {
		fmt.Fprintf(&b, "region = %s\n", region)
	}
	if endpoint != "" {
		fmt.Fprintf(&b, "endpoint_url = %s\n", endpoint)
	}
	b.WriteString("output = json\n")
	return credentials, []byte(b.String())
}
