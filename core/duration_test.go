package core

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 seconds"},
		{500 * time.Nanosecond, ""},
		{time.Microsecond, "1 microsecond"},
		{1500 * time.Nanosecond, "1 microsecond"},
		{123 * time.Millisecond, "123 milliseconds"},
		{time.Millisecond + 64*time.Microsecond, "1 millisecond 64 microseconds"},
		{12*time.Second + 64*time.Millisecond + 5*time.Microsecond, "12 seconds 64 milliseconds"},
		{time.Second, "1 second"},
		{63 * time.Second, "1 minute 3 seconds"},
		{time.Minute + 500*time.Millisecond, "1 minute 500 milliseconds"},
		{2*time.Hour + 3*time.Second, "2 hours 3 seconds"},
		{8 * 24 * time.Hour, "1 week 1 day"},
		{366 * 24 * time.Hour, "1 year 1 day"},
		{-2 * time.Second, "-2 seconds"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
