package translate_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

// TestLaunchCopiesOwnImageToZone: a template the caller owns that is
// missing from the launch zone is copied there (copyTemplate, same id)
// before the deploy; another account's is refused before anything is
// created; a template already there costs no call.
func TestLaunchCopiesOwnImageToZone(t *testing.T) {
	for _, tc := range []struct {
		name, owner string
		zones       []string
		copies      int
		kind        translate.Kind
	}{
		{"own, elsewhere", "demo", []string{"zone-x"}, 1, translate.Unknown},
		{"own, here", "demo", []string{"zone-x", zoneID}, 0, translate.Unknown},
		{"shared, elsewhere", "other", []string{"zone-x"}, 0, translate.FailedPrecondition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, m := newWorld()
			m.ListTemplatesFn = func(ctx context.Context, req translate.ListTemplatesRequest) ([]translate.Image, error) {
				var out []translate.Image
				for _, z := range tc.zones {
					out = append(out, translate.Image{ID: imageID, Name: "golden", OSTypeID: "os1", Owner: tc.owner, Ready: true, ZoneID: z})
				}
				return out, nil
			}
			var copied []string
			m.CopyTemplateFn = func(ctx context.Context, id, src string, dest []string) (translate.AsyncResult, error) {
				if id != imageID || src != "zone-x" || !slices.Equal(dest, []string{zoneID}) {
					t.Errorf("copyTemplate id=%s src=%s dest=%v", id, src, dest)
				}
				copied = append(copied, dest...)
				return translate.AsyncResult{ID: id}, nil
			}
			_, err := newService(m).Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID})
			if tc.kind != translate.Unknown {
				mustKind(t, err, tc.kind, translate.ResImage)
				if n := m.Calls("DeployVirtualMachine"); n != 0 {
					t.Fatalf("deployed %d VMs from an image missing from the zone", n)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n := m.Calls("CopyTemplate"); n != tc.copies {
				t.Fatalf("copyTemplate calls = %d, want %d", n, tc.copies)
			}
		})
	}
}
