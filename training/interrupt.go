package training

import (
	"context"
	"errors"
)

// interrupted handles a step that failed: when ctx was cancelled (Ctrl-C
// during a training step or, typically, during a long validation, which
// returns ctx's error) the checkpoint is still written, so the run resumes
// from there; Out already holds the best model of the validations run so
// far (every improving validation writes it), usable at once. Any other
// error is returned as it is.
func (tr *trainer) interrupted(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	if serr := tr.save(); serr != nil {
		return errors.Join(ctx.Err(), serr)
	}
	return ctx.Err()
}
