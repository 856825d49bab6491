output "dashboard_name" {
  description = "Name of the job flow dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_arn" {
  description = "ARN of the job flow dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_arn
}
