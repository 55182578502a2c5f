{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "simstream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified release name. Component suffixes (-indexer, -query-api, -config) are appended to it, so it
stays at most 52 characters.
*/}}
{{- define "simstream.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "simstream.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Common labels.
*/}}
{{- define "simstream.labels" -}}
helm.sh/chart: {{ include "simstream.chart" . }}
{{ include "simstream.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: simstream
{{- end -}}

{{/*
Selector labels (each workload adds app.kubernetes.io/component).
*/}}
{{- define "simstream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "simstream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Image reference; the tag defaults to the chart's appVersion. Call with (dict "image" <the image values> "root" $).
*/}}
{{- define "simstream.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag | toString) -}}
{{- end -}}

{{/*
Name of the ConfigMap holding the non-secret SIMSTREAM_* variables.
*/}}
{{- define "simstream.configMapName" -}}
{{- printf "%s-config" (include "simstream.fullname" .) -}}
{{- end -}}

{{/*
Name of the Secret the chart creates (Elasticsearch credentials and/or API token).
*/}}
{{- define "simstream.secretName" -}}
{{- printf "%s-secret" (include "simstream.fullname" .) -}}
{{- end -}}

{{/*
Secret holding the Elasticsearch credentials: the existing one, else the chart's.
*/}}
{{- define "simstream.esSecretName" -}}
{{- if .Values.elasticsearch.auth.existingSecret -}}
{{- .Values.elasticsearch.auth.existingSecret -}}
{{- else -}}
{{- include "simstream.secretName" . -}}
{{- end -}}
{{- end -}}

{{/*
Secret holding the query API token: the existing one, else the chart's.
*/}}
{{- define "simstream.apiTokenSecretName" -}}
{{- if .Values.queryApi.apiToken.existingSecret -}}
{{- .Values.queryApi.apiToken.existingSecret -}}
{{- else -}}
{{- include "simstream.secretName" . -}}
{{- end -}}
{{- end -}}

{{/*
Whether the chart creates its Secret: "true" or "".
*/}}
{{- define "simstream.createSecret" -}}
{{- if or (not .Values.elasticsearch.auth.existingSecret) (and .Values.queryApi.apiToken.enabled (not .Values.queryApi.apiToken.existingSecret)) -}}
true
{{- end -}}
{{- end -}}

{{/*
The indexer's container memory in MiB: the sum of its split (indexer.memory), used as request and limit.
*/}}
{{- define "simstream.indexerMemoryMiB" -}}
{{- with .Values.indexer.memory -}}
{{- add .heapMiB .directMiB .metaspaceMiB .rocksdbMiB .onnxRuntimeMiB .overheadMiB -}}
{{- end -}}
{{- end -}}

{{/*
JVM options of the indexer from its memory split; the image's MaxRAMPercentage would size the heap from the
whole limit and leave RocksDB and ONNX Runtime nothing.
*/}}
{{- define "simstream.indexerJvmOptions" -}}
{{- with .Values.indexer.memory -}}
{{- printf "-Xms%dm -Xmx%dm -XX:MaxDirectMemorySize=%dm -XX:MaxMetaspaceSize=%dm -XX:+ExitOnOutOfMemoryError" (int .heapMiB) (int .heapMiB) (int .directMiB) (int .metaspaceMiB) -}}
{{- end -}}
{{- with .Values.indexer.extraJvmOptions }} {{ . }}{{- end -}}
{{- end -}}

{{/*
Fails the render when more indexers could run than the change topic has partitions for.
*/}}
{{- define "simstream.checkIndexerScale" -}}
{{- $threads := int .Values.indexer.threads -}}
{{- $partitions := int .Values.topics.partitions -}}
{{- if and .Values.indexer.autoscaling.enabled (gt (mul (int .Values.indexer.autoscaling.maxReplicas) $threads) $partitions) -}}
{{- fail (printf "indexer.autoscaling.maxReplicas (%d) x indexer.threads (%d) exceeds topics.partitions (%d): the extra indexers would get no partition" (int .Values.indexer.autoscaling.maxReplicas) $threads $partitions) -}}
{{- end -}}
{{- end -}}

{{/*
The variable that passes Kafka client property `.` through: security.protocol -> SIMSTREAM_KAFKA_SECURITY_PROTOCOL
(the same mapping as KafkaClientProperties.envName; HelmChartTest compares them).
*/}}
{{- define "simstream.kafkaEnvName" -}}
{{- printf "SIMSTREAM_KAFKA_%s" (. | upper | replace "." "_" | replace "-" "_") -}}
{{- end -}}

{{/*
Whether Kafka client property `.` holds a secret, which must come from a file of a Secret: "true" or "".
*/}}
{{- define "simstream.kafkaSecretProperty" -}}
{{- if or (contains "password" .) (contains "jaas" .) (eq . "ssl.keystore.key") -}}
true
{{- end -}}
{{- end -}}

{{/*
ConfigMap entries for the Kafka client properties: kafka.properties as values, kafka.secretFiles as paths of the
mounted files (a store's `.location` is the file itself; any other property is read from its file via _FILE).
Refuses secrets in kafka.properties and a property given twice.
*/}}
{{- define "simstream.kafkaConfigData" -}}
{{- $seen := dict -}}
{{- range $name, $value := .Values.kafka.properties }}
{{- if eq $name "bootstrap.servers" }}
{{- fail "kafka.properties.bootstrap.servers: set kafka.bootstrapServers instead" }}
{{- end }}
{{- if include "simstream.kafkaSecretProperty" $name }}
{{- fail (printf "kafka.properties.%s: a secret; give it from a Secret with kafka.secretFiles" $name) }}
{{- end }}
{{- $_ := set $seen $name "kafka.properties" }}
{{ include "simstream.kafkaEnvName" $name }}: {{ if kindIs "float64" $value }}{{ $value | int64 | quote }}{{ else }}{{ $value | toString | quote }}{{ end }}
{{- end }}
{{- range $secret := .Values.kafka.secretFiles }}
{{- range $name, $key := $secret.properties }}
{{- if hasKey $seen $name }}
{{- fail (printf "Kafka property %s is given twice (%s and kafka.secretFiles %s)" $name (get $seen $name) $secret.secretName) }}
{{- end }}
{{- $_ := set $seen $name (printf "kafka.secretFiles %s" $secret.secretName) }}
{{- $path := printf "%s/%s" (include "simstream.kafkaSecretDir" $secret.secretName) $key }}
{{- if hasSuffix ".location" $name }}
{{ include "simstream.kafkaEnvName" $name }}: {{ $path | quote }}
{{- else }}
{{ include "simstream.kafkaEnvName" $name }}_FILE: {{ $path | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Folder where the Secret named `.` of kafka.secretFiles is mounted.
*/}}
{{- define "simstream.kafkaSecretDir" -}}
{{- printf "/etc/simstream/kafka/%s" . -}}
{{- end -}}

{{/*
Read-only mounts of the credential files both services use: the Elasticsearch CA and the Kafka Secrets.
*/}}
{{- define "simstream.credentialVolumeMounts" -}}
{{- if .Values.elasticsearch.caCert.secretName }}
- name: es-ca
  mountPath: /etc/simstream/es-ca
  readOnly: true
{{- end }}
{{- range $i, $secret := .Values.kafka.secretFiles }}
- name: {{ printf "kafka-secret-%d" $i }}
  mountPath: {{ include "simstream.kafkaSecretDir" $secret.secretName }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The volumes behind simstream.credentialVolumeMounts; of each Kafka Secret only the keys named are mounted,
readable by the pod's group (fsGroup) alone.
*/}}
{{- define "simstream.credentialVolumes" -}}
{{- if .Values.elasticsearch.caCert.secretName }}
- name: es-ca
  secret:
    secretName: {{ .Values.elasticsearch.caCert.secretName }}
{{- end }}
{{- $dirs := dict }}
{{- range $i, $secret := .Values.kafka.secretFiles }}
{{- if hasKey $dirs $secret.secretName }}
{{- fail (printf "kafka.secretFiles: Secret %s is listed twice; name all its properties in one entry" $secret.secretName) }}
{{- end }}
{{- $_ := set $dirs $secret.secretName true }}
- name: {{ printf "kafka-secret-%d" $i }}
  secret:
    secretName: {{ $secret.secretName }}
    # 0440
    defaultMode: 288
    items:
      {{- range $key := values $secret.properties | uniq | sortAlpha }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
{{- end }}
{{- end -}}

{{/*
Refuses extras of one service that would shadow what the chart sets: a SIMSTREAM_* variable in extraEnv (it would
override the ConfigMap and skip the checks of extraConfig), a variable the chart gives the container, a volume
name the chart uses. Call with (dict "key" "indexer" "values" .Values.indexer "env" (dict NAME "value to use")
"volumes" (list NAME...) "root" $).
*/}}
{{- define "simstream.checkExtras" -}}
{{- $key := .key -}}
{{- range .values.extraEnv }}
{{- if hasPrefix "SIMSTREAM_" .name }}
{{- fail (printf "%s.extraEnv: %s is a simstream setting; give it through extraConfig or the chart's own values, which the chart checks" $key .name) }}
{{- end }}
{{- if hasKey $.env .name }}
{{- fail (printf "%s.extraEnv: %s is set by the chart; set %s instead" $key .name (get $.env .name)) }}
{{- end }}
{{- end }}
{{- $volumes := .volumes -}}
{{- if .root.Values.elasticsearch.caCert.secretName }}
{{- $volumes = append $volumes "es-ca" }}
{{- end }}
{{- range $i, $secret := .root.Values.kafka.secretFiles }}
{{- $volumes = append $volumes (printf "kafka-secret-%d" $i) }}
{{- end }}
{{- range .values.extraVolumes }}
{{- if has .name $volumes }}
{{- fail (printf "%s.extraVolumes: the chart has a volume named %s; give yours another name" $key .name) }}
{{- end }}
{{- end }}
{{- end -}}
