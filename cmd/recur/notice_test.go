package main

import (
	"bytes"
	"testing"
)

func TestNoticesPrintOncePerMessage(t *testing.T) {
	var b bytes.Buffer
	n := onceNotices(&b)
	n("notice: a.model has no checksum")
	n("notice: a.model has no checksum")
	n("notice: b.model has no checksum")
	want := "recur: notice: a.model has no checksum\nrecur: notice: b.model has no checksum\n"
	if b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
}
