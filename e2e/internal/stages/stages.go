// Package stages holds the KWOK stage configuration the test bed runs: node initialisation and
// lease heartbeats, and the pod life cycle (created, running, and Job pods completing).
package stages

import _ "embed"

//go:embed stages.yaml
var YAML []byte
