variable "name" {
  description = "Name of the service's resources (cluster, service, repository, ALB, roles), e.g. qa-job-ledger."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens starting with a letter (ALB names allow 32 characters)."
  }
}

variable "image_tag" {
  description = "Tag of the service image in this module's ECR repository to run (immutable tags: use the Git commit)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid image tag other than latest (tags are immutable; use the Git commit)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: X86_64 or ARM64 (the image must be built for it)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "task_cpu" {
  description = "CPU units of a task (1024 = 1 vCPU)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "task_memory" {
  description = "Memory of a task in MiB (the JVM takes 75% of it for its heap)."
  type        = number
  default     = 2048

  validation {
    condition     = var.task_memory >= 512 && var.task_memory <= 122880
    error_message = "task_memory must be between 512 and 122880 MiB (and fit task_cpu, which AWS checks)."
  }
}

variable "container_port" {
  description = "Port the service listens on in its container (SERVER_PORT)."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be between 1024 and 65535 (the container runs as a non-root user)."
  }
}

variable "min_capacity" {
  description = "Fewest running tasks; two keep the service up while one is replaced or its zone fails."
  type        = number
  default     = 2

  validation {
    condition     = var.min_capacity >= 1
    error_message = "min_capacity must be at least 1."
  }
}

variable "max_capacity" {
  description = "Most running tasks. Each holds a database connection pool of 20: keep max_capacity * 20 below the database's max_connections."
  type        = number
  default     = 6

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 100
    error_message = "max_capacity must be between 1 and 100."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation of the tasks the autoscaler keeps."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "requests_per_target" {
  description = "ALB requests per task per minute the autoscaler keeps (ALBRequestCountPerTarget)."
  type        = number
  default     = 3000

  validation {
    condition     = var.requests_per_target >= 1
    error_message = "requests_per_target must be at least 1."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Time a new task has before health checks count: JVM start plus Flyway migrations."
  type        = number
  default     = 180

  validation {
    condition     = var.health_check_grace_period_seconds >= 30 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be at least 30 (Spring Boot and Flyway need time to start)."
  }
}

variable "deregistration_delay_seconds" {
  description = "How long the ALB lets requests in flight finish on a task leaving it; also the service's graceful shutdown phase."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "extra_environment" {
  description = "More environment variables of the container (non-secret values only), e.g. JOBLEDGER_ATTEMPTS_LEASE."
  type        = map(string)
  default     = {}
}

# --- What the service connects to ---------------------------------------------

variable "database_jdbc_url" {
  description = "JOBLEDGER_DATABASE_URL, without credentials (the database module's jdbc_url)."
  type        = string

  validation {
    condition     = startswith(var.database_jdbc_url, "jdbc:postgresql://")
    error_message = "database_jdbc_url must be a PostgreSQL JDBC URL (jdbc:postgresql://...)."
  }
}

variable "database_secret_arn" {
  description = "RDS-managed secret with the database credentials (JSON keys username and password); injected as JOBLEDGER_DATABASE_USERNAME and JOBLEDGER_DATABASE_PASSWORD."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:secretsmanager:", var.database_secret_arn))
    error_message = "database_secret_arn must be the ARN of a Secrets Manager secret."
  }
}

variable "database_secret_kms_key_arn" {
  description = "Customer managed KMS key of the database secret. Null when it uses the AWS managed aws/secretsmanager key (no grant needed)."
  type        = string
  default     = null
}

variable "database_security_group_id" {
  description = "Security group of the database; the tasks may open connections to it on database_port."
  type        = string
}

variable "database_port" {
  description = "Port of the database."
  type        = number
  default     = 5432
}

variable "bucket_name" {
  description = "Job file bucket (JOBLEDGER_S3_BUCKET)."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the job file bucket; the task role is scoped to bucket_prefix in it."
  type        = string
}

variable "bucket_prefix" {
  description = "Key prefix of the job files the service writes (the service makes keys jobs/{owner}/{job}/...)."
  type        = string
  default     = "jobs/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.bucket_prefix))
    error_message = "bucket_prefix must be a non-empty prefix ending with a slash, without wildcards."
  }
}

variable "bucket_kms_key_arn" {
  description = "Customer managed KMS key of the bucket (JOBLEDGER_S3_KMS_KEY_ID), or null with SSE-S3."
  type        = string
  default     = null
}

variable "queue_url" {
  description = "URL of the job queue (JOBLEDGER_SQS_QUEUE_URL)."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the job queue; the service may only send to it."
  type        = string
}

variable "dlq_url" {
  description = "URL of the dead-letter queue (JOBLEDGER_SQS_DLQ_URL)."
  type        = string
}

variable "dlq_arn" {
  description = "ARN of the dead-letter queue; the service watches it and redrives."
  type        = string
}

variable "kms_key_arns" {
  description = "Customer managed KMS keys of the queues (and bucket); used only through S3 and SQS (kms:ViaService)."
  type        = list(string)
  default     = []
}

variable "jwt_issuer_uri" {
  description = "JOBLEDGER_JWT_ISSUER_URI: the identity provider's issuer."
  type        = string

  validation {
    condition     = startswith(var.jwt_issuer_uri, "https://")
    error_message = "jwt_issuer_uri must be an https:// URL."
  }
}

variable "jwt_jwk_set_uri" {
  description = "JOBLEDGER_JWT_JWK_SET_URI; empty discovers it from the issuer."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_jwk_set_uri == "" || startswith(var.jwt_jwk_set_uri, "https://")
    error_message = "jwt_jwk_set_uri must be empty or an https:// URL."
  }
}

variable "jwt_audience" {
  description = "JOBLEDGER_JWT_AUDIENCE: the audience every token must carry. Required: without it a token the identity provider issued for any other application of the account would be accepted."
  type        = string

  validation {
    condition     = length(trimspace(var.jwt_audience)) > 0
    error_message = "jwt_audience must name the audience the identity provider puts in the service's tokens."
  }
}

variable "dashboard_client_id" {
  description = "JOBLEDGER_DASHBOARD_CLIENT_ID: the dashboard's OIDC client at the issuer jwt_issuer_uri (authorization code with PKCE, redirect URI https://<service_domain_name>/dashboard/oauth2/code/dashboard). Empty: no sign-in at the identity provider; the dashboard then asks for a pasted bearer token."
  type        = string
  default     = ""
}

variable "dashboard_client_secret_arn" {
  description = "Secrets Manager secret whose value is the dashboard client's secret (a confidential client, recommended); injected as JOBLEDGER_DASHBOARD_CLIENT_SECRET at task start. Null for a public client (PKCE alone)."
  type        = string
  default     = null

  validation {
    condition     = var.dashboard_client_secret_arn == null || can(regex("^arn:[^:]+:secretsmanager:", var.dashboard_client_secret_arn))
    error_message = "dashboard_client_secret_arn must be null or the ARN of a Secrets Manager secret."
  }
}

variable "dashboard_client_secret_kms_key_arn" {
  description = "Customer managed KMS key of the dashboard client's secret. Null when it uses the AWS managed aws/secretsmanager key (no grant needed)."
  type        = string
  default     = null
}

variable "dashboard_scopes" {
  description = "JOBLEDGER_DASHBOARD_SCOPES: what the sign-in asks the identity provider for; openid, plus offline_access where the provider issues refresh tokens only for it."
  type        = list(string)
  default     = ["openid"]

  validation {
    condition     = contains(var.dashboard_scopes, "openid")
    error_message = "dashboard_scopes must include openid: the sign-in is OpenID Connect."
  }
}

# --- Network -------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC of the service."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks and the internal ALB, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets (an ALB needs two availability zones)."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to call the ALB on 443 (e.g. the job processor's)."
  type        = list(string)
  default     = []
}

variable "client_cidr_blocks" {
  description = "Networks allowed to call the ALB on 443 (e.g. the corporate network behind a VPN)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.client_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "client_cidr_blocks must be CIDR blocks, never 0.0.0.0/0 (the ALB is internal)."
  }
}

variable "https_egress_cidr_blocks" {
  description = "Where the tasks may open HTTPS connections: the VPC (interface endpoints) and, when the identity provider is outside, its network or 0.0.0.0/0 through a NAT."
  type        = list(string)

  validation {
    condition     = length(var.https_egress_cidr_blocks) > 0
    error_message = "https_egress_cidr_blocks must list at least one CIDR block."
  }
}

variable "s3_prefix_list_ids" {
  description = "Prefix list of the S3 gateway endpoint (a list of at most one, so that its id may be unknown until apply); empty when S3 is reached through https_egress_cidr_blocks."
  type        = list(string)
  default     = []
}

variable "certificate_arn" {
  description = "ACM certificate of the ALB's HTTPS listener (its name is what api_base_url uses)."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:acm:", var.certificate_arn))
    error_message = "certificate_arn must be the ARN of an ACM certificate."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alb_idle_timeout_seconds" {
  description = "Idle timeout of the ALB; uploads of large job files need more than the 60 s default."
  type        = number
  default     = 300

  validation {
    condition     = var.alb_idle_timeout_seconds >= 1 && var.alb_idle_timeout_seconds <= 4000
    error_message = "alb_idle_timeout_seconds must be between 1 and 4000."
  }
}

variable "alb_deletion_protection" {
  description = "Whether the ALB refuses deletion (turn off in a separate apply before a destroy)."
  type        = bool
  default     = true
}

# --- Encryption and logs -------------------------------------------------------------

variable "ecr_kms_key_arn" {
  description = "Customer managed KMS key of the image repository; null uses AES256."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the service's log group in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (e.g. 7, 14, 30, 90, 365)."
  }
}

variable "log_kms_key_arn" {
  description = "Optional KMS key for the log group; its key policy must allow the CloudWatch Logs service principal."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags merged into every taggable resource of this module."
  type        = map(string)
  default     = {}
}

variable "alarm_actions" {
  description = "ARNs the service's alarms notify (e.g. the job queue module's alarm topic)."
  type        = list(string)
  default     = []
}

variable "http_5xx_alarm_threshold" {
  description = "5xx responses per minute (tasks and ALB together) above which, for three minutes, the 5xx alarm fires."
  type        = number
  default     = 5

  validation {
    condition     = var.http_5xx_alarm_threshold >= 0
    error_message = "http_5xx_alarm_threshold must not be negative."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics the service writes as embedded-metric-format log lines (the outbox backlog)."
  type        = string
  default     = "JobLedger"
}

variable "outbox_backlog_alarm_seconds" {
  description = "How long, in seconds, the oldest attempt due for dispatch may wait before the outbox alarm fires (for three minutes)."
  type        = number
  default     = 300

  validation {
    condition     = var.outbox_backlog_alarm_seconds > 0
    error_message = "outbox_backlog_alarm_seconds must be positive."
  }
}
