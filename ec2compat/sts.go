package ec2compat

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// STS on the EC2 endpoint. Terraform's AWS provider (unless told to skip)
// and Ansible's ec2_security_group call sts:GetCallerIdentity on the
// endpoint they were given, signed for the service "sts". That one action
// is served, with STS's document shape: the account is the CloudStack
// account id (the ownerId of every EC2 resource) and the ARN names the
// CloudStack user. Any other STS action is refused, and EC2 actions are
// not reachable with an "sts" scope.

const stsVersion = "2011-06-15"

type stsIdentityResp struct {
	meta
	Arn, UserID, Account string
}

// scopeService is the service of the SigV4 credential scope the request
// was signed for ("" for SigV2 and unsigned requests). Authentication has
// already verified the signature over that scope.
func scopeService(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		if i := strings.Index(a, "Credential="); i >= 0 {
			cred = a[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// otherService answers a request signed for a service other than ec2.
func (s *server) otherService(r *request, svc string) (response, error) {
	if svc != "sts" {
		return nil, apiErrf("InvalidAction", "The service '%s' is not served at this endpoint.", svc)
	}
	if r.action != "GetCallerIdentity" {
		return nil, apiErrf("InvalidAction", "The action %s is not valid for this web service: this endpoint serves only sts:GetCallerIdentity.", r.action)
	}
	p := r.principal
	return &stsIdentityResp{
		Arn:     "arn:aws:iam::" + p.AccountID + ":user/" + p.UserName,
		UserID:  p.UserID,
		Account: p.AccountID,
	}, nil
}

// writeSTS writes an STS response document.
func writeSTS(c *gin.Context, req *request, resp *stsIdentityResp) {
	doc := struct {
		XMLName   xml.Name `xml:"GetCallerIdentityResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Arn       string   `xml:"GetCallerIdentityResult>Arn"`
		UserID    string   `xml:"GetCallerIdentityResult>UserId"`
		Account   string   `xml:"GetCallerIdentityResult>Account"`
		RequestID string   `xml:"ResponseMetadata>RequestId"`
	}{Xmlns: "https://sts.amazonaws.com/doc/" + stsVersion + "/", Arn: resp.Arn, UserID: resp.UserID,
		Account: resp.Account, RequestID: req.id}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		writeError(c, 500, req, ec2Error{Code: "InternalError", Message: "An internal error has occurred"})
		return
	}
	c.Data(200, "text/xml;charset=UTF-8", buf.Bytes())
}
