package main

// The Dataflow runner, registered by import: --runner dataflow, with
// Dataflow's own flags (--project, --region, --temp_location, …) after "--".
import _ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
