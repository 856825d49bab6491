variable "identifier" {
  description = "Identifier of the RDS instance, e.g. qa-job-ledger; also names its subnet group, security group and final snapshot."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,50}[a-z0-9]$", var.identifier))
    error_message = "identifier must be 2-52 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "engine_version" {
  description = "PostgreSQL version: a major version (16: RDS picks the minor and upgrades it in the maintenance window without Terraform seeing a difference) or a full one (16.4). The parameter group family follows the major version."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[4-9](\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL version from 14 on, e.g. 16.4."
  }
}

variable "instance_class" {
  description = "Instance class of the database, e.g. db.t4g.medium."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS instance class (db.*)."
  }
}

variable "database_name" {
  description = "Name of the database the service uses (the last part of JOBLEDGER_DATABASE_URL)."
  type        = string
  default     = "jobledger"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be 1-63 lowercase letters, digits or underscores, starting with a letter."
  }
}

variable "master_username" {
  description = "Master user name (JOBLEDGER_DATABASE_USERNAME); its password is generated and kept by RDS in Secrets Manager."
  type        = string
  default     = "jobledger"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.master_username)
    error_message = "master_username must be 1-16 lowercase letters, digits or underscores and not a reserved name."
  }
}

variable "master_user_secret_kms_key_arn" {
  description = "Customer managed KMS key for the RDS-managed master user secret. Null uses the AWS managed aws/secretsmanager key."
  type        = string
  default     = null
}

variable "port" {
  description = "Port of the database."
  type        = number
  default     = 5432

  validation {
    condition     = var.port >= 1150 && var.port <= 65535
    error_message = "port must be between 1150 and 65535 (RDS limits)."
  }
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be between 20 and 65536."
  }
}

variable "max_allocated_storage_gb" {
  description = "Ceiling for storage autoscaling in GiB: the event store only grows, so storage grows with it instead of filling up."
  type        = number
  default     = 200

  validation {
    condition     = var.max_allocated_storage_gb >= 20 && var.max_allocated_storage_gb <= 65536
    error_message = "max_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "storage_kms_key_arn" {
  description = "Customer managed KMS key for the storage, snapshots and Performance Insights. Null uses the AWS managed aws/rds key (storage is encrypted either way)."
  type        = string
  default     = null
}

variable "multi_az" {
  description = "Whether RDS keeps a synchronous standby in a second availability zone (fail-over in about a minute). Off saves cost in QA; on for production."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35: the event store is the system of record, backups cannot be off."
  }
}

variable "backup_window" {
  description = "Daily UTC window of automated backups (hh24:mi-hh24:mi), outside the maintenance window."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:04:00-sun:05:00"
}

variable "deletion_protection" {
  description = "Whether RDS refuses to delete the instance. Turn it off in a separate apply before a deliberate destroy."
  type        = bool
  default     = true
}

variable "performance_insights_enabled" {
  description = "Whether Performance Insights is on (7 days free retention)."
  type        = bool
  default     = true
}

variable "log_min_duration_statement_ms" {
  description = "Queries running longer than this many milliseconds are logged; -1 logs none."
  type        = number
  default     = 1000

  validation {
    condition     = var.log_min_duration_statement_ms >= -1
    error_message = "log_min_duration_statement_ms must be -1 or more."
  }
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database, in at least two availability zones (an RDS requirement, also without Multi-AZ)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets in different availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups admitted on the database port: the Job Ledger service's only. The job processor never talks to the database."
  type        = list(string)

  validation {
    condition     = length(var.allowed_security_group_ids) > 0
    error_message = "allowed_security_group_ids must name the service's security group."
  }
}

variable "tags" {
  description = "Tags merged into every taggable resource of this module."
  type        = map(string)
  default     = {}
}
