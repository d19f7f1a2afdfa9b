// Package ui implements kiln's user interfaces: the sdk.Ui values through
// which builders, provisioners and post-processors talk to the person (or
// program) running kiln, with Packer-compatible output.
//
// There are two leaf implementations, each owning one output stream and one
// mutex so that every line is written whole (lines from parallel builds never
// interleave mid-line):
//
//   - [Basic] writes human output ("==> name: text"), optionally coloured, and
//     shows progress bars on a terminal.
//   - [MachineReadable] writes Packer's machine-readable lines
//     ("timestamp,target,type,data...") for -machine-readable.
//
// Decorators wrap a leaf: [Targeted] prefixes every line with a build name
// (and gives the build its colour), [Timestamped] prepends an RFC 3339
// timestamp (-timestamp-ui) and [Colored] colours output like Packer's
// ColoredUi. Create one leaf per output stream and wrap it as often as needed;
// the decorators hold no lock of their own.
//
// Every leaf scrubs registered sensitive values (see [Scrubber]) before
// writing, replacing them with "<sensitive>". [SetupLog] configures the
// standard log package from PACKER_LOG / PACKER_LOG_PATH, scrubbing too.
//
// [Recorder] and [Noop] are for tests.
package ui
