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

# Email subscriptions stay pending until each address confirms the message SNS sends it.
resource "aws_sns_topic_subscription" "email" {
  count = local.create_alarm_topic ? length(var.alarm_email_addresses) : 0

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email_addresses[count.index]
}

# What reached the dead-letter queue, not how many wait in it: the service's watcher receives and redrives dead
# letters every few seconds, so the queue's depth is almost always 0. SQS does not count a move by the redrive
# policy in the DLQ's NumberOfMessagesSent (only explicit sends), so the alarm takes the largest of:
#   - NumberOfMessagesReceived: the watcher receiving a dead letter, i.e. one arrived (the usual case);
#   - NumberOfMessagesSent: a message sent to the DLQ directly;
#   - ApproximateNumberOfMessagesVisible: dead letters waiting because the watcher is not running.
resource "aws_cloudwatch_metric_alarm" "dlq_received" {
  alarm_name        = "${var.name}-dlq-received"
  alarm_description = "A job message reached ${aws_sqs_queue.dlq.name}: it was received ${var.max_receive_count} times without being deleted (function crashes, timeouts, or the service unreachable). See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "arrived"
    expression  = "MAX([received, sent, waiting])"
    label       = "Dead letters received, sent or waiting"
    return_data = true
  }

  metric_query {
    id = "received"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "NumberOfMessagesReceived"
      dimensions  = { QueueName = aws_sqs_queue.dlq.name }
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "sent"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "NumberOfMessagesSent"
      dimensions  = { QueueName = aws_sqs_queue.dlq.name }
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "waiting"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.dlq.name }
      stat        = "Maximum"
      period      = 60
    }
  }

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
