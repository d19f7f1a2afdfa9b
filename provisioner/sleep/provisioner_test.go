package sleep

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleepHonoursCancel(t *testing.T) {
	p := &Provisioner{}
	if err := p.Prepare(map[string]any{"duration": "1h"}); err != nil {
		t.Fatal(err)
	}
	if p.config.Duration != time.Hour {
		t.Fatalf("duration = %v", p.config.Duration)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := p.Provision(ctx, nil, nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Provision = %v, want context.Canceled", err)
	}
	p = &Provisioner{}
	if err := p.Prepare(map[string]any{"duration": "1ms"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Provision(t.Context(), nil, nil, nil); err != nil {
		t.Errorf("Provision = %v", err)
	}
	if err := (&Provisioner{}).Prepare(map[string]any{"duration": "soon"}); err == nil {
		t.Error("bad duration accepted")
	}
}
