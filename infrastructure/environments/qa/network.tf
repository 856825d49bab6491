# ---------------------------------------------------------------------------
# VPC: created here (create_vpc = true) or given (vpc_id, private_subnet_ids, private_route_table_ids)
# ---------------------------------------------------------------------------

data "aws_availability_zones" "available" {
  count = var.create_vpc ? 1 : 0

  state = "available"
}

data "aws_vpc" "given" {
  count = var.create_vpc ? 0 : 1

  id = var.vpc_id
}

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block = var.vpc_cidr

  # Interface endpoints with private DNS need both: the SDKs keep their default endpoint names.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = local.prefix })
}

resource "aws_subnet" "private" {
  count = var.create_vpc ? var.availability_zone_count : 0

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)
  availability_zone = data.aws_availability_zones.available[0].names[count.index]

  tags = merge(local.tags, { Name = "${local.prefix}-private-${count.index}" })
}

resource "aws_route_table" "private" {
  count = var.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(local.tags, { Name = "${local.prefix}-private" })
}

resource "aws_route_table_association" "private" {
  count = var.create_vpc ? var.availability_zone_count : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

# A NAT gateway only when something outside AWS must be reached (typically the identity provider's JWK set):
# every AWS API the service and the function use has an endpoint below.
resource "aws_subnet" "public" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, 15)
  availability_zone = data.aws_availability_zones.available[0].names[0]

  tags = merge(local.tags, { Name = "${local.prefix}-public" })
}

resource "aws_internet_gateway" "this" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(local.tags, { Name = local.prefix })
}

resource "aws_route_table" "public" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }

  tags = merge(local.tags, { Name = "${local.prefix}-public" })
}

resource "aws_route_table_association" "public" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  domain = "vpc"

  tags = merge(local.tags, { Name = "${local.prefix}-nat" })
}

resource "aws_nat_gateway" "this" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id

  tags = merge(local.tags, { Name = local.prefix })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route" "private_to_nat" {
  count = var.create_vpc && var.create_nat_gateway ? 1 : 0

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

locals {
  vpc_id = var.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  # The variable, not the created VPC's attribute: the security group rules need it at plan time.
  vpc_cidr                = var.create_vpc ? var.vpc_cidr : data.aws_vpc.given[0].cidr_block
  private_subnet_ids      = var.create_vpc ? aws_subnet.private[*].id : var.private_subnet_ids
  private_route_table_ids = var.create_vpc ? aws_route_table.private[*].id : var.private_route_table_ids

  # HTTPS inside the VPC (interface endpoints, the ALB); anywhere only when a NAT gateway carries it.
  https_egress_cidr_blocks = distinct(concat(
    [local.vpc_cidr],
    var.create_vpc && var.create_nat_gateway ? ["0.0.0.0/0"] : [],
    var.extra_https_egress_cidr_blocks,
  ))

  s3_prefix_list_ids = aws_vpc_endpoint.s3[*].prefix_list_id
}

# ---------------------------------------------------------------------------
# VPC endpoints: the service and the function reach every AWS API they use without a NAT gateway
# ---------------------------------------------------------------------------

locals {
  # sqs: jobs and dead letters; secretsmanager: bridge and database secrets; sts: web identity and role sessions of
  # the SDKs; kms: SSE-KMS data keys; ecr.api/ecr.dkr: image pulls (layers come through the S3 endpoint); logs: awslogs.
  interface_endpoint_services = var.create_vpc_endpoints ? toset(["sqs", "secretsmanager", "sts", "kms", "ecr.api", "ecr.dkr", "logs"]) : toset([])
}

resource "aws_vpc_endpoint" "s3" {
  count = var.create_vpc_endpoints ? 1 : 0

  vpc_id            = local.vpc_id
  service_name      = "com.amazonaws.${var.aws_region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.private_route_table_ids

  tags = merge(local.tags, { Name = "${local.prefix}-s3" })
}

resource "aws_security_group" "endpoints" {
  count = var.create_vpc_endpoints ? 1 : 0

  name_prefix = "${local.prefix}-endpoints-"
  description = "Interface endpoints of ${local.prefix}: HTTPS from the service and the job processor."
  vpc_id      = local.vpc_id

  tags = merge(local.tags, { Name = "${local.prefix}-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  for_each = var.create_vpc_endpoints ? {
    service       = module.service.security_group_id
    job_processor = module.job_processor.security_group_id
  } : {}

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value

  tags = local.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = local.vpc_id
  service_name        = "com.amazonaws.${var.aws_region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = local.private_subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = merge(local.tags, { Name = "${local.prefix}-${each.value}" })
}
