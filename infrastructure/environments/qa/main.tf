locals {
  prefix = "${var.environment}-job-ledger"

  tags = merge(var.tags, {
    Application = "job-ledger"
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  kms_key_arns = var.kms_key_arn == null ? [] : [var.kms_key_arn]

  # The service reads exactly these environment variable names.
  service_environment = merge(
    {
      JOBLEDGER_S3_BUCKET     = module.job_bucket.bucket_name
      JOBLEDGER_SQS_QUEUE_URL = module.job_queue.queue_url
      JOBLEDGER_SQS_DLQ_URL   = module.job_queue.dlq_url
      AWS_REGION              = var.aws_region
      # A running attempt quiet for longer is taken over by its redelivered message: more than the function can
      # run, less than the queue's visibility timeout (six times the function timeout), so the redelivery finds it.
      JOBLEDGER_ATTEMPTS_LEASE = "${2 * var.lambda_timeout_seconds}s"
    },
    var.kms_key_arn == null ? {} : { JOBLEDGER_S3_KMS_KEY_ID = var.kms_key_arn },
    var.database_jdbc_url == null ? {} : { SPRING_DATASOURCE_URL = var.database_jdbc_url },
    var.jwt_issuer_uri == null ? {} : { JOBLEDGER_JWT_ISSUER_URI = var.jwt_issuer_uri },
  )
}

module "job_bucket" {
  source = "../../modules/s3-jobs"

  bucket_name              = coalesce(var.job_bucket_name, "${local.prefix}-jobs")
  kms_key_arn              = var.kms_key_arn
  job_file_expiration_days = var.job_file_expiration_days
  cors_allowed_origins     = var.cors_allowed_origins

  tags = local.tags
}

module "job_queue" {
  source = "../../modules/sqs-jobs"

  name = "${local.prefix}-jobs"

  # The visibility timeout is derived from (and checked against) the function's timeout.
  function_timeout_seconds = var.lambda_timeout_seconds

  max_receive_count                          = var.max_receive_count
  kms_key_arn                                = var.kms_key_arn
  alarm_actions                              = var.alarm_actions
  oldest_message_age_alarm_threshold_seconds = var.oldest_message_age_alarm_threshold_seconds

  tags = local.tags
}

module "job_processor" {
  source = "../../modules/lambda-job-processor"

  function_name   = "${local.prefix}-job-processor"
  runtime         = var.lambda_runtime
  memory_size     = var.lambda_memory_size
  timeout_seconds = var.lambda_timeout_seconds

  snap_start_enabled             = var.lambda_snap_start_enabled
  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions

  jar_path               = var.lambda_jar_path
  code_s3_bucket         = var.lambda_code_s3_bucket
  code_s3_key            = var.lambda_code_s3_key
  code_s3_object_version = var.lambda_code_s3_object_version

  api_base_url = var.api_base_url
  queue_arn    = module.job_queue.queue_arn
  bucket_name  = module.job_bucket.bucket_name
  bucket_arn   = module.job_bucket.bucket_arn
  kms_key_arns = local.kms_key_arns

  vpc_id                      = var.vpc_id
  subnet_ids                  = var.private_subnet_ids
  service_port                = var.service_port
  service_security_group_ids  = [var.service_security_group_id]
  database_port               = var.database_port
  database_security_group_ids = [var.rds_security_group_id]

  batch_size          = var.lambda_batch_size
  maximum_concurrency = var.lambda_maximum_concurrency
  log_retention_days  = var.log_retention_days

  tags = local.tags
}

module "job_dashboard" {
  source = "../../modules/job-dashboard"

  dashboard_name = "${local.prefix}-jobs"
  aws_region     = var.aws_region
  queue_name     = module.job_queue.queue_name
  dlq_name       = module.job_queue.dlq_name
  function_name  = module.job_processor.function_name
  alarm_arns     = module.job_queue.alarm_arns
}

# ---------------------------------------------------------------------------
# The service's existing role: job files, job queue, dead-letter queue
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "service" {
  statement {
    sid = "WriteJobFiles"
    actions = [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
    ]
    resources = ["${module.job_bucket.bucket_arn}/jobs/*"]
  }

  statement {
    sid       = "PublishAndRedriveJobs"
    actions   = ["sqs:SendMessage"]
    resources = [module.job_queue.queue_arn]
  }

  statement {
    sid = "WatchDeadLetters"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [module.job_queue.dlq_arn]
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []

    content {
      sid       = "UseJobKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "service" {
  name   = "${local.prefix}-jobs"
  role   = var.service_role_name
  policy = data.aws_iam_policy_document.service.json
}

# ---------------------------------------------------------------------------
# Network: the job processor may reach the database and the service
# ---------------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "database_from_job_processor" {
  security_group_id            = var.rds_security_group_id
  description                  = "PostgreSQL from the ${local.prefix} job processor"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = module.job_processor.security_group_id

  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "service_from_job_processor" {
  security_group_id            = var.service_security_group_id
  description                  = "Internal endpoints from the ${local.prefix} job processor"
  ip_protocol                  = "tcp"
  from_port                    = var.service_port
  to_port                      = var.service_port
  referenced_security_group_id = module.job_processor.security_group_id

  tags = local.tags
}

# ---------------------------------------------------------------------------
# The service's configuration (non-sensitive values only)
# ---------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "service_config" {
  name        = "${local.prefix}/service-config"
  description = "Job Ledger service configuration for ${var.environment}: JSON keyed by the service's environment variable names."

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "service_config" {
  secret_id     = aws_secretsmanager_secret.service_config.id
  secret_string = jsonencode(local.service_environment)
}
