package ec2compat_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestSTSGetCallerIdentity: Terraform and Ansible call
// sts:GetCallerIdentity on the EC2 endpoint; the SDK's STS client parses
// the answer (STS's document shape, not EC2's).
func TestSTSGetCallerIdentity(t *testing.T) {
	e := mustEnv(t)
	c := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.ts.URL),
		HTTPClient:   e.ts.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDDEMO", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		RetryMaxAttempts: 1,
	})
	out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:aws:iam::" + e.demo.AccountID + ":user/" + e.demo.UserName
	if aws.ToString(out.Account) != e.demo.AccountID || aws.ToString(out.Arn) != want || aws.ToString(out.UserId) != e.demo.UserID {
		t.Fatalf("GetCallerIdentity = %s %s %s, want account %s arn %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId), e.demo.AccountID, want)
	}
	// An STS scope reaches only GetCallerIdentity.
	_, err = c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	wantCode(t, err, "InvalidAction")
}
