variable "bucket_name" {
  description = "Name of the job file bucket, e.g. qa-job-ledger-jobs. S3 bucket names are global: override it when the name is taken."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for SSE-KMS (with an S3 bucket key). Null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Whether terraform destroy may delete a bucket that still holds objects. Keep false outside throwaway environments."
  type        = bool
  default     = false
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted and their parts deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1
    error_message = "abort_incomplete_multipart_upload_days must be at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent (overwritten or deleted) object versions are removed."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "job_file_expiration_days" {
  description = "Optional expiry, in days, of current job files under the jobs/ prefix. Null keeps job files until they are deleted."
  type        = number
  default     = null

  validation {
    condition     = var.job_file_expiration_days == null || try(var.job_file_expiration_days >= 1, false)
    error_message = "job_file_expiration_days must be null or at least 1."
  }
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to use presigned URLs against the bucket. Empty (the default) creates no CORS configuration."
  type        = list(string)
  default     = []
}

variable "cors_allowed_methods" {
  description = "HTTP methods allowed for the CORS origins (only used when cors_allowed_origins is not empty)."
  type        = list(string)
  default     = ["GET", "PUT", "HEAD"]
}

variable "cors_max_age_seconds" {
  description = "How long browsers may cache a CORS preflight response (only used when cors_allowed_origins is not empty)."
  type        = number
  default     = 3000
}

variable "tags" {
  description = "Tags merged into every taggable resource of this module."
  type        = map(string)
  default     = {}
}
