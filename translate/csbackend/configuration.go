package csbackend

import (
	"context"
	"strings"
)

// ListConfigurations reads global settings (listConfigurations name=…,
// an administrator command) with the keys of the principal in ctx. A
// setting CloudStack does not know is left out of the map. It is not part
// of translate.CloudStack: only `cloudgate doctor` reads settings, and the
// gateway never depends on them (it reads listCapabilities as the caller).
func (b *Backend) ListConfigurations(ctx context.Context, names []string) (map[string]string, error) {
	out := map[string]string{}
	for _, name := range names {
		items, err := b.list(ctx, "listConfigurations", "", params{"name": name})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			var c struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			}
			if err := decode("listConfigurations", it, &c); err != nil {
				return nil, err
			}
			// name= is a substring match in CloudStack.
			if strings.EqualFold(c.Name, name) {
				out[name] = c.Value
			}
		}
	}
	return out, nil
}
