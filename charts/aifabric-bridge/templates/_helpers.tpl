{{/* Names and labels of one escrow bridge. */}}

{{- define "bridge.name" -}}
{{- printf "%s-escrow-bridge" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster-scoped objects are shared by every release: their names carry the namespace too. */}}
{{- define "bridge.clusterName" -}}
{{- printf "aifabric-escrow-bridge-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "bridge.labels" -}}
app.kubernetes.io/name: aifabric-escrow-bridge
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "bridge.selector" -}}
app.kubernetes.io/name: aifabric-escrow-bridge
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
