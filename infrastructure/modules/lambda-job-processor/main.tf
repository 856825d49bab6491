data "aws_partition" "current" {}

data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  tags = merge(var.tags, { "jobledger:component" = "job-processor" })

  code_from_s3   = var.code_s3_bucket != null
  log_group_name = "/aws/lambda/${var.function_name}"
  kms_key_arns   = distinct([for arn in concat(var.kms_key_arns, [var.bridge_secret_kms_key_arn]) : arn if arn != null])

  # The Java side reads exactly these names.
  environment_variables = {
    JOBLEDGER_API_BASE_URL            = var.api_base_url
    JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN = aws_secretsmanager_secret.bridge_token.arn
    JOBLEDGER_S3_BUCKET               = var.bucket_name
    POWERTOOLS_SERVICE_NAME           = "job-processor"
    JAVA_TOOL_OPTIONS                 = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
  }
}

# ---------------------------------------------------------------------------
# Bridge credential: the secret is created here, its value is put by an operator
# (aws secretsmanager put-secret-value) so that it never enters Terraform state.
# ---------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "bridge_token" {
  name                    = coalesce(var.bridge_secret_name, "${var.function_name}/bridge-token")
  description             = "Bearer credential of the job processor bridge (permission job:Report only). Value set with aws secretsmanager put-secret-value."
  kms_key_id              = var.bridge_secret_kms_key_arn
  recovery_window_in_days = var.bridge_secret_recovery_window_in_days

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = local.tags
}

# ---------------------------------------------------------------------------
# IAM: least privilege, built only from aws_iam_policy_document
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.function_name}-role"
  description          = "Execution role of the ${var.function_name} function."
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  max_session_duration = 3600

  tags = local.tags
}

data "aws_iam_policy_document" "permissions" {
  statement {
    sid = "ConsumeJobQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "ReadJobFiles"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/jobs/*"]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadBridgeToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.bridge_token.arn]
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []

    content {
      sid       = "DecryptWithJobKeys"
      actions   = ["kms:Decrypt"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = var.dead_letter_target_arn == null ? [] : [var.dead_letter_target_arn]

    content {
      sid       = "SendFailedAsyncInvocations"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "job-processor"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}

# The ENI actions a function in a VPC needs (ec2:CreateNetworkInterface and friends) only accept
# resource "*", so they come from the AWS managed policy rather than from a policy document of ours.
resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

# ---------------------------------------------------------------------------
# Network: no ingress; egress to HTTPS, the service and the database only
# ---------------------------------------------------------------------------

resource "aws_security_group" "this" {
  name_prefix = "${var.function_name}-"
  description = "Job processor ${var.function_name}: no ingress; egress to HTTPS, the service and the database."
  vpc_id      = var.vpc_id

  # No ingress or egress blocks: Terraform removes the default allow-all egress rule and the
  # aws_vpc_security_group_egress_rule resources below add the allowed destinations.

  tags = merge(local.tags, { Name = var.function_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  for_each = toset(var.https_egress_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and HTTPS endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "service_security_groups" {
  for_each = toset(var.service_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Service internal endpoints"
  ip_protocol                  = "tcp"
  from_port                    = var.service_port
  to_port                      = var.service_port
  referenced_security_group_id = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "service_vpc_cidr" {
  count = length(var.service_security_group_ids) == 0 ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "Service internal endpoints inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = data.aws_vpc.this.cidr_block

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "database_security_groups" {
  for_each = toset(var.database_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Database"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "database_vpc_cidr" {
  count = length(var.database_security_group_ids) == 0 ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "Database inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.database_port
  to_port           = var.database_port
  cidr_ipv4         = data.aws_vpc.this.cidr_block

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  handler       = var.handler
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout_seconds
  publish       = var.snap_start_enabled

  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename          = local.code_from_s3 ? null : var.jar_path
  source_code_hash  = local.code_from_s3 ? null : try(filebase64sha256(var.jar_path), null)
  s3_bucket         = var.code_s3_bucket
  s3_key            = var.code_s3_key
  s3_object_version = var.code_s3_object_version

  environment {
    variables = local.environment_variables
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  dynamic "snap_start" {
    for_each = var.snap_start_enabled ? ["PublishedVersions"] : []

    content {
      apply_on = snap_start.value
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_target_arn == null ? [] : [var.dead_letter_target_arn]

    content {
      target_arn = dead_letter_config.value
    }
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = local.code_from_s3 || fileexists(var.jar_path)
      error_message = "The function jar was not found at jar_path: build it first (make lambda-build) or set code_s3_bucket and code_s3_key."
    }

    precondition {
      condition     = !local.code_from_s3 || var.code_s3_key != null
      error_message = "code_s3_key is required when code_s3_bucket is set."
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.this,
    aws_iam_role_policy_attachment.vpc_access,
  ]
}

# SnapStart only applies to published versions: the queue then invokes this alias.
resource "aws_lambda_alias" "live" {
  count = var.snap_start_enabled ? 1 : 0

  name             = "live"
  description      = "Version the job queue invokes."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = var.queue_arn
  function_name    = var.snap_start_enabled ? aws_lambda_alias.live[0].arn : aws_lambda_function.this.arn
  enabled          = var.event_source_enabled

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = local.tags
}
