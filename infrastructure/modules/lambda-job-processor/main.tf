data "aws_partition" "current" {}

data "aws_region" "current" {}

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
    JOBLEDGER_SAFETY_MARGIN_SECONDS   = tostring(var.bridge_call_budget_seconds)
    JAVA_TOOL_OPTIONS                 = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
  }

  # The services the function's keys are used through: SQS (messages), S3 (job files), Secrets Manager (secret).
  kms_via_services = [for service in ["sqs", "s3", "secretsmanager"] : "${service}.${data.aws_region.current.name}.amazonaws.com"]
  kms_via_sqs      = "sqs.${data.aws_region.current.name}.amazonaws.com"
}

# ---------------------------------------------------------------------------
# Bridge credential: the secret is created here, its value is put by an operator
# (aws secretsmanager put-secret-value) so that it never enters Terraform state. Its value is OAuth 2 client
# credentials (JSON: token_uri, client_id, client_secret, scope): the function obtains and renews its own
# short-lived tokens, so nothing expires in the secret. A plain bearer token still works, until it expires.
# ---------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "bridge_token" {
  name                    = coalesce(var.bridge_secret_name, "${var.function_name}/bridge-token")
  description             = "Credential of the job processor bridge (permission job:Report only): OAuth 2 client credentials JSON {token_uri, client_id, client_secret, scope, audience}, or a bearer token. Value set with aws secretsmanager put-secret-value."
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
  # What the event source mapping needs. A record the function gives back as the same message is reported through
  # ReportBatchItemFailures, never by changing its visibility (which would not reset its receive count either).
  statement {
    sid = "ConsumeJobQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.queue_arn]
  }

  # A started record the invocation has no time left for goes back to its queue as a new message, so that waiting its
  # turn does not use up the receives of the queue's maxReceiveCount (lambda-bridge/README.md). Only this queue.
  statement {
    sid = "SendUnrunRecordsBack"
    actions = [
      "sqs:GetQueueUrl",
      "sqs:SendMessage",
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

      # Only as SQS, S3 or Secrets Manager decrypt for the function, never a direct Decrypt of some ciphertext.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.kms_via_services
      }
    }
  }

  # Sending to a queue encrypted with a customer managed key takes a data key of it; only as SQS does it.
  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []

    content {
      sid       = "EncryptRecordsSentBack"
      actions   = ["kms:GenerateDataKey"]
      resources = statement.value

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_sqs]
      }
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
# resource "*", so they come from an AWS managed policy rather than from a policy document of ours. It is
# AWSLambdaENIManagementAccess, not AWSLambdaVPCAccessExecutionRole: the latter also grants logs on "*", and the
# function's own log group is already granted above.
resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

# ---------------------------------------------------------------------------
# Network: no ingress; egress to HTTPS only (the service's ALB, AWS endpoints). Never the database.
# ---------------------------------------------------------------------------

resource "aws_security_group" "this" {
  name_prefix = "${var.function_name}-"
  description = "Job processor ${var.function_name}: no ingress; egress to HTTPS only."
  vpc_id      = var.vpc_id

  # No ingress or egress blocks: Terraform removes the default allow-all egress rule and the
  # aws_vpc_security_group_egress_rule resources below add the allowed destinations.

  tags = merge(local.tags, { Name = var.function_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  # count, not for_each: a CIDR may be known only after apply (a VPC created in the same run).
  count = length(var.https_egress_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and HTTPS endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.https_egress_cidr_blocks[count.index]

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "https_security_groups" {
  # count, not for_each: the ids are often only known after apply (created in the same run).
  count = length(var.https_egress_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS to the service's load balancer or interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.https_egress_security_group_ids[count.index]

  tags = local.tags
}

# The S3 gateway endpoint is reached through its prefix list, not through a CIDR of the VPC.
resource "aws_vpc_security_group_egress_rule" "s3_prefix_list" {
  count = length(var.s3_prefix_list_ids)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_ids[count.index]

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

  # The function writes one JSON object per line with a "level"; in JSON format Lambda drops application lines below
  # application_log_level, and sets AWS_LAMBDA_LOG_LEVEL, by which the function does not even build them.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "INFO"
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

    # The bridge stops starting work when less than bridge_call_budget_seconds remain, so that its last report
    # (with its retries) still fits; below this the function could be killed in the middle of that report.
    precondition {
      condition     = var.timeout_seconds >= var.bridge_call_budget_seconds + 30
      error_message = "timeout_seconds must be at least bridge_call_budget_seconds + 30, so that the bridge's retried calls fit inside the function timeout with time left for the job."
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

# ---------------------------------------------------------------------------
# Alarms: the function failing, being throttled, or running close to its timeout
# ---------------------------------------------------------------------------

locals {
  alarms = {
    errors = {
      metric      = "Errors"
      stat        = "Sum"
      threshold   = 0
      periods     = 1
      description = "Invocations of ${var.function_name} failed as a whole (crash, timeout, out of memory): their records return to the queue and count towards the dead-letter queue."
    }
    throttles = {
      metric      = "Throttles"
      stat        = "Sum"
      threshold   = 0
      periods     = 3
      description = "Invocations of ${var.function_name} were throttled for three minutes: the account or reserved concurrency is too low for maximum_concurrency."
    }
    # Near the timeout the bridge's last report may not fit any more and the attempt is only taken over after
    # the lease: a rising maximum duration is the early sign.
    duration = {
      metric      = "Duration"
      stat        = "Maximum"
      threshold   = var.timeout_seconds * 1000 * var.duration_alarm_ratio
      periods     = 3
      description = "Invocations of ${var.function_name} ran longer than ${floor(var.duration_alarm_ratio * 100)}% of its ${var.timeout_seconds}s timeout for three minutes."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = var.alarms_enabled ? local.alarms : {}

  alarm_name        = "${var.function_name}-${each.key}"
  alarm_description = "${each.value.description} See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  namespace   = "AWS/Lambda"
  metric_name = each.value.metric
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }

  statistic           = each.value.stat
  period              = 60
  evaluation_periods  = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = local.tags
}
