{{/* Names and labels of the host's parts. */}}

{{- define "host.operator.name" -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster-scoped objects are shared by every release: their names carry the namespace too. */}}
{{- define "host.operator.clusterName" -}}
{{- printf "aifabric-operator-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "host.broker.name" -}}
{{- printf "%s-broker" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "host.authority.secret" -}}
{{- if .Values.broker.enabled -}}
{{- printf "%s-broker-authority" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- .Values.broker.external.authoritySecret -}}
{{- end -}}
{{- end -}}

{{- define "host.operator.brokerSecret" -}}
{{- if .Values.broker.enabled -}}
{{- printf "%s-broker-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- .Values.broker.external.operatorSecret -}}
{{- end -}}
{{- end -}}

{{- define "host.memberSecretsNamespace" -}}
{{- .Values.operator.memberSecretsNamespace | default .Release.Namespace -}}
{{- end -}}

{{- define "host.labels" -}}
app.kubernetes.io/part-of: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "host.operator.selector" -}}
app.kubernetes.io/name: aifabric-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "host.broker.selector" -}}
app.kubernetes.io/name: aifabric-broker
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Pod Security "restricted" for a container: non-root, nothing escalates, no capabilities. */}}
{{- define "host.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "host.console.name" -}}
{{- printf "%s-console" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "host.console.clusterName" -}}
{{- printf "aifabric-console-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "host.console.selector" -}}
app.kubernetes.io/name: aifabric-console
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The ClusterRoles a pull member's agent and its joiner are bound to in the member's namespace. */}}
{{- define "host.pull.agentRole" -}}
{{- printf "aifabric-member-agent-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "host.pull.joinerRole" -}}
{{- printf "aifabric-member-joiner-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
