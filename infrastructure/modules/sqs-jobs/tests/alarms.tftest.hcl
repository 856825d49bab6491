# Plan-level checks of the queue alarms with a mocked AWS provider.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\"}"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  name                     = "qa-job-ledger-jobs"
  function_timeout_seconds = 120
  alarm_email_addresses    = ["team@example.com"]
}

run "dead_letter_alarm_counts_what_reached_the_dlq_not_its_depth" {
  command = plan

  assert {
    condition = toset([
      for q in aws_cloudwatch_metric_alarm.dlq_received.metric_query : one(q.metric).metric_name if length(q.metric) > 0
    ]) == toset(["NumberOfMessagesReceived", "NumberOfMessagesSent", "ApproximateNumberOfMessagesVisible"])
    error_message = "the dead-letter alarm combines received, sent and waiting dead letters"
  }

  assert {
    condition = alltrue([
      for q in aws_cloudwatch_metric_alarm.dlq_received.metric_query :
      one(q.metric).dimensions.QueueName == "qa-job-ledger-jobs-dlq" if length(q.metric) > 0
    ])
    error_message = "every metric of the dead-letter alarm is the dead-letter queue's"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_received.threshold == 0 && aws_cloudwatch_metric_alarm.dlq_received.comparison_operator == "GreaterThanThreshold"
    error_message = "one dead letter is enough"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.oldest_message_age.metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.oldest_message_age.dimensions.QueueName == "qa-job-ledger-jobs"
    error_message = "the backlog alarm watches the job queue's oldest message"
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 1 && aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "team@example.com"
    error_message = "the created topic gets the email subscriptions"
  }
}

run "given_alarm_actions_replace_the_topic" {
  command = plan

  variables {
    alarm_actions = ["arn:aws:sns:eu-central-1:123456789012:platform-alerts"]
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.email) == 0
    error_message = "no topic and no subscription when alarm_actions are given"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_received.alarm_actions == toset(["arn:aws:sns:eu-central-1:123456789012:platform-alerts"])
    error_message = "the alarms notify the given actions"
  }
}
