output "bucket_name" {
  description = "Name of the job file bucket (JOBLEDGER_S3_BUCKET)."
  value       = aws_s3_bucket.jobs.id
}

output "bucket_arn" {
  description = "ARN of the job file bucket."
  value       = aws_s3_bucket.jobs.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the job file bucket."
  value       = aws_s3_bucket.jobs.bucket_regional_domain_name
}

output "job_files_prefix" {
  description = "Key prefix under which the service stores job files; IAM grants are scoped to it."
  value       = "jobs/"
}

output "kms_key_arn" {
  description = "KMS key used for SSE-KMS, or null when the bucket uses SSE-S3."
  value       = var.kms_key_arn
}
