package legacy

import (
	"fmt"
	"strings"
)

// multiError is a list of errors printed the way Packer prints the error
// lists of its legacy JSON code path:
//
//	2 errors occurred:
//		* first
//		* second
//
// (with a trailing blank line), so that messages read the same as Packer's.
type multiError []error

func (m multiError) Error() string {
	if len(m) == 1 {
		return fmt.Sprintf("1 error occurred:\n\t* %s\n\n", m[0])
	}
	points := make([]string, len(m))
	for i, err := range m {
		points[i] = "* " + err.Error()
	}
	return fmt.Sprintf("%d errors occurred:\n\t%s\n\n", len(m), strings.Join(points, "\n\t"))
}

// Unwrap gives errors.Is and errors.As access to every error of the list.
func (m multiError) Unwrap() []error { return m }

// appendErr adds errs to list, flattening nested lists as Packer's
// multierror.Append does, and skipping nils.
func appendErr(list multiError, errs ...error) multiError {
	for _, err := range errs {
		switch e := err.(type) {
		case nil:
		case multiError:
			list = append(list, e...)
		default:
			list = append(list, err)
		}
	}
	return list
}

// errOrNil returns nil for an empty list, so that callers can return it as
// an error without producing a non-nil interface holding nothing.
func (m multiError) errOrNil() error {
	if len(m) == 0 {
		return nil
	}
	return m
}

// decodeError lists the problems found while decoding one value, printed
// as Packer's decoder (mapstructure) prints them: sorted, one per line.
type decodeError []string

func (d decodeError) Error() string {
	points := make([]string, len(d))
	for i, p := range d {
		points[i] = "* " + p
	}
	sortStrings(points)
	return fmt.Sprintf("%d error(s) decoding:\n\n%s", len(d), strings.Join(points, "\n"))
}
