# Plan-level checks with a mocked AWS provider: no credentials, no network.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-central-1"
    }
  }

  # A mocked policy document has a random string as its JSON, which IAM resources refuse.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\"}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

# The repository URL and the ARNs of the repository and log group are otherwise only known after apply.
override_resource {
  target          = aws_ecr_repository.this
  override_during = plan
  values = {
    arn            = "arn:aws:ecr:eu-central-1:123456789012:repository/qa-job-ledger"
    repository_url = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/qa-job-ledger"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.this
  override_during = plan
  values = {
    arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/ecs/qa-job-ledger"
  }
}

variables {
  name                       = "qa-job-ledger"
  image_tag                  = "0123abc"
  database_jdbc_url          = "jdbc:postgresql://db.example:5432/jobledger?sslmode=require"
  database_secret_arn        = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1234-AbCdEf"
  database_security_group_id = "sg-0database00000000"
  bucket_name                = "qa-job-ledger-jobs"
  bucket_arn                 = "arn:aws:s3:::qa-job-ledger-jobs"
  queue_url                  = "https://sqs.eu-central-1.amazonaws.com/123456789012/qa-job-ledger-jobs"
  queue_arn                  = "arn:aws:sqs:eu-central-1:123456789012:qa-job-ledger-jobs"
  dlq_url                    = "https://sqs.eu-central-1.amazonaws.com/123456789012/qa-job-ledger-jobs-dlq"
  dlq_arn                    = "arn:aws:sqs:eu-central-1:123456789012:qa-job-ledger-jobs-dlq"
  kms_key_arns               = ["arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"]
  jwt_issuer_uri             = "https://auth.example.com/realms/job-ledger"
  jwt_audience               = "job-ledger"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  client_security_group_ids  = ["sg-0function0000000"]
  https_egress_cidr_blocks   = ["10.0.0.0/16"]
  certificate_arn            = "arn:aws:acm:eu-central-1:123456789012:certificate/22222222-2222-2222-2222-222222222222"
}

run "task_role_is_scoped_to_the_prefix_the_queues_and_the_keys" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.task.statement :
      alltrue([for r in s.resources : r != "*"])
    ])
    error_message = "the task role must not grant anything on *"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.task.statement : s.resources if s.sid == "WriteJobFiles"
    ]) == toset(["arn:aws:s3:::qa-job-ledger-jobs/jobs/*"])
    error_message = "job files are scoped to the jobs/ prefix"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.task.statement : s.resources if s.sid == "PublishAndRedriveJobs"
    ]) == toset([var.queue_arn])
    error_message = "the service sends to the job queue only"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.task.statement : s.resources if s.sid == "WatchDeadLetters"
    ]) == toset([var.dlq_arn])
    error_message = "the service receives from the dead-letter queue only"
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.task.statement : [
        for c in s.condition : c.values if c.variable == "kms:ViaService"
      ] if s.sid == "UseJobKey"
    ])) == toset(["s3.eu-central-1.amazonaws.com", "sqs.eu-central-1.amazonaws.com"])
    error_message = "the job keys are usable only through S3 and SQS"
  }
}

run "execution_role_reads_only_its_image_logs_and_database_secret" {
  command = plan

  variables {
    database_secret_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/33333333-3333-3333-3333-333333333333"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.execution.statement :
      s.sid == "RegistryLogin" || alltrue([for r in s.resources : r != "*"])
    ])
    error_message = "only ecr:GetAuthorizationToken (no resource-level permissions) may use *"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "ReadDatabaseSecret"
    ]) == toset([var.database_secret_arn])
    error_message = "the execution role reads the database secret only"
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.execution.statement : [
        for c in s.condition : c.values if c.variable == "kms:ViaService"
      ] if s.sid == "DecryptDatabaseSecret"
    ])) == toset(["secretsmanager.eu-central-1.amazonaws.com"])
    error_message = "the secret's key is usable only through Secrets Manager"
  }
}

run "internal_tls_load_balancer_and_private_tasks" {
  command = plan

  assert {
    condition     = aws_lb.this.internal && aws_lb.this.drop_invalid_header_fields
    error_message = "the ALB must be internal and drop invalid headers"
  }

  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.port == 443 && aws_lb_listener.https.certificate_arn == var.certificate_arn
    error_message = "the only listener is HTTPS with the given certificate"
  }

  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/actuator/health/readiness"
    error_message = "the ALB checks readiness"
  }

  assert {
    condition     = !one(aws_ecs_service.this.network_configuration).assign_public_ip && aws_ecs_service.this.launch_type == "FARGATE"
    error_message = "tasks run on Fargate without public IPs"
  }

  assert {
    condition     = one(aws_ecs_service.this.deployment_circuit_breaker).rollback
    error_message = "failed deployments roll back"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.alb_from_security_groups[*].referenced_security_group_id == ["sg-0function0000000"]
    error_message = "the ALB admits the given client security groups"
  }
}

run "container_reads_the_names_the_service_reads" {
  command = plan

  assert {
    condition = alltrue([
      for name in [
        "JOBLEDGER_DATABASE_URL", "JOBLEDGER_S3_BUCKET", "JOBLEDGER_SQS_QUEUE_URL", "JOBLEDGER_SQS_DLQ_URL",
        "JOBLEDGER_JWT_ISSUER_URI", "AWS_REGION",
      ] : contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name], name)
    ])
    error_message = "the container environment lacks a name the service reads"
  }

  assert {
    condition = [
      for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.valueFrom
      ] == [
      "${var.database_secret_arn}:password::",
      "${var.database_secret_arn}:username::",
    ]
    error_message = "the database credentials come from the RDS-managed secret"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem
    error_message = "the root file system is read-only"
  }
}

run "autoscaling_on_cpu_and_requests" {
  command = plan

  assert {
    condition     = aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "scales on CPU"
  }

  assert {
    condition     = aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    error_message = "scales on ALB request count"
  }
}

run "plain_latest_tag_is_refused" {
  command = plan

  variables {
    image_tag = "latest"
  }

  expect_failures = [var.image_tag]
}

run "alarms_watch_the_alb_and_notify_the_given_actions" {
  command = plan

  variables {
    alarm_actions = ["arn:aws:sns:eu-central-1:123456789012:alarms"]
  }

  assert {
    condition = toset([
      for q in aws_cloudwatch_metric_alarm.http_5xx.metric_query : one(q.metric).metric_name if length(q.metric) > 0
    ]) == toset(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"])
    error_message = "the 5xx alarm counts the tasks' and the ALB's 5xx"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.http_5xx.alarm_actions == toset(var.alarm_actions) && aws_cloudwatch_metric_alarm.unhealthy_tasks.alarm_actions == toset(var.alarm_actions)
    error_message = "the service's alarms notify the given actions"
  }
}

run "without_a_dashboard_client_the_service_gets_no_sign_in_settings" {
  command = plan

  assert {
    condition = length([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name
      if startswith(e.name, "JOBLEDGER_DASHBOARD_")
    ]) == 0
    error_message = "no dashboard sign-in settings without a client id"
  }

  assert {
    condition = contains([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"
    ], "SERVER_FORWARDHEADERSSTRATEGY=native")
    error_message = "behind the TLS-ending ALB the service reads X-Forwarded-* (https redirect URIs, Secure cookie)"
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.execution.statement : s if s.sid == "ReadDashboardClientSecret"
    ]) == 0
    error_message = "no dashboard secret, no permission to read one"
  }
}

run "the_dashboard_client_secret_comes_from_its_own_secret_read_only_by_the_execution_role" {
  command = plan

  variables {
    dashboard_client_id                 = "job-ledger-dashboard"
    dashboard_client_secret_arn         = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:qa-job-ledger-dashboard-AbCdEf"
    dashboard_client_secret_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/44444444-4444-4444-4444-444444444444"
    dashboard_scopes                    = ["openid", "offline_access"]
  }

  assert {
    condition = toset([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"
      if startswith(e.name, "JOBLEDGER_DASHBOARD_")
    ]) == toset(["JOBLEDGER_DASHBOARD_CLIENT_ID=job-ledger-dashboard", "JOBLEDGER_DASHBOARD_SCOPES=openid,offline_access"])
    error_message = "the container gets the dashboard's client id and scopes"
  }

  assert {
    condition = contains([
      for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : "${s.name}=${s.valueFrom}"
    ], "JOBLEDGER_DASHBOARD_CLIENT_SECRET=${var.dashboard_client_secret_arn}")
    error_message = "the client secret is injected from its secret at task start, never in the task definition"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "ReadDashboardClientSecret"
    ]) == toset([var.dashboard_client_secret_arn])
    error_message = "the execution role reads the dashboard client's secret only"
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.execution.statement : [
        for c in s.condition : c.values if c.variable == "kms:ViaService"
      ] if s.sid == "DecryptDashboardClientSecret"
    ])) == toset(["secretsmanager.eu-central-1.amazonaws.com"])
    error_message = "the dashboard secret's key is usable only through Secrets Manager"
  }
}

run "a_sign_in_without_openid_is_refused" {
  command = plan

  variables {
    dashboard_client_id = "job-ledger-dashboard"
    dashboard_scopes    = ["profile"]
  }

  expect_failures = [var.dashboard_scopes]
}

run "the_outbox_backlog_reaches_cloudwatch_and_alarms" {
  command = plan

  assert {
    condition = contains([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"
    ], "JOBLEDGER_METRICS_CLOUDWATCH_NAMESPACE=JobLedger")
    error_message = "the service writes the outbox backlog to the namespace the alarm reads"
  }

  assert {
    condition = contains([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"
    ], "JOBLEDGER_METRICS_CLOUDWATCH_ENVIRONMENT=qa-job-ledger")
    error_message = "the service's metric dimension is the deployment's name"
  }

  assert {
    condition = (aws_cloudwatch_metric_alarm.outbox_backlog.namespace == "JobLedger"
      && aws_cloudwatch_metric_alarm.outbox_backlog.metric_name == "OutboxOldestDueAgeSeconds"
      && aws_cloudwatch_metric_alarm.outbox_backlog.dimensions["Environment"] == "qa-job-ledger"
    && aws_cloudwatch_metric_alarm.outbox_backlog.threshold == 300)
    error_message = "the alarm reads the oldest due attempt's age the service writes, and fires past five minutes"
  }
}
