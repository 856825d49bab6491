variable "name" {
  description = "Name of the job queue, e.g. qa-job-ledger-jobs. The dead-letter queue is named \"<name>-dlq\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 letters, digits, hyphens or underscores (room is left for the -dlq suffix)."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout of the function that consumes the queue. The queue's visibility timeout must be at least six times this value."
  type        = number

  validation {
    condition     = var.function_timeout_seconds >= 1 && var.function_timeout_seconds <= 900
    error_message = "function_timeout_seconds must be between 1 and 900 (the Lambda maximum)."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the job queue. Null uses six times function_timeout_seconds; a given value must be at least that (checked by a precondition)."
  type        = number
  default     = null

  validation {
    condition     = var.visibility_timeout_seconds == null || try(var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200, false)
    error_message = "visibility_timeout_seconds must be null or between 0 and 43200."
  }
}

variable "max_receive_count" {
  description = "Receives after which SQS moves a message to the dead-letter queue. Jobs allow maxAttempts up to 10 and the ledger sends a fresh message per attempt, so this only counts crash redeliveries; it must stay above 10."
  type        = number
  default     = 12

  validation {
    condition     = var.max_receive_count > 10 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be greater than 10 (the jobs' highest maxAttempts) and at most 1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the job queue keeps a message. Must be shorter than the dead-letter queue's retention."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message (default 14 days, the SQS maximum). SQS keeps a message's original enqueue time when it moves it, so this must exceed the job queue's retention."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait time of the job queue."
  type        = number
  default     = 20

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20
    error_message = "receive_wait_time_seconds must be between 0 and 20."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for both queues. Null uses SQS-managed server-side encryption (SSE-SQS)."
  type        = string
  default     = null
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again (only used with kms_key_arn)."
  type        = number
  default     = 300
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers (e.g. an existing SNS topic). Empty creates an encrypted SNS topic in this module."
  type        = list(string)
  default     = []
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic created by this module (each must confirm the subscription). Ignored when alarm_actions are given."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "alarm_topic_kms_key_arn" {
  description = "KMS key for the SNS topic created when alarm_actions is empty. Its key policy must let cloudwatch.amazonaws.com use it. Null creates a dedicated key (the AWS managed alias/aws/sns key cannot be used by CloudWatch alarms)."
  type        = string
  default     = null
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "Age of the oldest job message, in seconds, above which the queue-backlog alarm fires."
  type        = number
  default     = 900
}

variable "oldest_message_age_alarm_evaluation_periods" {
  description = "Consecutive 5-minute periods the oldest message must be older than the threshold before the alarm fires."
  type        = number
  default     = 2
}

variable "tags" {
  description = "Tags merged into every taggable resource of this module."
  type        = map(string)
  default     = {}
}
