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

# --- Existing network and service ---------------------------------------------

variable "vpc_id" {
  description = "VPC of the service, the database and the job processor."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the job processor (with a NAT gateway or VPC endpoints for SQS, S3 and Secrets Manager)."
  type        = list(string)
}

variable "service_role_name" {
  description = "Name of the existing IAM role the Job Ledger service runs with; it gets the job bucket and queue permissions."
  type        = string
}

variable "service_security_group_id" {
  description = "Security group of the service; the job processor is allowed to reach it on service_port."
  type        = string
}

variable "service_port" {
  description = "Port of the service's internal endpoints."
  type        = number
  default     = 8080
}

variable "rds_security_group_id" {
  description = "Security group of the service's PostgreSQL database; the job processor is allowed to reach it on database_port."
  type        = string
}

variable "database_port" {
  description = "Port of the PostgreSQL database."
  type        = number
  default     = 5432
}

variable "api_base_url" {
  description = "Base URL of the service's internal endpoints as seen from the job processor (JOBLEDGER_API_BASE_URL), e.g. http://job-ledger.qa.internal:8080."
  type        = string
}

variable "database_jdbc_url" {
  description = "Optional SPRING_DATASOURCE_URL of the service (no credentials), stored in the service configuration secret when given."
  type        = string
  default     = null
}

variable "jwt_issuer_uri" {
  description = "Optional JOBLEDGER_JWT_ISSUER_URI of the service, stored in the service configuration secret when given."
  type        = string
  default     = null
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
  description = "Timeout of the job processor in seconds; the job queue's visibility timeout is six times this."
  type        = number
  default     = 60
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
  description = "Retention of the job processor's logs in days."
  type        = number
  default     = 30
}
