package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/option"
)

// recorder is a transport that can keep the last response body, so the
// floor can answer with the gateway's exact bytes.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	on   bool
	recs []recorded
}

type recorded struct {
	pageToken string
	typ       string
	body      []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	on := r.on
	r.mu.Unlock()
	if !on {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.recs = append(r.recs, recorded{pageToken: req.URL.Query().Get("pageToken"), typ: resp.Header.Get("Content-Type"), body: body})
	r.mu.Unlock()
	return resp, nil
}

// record runs fn with recording on and returns what was recorded.
func (r *recorder) record(fn func() error) ([]recorded, error) {
	r.mu.Lock()
	r.on, r.recs = true, nil
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.recs, err
}

func newTransport() *http.Transport {
	return &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second, DisableCompression: true}
}

// newEC2 returns an aws-sdk-go-v2 EC2 client for endpoint (no retries).
func newEC2(endpoint, region, key, secret string, rt http.RoundTripper) *ec2.Client {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		HTTPClient:  &http.Client{Transport: rt, Timeout: 5 * time.Minute},
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	return ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func describeInstances(c *ec2.Client, want int) call {
	return func(ctx context.Context) error {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		if err != nil {
			return err
		}
		n := live(out.Reservations)
		if want >= 0 && n != want {
			return fmt.Errorf("DescribeInstances: %d instances, want %d", n, want)
		}
		return nil
	}
}

// live counts the instances that are not terminated (EC2, and the gateway,
// keep listing terminated instances for about an hour; the run-terminate
// workloads leave some).
func live(rs []ec2types.Reservation) int {
	n := 0
	for _, r := range rs {
		for _, in := range r.Instances {
			if in.State == nil || in.State.Name != ec2types.InstanceStateNameTerminated {
				n++
			}
		}
	}
	return n
}

// describeInstancesPaged walks DescribeInstances with MaxResults=page.
func describeInstancesPaged(c *ec2.Client, page int32, want int) call {
	return func(ctx context.Context) error {
		p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(page)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			n += live(out.Reservations)
		}
		if want >= 0 && n != want {
			return fmt.Errorf("DescribeInstances paged: %d instances, want %d", n, want)
		}
		return nil
	}
}

func describeAZs(c *ec2.Client) call {
	return func(ctx context.Context) error {
		out, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
		if err != nil {
			return err
		}
		if len(out.AvailabilityZones) == 0 {
			return fmt.Errorf("no zones")
		}
		return nil
	}
}

// runTerminate launches one instance and terminates it.
func runTerminate(c *ec2.Client, image, typ, subnet string) call {
	return func(ctx context.Context) error {
		in := &ec2.RunInstancesInput{ImageId: aws.String(image), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
		if typ != "" {
			in.InstanceType = ec2types.InstanceType(typ)
		}
		if subnet != "" {
			in.SubnetId = aws.String(subnet)
		}
		out, err := c.RunInstances(ctx, in)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(out.Instances))
		for _, i := range out.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
		_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
		return err
	}
}

// newCompute returns a GCE client for base (…/compute/v1/) authenticated
// with the demo service-account key through the gateway's token endpoint.
func newCompute(ctx context.Context, base string, ts oauth2.TokenSource, rt http.RoundTripper) (*compute.Service, error) {
	hc := &http.Client{Transport: &oauth2.Transport{Source: ts, Base: rt}, Timeout: 5 * time.Minute}
	return compute.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(base))
}

func gceTokenSource(ctx context.Context, keyJSON []byte) (oauth2.TokenSource, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: newTransport(), Timeout: time.Minute})
	creds, err := google.CredentialsFromJSON(ctx, keyJSON, compute.ComputeScope)
	if err != nil {
		return nil, err
	}
	return oauth2.ReuseTokenSource(nil, creds.TokenSource), nil
}

func gceListInstances(svc *compute.Service, project, zone string, page int64, want int) call {
	return func(ctx context.Context) error {
		n := 0
		err := svc.Instances.List(project, zone).MaxResults(page).Pages(ctx, func(l *compute.InstanceList) error {
			n += len(l.Items)
			return nil
		})
		if err != nil {
			return err
		}
		if want >= 0 && n != want {
			return fmt.Errorf("instances.list: %d instances, want %d", n, want)
		}
		return nil
	}
}

func gceListZones(svc *compute.Service, project string) call {
	return func(ctx context.Context) error {
		l, err := svc.Zones.List(project).Context(ctx).Do()
		if err != nil {
			return err
		}
		if len(l.Items) == 0 {
			return fmt.Errorf("no zones")
		}
		return nil
	}
}

// direct is cloudstack-go against the simulator, as the demo user.
type direct struct {
	cs *cloudstack.CloudStackClient
}

func newDirect(url, key, secret string) *direct {
	hc := &http.Client{Transport: newTransport(), Timeout: 5 * time.Minute}
	return &direct{cs: cloudstack.NewClient(url, key, secret, false, cloudstack.WithHTTPClient(hc))}
}

// listVMs pages listVirtualMachines the way csbackend does (pagesize 500).
func (d *direct) listVMs(zoneID string, want int) call {
	return func(ctx context.Context) error {
		n := 0
		for page := 1; ; page++ {
			p := d.cs.VirtualMachine.NewListVirtualMachinesParams()
			p.SetPage(page)
			p.SetPagesize(500)
			if zoneID != "" {
				p.SetZoneid(zoneID)
			}
			r, err := d.cs.VirtualMachine.ListVirtualMachines(p)
			if err != nil {
				return err
			}
			n += len(r.VirtualMachines)
			if len(r.VirtualMachines) < 500 || n >= r.Count {
				break
			}
		}
		if want >= 0 && n != want {
			return fmt.Errorf("listVirtualMachines: %d, want %d", n, want)
		}
		return nil
	}
}

// listDestroyedVMs lists Destroyed VMs (the gateway asks for them
// separately: CloudStack leaves them out of a plain listing).
func (d *direct) listDestroyedVMs(zoneID string) error {
	p := d.cs.VirtualMachine.NewListVirtualMachinesParams()
	p.SetState("Destroyed")
	if zoneID != "" {
		p.SetZoneid(zoneID)
	}
	_, err := d.cs.VirtualMachine.ListVirtualMachines(p)
	return err
}

// firstVMPage reads the first page of size VMs (state=present), as a
// pushed-down EC2 page does: what the simulator alone costs for it.
func (d *direct) firstVMPage(size int) call {
	return func(ctx context.Context) error {
		p := d.cs.VirtualMachine.NewListVirtualMachinesParams()
		p.SetPage(1)
		p.SetPagesize(size)
		p.SetState("present")
		r, err := d.cs.VirtualMachine.ListVirtualMachines(p)
		if err == nil && len(r.VirtualMachines) != size {
			err = fmt.Errorf("listVirtualMachines page of %d: %d VMs", size, len(r.VirtualMachines))
		}
		return err
	}
}

// listVolumes pages listVolumes (typ "" = all types).
func (d *direct) listVolumes(typ string) error {
	n := 0
	for page := 1; ; page++ {
		p := d.cs.Volume.NewListVolumesParams()
		p.SetPage(page)
		p.SetPagesize(500)
		if typ != "" {
			p.SetType(typ)
		}
		r, err := d.cs.Volume.ListVolumes(p)
		if err != nil {
			return err
		}
		n += len(r.Volumes)
		if len(r.Volumes) < 500 || n >= r.Count {
			return nil
		}
	}
}

// sameCalls makes, directly and one after the other, the CloudStack list
// calls the gateway makes for one EC2 DescribeInstances
// (listVirtualMachines, the same with state=Destroyed, listVolumes,
// listNetworks, listEvents type=VM.DESTROY of the last hour) or one GCE
// instances.list page (the first three, in the zone), repeated pages times;
// gateway − sameCalls is the gateway's own cost (the gateway issues these
// calls concurrently, so on a loaded machine it can come out negative).
func (d *direct) sameCalls(gce bool, zoneID string, want, pages int) call {
	vms := d.listVMs(zoneID, want)
	return func(ctx context.Context) error {
		for i := 0; i < pages; i++ {
			if err := vms(ctx); err != nil {
				return err
			}
			if err := d.listDestroyedVMs(zoneID); err != nil {
				return err
			}
			if err := d.listVolumes(""); err != nil {
				return err
			}
			if gce {
				continue
			}
			if _, err := d.cs.Network.ListNetworks(d.cs.Network.NewListNetworksParams()); err != nil {
				return err
			}
			ev := d.cs.Event.NewListEventsParams()
			ev.SetType("VM.DESTROY")
			ev.SetStartdate(time.Now().Add(-25 * time.Hour).UTC().Format("2006-01-02")) // as csbackend asks
			if _, err := d.cs.Event.ListEvents(ev); err != nil {
				return err
			}
		}
		return nil
	}
}

func (d *direct) listZones() call {
	return func(ctx context.Context) error {
		r, err := d.cs.Zone.ListZones(d.cs.Zone.NewListZonesParams())
		if err != nil {
			return err
		}
		if r.Count == 0 {
			return fmt.Errorf("no zones")
		}
		return nil
	}
}

func (d *direct) zoneID(name string) (string, error) {
	id, _, err := d.cs.Zone.GetZoneID(name)
	return id, err
}

func itoa(n int) string { return strconv.Itoa(n) }

// describeFirstPage reads one page of MaxResults instances.
func describeFirstPage(c *ec2.Client, page int32) call {
	return func(ctx context.Context) error {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(page)})
		if err != nil {
			return err
		}
		n := 0
		for _, r := range out.Reservations {
			n += len(r.Instances)
		}
		if n != int(page) {
			return fmt.Errorf("DescribeInstances first page: %d instances, want %d", n, page)
		}
		return nil
	}
}

// gceFirstPage reads one page of maxResults instances.
func gceFirstPage(svc *compute.Service, project, zone string, page int64) call {
	return func(ctx context.Context) error {
		l, err := svc.Instances.List(project, zone).MaxResults(page).Context(ctx).Do()
		if err != nil {
			return err
		}
		if int64(len(l.Items)) != page {
			return fmt.Errorf("instances.list first page: %d instances, want %d", len(l.Items), page)
		}
		return nil
	}
}

// setSimLatency sets the embedded simulator's per-call latency through its
// /_sim/config endpoint (simURL is its /client/api URL).
func setSimLatency(simURL string, call, item time.Duration) error {
	u := strings.TrimSuffix(simURL, "/client/api") + "/_sim/config?callLatency=" + call.String() + "&itemLatency=" + item.String()
	resp, err := http.Post(u, "text/plain", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("simulator config: %s", resp.Status)
	}
	return nil
}

// flatten returns every instance of the reservations, terminated or not.
func flatten(rs []ec2types.Reservation) []ec2types.Instance {
	var out []ec2types.Instance
	for _, r := range rs {
		out = append(out, r.Instances...)
	}
	return out
}
