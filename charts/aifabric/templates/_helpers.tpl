{{/* Names, labels and the identity the node agent's RBAC and admission policy are written for. */}}

{{- define "aifabric.nodeAgent.name" -}}
{{- printf "%s-node-agent" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster-scoped objects are shared by every release: their names carry the namespace too. */}}
{{- define "aifabric.nodeAgent.clusterName" -}}
{{- printf "aifabric-node-agent-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.nodeAgent.serviceAccount" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "aifabric.nodeAgent.name" .) -}}
{{- end -}}

{{- define "aifabric.labels" -}}
app.kubernetes.io/name: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
aifabric.io/cluster: {{ .Values.cluster.name }}
{{- end -}}

{{- define "aifabric.nodeAgent.selector" -}}
app.kubernetes.io/name: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: node-agent
{{- end -}}

{{- define "aifabric.scheduler.name" -}}
{{- printf "%s-scheduler" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.scheduler.clusterName" -}}
{{- printf "aifabric-scheduler-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.extender.name" -}}
{{- printf "%s-scheduler-extender" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.extender.clusterName" -}}
{{- printf "aifabric-extender-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.extender.urlPrefix" -}}
{{- .Values.extender.urlPrefix | default (printf "https://%s.%s.svc:8443/scheduler" (include "aifabric.extender.name" .) .Release.Namespace) -}}
{{- end -}}

{{/* The extender's certificate, key and the CA it takes clients of (tls.crt, tls.key, ca.crt). */}}
{{- define "aifabric.extender.tlsSecret" -}}
{{- .Values.extender.tls.existingSecrets.server | default (printf "%s-tls" (include "aifabric.extender.name" .)) -}}
{{- end -}}

{{/* The scheduler's client certificate for the extender, its key and the extender's CA. */}}
{{- define "aifabric.scheduler.extenderTlsSecret" -}}
{{- .Values.extender.tls.existingSecrets.client | default (printf "%s-extender-client" (include "aifabric.scheduler.name" .)) -}}
{{- end -}}

{{- define "aifabric.scheduler.selector" -}}
app.kubernetes.io/name: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: scheduler
{{- end -}}

{{- define "aifabric.extender.selector" -}}
app.kubernetes.io/name: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: scheduler-extender
{{- end -}}

{{/* Pod Security "restricted": what the scheduler's and the extender's containers run with. */}}
{{- define "aifabric.restrictedContainer" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "aifabric.memberAgent.name" -}}
{{- printf "%s-member-agent" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.memberAgent.clusterName" -}}
{{- printf "aifabric-member-agent-%s-%s" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aifabric.memberAgent.serviceAccount" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "aifabric.memberAgent.name" .) -}}
{{- end -}}

{{/* The Secret in which the member agent keeps its own identity on the host, once joined. */}}
{{- define "aifabric.memberAgent.credentialsSecret" -}}
{{- printf "%s-host" (include "aifabric.memberAgent.name" .) -}}
{{- end -}}

{{- define "aifabric.memberAgent.selector" -}}
app.kubernetes.io/name: aifabric
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: member-agent
{{- end -}}

{{/* Whoever writes the network's work into this cluster: the host (push) or the member agent (pull). */}}
{{- define "aifabric.networkWriter" -}}
{{- if eq .Values.mode "pull" -}}
{{- include "aifabric.memberAgent.serviceAccount" . -}}
{{- else -}}
{{- printf "system:serviceaccount:%s:aifabric-host" .Release.Namespace -}}
{{- end -}}
{{- end -}}
