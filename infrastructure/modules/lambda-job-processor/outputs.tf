output "function_name" {
  description = "Name of the job processor function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the job processor function."
  value       = aws_lambda_function.this.arn
}

output "function_version" {
  description = "Latest published version of the function ($LATEST when SnapStart is off)."
  value       = aws_lambda_function.this.version
}

output "alias_arn" {
  description = "ARN of the \"live\" alias the queue invokes when SnapStart is on, otherwise null."
  value       = var.snap_start_enabled ? aws_lambda_alias.live[0].arn : null
}

output "invoked_arn" {
  description = "ARN the event source mapping invokes (the alias with SnapStart, the function otherwise)."
  value       = aws_lambda_event_source_mapping.jobs.function_arn
}

output "timeout_seconds" {
  description = "Timeout of the function in seconds."
  value       = aws_lambda_function.this.timeout
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "Security group of the function (no ingress)."
  value       = aws_security_group.this.id
}

output "bridge_token_secret_arn" {
  description = "ARN of the secret holding the bridge's bearer credential (JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN)."
  value       = aws_secretsmanager_secret.bridge_token.arn
}

output "bridge_token_secret_name" {
  description = "Name of the secret holding the bridge's bearer credential."
  value       = aws_secretsmanager_secret.bridge_token.name
}

output "event_source_mapping_uuid" {
  description = "UUID of the queue's event source mapping."
  value       = aws_lambda_event_source_mapping.jobs.uuid
}

output "environment_variable_names" {
  description = "Names of the environment variables set on the function."
  value       = sort(keys(local.environment_variables))
}

output "alarm_arns" {
  description = "ARNs of the function's alarms."
  value       = [for alarm in aws_cloudwatch_metric_alarm.function : alarm.arn]
}
