output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision the service runs."
  value       = aws_ecs_task_definition.this.arn
}

output "ecr_repository_url" {
  description = "URL of the image repository (docker push <url>:<tag>)."
  value       = aws_ecr_repository.this.repository_url
}

output "ecr_repository_arn" {
  description = "ARN of the image repository."
  value       = aws_ecr_repository.this.arn
}

output "image" {
  description = "Image the task definition runs."
  value       = local.image
}

output "alb_dns_name" {
  description = "DNS name of the internal ALB (point the certificate's name at it)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the ALB, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB (CloudWatch LoadBalancer dimension)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch TargetGroup dimension)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "alb_security_group_id" {
  description = "Security group of the ALB; clients need egress to it on 443."
  value       = aws_security_group.alb.id
}

output "security_group_id" {
  description = "Security group of the service's tasks (admitted by the database)."
  value       = aws_security_group.service.id
}

output "task_role_arn" {
  description = "Task role of the service."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Name of the task role of the service."
  value       = aws_iam_role.task.name
}

output "execution_role_arn" {
  description = "Execution role of the service."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Log group of the service."
  value       = aws_cloudwatch_log_group.this.name
}

output "environment_variable_names" {
  description = "Names of the environment variables and secrets set on the container."
  value       = sort(concat(keys(local.environment), keys(local.secrets)))
}

output "alarm_arns" {
  description = "ARNs of the service's alarms (5xx, unhealthy tasks)."
  value       = [aws_cloudwatch_metric_alarm.http_5xx.arn, aws_cloudwatch_metric_alarm.unhealthy_tasks.arn]
}
