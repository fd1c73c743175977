package simulator_test

import (
	"fmt"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

// The simulator as a library: no socket, the official client over HTTPClient().
func Example() {
	srv, err := simulator.New(&simulator.Options{NoListener: true})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	key, secret, _ := srv.UserKeys("demo")
	cs := cloudstack.NewAsyncClient(srv.URL(), key, secret, false, cloudstack.WithHTTPClient(srv.HTTPClient()))

	zone, _, _ := cs.Zone.GetZoneID("zone1")
	offering, _, _ := cs.ServiceOffering.GetServiceOfferingID("Small Instance")
	tmpl, _, _ := cs.Template.GetTemplateID("Debian 12", "featured", zone)
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(offering, tmpl, zone)
	p.SetName("hello")
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil {
		panic(err)
	}
	fmt.Println(vm.Name, vm.State, vm.Serviceofferingname, vm.Templatename)
	// Output: hello Running Small Instance Debian 12
}
