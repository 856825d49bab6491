terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }

  # Partial configuration: bucket, key, region and lock settings come from a file at init time,
  #   terraform init -backend-config=backend.hcl
  # (see backend.hcl.example). For a check without state use: terraform init -backend=false
  backend "s3" {}
}
