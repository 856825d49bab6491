# Plan-level checks of the QA wiring with a mocked AWS provider: no credentials, no network, no built jar.
mock_provider "aws" {
  # A mocked policy document has a random string as its JSON, which IAM resources refuse.
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

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    }
  }
}

variables {
  aws_region          = "eu-central-1"
  service_image_tag   = "0123abc"
  service_domain_name = "job-ledger.qa.internal.example.com"
  certificate_arn     = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  jwt_issuer_uri      = "https://auth.qa.example.com/realms/job-ledger"
  jwt_audience        = "job-ledger"

  # The jar is not built in a policy check: deploy "from S3" instead.
  lambda_code_s3_bucket = "artifacts"
  lambda_code_s3_key    = "lambda-bridge.jar"
}

run "created_vpc_has_the_endpoints_the_service_and_the_function_need" {
  command = plan

  assert {
    condition     = length(aws_subnet.private) == 2 && length(aws_nat_gateway.this) == 0
    error_message = "two private subnets and no NAT gateway by default"
  }

  assert {
    condition     = aws_vpc.this[0].enable_dns_support && aws_vpc.this[0].enable_dns_hostnames
    error_message = "private DNS of the interface endpoints needs DNS support and hostnames"
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.eu-central-1.s3"
    error_message = "S3 is reached through a gateway endpoint"
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sqs", "secretsmanager", "sts", "kms", "ecr.api", "ecr.dkr", "logs"])
    error_message = "interface endpoints for SQS, Secrets Manager, STS, KMS, ECR api/dkr and CloudWatch Logs"
  }

  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled])
    error_message = "interface endpoints use private DNS, so the SDKs' default endpoints resolve to them"
  }

  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.endpoints)) == toset(["service", "job_processor"])
    error_message = "the endpoints admit the service and the job processor"
  }
}

run "the_function_reports_over_https_and_waits_for_its_secret" {
  command = plan

  assert {
    condition     = output.service_url == "https://job-ledger.qa.internal.example.com"
    error_message = "the function reaches the service by its certificate's name over HTTPS"
  }

  assert {
    condition     = !var.lambda_event_source_enabled
    error_message = "the trigger is off until the bridge secret has a value"
  }

  assert {
    condition     = module.job_queue.visibility_timeout_seconds == 6 * var.lambda_timeout_seconds
    error_message = "the queue's visibility timeout is six times the function timeout"
  }
}

run "given_vpc_is_used_as_is" {
  command = plan

  variables {
    create_vpc              = false
    vpc_id                  = "vpc-0123456789abcdef0"
    private_subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    private_route_table_ids = ["rtb-0123456789abcdef0"]
    create_vpc_endpoints    = false
  }

  override_data {
    target = data.aws_vpc.given
    values = {
      cidr_block = "10.0.0.0/16"
    }
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0
    error_message = "nothing of the network is created for a given VPC without endpoints"
  }

  assert {
    condition     = output.private_subnet_ids == tolist(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"])
    error_message = "the given subnets are used"
  }
}

run "plain_http_domain_is_refused" {
  command = plan

  variables {
    jwt_issuer_uri = "http://auth.qa.example.com/realms/job-ledger"
  }

  expect_failures = [var.jwt_issuer_uri]
}
