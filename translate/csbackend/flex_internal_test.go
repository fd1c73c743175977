package csbackend

import (
	"encoding/json"
	"testing"
)

func TestFlexTypes(t *testing.T) {
	var v struct {
		S  []flexString `json:"s"`
		I  []flexInt    `json:"i"`
		B  []flexBool   `json:"b"`
		NS flexString   `json:"ns"`
	}
	in := `{"s":["plain","esc\"aped\u00e9","",42,null],"i":[7,"-12","3.9",null,"",1234567890123456789,-0],"b":[true,"TRUE","false",false],"ns":null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	wantS := []flexString{"plain", "esc\"aped\u00e9", "", "42", ""}
	wantI := []flexInt{7, -12, 3, 0, 0, 1234567890123456789, 0}
	wantB := []flexBool{true, true, false, false}
	for i := range wantS {
		if v.S[i] != wantS[i] {
			t.Errorf("s[%d] = %q, want %q", i, v.S[i], wantS[i])
		}
	}
	for i := range wantI {
		if v.I[i] != wantI[i] {
			t.Errorf("i[%d] = %d, want %d", i, v.I[i], wantI[i])
		}
	}
	for i := range wantB {
		if v.B[i] != wantB[i] {
			t.Errorf("b[%d] = %v, want %v", i, v.B[i], wantB[i])
		}
	}
}
