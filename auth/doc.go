// Package auth authenticates gateway callers and maps them to CloudStack
// users (translate.Principal, with the user's API key pair).
//
// # One identity model
//
// A gateway principal is a CloudStack user. Every way in ends at a
// translate.Directory lookup: ByAPIKey for EC2 access keys and for tokens
// that carry an API key, ByUserName for service accounts and password
// logins. Registry is a file-backed Directory (YAML or JSON, re-read when it
// changes); CachedDirectory puts a short cache in front of any Directory
// (the CloudStack-backed one from translate/csbackend in production).
// Principal.Project defaults to the lower-cased account name.
//
// # EC2: SigV4
//
// SigV4.Authenticate verifies AWS Signature Version 4 (Authorization header
// or presigned query) with the CloudStack API key as access key ID and the
// CloudStack secret key as secret access key. Any region is accepted in the
// credential scope; the service must be ec2. The payload hash is
// sha256(body); X-Amz-Content-Sha256 is honoured when it matches the body
// (UNSIGNED-PAYLOAD only with an empty body, since EC2 parameters live in
// the body). The request time must be within MaxSkew (15 minutes).
// SignatureVersion=2 is accepted only with AllowSigV2.
//
// # GCE: OAuth 2.0
//
// TokenServer serves POST /token, GET|POST /authorize, POST /revoke and
// the discovery documents, and AuthenticateBearer checks GCE requests.
//
// Gateway key. All replicas share one master secret (Key: LoadOrCreateKey
// for a data-directory file, KeyFromString for a configured secret). It is
// never used directly: HMAC-SHA256 derives an AES-256-GCM key for tokens, an
// HMAC key for service-account endorsements and an Ed25519 key for ID
// tokens.
//
// Access, refresh and authorization-code tokens are "cg1." +
// base64url(nonce || AES-256-GCM(JSON claims)). The claims hold the token
// type, a random ID, the user name, domain, project and CloudStack API key,
// the issue and expiry times, and a parent ID (the refresh token or
// service-account key the token came from). The CloudStack secret key is
// never inside: it is looked up through the Directory each time a token is
// used (put CachedDirectory in front of a remote Directory). Any replica with
// the Key can verify a token; tampering fails authentication; regenerating
// a user's CloudStack keys invalidates that user's outstanding tokens (the
// API key no longer resolves). Access tokens live one hour (expires_in
// 3599), refresh tokens 30 days, codes 5 minutes.
//
// Service-account keys (NewServiceAccountKey, for `cloudgate keys create`)
// are stateless too. client_email encodes the user, project and domain
// (demo@demo.root.cloudgate). private_key_id, which google-auth copies into
// the JWT kid, is
//
//	"cgsa1." + base64url(RSA modulus) + "." + base64url(HMAC(K_sa, email, modulus))
//
// so a replica checks the endorsement with its Key, takes the public key
// out of the kid, verifies the RS256 assertion, and resolves the user
// through the Directory. Nothing is stored when a key is created, and
// CloudStack needs no extra objects. The kid is about 390 characters long.
// gcloud 528 accepts it; it is tested against the real gcloud.
//
// Keys made since the gateway accepts JWTs without kid carry a random
// serial in client_email (demo@kXXXXXXXXXX.demo.root.cloudgate), and their
// RSA key pair is derived from the gateway Key and that email
// (derivedkey.go), so that the assertions of Libcloud, Salt Cloud and other
// signers that send no kid verify on any replica with nothing stored.
// Deriving costs a few hundred milliseconds of CPU; the public key is then
// cached per replica, the user must exist before anything is derived, and
// at most two derivations run at once. Holding the gateway Key means being
// able to derive every such private key (it already mints every token).
//
// The token endpoint answers on /token and on the paths of Google's token
// URLs (/o/oauth2/token, /oauth2/v4/token, /oauth2/v3/token: TokenPaths),
// so a client pointed at the gateway's host keeps its built-in path.
// Accepted assertions (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer)
// have aud https://oauth2.googleapis.com/token (what gcloud always sends),
// another of Google's token URLs (https://accounts.google.com/o/oauth2/token
// from Libcloud and oauth2client, https://www.googleapis.com/oauth2/v4/token),
// the configured TokenURL, the URL the request came to, or one of
// TokenServer.Audiences. exp must be in the future, iat not in the future,
// and the lifetime at most one hour, each with 5 minutes of skew allowed.
// An assertion with target_audience (gcloud's ID-token request) gets
// {"id_token": EdDSA JWT with exp}. The verification key is published at
// /.well-known/jwks.json. Self-signed service-account JWTs, gcloud's
// auth/service_account_use_self_signed_jwt mode, are also accepted as bearer
// tokens unless DisableSelfSignedJWT is set.
//
// The login page (/authorize) runs the authorization-code flow with
// mandatory PKCE S256. It checks a CloudStack user name and password
// through TokenServer.Login, or an API key and secret key through the
// Directory. It redirects only to loopback URIs, the OOB URN or configured
// RedirectURIs. The code is a sealed token: no session state is kept.
//
// # Revocation
//
// There is no shared database, so revocation is a list (Revocations) of
// revoked IDs. Each ID is kept until the revoked item would have expired;
// service-account keys are kept forever. POST /revoke takes an access or
// refresh token. Revoking a refresh token also revokes the access tokens
// minted from it, because they carry it as their parent.
// TokenServer.RevokeServiceAccountKey revokes an SA key and its tokens.
// Redeemed authorization codes are added so that they are single-use. With
// a file path, the list is a JSON file that every replica re-reads when it
// changes (at most once a second). Replicas that share the file on a shared
// volume therefore share revocations. Otherwise revocation reaches only the
// replica that received it, and a revoked access token stays valid
// elsewhere until it expires (at most 1h). Two replicas writing the file at
// the same moment may lose one entry: there is no cross-process lock.
//
// What needs no shared file: access and refresh tokens carry the API key
// they were issued for, and service-account keys made with a "b" serial
// carry a fingerprint of it in client_email (derivedkey.go), so deleting a
// user, or regenerating the user's keys, in CloudStack revokes the user's
// tokens, service-account keys and EC2 signatures on every replica, within
// the Directory cache's lifetime.
//
// Key rotation. Key.WithPrevious gives a new Key an overlap window: until
// its end, what the previous keys sealed, endorsed or derived (tokens,
// service-account keys with and without kid, ID-token keys in the JWKS) is
// still accepted, while everything new is issued with the new key. The end
// is an absolute time shared by all replicas (docs/deploy.md).
//
// Errors from the authenticators are *translate.Error of kind
// Unauthenticated, SignatureMismatch or Expired. A Directory failure other
// than NotFound keeps its kind (for example Unavailable), so the wire
// layers can answer 503 instead of 401. The token endpoint answers
// {"error","error_description"} with 400 for credential problems and 503
// when the backend is down.
package auth
