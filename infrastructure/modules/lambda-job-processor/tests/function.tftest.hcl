# Plan-level checks of the job processor with a mocked AWS provider (code "from S3": no jar needed).
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\"}"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-central-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  function_name      = "qa-job-ledger-job-processor"
  code_s3_bucket     = "artifacts"
  code_s3_key        = "lambda-bridge.jar"
  api_base_url       = "https://job-ledger.qa.internal.example.com"
  queue_arn          = "arn:aws:sqs:eu-central-1:123456789012:qa-job-ledger-jobs"
  bucket_name        = "qa-job-ledger-jobs"
  bucket_arn         = "arn:aws:s3:::qa-job-ledger-jobs"
  kms_key_arns       = ["arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"]
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-0123456789abcdef0"]
  alarm_actions      = ["arn:aws:sns:eu-central-1:123456789012:alarms"]
  s3_prefix_list_ids = ["pl-6ea54007"]
}

run "alarms_target_the_function_and_the_topic" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.function)) == toset(["errors", "throttles", "duration"])
    error_message = "errors, throttles and duration are alarmed"
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.function : a.dimensions.FunctionName == var.function_name && a.alarm_actions == toset(var.alarm_actions)])
    error_message = "the alarms watch this function and notify the given actions"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["duration"].threshold == 0.8 * 120 * 1000
    error_message = "the duration alarm fires at 80% of the timeout"
  }

  assert {
    condition     = !aws_lambda_event_source_mapping.jobs.enabled
    error_message = "the trigger is off until enabled (the bridge secret needs a value first)"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.JOBLEDGER_SAFETY_MARGIN_SECONDS == "85"
    error_message = "the bridge keeps its retried call budget before the timeout"
  }
}

run "iam_has_no_change_visibility_and_decrypts_only_via_services" {
  command = plan

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.permissions.statement : tolist(s.actions)]), "sqs:ChangeMessageVisibility")
    error_message = "sqs:ChangeMessageVisibility is not used by the function"
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.permissions.statement : [
        for c in s.condition : c.values if c.variable == "kms:ViaService"
      ] if s.sid == "DecryptWithJobKeys"
    ])) == toset(["sqs.eu-central-1.amazonaws.com", "s3.eu-central-1.amazonaws.com", "secretsmanager.eu-central-1.amazonaws.com"])
    error_message = "kms:Decrypt only via SQS, S3 and Secrets Manager"
  }
}

run "records_go_back_to_the_job_queue_only" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.permissions.statement :
      toset(s.resources) == toset([var.queue_arn]) if contains(tolist(s.actions), "sqs:SendMessage") && s.sid != "SendFailedAsyncInvocations"
    ])
    error_message = "the function sends messages to the job queue it reads, and to no other queue"
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.permissions.statement : [
        for c in s.condition : c.values if c.variable == "kms:ViaService"
      ] if s.sid == "EncryptRecordsSentBack"
    ])) == toset(["sqs.eu-central-1.amazonaws.com"])
    error_message = "kms:GenerateDataKey only via SQS"
  }
}

run "egress_is_https_only" {
  command = plan

  assert {
    condition = alltrue(concat(
      [for r in aws_vpc_security_group_egress_rule.https : r.from_port == 443 && r.to_port == 443],
      [for r in aws_vpc_security_group_egress_rule.s3_prefix_list : r.from_port == 443 && r.to_port == 443],
    ))
    error_message = "the function opens HTTPS connections only (never PostgreSQL)"
  }
}

run "plain_http_api_is_refused" {
  command = plan

  variables {
    api_base_url = "http://job-ledger.qa.internal:8080"
  }

  expect_failures = [var.api_base_url]
}

run "timeout_must_hold_the_bridge_budget" {
  command = plan

  variables {
    timeout_seconds = 60
  }

  expect_failures = [aws_lambda_function.this]
}
