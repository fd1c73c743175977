package simulator

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// BenchmarkListVirtualMachines measures the simulator's own cost of a
// listVirtualMachines page of 100 VMs (signature check, filtering,
// rendering, JSON) with 100 and 10,000 VMs present; the second should
// cost about what the first does (a page renders only its items).
func BenchmarkListVirtualMachines(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			srv, err := New(&Options{NoListener: true})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			srv.mu.Lock()
			var u *user
			for _, x := range srv.st.Users {
				if x.Username == "demo" {
					u = x
				}
			}
			acct := srv.accountByID(u.AccountID)
			for i := 0; i < n; i++ {
				srv.st.VMs = append(srv.st.VMs, &vm{owned: owned{AccountID: acct.ID, DomainID: acct.DomainID}, ID: srv.st.uuid(),
					Name: "vm-" + strconv.Itoa(i), DisplayName: "vm-" + strconv.Itoa(i), ZoneID: srv.st.Zones[0].ID,
					ServiceOfferingID: srv.st.ServiceOfferings[0].ID, TemplateID: srv.st.Templates[0].ID, UserID: u.ID,
					CPUs: 1, CPUSpeed: 500, Memory: 512, State: "Running", Created: time.Now(),
					Nics: []nic{{ID: srv.st.uuid(), IP: "10.1.0.5", MAC: "02:00:00:00:00:01", Default: true}}})
			}
			srv.st.vmIdx = nil
			key, secret := u.APIKey, u.SecretKey
			srv.mu.Unlock()
			p := map[string]string{"command": "listVirtualMachines", "response": "json", "apiKey": key, "page": "1", "pagesize": "100"}
			q := url.Values{}
			for k, v := range p {
				q.Set(k, v)
			}
			q.Set("signature", Sign(p, secret))
			target := "/client/api?" + q.Encode()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w := httptest.NewRecorder()
				srv.serveAPI(w, httptest.NewRequest("GET", target, nil))
				if w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body.String())
				}
			}
		})
	}
}
