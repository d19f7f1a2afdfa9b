package components

import "testing"

// Every registered component constructs and describes its configuration.
func TestEveryComponentConstructs(t *testing.T) {
	r := Default()
	for name, mk := range r.Builders {
		if b := mk(); b == nil || b.ConfigSpec() == nil {
			t.Errorf("builder %q: nil or no ConfigSpec", name)
		}
	}
	for name, mk := range r.Provisioners {
		if p := mk(); p == nil || p.ConfigSpec() == nil {
			t.Errorf("provisioner %q: nil or no ConfigSpec", name)
		}
	}
	for name, mk := range r.PostProcessors {
		if p := mk(); p == nil || p.ConfigSpec() == nil {
			t.Errorf("post-processor %q: nil or no ConfigSpec", name)
		}
	}
	for name, mk := range r.Datasources {
		if d := mk(); d == nil || d.ConfigSpec() == nil || d.OutputSpec() == nil {
			t.Errorf("data source %q: nil or no ConfigSpec/OutputSpec", name)
		}
	}
}
