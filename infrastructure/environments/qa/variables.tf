variable "environment" {
  description = "Name of the environment; prefixes every resource name (e.g. qa-job-ledger-jobs)."
  type        = string
  default     = "qa"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region of the environment (AWS_REGION of the service)."
  type        = string
  default     = "eu-central-1"
}

variable "tags" {
  description = "Extra tags for every resource (merged with Application and Environment tags)."
  type        = map(string)
  default     = {}
}

# --- Network -------------------------------------------------------------------

variable "create_vpc" {
  description = "Whether this environment creates its VPC (private subnets, route table, optional NAT). False uses vpc_id, private_subnet_ids and private_route_table_ids."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR block of the created VPC (split into /20 subnets)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a CIDR block of /20 or larger."
  }
}

variable "availability_zone_count" {
  description = "Availability zones (one private subnet each) of the created VPC; the ALB and RDS need at least two."
  type        = number
  default     = 2

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 6
    error_message = "availability_zone_count must be between 2 and 6."
  }
}

variable "create_nat_gateway" {
  description = "Whether the created VPC gets a NAT gateway (HTTPS to anywhere), e.g. when the identity provider is outside AWS. Every AWS API used has a VPC endpoint, so it is not needed otherwise."
  type        = bool
  default     = false
}

variable "vpc_id" {
  description = "Existing VPC to use when create_vpc is false (DNS support and hostnames enabled, for the endpoints' private DNS)."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_id == null || can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be null or a VPC id (vpc-...)."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets (at least two availability zones) of the service, the database and the job processor, when create_vpc is false."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.private_subnet_ids) == 0 || length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids must be empty (create_vpc) or list at least two subnets."
  }
}

variable "private_route_table_ids" {
  description = "Route tables of private_subnet_ids, for the S3 gateway endpoint, when create_vpc is false."
  type        = list(string)
  default     = []
}

variable "create_vpc_endpoints" {
  description = "Whether to create the S3 gateway endpoint and the interface endpoints for SQS, Secrets Manager, STS, KMS, ECR (api, dkr) and CloudWatch Logs. Set false only when the given VPC already has them."
  type        = bool
  default     = true
}

variable "extra_https_egress_cidr_blocks" {
  description = "More networks the service and the function may reach on 443 (e.g. an identity provider's range reached through a transit gateway)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.extra_https_egress_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "extra_https_egress_cidr_blocks must be CIDR blocks."
  }
}

# --- Service ---------------------------------------------------------------------

variable "service_image_tag" {
  description = "Tag of the service image in the environment's ECR repository (the Git commit it was built from)."
  type        = string
}

variable "service_domain_name" {
  description = "Name of the service's internal HTTPS endpoint, covered by certificate_arn; the job processor calls https://<service_domain_name> (JOBLEDGER_API_BASE_URL)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.service_domain_name))
    error_message = "service_domain_name must be a lowercase DNS name such as job-ledger.qa.internal.example.com."
  }
}

variable "certificate_arn" {
  description = "ACM certificate of the service's internal ALB, for service_domain_name."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:acm:", var.certificate_arn))
    error_message = "certificate_arn must be the ARN of an ACM certificate."
  }
}

variable "private_zone_id" {
  description = "Optional Route 53 private hosted zone in which service_domain_name is created as an alias of the ALB."
  type        = string
  default     = null
}

variable "service_client_cidr_blocks" {
  description = "Networks allowed to call the service's ALB on 443 besides the job processor (e.g. a VPN range)."
  type        = list(string)
  default     = []
}

variable "service_task_cpu" {
  description = "CPU units of a service task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "service_task_memory" {
  description = "Memory of a service task in MiB."
  type        = number
  default     = 2048
}

variable "service_min_capacity" {
  description = "Fewest running service tasks."
  type        = number
  default     = 2
}

variable "service_max_capacity" {
  description = "Most running service tasks."
  type        = number
  default     = 4
}

variable "alb_deletion_protection" {
  description = "Whether the service's ALB refuses deletion."
  type        = bool
  default     = true
}

variable "jwt_issuer_uri" {
  description = "JOBLEDGER_JWT_ISSUER_URI: the issuer of the identity provider the service accepts tokens from."
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
  description = "The dashboard's OIDC client at jwt_issuer_uri (authorization code with PKCE; redirect URI https://<service_domain_name>/dashboard/oauth2/code/dashboard, post-logout URI https://<service_domain_name>/dashboard/signed-out). Empty: no sign-in at the identity provider."
  type        = string
  default     = ""
}

variable "dashboard_client_secret_arn" {
  description = "Secrets Manager secret whose value is the dashboard client's secret; null for a public client (PKCE alone). Created outside Terraform, so that the value is in no state file."
  type        = string
  default     = null
}

variable "dashboard_client_secret_kms_key_arn" {
  description = "Customer managed KMS key of that secret; null for the AWS managed aws/secretsmanager key."
  type        = string
  default     = null
}

variable "dashboard_scopes" {
  description = "What the dashboard's sign-in asks for; add offline_access where the provider issues refresh tokens only for it."
  type        = list(string)
  default     = ["openid"]
}

# --- Database ----------------------------------------------------------------------

variable "database_instance_class" {
  description = "Instance class of the PostgreSQL database."
  type        = string
  default     = "db.t4g.medium"
}

variable "database_multi_az" {
  description = "Whether the database keeps a standby in a second availability zone."
  type        = bool
  default     = false
}

variable "database_deletion_protection" {
  description = "Whether RDS refuses to delete the database."
  type        = bool
  default     = true
}

# --- Encryption -----------------------------------------------------------------

variable "kms_key_arn" {
  description = "Optional customer managed KMS key for the job bucket and queues. Null uses SSE-S3 and SQS-managed encryption."
  type        = string
  default     = null
}

# --- Job bucket -------------------------------------------------------------------

variable "job_bucket_name" {
  description = "Name of the job file bucket. Null uses \"<environment>-job-ledger-jobs\"; S3 names are global, so override it when taken."
  type        = string
  default     = null
}

variable "job_file_expiration_days" {
  description = "Optional expiry, in days, of job files under jobs/. Null keeps them."
  type        = number
  default     = null
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed on the job bucket (presigned uploads). Empty creates no CORS configuration."
  type        = list(string)
  default     = []
}

# --- Job queue ----------------------------------------------------------------------

variable "max_receive_count" {
  description = "Receives after which a job message moves to the dead-letter queue (must be greater than 10, the jobs' highest maxAttempts)."
  type        = number
  default     = 12
}

variable "alarm_actions" {
  description = "ARNs notified by the job flow alarms. Empty creates an encrypted SNS topic to subscribe to."
  type        = list(string)
  default     = []
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic created when alarm_actions is empty (each confirms its subscription)."
  type        = list(string)
  default     = []
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "Age of the oldest job message, in seconds, above which the backlog alarm fires."
  type        = number
  default     = 900
}

# --- Job processor ----------------------------------------------------------------

variable "lambda_runtime" {
  description = "Runtime of the job processor: java17 or java21."
  type        = string
  default     = "java21"
}

variable "lambda_memory_size" {
  description = "Memory of the job processor in MB."
  type        = number
  default     = 1024
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the job processor in seconds (at least 115: the bridge's retried call budget of 85 s plus 30 s of work); the job queue's visibility timeout is six times this."
  type        = number
  default     = 120
}

variable "lambda_event_source_enabled" {
  description = "Whether the job queue triggers the job processor. Leave false until the bridge secret has a value (DEPLOYMENT_GUIDE.md, section 4): before that every job would fail into the dead-letter queue."
  type        = bool
  default     = false
}

variable "lambda_snap_start_enabled" {
  description = "Whether the job processor uses SnapStart (published versions behind a live alias)."
  type        = bool
  default     = false
}

variable "lambda_jar_path" {
  description = "Path of the job processor jar relative to this directory (built by make lambda-build)."
  type        = string
  default     = "../../../lambda-bridge/target/lambda-bridge.jar"
}

variable "lambda_code_s3_bucket" {
  description = "Optional bucket holding the job processor jar; when set, lambda_code_s3_key is deployed instead of lambda_jar_path."
  type        = string
  default     = null
}

variable "lambda_code_s3_key" {
  description = "Key of the job processor jar in lambda_code_s3_bucket."
  type        = string
  default     = null
}

variable "lambda_code_s3_object_version" {
  description = "Version of the job processor jar object in lambda_code_s3_bucket."
  type        = string
  default     = null
}

variable "lambda_batch_size" {
  description = "Job messages per invocation."
  type        = number
  default     = 10
}

variable "lambda_maximum_concurrency" {
  description = "Maximum concurrent invocations driven by the job queue."
  type        = number
  default     = 5
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for the job processor; -1 leaves it unreserved."
  type        = number
  default     = -1
}

variable "log_retention_days" {
  description = "Retention of the job processor's and the service's logs in days."
  type        = number
  default     = 30
}
