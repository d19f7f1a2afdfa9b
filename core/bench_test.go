package core

import (
	"testing"

	"github.com/kilnbuild/kiln/ui"
)

// BenchmarkRun64NoopBuilds runs 64 builds at once, each a real multistep
// sequence firing the provision hook with one no-op provisioner, then a
// post-processor chain keeping its input, then the summary.
func BenchmarkRun64NoopBuilds(b *testing.B) {
	const n = 64
	builds := make([]*Build, n)
	for i := range builds {
		builds[i] = &Build{
			Name:         "null.b",
			Type:         "null",
			Builder:      &fakeBuilder{id: "c", artifact: &fakeArtifact{id: "a"}},
			Provisioners: []*Provisioner{provisioner(&fakeProvisioner{name: "noop"}, nil)},
			PostProcessors: [][]*PostProcessor{{
				postProcessor(&fakePP{keep: true, out: &fakeArtifact{id: "pp"}}, nil),
			}},
		}
	}
	u := ui.NewNoop()
	b.ReportAllocs()
	for b.Loop() {
		if r := Run(b.Context(), u, builds, RunOptions{RunUUID: "run"}); r.Failed() {
			b.Fatalf("run failed: %+v", r.Results)
		}
	}
}
