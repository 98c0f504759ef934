# Production: two regions, each its own cluster of three nodes behind its own load balancer; *.domain is
# published with latency routing in both, agents dial connect.<region>.<domain>.
#   terraform init && terraform apply -var-file=production.tfvars
#   terraform output -raw ansible_inventory > ../../../ansible/inventories/production/aws_ec2.yml
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.30, < 7.0"
    }
  }
}

provider "aws" {
  alias  = "eu"
  region = "eu-west-1"

  default_tags {
    tags = { environment = "production" }
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"

  default_tags {
    tags = { environment = "production" }
  }
}

module "edge_eu" {
  source    = "../../modules/edge-region"
  providers = { aws = aws.eu }

  name                = "burrow-prod"
  domain              = var.domain
  route53_zone_id     = var.route53_zone_id
  node_count          = var.nodes_per_region
  key_name            = var.key_name
  ssh_cidrs           = var.ssh_cidrs
  vpc_cidr            = "10.70.0.0/16"
  acm_certificate_arn = var.acm_certificate_arns["eu-west-1"]
}

module "edge_us" {
  source    = "../../modules/edge-region"
  providers = { aws = aws.us }

  name                = "burrow-prod"
  domain              = var.domain
  route53_zone_id     = var.route53_zone_id
  node_count          = var.nodes_per_region
  key_name            = var.key_name
  ssh_cidrs           = var.ssh_cidrs
  vpc_cidr            = "10.71.0.0/16"
  acm_certificate_arn = var.acm_certificate_arns["us-east-1"]
}

locals {
  inventory = {
    plugin  = "amazon.aws.aws_ec2"
    regions = [module.edge_eu.aws_region, module.edge_us.aws_region]
    filters = {
      "tag:burrow-cluster"  = "burrow-prod"
      "tag:burrow-role"     = "edge"
      "instance-state-name" = "running"
    }
    keyed_groups = [{ key = "tags['burrow-region']", prefix = "region", separator = "_" }]
    groups       = { edge = "'burrow-role' in tags" }
    compose = {
      ansible_host             = "public_ip_address | default(private_ip_address, true)"
      burrow_region            = "tags['burrow-region']"
      burrow_advertise_address = "private_ip_address"
    }
  }
}
