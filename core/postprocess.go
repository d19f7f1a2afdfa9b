package core

import (
	"context"
	"fmt"
	"log"
	"runtime/debug"
	"strings"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// PostProcessorError is a failed post-processor, as the build reports it
// ("Post-processor failed: ...").
type PostProcessorError struct {
	Type string
	Err  error
}

func (e *PostProcessorError) Error() string { return "Post-processor failed: " + e.Err.Error() }

// Unwrap returns the post-processor's error.
func (e *PostProcessorError) Unwrap() error { return e.Err }

// DestroyError is an artifact that could not be destroyed after a
// post-processor did not keep it.
type DestroyError struct {
	// PostProcessor is the type of the post-processor that did not keep
	// the artifact; empty for the builder's artifact.
	PostProcessor string
	Artifact      sdk.Artifact
	Err           error
}

func (e *DestroyError) Error() string {
	if e.PostProcessor == "" {
		return fmt.Sprintf("Error destroying builder artifact: %s; bad artifact: %#v", e.Err, e.Artifact.Files())
	}
	return fmt.Sprintf("Failed cleaning up prior artifact: %s; pp is %s", e.Err, e.PostProcessor)
}

// Unwrap returns Destroy's error.
func (e *DestroyError) Unwrap() error { return e.Err }

// MultiError gathers the errors of a build's post-processor chains. Its
// text is Packer's: "2 error(s) occurred:\n\n* first\n* second".
type MultiError struct {
	Errors []error
}

func (e *MultiError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d error(s) occurred:\n\n", len(e.Errors))
	for i, err := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("* ")
		b.WriteString(err.Error())
	}
	return b.String()
}

// Unwrap returns the gathered errors.
func (e *MultiError) Unwrap() []error { return e.Errors }

// keepInput decides whether a post-processor's input artifact is kept: the
// post-processor's own answer, unless the user set keep_input_artifact —
// except that a post-processor forcing the keep (forceOverride) wins over a
// user's false. forceOverride never forces a deletion.
func keepInput(defaultKeep, forceOverride bool, user *bool) bool {
	if user == nil {
		return defaultKeep
	}
	if defaultKeep && forceOverride && !*user {
		return true
	}
	return *user
}

// chainRun is what runPostProcessors needs to run a build's chains.
type chainRun struct {
	// buildName is the build's full name; post-processors print as
	// "<buildName> (<type>)".
	buildName string
	// builderUi is the build's targeted Ui ("Running post-processor: …").
	builderUi sdk.Ui
	// parentUi is the build's untargeted Ui, parent of each
	// post-processor's own targeted Ui.
	parentUi sdk.Ui
	runUUID  string
}

// runPostProcessors carries the builder's artifact through each chain and
// returns the artifacts the build produced, exactly as Packer does:
//
//   - each chain starts again from the builder's artifact; each
//     post-processor receives the artifact of the one before;
//   - the builder's artifact is kept when there are no chains, or when the
//     first post-processor of any chain keeps its input; otherwise it is
//     destroyed once every chain has run;
//   - an intermediate artifact (input of a post-processor after the first)
//     is listed when kept, destroyed otherwise;
//   - the last artifact of each chain is listed;
//   - a post-processor returning no artifact ends its chain, listing
//     nothing for it (its input is then neither listed nor destroyed);
//   - a post-processor error ends its chain, the other chains still run,
//     and the build fails with every error gathered in a *MultiError;
//   - the result is [builder artifact if kept, then per chain: the kept
//     intermediates, then the final artifact], never nil.
//
// Template layers must not pass empty chains: one would list the builder's
// artifact while not keeping it.
func runPostProcessors(ctx context.Context, r chainRun, chains [][]*PostProcessor, builderArtifact sdk.Artifact) ([]sdk.Artifact, error) {
	var errs []error
	keepOriginal := len(chains) == 0
	artifacts := make([]sdk.Artifact, 0, 1)

chains:
	for _, chain := range chains {
		prior := builderArtifact
		for i, pp := range chain {
			ppUi := ui.Targeted(r.parentUi, fmt.Sprintf("%s (%s)", r.buildName, pp.Type), ui.NoColor)
			r.builderUi.Say("Running post-processor: " + describe(pp.Type, pp.Name))
			out, defaultKeep, forceOverride, err := postProcess(ctx, pp, ppUi, prior, r.runUUID)
			if err != nil {
				errs = append(errs, &PostProcessorError{Type: pp.Type, Err: err})
				continue chains
			}
			if out == nil {
				log.Println("Nil artifact, halting post-processor chain.")
				continue chains
			}
			keep := keepInput(defaultKeep, forceOverride, pp.KeepInputArtifact)
			if pp.KeepInputArtifact != nil && keep != *pp.KeepInputArtifact {
				log.Printf("The %s post-processor forces keep_input_artifact=true to preserve integrity of the build chain. User-set keep_input_artifact=false will be ignored.", pp.Type)
			}
			switch {
			case i == 0:
				if keep {
					keepOriginal = true
				}
			case keep:
				artifacts = append(artifacts, prior)
			default:
				log.Printf("Deleting prior artifact from post-processor '%s'", pp.Type)
				if err := prior.Destroy(); err != nil {
					errs = append(errs, &DestroyError{PostProcessor: pp.Type, Artifact: prior, Err: err})
				}
			}
			prior = out
		}
		artifacts = append(artifacts, prior)
	}

	if keepOriginal {
		artifacts = append([]sdk.Artifact{builderArtifact}, artifacts...)
	} else {
		log.Printf("Deleting original artifact for build '%s'", r.buildName)
		if err := builderArtifact.Destroy(); err != nil {
			errs = append(errs, &DestroyError{Artifact: builderArtifact, Err: err})
		}
	}
	if len(errs) > 0 {
		return artifacts, &MultiError{Errors: errs}
	}
	return artifacts, nil
}

// postProcess configures pp for the generated data of its input and runs
// it, turning a panic into an error.
func postProcess(ctx context.Context, pp *PostProcessor, u sdk.Ui, in sdk.Artifact, runUUID string) (out sdk.Artifact, keep, force bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("post-processor %s panicked: %v\n%s", pp.Type, r, debug.Stack())
			out, keep, force = nil, false, false
			err = fmt.Errorf("post-processor %s panicked: %v", pp.Type, r)
		}
	}()
	if pp.Configure == nil {
		return nil, false, false, fmt.Errorf("post-processor %s has no configuration", pp.Type)
	}
	p, err := pp.Configure(generatedData(in.State(sdk.StateGeneratedData), runUUID))
	if err != nil {
		return nil, false, false, err
	}
	return p.PostProcess(ctx, u, in)
}
