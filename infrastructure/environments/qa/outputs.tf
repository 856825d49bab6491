output "aws_region" {
  description = "Region of the environment (AWS_REGION)."
  value       = var.aws_region
}

output "job_bucket_name" {
  description = "Job file bucket (JOBLEDGER_S3_BUCKET of the service and the function)."
  value       = module.job_bucket.bucket_name
}

output "job_bucket_arn" {
  description = "ARN of the job file bucket."
  value       = module.job_bucket.bucket_arn
}

output "s3_kms_key_id" {
  description = "KMS key of the job bucket (JOBLEDGER_S3_KMS_KEY_ID), or null with SSE-S3."
  value       = var.kms_key_arn
}

output "job_queue_url" {
  description = "URL of the job queue (JOBLEDGER_SQS_QUEUE_URL)."
  value       = module.job_queue.queue_url
}

output "job_queue_arn" {
  description = "ARN of the job queue."
  value       = module.job_queue.queue_arn
}

output "job_dlq_url" {
  description = "URL of the job queue's dead-letter queue (JOBLEDGER_SQS_DLQ_URL)."
  value       = module.job_queue.dlq_url
}

output "job_dlq_arn" {
  description = "ARN of the job queue's dead-letter queue."
  value       = module.job_queue.dlq_arn
}

output "job_queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the job queue."
  value       = module.job_queue.visibility_timeout_seconds
}

output "job_processor_function_name" {
  description = "Name of the job processor function (used by make lambda-deploy and lambda-logs)."
  value       = module.job_processor.function_name
}

output "job_processor_function_arn" {
  description = "ARN of the job processor function."
  value       = module.job_processor.function_arn
}

output "job_processor_alias_arn" {
  description = "ARN of the job processor's live alias when SnapStart is on, otherwise null."
  value       = module.job_processor.alias_arn
}

output "job_processor_log_group_name" {
  description = "Log group of the job processor."
  value       = module.job_processor.log_group_name
}

output "job_processor_security_group_id" {
  description = "Security group of the job processor."
  value       = module.job_processor.security_group_id
}

output "job_processor_role_arn" {
  description = "Execution role of the job processor."
  value       = module.job_processor.role_arn
}

output "bridge_token_secret_arn" {
  description = "Secret holding the job processor's bridge credential (JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN); set its value with aws secretsmanager put-secret-value."
  value       = module.job_processor.bridge_token_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of the job flow alarms (null when alarm_actions were given); subscribe to it."
  value       = module.job_queue.alarm_topic_arn
}

output "dlq_alarm_name" {
  description = "Alarm that fires when the dead-letter queue holds messages."
  value       = module.job_queue.dlq_alarm_name
}

output "oldest_message_age_alarm_name" {
  description = "Alarm that fires when job messages wait too long."
  value       = module.job_queue.oldest_message_age_alarm_name
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the job flow."
  value       = module.job_dashboard.dashboard_name
}

output "vpc_id" {
  description = "VPC of the environment (created or given)."
  value       = local.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets of the service, the database and the job processor."
  value       = local.private_subnet_ids
}

output "service_url" {
  description = "Base URL of the service (JOBLEDGER_API_BASE_URL of the job processor)."
  value       = local.api_base_url
}

output "service_alb_dns_name" {
  description = "DNS name of the service's internal ALB; service_domain_name must resolve to it (done here when private_zone_id is set)."
  value       = module.service.alb_dns_name
}

output "service_ecr_repository_url" {
  description = "Image repository of the service: push <url>:<git-sha>, then set service_image_tag."
  value       = module.service.ecr_repository_url
}

output "service_cluster_name" {
  description = "ECS cluster of the service."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "ECS service name of the service."
  value       = module.service.service_name
}

output "service_log_group_name" {
  description = "Log group of the service."
  value       = module.service.log_group_name
}

output "service_task_role_arn" {
  description = "Task role of the service."
  value       = module.service.task_role_arn
}

output "database_address" {
  description = "Host name of the PostgreSQL database."
  value       = module.database.address
}

output "database_jdbc_url" {
  description = "JOBLEDGER_DATABASE_URL of the service."
  value       = module.database.jdbc_url
}

output "database_secret_arn" {
  description = "RDS-managed secret with the database's master credentials (rotated by RDS)."
  value       = module.database.master_user_secret_arn
}
