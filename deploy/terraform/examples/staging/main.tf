# Staging: one region, three small nodes, one wildcard record.
#   terraform init && terraform apply -var-file=staging.tfvars
#   terraform output -raw ansible_inventory > ../../../ansible/inventories/staging/aws_ec2.yml
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
  region = var.aws_region

  default_tags {
    tags = { environment = "staging" }
  }
}

module "edge" {
  source = "../../modules/edge-region"

  name            = "burrow-staging"
  domain          = var.domain
  route53_zone_id = var.route53_zone_id
  latency_routing = false
  node_count      = 3
  instance_type   = "t3.medium"
  key_name        = var.key_name
  ssh_cidrs       = var.ssh_cidrs
  vpc_cidr        = "10.60.0.0/16"
}

locals {
  inventory = {
    plugin  = "amazon.aws.aws_ec2"
    regions = [module.edge.aws_region]
    filters = {
      "tag:burrow-cluster"  = "burrow-staging"
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
