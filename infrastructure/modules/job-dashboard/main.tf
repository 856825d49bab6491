locals {
  sqs_widgets = [
    {
      title = "Job queue depth"
      metrics = [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name, { label = "Visible (waiting)" }],
        ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", var.queue_name, { label = "In flight" }],
      ]
      stat = "Maximum"
    },
    {
      title = "Dead-letter queue depth"
      metrics = [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name, { label = "Dead letters" }],
      ]
      stat = "Maximum"
    },
    {
      title = "Age of oldest job message (s)"
      metrics = [
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { label = "Oldest message age" }],
      ]
      stat = "Maximum"
    },
  ]

  lambda_widgets = [
    {
      title = "Job processor invocations and errors"
      metrics = [
        ["AWS/Lambda", "Invocations", "FunctionName", var.function_name, { label = "Invocations" }],
        ["AWS/Lambda", "Errors", "FunctionName", var.function_name, { label = "Errors" }],
      ]
      stat = "Sum"
    },
    {
      title = "Job processor duration (ms)"
      metrics = [
        ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "p50", label = "p50" }],
        ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "p99", label = "p99" }],
        ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "Maximum", label = "max" }],
      ]
      stat = "Average"
    },
    {
      title = "Job processor throttles and concurrency"
      metrics = [
        ["AWS/Lambda", "Throttles", "FunctionName", var.function_name, { stat = "Sum", label = "Throttles" }],
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.function_name, { stat = "Maximum", label = "Concurrent executions" }],
      ]
      stat = "Maximum"
    },
  ]

  metric_widgets = [
    for index, widget in concat(local.sqs_widgets, local.lambda_widgets) : {
      type   = "metric"
      x      = (index % 3) * 8
      y      = floor(index / 3) * 6
      width  = 8
      height = 6
      properties = {
        title   = widget.title
        region  = var.aws_region
        view    = "timeSeries"
        stacked = false
        period  = var.period_seconds
        stat    = widget.stat
        metrics = widget.metrics
      }
    }
  ]

  alarm_widgets = length(var.alarm_arns) == 0 ? [] : [
    {
      type   = "alarm"
      x      = 0
      y      = 12
      width  = 24
      height = 3
      properties = {
        title  = "Job flow alarms"
        alarms = var.alarm_arns
      }
    }
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.dashboard_name
  dashboard_body = jsonencode({
    widgets = concat(local.metric_widgets, local.alarm_widgets)
  })
}
