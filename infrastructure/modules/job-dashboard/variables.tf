variable "dashboard_name" {
  description = "Name of the CloudWatch dashboard, e.g. qa-job-ledger-jobs."
  type        = string
}

variable "aws_region" {
  description = "Region of the queues and the function shown on the dashboard."
  type        = string
}

variable "queue_name" {
  description = "Name of the job queue."
  type        = string
}

variable "dlq_name" {
  description = "Name of the job queue's dead-letter queue."
  type        = string
}

variable "function_name" {
  description = "Name of the job processor function."
  type        = string
}

variable "period_seconds" {
  description = "Period of the dashboard's metrics in seconds."
  type        = number
  default     = 60
}

variable "alarm_arns" {
  description = "ARNs of alarms shown in an alarm status widget. Empty omits the widget."
  type        = list(string)
  default     = []
}
