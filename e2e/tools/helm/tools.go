//go:build tools

// Package tools pins the Helm CLI the chart tests render and install with; build.sh builds it
// from the Go module proxy (helm.sh/helm/v4/cmd/helm), so no binary is downloaded.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
