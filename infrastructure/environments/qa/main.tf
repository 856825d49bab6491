locals {
  prefix = "${var.environment}-job-ledger"

  tags = merge(var.tags, {
    Application = "job-ledger"
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  kms_key_arns = var.kms_key_arn == null ? [] : [var.kms_key_arn]

  # The function reports to the service through its internal ALB, by the certificate's name.
  api_base_url = "https://${var.service_domain_name}"
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
  alarm_email_addresses                      = var.alarm_email_addresses
  oldest_message_age_alarm_threshold_seconds = var.oldest_message_age_alarm_threshold_seconds

  tags = local.tags
}

module "database" {
  source = "../../modules/job-ledger-database"

  identifier          = local.prefix
  instance_class      = var.database_instance_class
  multi_az            = var.database_multi_az
  deletion_protection = var.database_deletion_protection
  storage_kms_key_arn = var.kms_key_arn

  vpc_id = local.vpc_id
  # Only the service: the job processor reports through the service's API and never opens a connection here.
  subnet_ids                 = local.private_subnet_ids
  allowed_security_group_ids = [module.service.security_group_id]

  tags = local.tags
}

module "service" {
  source = "../../modules/job-ledger-service"

  name      = local.prefix
  image_tag = var.service_image_tag

  task_cpu     = var.service_task_cpu
  task_memory  = var.service_task_memory
  min_capacity = var.service_min_capacity
  max_capacity = var.service_max_capacity

  database_jdbc_url          = module.database.jdbc_url
  database_secret_arn        = module.database.master_user_secret_arn
  database_security_group_id = module.database.security_group_id
  database_port              = module.database.port

  bucket_name        = module.job_bucket.bucket_name
  bucket_arn         = module.job_bucket.bucket_arn
  bucket_prefix      = module.job_bucket.job_files_prefix
  bucket_kms_key_arn = var.kms_key_arn
  queue_url          = module.job_queue.queue_url
  queue_arn          = module.job_queue.queue_arn
  dlq_url            = module.job_queue.dlq_url
  dlq_arn            = module.job_queue.dlq_arn
  kms_key_arns       = local.kms_key_arns

  jwt_issuer_uri  = var.jwt_issuer_uri
  jwt_jwk_set_uri = var.jwt_jwk_set_uri
  jwt_audience    = var.jwt_audience

  dashboard_client_id                 = var.dashboard_client_id
  dashboard_client_secret_arn         = var.dashboard_client_secret_arn
  dashboard_client_secret_kms_key_arn = var.dashboard_client_secret_kms_key_arn
  dashboard_scopes                    = var.dashboard_scopes

  extra_environment = {
    # A running attempt quiet for longer is taken over by its redelivered message: more than the function can
    # run, less than the queue's visibility timeout (six times the function timeout), so the redelivery finds it.
    JOBLEDGER_ATTEMPTS_LEASE = "${2 * var.lambda_timeout_seconds}s"
  }

  vpc_id                    = local.vpc_id
  subnet_ids                = local.private_subnet_ids
  client_security_group_ids = [module.job_processor.security_group_id]
  client_cidr_blocks        = var.service_client_cidr_blocks
  https_egress_cidr_blocks  = local.https_egress_cidr_blocks
  s3_prefix_list_ids        = local.s3_prefix_list_ids
  certificate_arn           = var.certificate_arn
  alb_deletion_protection   = var.alb_deletion_protection

  log_retention_days = var.log_retention_days
  alarm_actions      = module.job_queue.alarm_actions

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

  api_base_url = local.api_base_url
  queue_arn    = module.job_queue.queue_arn
  bucket_name  = module.job_bucket.bucket_name
  bucket_arn   = module.job_bucket.bucket_arn
  kms_key_arns = local.kms_key_arns

  vpc_id                          = local.vpc_id
  subnet_ids                      = local.private_subnet_ids
  https_egress_cidr_blocks        = local.https_egress_cidr_blocks
  https_egress_security_group_ids = [module.service.alb_security_group_id]
  s3_prefix_list_ids              = local.s3_prefix_list_ids

  # Off until the bridge secret has a value (DEPLOYMENT_GUIDE.md, section 4).
  event_source_enabled = var.lambda_event_source_enabled

  batch_size          = var.lambda_batch_size
  maximum_concurrency = var.lambda_maximum_concurrency
  log_retention_days  = var.log_retention_days
  alarm_actions       = module.job_queue.alarm_actions

  tags = local.tags
}

module "job_dashboard" {
  source = "../../modules/job-dashboard"

  dashboard_name = "${local.prefix}-jobs"
  aws_region     = var.aws_region
  queue_name     = module.job_queue.queue_name
  dlq_name       = module.job_queue.dlq_name
  function_name  = module.job_processor.function_name
  alarm_arns     = concat(module.job_queue.alarm_arns, module.job_processor.alarm_arns, module.service.alarm_arns)
}

# The service's name in a private hosted zone, when one is given; otherwise point the name at alb_dns_name yourself.
resource "aws_route53_record" "service" {
  count = var.private_zone_id == null ? 0 : 1

  zone_id = var.private_zone_id
  name    = var.service_domain_name
  type    = "A"

  alias {
    name                   = module.service.alb_dns_name
    zone_id                = module.service.alb_zone_id
    evaluate_target_health = true
  }
}
