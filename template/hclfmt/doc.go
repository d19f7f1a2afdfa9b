// Package hclfmt rewrites Packer HCL2 files in canonical form, as
// `packer fmt` does.
//
// Formatting itself is hclwrite.Format's layout: across the corpus of
// recorded Packer 1.16 runs its output is byte-identical to Packer's, which
// adds no token rules of its own. The package computes that layout itself
// from the scanner's tokens (canon.go), without the per-token copies and
// allocations of hclwrite.Format; tests compare the two on the corpus and
// under fuzzing (FuzzCanonical). What this package adds is Packer's
// behaviour around it:
//
//   - the source is parsed first, and a file with syntax errors is reported
//     (never formatted);
//   - only files named *.pkr.hcl or *.pkrvars.hcl are formatted; any other
//     explicit file is an error ("file X is not a HCL file");
//   - folders are scanned one level deep (all levels with Recursive),
//     skipping hidden names (".x"), editor backups ("x~") and Emacs lock
//     files ("#x#"); files are taken in name order;
//   - each changed file's name is printed, the file is rewritten in place
//     when Write is set, and a unified diff (old/<path>, new/<path>, three
//     lines of context, as `diff -u`) follows when Diff is set;
//   - "-" reads standard input and prints the result (formatted, or the
//     input unchanged) instead of writing a file.
//
// Errors do not stop the run: every path is processed and the problems come
// back as diagnostics whose summaries and details are Packer's.
package hclfmt
