output "queue_name" {
  description = "Name of the job queue."
  value       = aws_sqs_queue.jobs.name
}

output "queue_url" {
  description = "URL of the job queue (JOBLEDGER_SQS_QUEUE_URL)."
  value       = aws_sqs_queue.jobs.id
}

output "queue_arn" {
  description = "ARN of the job queue."
  value       = aws_sqs_queue.jobs.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue (JOBLEDGER_SQS_DLQ_URL)."
  value       = aws_sqs_queue.dlq.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout applied to the job queue (at least six times the function timeout)."
  value       = aws_sqs_queue.jobs.visibility_timeout_seconds
}

output "max_receive_count" {
  description = "Receives after which a job message moves to the dead-letter queue."
  value       = var.max_receive_count
}

output "kms_key_arn" {
  description = "KMS key encrypting both queues, or null when they use SQS-managed encryption."
  value       = var.kms_key_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic created for the alarms, or null when alarm_actions were given."
  value       = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : null
}

output "alarm_actions" {
  description = "Actions the alarms notify."
  value       = local.alarm_actions
}

output "dlq_alarm_name" {
  description = "Name of the alarm on job messages reaching the dead-letter queue."
  value       = aws_cloudwatch_metric_alarm.dlq_received.alarm_name
}

output "oldest_message_age_alarm_name" {
  description = "Name of the alarm on the age of the job queue's oldest message."
  value       = aws_cloudwatch_metric_alarm.oldest_message_age.alarm_name
}

output "alarm_arns" {
  description = "ARNs of the dead-letter and oldest-message-age alarms."
  value = [
    aws_cloudwatch_metric_alarm.dlq_received.arn,
    aws_cloudwatch_metric_alarm.oldest_message_age.arn,
  ]
}
