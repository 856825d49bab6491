data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  tags = merge(var.tags, { "jobledger:component" = "service" })

  container_name = "job-ledger"
  image          = "${aws_ecr_repository.this.repository_url}:${var.image_tag}"
  log_group_name = "/ecs/${var.name}"
  region         = data.aws_region.current.name

  # The service reads exactly these names (application/src/main/resources/application.yml).
  environment = merge(
    {
      JOBLEDGER_DATABASE_URL        = var.database_jdbc_url
      JOBLEDGER_S3_BUCKET           = var.bucket_name
      JOBLEDGER_SQS_QUEUE_URL       = var.queue_url
      JOBLEDGER_SQS_DLQ_URL         = var.dlq_url
      JOBLEDGER_JWT_ISSUER_URI      = var.jwt_issuer_uri
      JOBLEDGER_JWT_JWK_SET_URI     = var.jwt_jwk_set_uri
      JOBLEDGER_JWT_AUDIENCE        = var.jwt_audience
      JOBLEDGER_DASHBOARD_CLIENT_ID = var.dashboard_client_id
      JOBLEDGER_DASHBOARD_SCOPES    = var.dashboard_client_id == "" ? "" : join(",", var.dashboard_scopes)
      # The outbox's backlog, once a minute, as embedded-metric-format log lines (CloudWatchBacklog): its alarm below.
      JOBLEDGER_METRICS_CLOUDWATCH_NAMESPACE   = var.metrics_namespace
      JOBLEDGER_METRICS_CLOUDWATCH_ENVIRONMENT = var.name
      AWS_REGION                               = local.region
      SERVER_PORT                              = tostring(var.container_port)
      JAVA_TOOL_OPTIONS                        = "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
      JOBLEDGER_S3_KMS_KEY_ID                  = var.bucket_kms_key_arn == null ? "" : var.bucket_kms_key_arn
      SERVER_SHUTDOWN                          = "graceful"
      SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE = "${var.deregistration_delay_seconds}s"
      # The ALB ends TLS: the service takes scheme and host from its X-Forwarded-* headers, so that the sign-in's
      # redirect URI is https://<service_domain_name>/... and the session cookie is Secure.
      SERVER_FORWARDHEADERSSTRATEGY = "native"
    },
    var.extra_environment,
  )

  # Username and password come from the RDS-managed secret at task start, the dashboard client's secret from its
  # own: none of them is in the task definition.
  secrets = merge(
    {
      JOBLEDGER_DATABASE_USERNAME = "${var.database_secret_arn}:username::"
      JOBLEDGER_DATABASE_PASSWORD = "${var.database_secret_arn}:password::"
    },
    var.dashboard_client_secret_arn == null ? {} : {
      JOBLEDGER_DASHBOARD_CLIENT_SECRET = var.dashboard_client_secret_arn
    },
  )

  # Secret -> its customer managed key (if any), for the execution role.
  secret_keys = merge(
    var.database_secret_kms_key_arn == null ? {} : { DecryptDatabaseSecret = var.database_secret_kms_key_arn },
    var.dashboard_client_secret_kms_key_arn == null ? {} : { DecryptDashboardClientSecret = var.dashboard_client_secret_kms_key_arn },
  )

  data_kms_key_arns = distinct(compact(concat(var.kms_key_arns, [var.bucket_kms_key_arn])))
}

# ---------------------------------------------------------------------------
# Image repository
# ---------------------------------------------------------------------------

resource "aws_ecr_repository" "this" {
  name = var.name

  # A tag names one image for good, so a rollback to a tag gets exactly the image that ran before.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = var.ecr_kms_key_arn == null ? "AES256" : "KMS"
    kms_key         = var.ecr_kms_key_arn
  }

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
# IAM: the execution role starts the task (image, logs, database secret); the task role is what the service does
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "EcsTasksAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name                 = "${var.name}-execution"
  description          = "ECS execution role of ${var.name}: pulls its image, writes its logs, reads its secrets."
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  max_session_duration = 3600

  tags = local.tags
}

data "aws_iam_policy_document" "execution" {
  # ecr:GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" for it. It only returns a
  # registry login; what may be pulled is limited by the statement below.
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullServiceImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [aws_ecr_repository.this.arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.database_secret_arn]
  }

  dynamic "statement" {
    for_each = var.dashboard_client_secret_arn == null ? [] : [var.dashboard_client_secret_arn]

    content {
      sid       = "ReadDashboardClientSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.secret_keys

    content {
      sid       = statement.key
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-task"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name                 = "${var.name}-task"
  description          = "Task role of ${var.name}: job files under jobs/, the job queue and its dead-letter queue."
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  max_session_duration = 3600

  tags = local.tags
}

data "aws_iam_policy_document" "task" {
  statement {
    sid = "WriteJobFiles"
    actions = [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
    ]
    resources = ["${var.bucket_arn}/${var.bucket_prefix}*"]
  }

  statement {
    sid       = "PublishAndRedriveJobs"
    actions   = ["sqs:SendMessage"]
    resources = [var.queue_arn]
  }

  # The dead-letter watcher receives, hides a message while it redrives it, and deletes it.
  statement {
    sid = "WatchDeadLetters"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [var.dlq_arn]
  }

  # Only through S3 and SQS: the role cannot use the keys directly, e.g. to decrypt a copied ciphertext.
  dynamic "statement" {
    for_each = length(local.data_kms_key_arns) > 0 ? [local.data_kms_key_arns] : []

    content {
      sid       = "UseJobKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = statement.value

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "job-ledger"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# ---------------------------------------------------------------------------
# Network: clients -> ALB (443) -> tasks (container_port) -> database, AWS endpoints, identity provider (443)
# ---------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "Internal ALB of ${var.name}: HTTPS from the given clients, to the service's tasks."
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_security_groups" {
  # count, not for_each: the ids are often only known after apply (created in the same run).
  count = length(var.client_security_group_ids)

  security_group_id            = aws_security_group.alb.id
  description                  = "HTTPS from a client security group"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.client_security_group_ids[count.index]

  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_cidrs" {
  for_each = toset(var.client_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from a client network"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Service tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.service.id

  tags = local.tags
}

resource "aws_security_group" "service" {
  name_prefix = "${var.name}-tasks-"
  description = "Tasks of ${var.name}: from the ALB only; to the database and HTTPS."
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "Requests and health checks from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_database" {
  security_group_id            = aws_security_group.service.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = var.database_security_group_id

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  # count, not for_each: a CIDR may be known only after apply (a VPC created in the same run).
  count = length(var.https_egress_cidr_blocks)

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to AWS endpoints and the identity provider"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.https_egress_cidr_blocks[count.index]

  tags = local.tags
}

# The S3 gateway endpoint is reached through its prefix list, not through a CIDR of the VPC.
resource "aws_vpc_security_group_egress_rule" "tasks_s3_prefix_list" {
  count = length(var.s3_prefix_list_ids)

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_ids[count.index]

  tags = local.tags
}

# ---------------------------------------------------------------------------
# Internal load balancer, TLS only
# ---------------------------------------------------------------------------

resource "aws_lb" "this" {
  name               = var.name
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = var.subnet_ids

  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = var.alb_idle_timeout_seconds

  tags = local.tags
}

resource "aws_lb_target_group" "this" {
  name_prefix          = "jl-"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay_seconds

  # Readiness, not liveness: a task that cannot reach its database gets no traffic but is not killed for it.
  health_check {
    path                = "/actuator/health/readiness"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = local.tags
}

# ---------------------------------------------------------------------------
# ECS
# ---------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Uploads are buffered on disk before they go to S3: /tmp is the only writable place of a read-only root.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = local.image
      essential              = true
      readonlyRootFilesystem = true
      user                   = "10001:10001"
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" },
      ]
      environment = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] } if local.environment[k] != ""]
      secrets     = [for k in sort(keys(local.secrets)) : { name = k, valueFrom = local.secrets[k] }]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      ]
      # Liveness: the image's curl-free probe (see Dockerfile) asks the actuator's liveness group; ECS replaces a
      # task whose JVM is stuck even while the ALB still has other healthy targets.
      healthCheck = {
        # A small, quick JVM: -Xmx overrides the service's MaxRAMPercentage from JAVA_TOOL_OPTIONS.
        command     = ["CMD", "java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/app/healthcheck", "HealthCheck", "http://127.0.0.1:${var.container_port}/actuator/health/liveness"]
        interval    = 30
        timeout     = 10
        retries     = 3
        startPeriod = var.health_check_grace_period_seconds
      }
      stopTimeout = 60
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "service"
        }
      }
    },
  ])

  tags = local.tags
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.min_capacity
  launch_type     = "FARGATE"

  # Flyway migrates at start: the ALB health checks only count once the schema is in place.
  health_check_grace_period_seconds = var.health_check_grace_period_seconds

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  # A release whose tasks never become healthy is rolled back to the previous task definition by ECS itself.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  propagate_tags         = "SERVICE"
  enable_execute_command = false

  tags = local.tags

  # Autoscaling owns the running count after creation.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https, aws_iam_role_policy.execution]
}

# ---------------------------------------------------------------------------
# Autoscaling: CPU for work inside the tasks, request count for load arriving at the ALB
# ---------------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity

  tags = local.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.this.arn_suffix}/${aws_lb_target_group.this.arn_suffix}"
    }
  }
}

# ---------------------------------------------------------------------------
# Alarms: errors the clients and the job processor see
# ---------------------------------------------------------------------------

# 5xx from the tasks and from the ALB itself (no healthy target, a task closing connections) together: the job
# processor's reports fail either way.
resource "aws_cloudwatch_metric_alarm" "http_5xx" {
  alarm_name        = "${var.name}-5xx"
  alarm_description = "The ${var.name} service answered more than ${var.http_5xx_alarm_threshold} 5xx responses per minute for three minutes (tasks or ALB). See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  comparison_operator = "GreaterThanThreshold"
  threshold           = var.http_5xx_alarm_threshold
  evaluation_periods  = 3
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "errors"
    expression  = "FILL(target, 0) + FILL(alb, 0)"
    label       = "5xx responses"
    return_data = true
  }

  metric_query {
    id = "target"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = aws_lb.this.arn_suffix, TargetGroup = aws_lb_target_group.this.arn_suffix }
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "alb"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = aws_lb.this.arn_suffix }
      stat        = "Sum"
      period      = 60
    }
  }

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = local.tags
}

# The outbox: attempts the ledger recorded but could not send to SQS (the queue unreachable, the sender stuck). Jobs
# wait PENDING while it grows, and nothing else alarms: the queue is empty and the service answers.
resource "aws_cloudwatch_metric_alarm" "outbox_backlog" {
  alarm_name        = "${var.name}-outbox-backlog"
  alarm_description = "The oldest job attempt due for dispatch in ${var.name} has waited more than ${var.outbox_backlog_alarm_seconds} s for three minutes: SQS unreachable or the sender stuck. See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  namespace   = var.metrics_namespace
  metric_name = "OutboxOldestDueAgeSeconds"
  dimensions  = { Environment = var.name }

  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = var.outbox_backlog_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  # No line means no task is running, which the unhealthy-tasks and 5xx alarms report.
  treat_missing_data = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_tasks" {
  alarm_name        = "${var.name}-unhealthy-tasks"
  alarm_description = "A task of ${var.name} failed its readiness check for three minutes (database unreachable, out of memory). See infrastructure/DEPLOYMENT_GUIDE.md, Alarms."

  namespace   = "AWS/ApplicationELB"
  metric_name = "UnHealthyHostCount"
  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
    TargetGroup  = aws_lb_target_group.this.arn_suffix
  }

  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = local.tags
}
