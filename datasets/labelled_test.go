package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadLabelledBadInputs(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("en\tHello\nno tab here\n"), 0o644)
	if _, _, err := ReadLabelledText(bad); err == nil || !strings.Contains(err.Error(), "bad.tsv:2") {
		t.Errorf("line without a tab: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "labels.tsv"), []byte("file\tshape\tcolour\n"), 0o644)
	if _, _, err := ReadLabelledImages(dir, "sise"); err == nil || !strings.Contains(err.Error(), "valid columns: shape, colour") {
		t.Errorf("unknown column: %v", err)
	}
	if _, _, err := ReadLabelledImages(filepath.Join(dir, "none"), "shape"); err == nil {
		t.Error("missing folder accepted")
	}
}
