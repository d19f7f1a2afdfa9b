// Package core runs builds: a Build is a builder, its provisioners and its
// post-processor chains; core prepares nothing itself but runs prepared
// builds in parallel under a limit, fires provisioners through the
// provision hook, carries artifacts through post-processor chains, and
// applies -on-error, -debug, -force and cancellation.
//
// The template packages produce []*Build; core knows nothing of templates.
package core
