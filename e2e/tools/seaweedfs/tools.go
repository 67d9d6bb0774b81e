//go:build tools

// Package tools pins the S3-compatible object store the test bed runs as each member's store:
// SeaweedFS (Apache-2.0), built from its Go module like the Kubernetes binaries.
package tools

import _ "github.com/seaweedfs/seaweedfs/weed"
