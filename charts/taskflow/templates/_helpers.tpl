{{/* The verticle sets, one Deployment each, in the order they are rendered. */}}
{{- define "taskflow.sets" -}}
api audit recurrence notifier relay
{{- end -}}

{{/* The sets that consume topics (and so are delivered to by the Dapr sidecar): all but the relay. */}}
{{- define "taskflow.consumes" -}}
{{- ne . "relay" -}}
{{- end -}}

{{- define "taskflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "taskflow.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "taskflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "taskflow.labels" -}}
helm.sh/chart: {{ include "taskflow.chart" . }}
{{ include "taskflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: taskflow
{{- end -}}

{{/* What selects every pod of the release. */}}
{{- define "taskflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The headless Service the members find each other through, and its DNS name. */}}
{{- define "taskflow.clusterService" -}}
{{- printf "%s-cluster" (include "taskflow.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "taskflow.clusterDns" -}}
{{- printf "%s.%s.svc.%s" (include "taskflow.clusterService" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{- define "taskflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "taskflow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "taskflow.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the database URL, and its key. */}}
{{- define "taskflow.databaseSecret" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else -}}
{{- include "taskflow.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "taskflow.databaseSecretKey" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecretKey -}}
{{- else -}}
database-url
{{- end -}}
{{- end -}}

{{- define "taskflow.jwtSecret" -}}
{{- if .Values.jwt.existingSecret -}}
{{- .Values.jwt.existingSecret -}}
{{- else -}}
{{- printf "%s-jwt" (include "taskflow.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "taskflow.vapidSecret" -}}
{{- if .Values.push.existingSecret -}}
{{- .Values.push.existingSecret -}}
{{- else -}}
{{- printf "%s-push" (include "taskflow.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Whether the set's pods use the VAPID key pair: the API hands out its public key, the notifier signs with it. */}}
{{- define "taskflow.pushes" -}}
{{- or (eq . "api") (eq . "notifier") -}}
{{- end -}}

{{/* Kafka's bootstrap servers: the in-cluster broker's Service, or kafka.bootstrap. */}}
{{- define "taskflow.kafkaBootstrap" -}}
{{- if .Values.kafka.inCluster.enabled -}}
{{- printf "%s-kafka:9092" (include "taskflow.fullname" .) -}}
{{- else -}}
{{- .Values.kafka.bootstrap -}}
{{- end -}}
{{- end -}}

{{- define "taskflow.transport" -}}
{{- if .Values.dapr.enabled -}}dapr{{- else -}}{{ .Values.transport }}{{- end -}}
{{- end -}}

{{- define "taskflow.postgresSecret" -}}
{{- printf "%s-postgresql" (include "taskflow.fullname" .) -}}
{{- end -}}
