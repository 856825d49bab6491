# Plan-level checks with a mocked AWS provider: no credentials, no network.
mock_provider "aws" {}

variables {
  identifier                 = "qa-job-ledger"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  allowed_security_group_ids = ["sg-0service000000000"]
}

run "durable_encrypted_and_protected" {
  command = plan

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.manage_master_user_password
    error_message = "storage must be encrypted and the password managed by RDS in Secrets Manager"
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.backup_retention_period >= 1
    error_message = "deletion protection, a final snapshot and backups are required"
  }

  assert {
    condition     = !aws_db_instance.this.publicly_accessible && !aws_db_instance.this.multi_az
    error_message = "private, single-AZ by default"
  }

  assert {
    condition = alltrue([
      for name in ["fsync", "synchronous_commit", "full_page_writes"] :
      contains([for p in aws_db_parameter_group.this.parameter : p.name if contains(["1", "on"], p.value)], name)
    ])
    error_message = "fsync, synchronous_commit and full_page_writes must be on"
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16"
    error_message = "the parameter group family follows the engine's major version"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_service[*].referenced_security_group_id == ["sg-0service000000000"]
    error_message = "only the service's security group is admitted"
  }
}

run "multi_az_switch" {
  command = plan

  variables {
    multi_az = true
  }

  assert {
    condition     = aws_db_instance.this.multi_az
    error_message = "multi_az = true must give a Multi-AZ instance"
  }
}

run "backups_cannot_be_off" {
  command = plan

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}
