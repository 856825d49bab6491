locals {
  tags = merge(var.tags, { "jobledger:component" = "database" })

  # Major version only: the parameter group family follows it (postgres16).
  engine_major_version = split(".", var.engine_version)[0]
}

resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Private subnets of the ${var.identifier} database."
  subnet_ids  = var.subnet_ids

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Network: only the service reaches the database; nothing else, not even the job processor
# ---------------------------------------------------------------------------

resource "aws_security_group" "this" {
  name_prefix = "${var.identifier}-"
  description = "PostgreSQL ${var.identifier}: ingress from the Job Ledger service only, no egress."
  vpc_id      = var.vpc_id

  # No inline rules: Terraform removes the default allow-all egress, and a database never opens connections.

  tags = merge(local.tags, { Name = var.identifier })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_service" {
  # count, not for_each: the ids are often only known after apply (created in the same run).
  count = length(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the Job Ledger service"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.allowed_security_group_ids[count.index]

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Parameters: the ledger is an event store, so a commit the service was told about must survive a crash
# ---------------------------------------------------------------------------

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-"
  family      = "postgres${local.engine_major_version}"
  description = "Durable settings for ${var.identifier}: acknowledged commits are on disk."

  # Both are the PostgreSQL defaults; they are pinned so that nobody trades durability of the event store for speed
  # in a later "tuning" change without this showing up in review.
  parameter {
    name  = "fsync"
    value = "1"
  }

  parameter {
    name  = "synchronous_commit"
    value = "on"
  }

  parameter {
    name  = "full_page_writes"
    value = "1"
  }

  # TLS only: the service's JDBC URL asks for sslmode=require; this refuses anyone who does not. Applied at the
  # next reboot when changed on a running instance (a new instance starts with it).
  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  # Long statements show up in the logs for diagnosis without logging every query.
  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_statement_ms)
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------
# Instance
# ---------------------------------------------------------------------------

resource "aws_db_instance" "this" {
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.master_username
  port     = var.port

  # RDS creates and rotates the password in a Secrets Manager secret: it never enters Terraform state, and the
  # service's task reads it from the secret at start.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.master_user_secret_kms_key_arn

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.storage_kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period  = var.backup_retention_days
  backup_window            = var.backup_window
  maintenance_window       = var.maintenance_window
  copy_tags_to_snapshot    = true
  delete_automated_backups = false

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.identifier}-final"

  # Minor upgrades restart the instance: they happen in the maintenance window, never on apply.
  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled    = var.performance_insights_enabled
  performance_insights_kms_key_id = var.performance_insights_enabled ? var.storage_kms_key_arn : null
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  iam_database_authentication_enabled = false

  tags = local.tags
}
