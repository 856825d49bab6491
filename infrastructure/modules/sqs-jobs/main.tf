data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  use_kms = var.kms_key_arn != null
  tags    = merge(var.tags, { "jobledger:component" = "job-queue" })

  visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, 6 * var.function_timeout_seconds)

  create_alarm_topic     = length(var.alarm_actions) == 0
  create_alarm_topic_key = local.create_alarm_topic && var.alarm_topic_kms_key_arn == null
  alarm_actions          = local.create_alarm_topic ? [aws_sns_topic.alarms[0].arn] : var.alarm_actions
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds

  sqs_managed_sse_enabled           = local.use_kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.use_kms ? var.kms_data_key_reuse_period_seconds : null

  tags = merge(local.tags, { "jobledger:queue-role" = "dead-letter" })
}

resource "aws_sqs_queue" "jobs" {
  name                       = var.name
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  sqs_managed_sse_enabled           = local.use_kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.use_kms ? var.kms_data_key_reuse_period_seconds : null

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = merge(local.tags, { "jobledger:queue-role" = "jobs" })

  lifecycle {
    precondition {
      condition     = local.visibility_timeout_seconds >= 6 * var.function_timeout_seconds
      error_message = "The job queue's visibility timeout must be at least six times function_timeout_seconds."
    }

    precondition {
      condition     = var.dlq_message_retention_seconds > var.message_retention_seconds
      error_message = "The dead-letter queue must keep messages longer than the job queue (dlq_message_retention_seconds > message_retention_seconds)."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

resource "aws_kms_key" "alarms" {
  count = local.create_alarm_topic_key ? 1 : 0

  description             = "Encrypts the ${var.name} alarm topic; usable by CloudWatch alarms."
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = local.tags
}

resource "aws_kms_alias" "alarms" {
  count = local.create_alarm_topic_key ? 1 : 0

  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.alarms[0].key_id
}

data "aws_iam_policy_document" "alarm_key" {
  count = local.create_alarm_topic_key ? 1 : 0

  statement {
    sid = "AccountAdministersAndUsesKey"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListGrants",
      "kms:ListKeyPolicies",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:RetireGrant",
      "kms:RevokeGrant",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = [aws_kms_key.alarms[0].arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.alarms[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key_policy" "alarms" {
  count = local.create_alarm_topic_key ? 1 : 0

  key_id = aws_kms_key.alarms[0].key_id
  policy = data.aws_iam_policy_document.alarm_key[0].json
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = "${var.name}-alarms"
  kms_master_key_id = local.create_alarm_topic_key ? aws_kms_key.alarms[0].arn : var.alarm_topic_kms_key_arn

  tags = local.tags

  depends_on = [aws_kms_key_policy.alarms]
}

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name        = "${var.name}-dlq-not-empty"
  alarm_description = "Messages are waiting in ${aws_sqs_queue.dlq.name}: a job message was received ${var.max_receive_count} times without being deleted (function crashes or timeouts). See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = aws_sqs_queue.dlq.name
  }

  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  alarm_name        = "${var.name}-oldest-message-age"
  alarm_description = "The oldest message in ${aws_sqs_queue.jobs.name} is older than ${var.oldest_message_age_alarm_threshold_seconds}s: the job processor is not keeping up or not consuming. See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateAgeOfOldestMessage"
  dimensions = {
    QueueName = aws_sqs_queue.jobs.name
  }

  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = var.oldest_message_age_alarm_evaluation_periods
  threshold           = var.oldest_message_age_alarm_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}
