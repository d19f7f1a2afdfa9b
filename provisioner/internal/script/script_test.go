package script

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
)

// Scripts written by WriteInline are executed straight away, by path,
// while other goroutines start processes: none of those may inherit the
// file still open for writing, or executing it fails with "text file
// busy" (exit status 126 through /bin/sh).
func TestWriteInlineExecutableWhileOthersFork(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no shebang scripts on Windows")
	}
	const workers, rounds = 16, 40
	render := func(s string) (string, error) { return s, nil }
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for range workers {
		wg.Go(func() {
			for range rounds {
				path, err := WriteInline("script-test*", "/bin/sh", []string{"exit 0"}, render)
				if err != nil {
					errs <- err
					return
				}
				err = exec.Command(path).Run()
				os.Remove(path)
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	busy := 0
	for err := range errs {
		if errors.Is(err, syscall.ETXTBSY) {
			busy++
			continue
		}
		t.Error(err)
	}
	if busy > 0 {
		t.Errorf("%d of %d scripts could not run: text file busy", busy, workers*rounds)
	}
}
