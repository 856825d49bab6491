variable "function_name" {
  description = "Name of the job processor function, e.g. qa-job-ledger-job-processor."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,52}$", var.function_name))
    error_message = "function_name must be 1-52 letters, digits, hyphens or underscores (room is left for derived role names)."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = "Job Ledger job processor: consumes the job queue and reports results to the service."
}

variable "runtime" {
  description = "Lambda runtime of the function: java17 or java21."
  type        = string
  default     = "java21"

  validation {
    condition     = contains(["java17", "java21"], var.runtime)
    error_message = "runtime must be java17 or java21."
  }
}

variable "handler" {
  description = "Handler of the function."
  type        = string
  default     = "dev.jobledger.lambda.SqsJobHandler::handleRequest"
}

variable "architecture" {
  description = "Instruction set architecture of the function: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "jar_path" {
  description = "Path of the function's jar on the machine running Terraform, relative to the working directory. Used when code_s3_bucket is null."
  type        = string
  default     = "../../../lambda-bridge/target/lambda-bridge.jar"
}

variable "code_s3_bucket" {
  description = "Bucket holding the function's jar. When set, code_s3_key is used instead of jar_path."
  type        = string
  default     = null
}

variable "code_s3_key" {
  description = "Key of the function's jar in code_s3_bucket."
  type        = string
  default     = null
}

variable "code_s3_object_version" {
  description = "Version of the jar object in code_s3_bucket (recommended, so that a new upload is a visible change)."
  type        = string
  default     = null
}

variable "memory_size" {
  description = "Memory of the function in MB (also scales its CPU)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the function in seconds; at least bridge_call_budget_seconds + 30 (115 by default). The job queue's visibility timeout must be at least six times this."
  type        = number
  default     = 120

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "snap_start_enabled" {
  description = "Whether SnapStart is on. It then publishes a version per code change and the queue invokes the \"live\" alias."
  type        = bool
  default     = false
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; -1 leaves it unreserved. The event source mapping's maximum_concurrency caps queue-driven concurrency in any case."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a non-negative number."
  }
}

variable "dead_letter_target_arn" {
  description = "Optional SQS queue for failed asynchronous invocations. Queue-driven failures go to the job queue's own dead-letter queue, so this is usually null."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_target_arn == null || can(regex("^arn:[^:]+:sqs:", var.dead_letter_target_arn))
    error_message = "dead_letter_target_arn must be null or the ARN of an SQS queue."
  }
}

variable "api_base_url" {
  description = "Base URL of the service's internal endpoints the function reports to (JOBLEDGER_API_BASE_URL), e.g. https://job-ledger.qa.internal."
  type        = string

  # The bridge sends its bearer credential with every call: never in clear text.
  validation {
    condition     = can(regex("^https://[^/]+", var.api_base_url))
    error_message = "api_base_url must be an https:// URL (the bridge's bearer credential must not cross the network in clear)."
  }
}

variable "bridge_call_budget_seconds" {
  description = "Longest one bridge call to the service can take with its retries (JOBLEDGER_SAFETY_MARGIN_SECONDS): 4 tries x (3 s connect + 15 s request) + up to 1.4 s of backoff + one token request (2 s connect + 5 s) is 80.4 s. The bridge stops starting work when less remains."
  type        = number
  default     = 85

  validation {
    condition     = var.bridge_call_budget_seconds >= 81 && var.bridge_call_budget_seconds <= 600
    error_message = "bridge_call_budget_seconds must cover the bridge's worst-case retried call with a token request (81 s) and be at most 600."
  }
}

variable "queue_arn" {
  description = "ARN of the job queue the function consumes."
  type        = string
}

variable "bucket_name" {
  description = "Name of the job file bucket (JOBLEDGER_S3_BUCKET)."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the job file bucket; the function may read objects under jobs/ only."
  type        = string
}

variable "kms_key_arns" {
  description = "KMS keys the function must decrypt with (the bucket's and the queue's customer managed keys). Empty grants no KMS permission."
  type        = list(string)
  default     = []
}

variable "bridge_secret_name" {
  description = "Name of the Secrets Manager secret holding the bridge's credential (job:Report only): OAuth 2 client credentials as JSON, or a bearer token. Null uses \"<function_name>/bridge-token\"."
  type        = string
  default     = null
}

variable "bridge_secret_kms_key_arn" {
  description = "Customer managed KMS key for the bridge secret. Null uses the AWS managed aws/secretsmanager key."
  type        = string
  default     = null
}

variable "bridge_secret_recovery_window_in_days" {
  description = "Days a deleted bridge secret can be restored (0 deletes it at once)."
  type        = number
  default     = 7
}

variable "log_level" {
  description = "Lowest level of the function's own log lines that are kept (Lambda's application log level): DEBUG adds two lines per job."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
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

variable "vpc_id" {
  description = "VPC the function runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the function (with a NAT gateway or VPC endpoints for SQS, S3 and Secrets Manager)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must list at least one private subnet."
  }
}

variable "https_egress_cidr_blocks" {
  description = "IPv4 ranges the function may reach on port 443 (AWS APIs, an HTTPS service endpoint). Narrow it to the VPC CIDR when all AWS APIs are reached through interface endpoints."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.https_egress_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "https_egress_cidr_blocks must be CIDR blocks."
  }
}

variable "https_egress_security_group_ids" {
  description = "Security groups the function may reach on 443: the service's load balancer, interface endpoints."
  type        = list(string)
  default     = []
}

variable "s3_prefix_list_ids" {
  description = "Prefix list of the S3 gateway endpoint the function reads job files through (a list of at most one, so that its id may be unknown until apply); empty when S3 is reached through https_egress_cidr_blocks."
  type        = list(string)
  default     = []
}

variable "batch_size" {
  description = "Maximum number of job messages per invocation."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the event source gathers messages before invoking (required > 0 for batch sizes above 10)."
  type        = number
  default     = 0
}

variable "maximum_concurrency" {
  description = "Maximum concurrent invocations the queue's event source mapping may drive (scaling_config)."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000."
  }
}

variable "event_source_enabled" {
  description = "Whether the event source mapping polls the queue (false pauses processing without losing messages). Off until the bridge secret has a value: without it every record fails and, after max_receive_count receives, lands in the dead-letter queue."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags merged into every taggable resource of this module."
  type        = map(string)
  default     = {}
}

variable "alarms_enabled" {
  description = "Whether to create the function's alarms (errors, throttles, duration near the timeout)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs the function's alarms notify (e.g. the job queue module's alarm topic)."
  type        = list(string)
  default     = []
}

variable "duration_alarm_ratio" {
  description = "Share of the timeout above which the maximum duration raises an alarm."
  type        = number
  default     = 0.8

  validation {
    condition     = var.duration_alarm_ratio > 0 && var.duration_alarm_ratio < 1
    error_message = "duration_alarm_ratio must be between 0 and 1."
  }
}
