# One region of a Burrow deployment: its own edge cluster behind a network load balancer.
# The AWS provider passed to the module decides the region.

variable "name" {
  description = "Deployment name, used in resource names and tags (for example burrow-prod)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name))
    error_message = "name must be 3-24 characters: lower-case letters, digits and '-', starting with a letter."
  }
}

variable "region_label" {
  description = "The region name the edge nodes and agents use (the Ansible group region_<label> and burrow_region). Null: the provider's AWS region."
  type        = string
  default     = null

  validation {
    condition     = var.region_label == null || can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.region_label))
    error_message = "region_label must be lower-case letters, digits and '-' (at most 31 characters)."
  }
}

variable "domain" {
  description = "Base domain of the endpoints: NAME.domain. A wildcard record *.domain is created in route53_zone_id."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name such as tunnel.example.com."
  }
}

variable "route53_zone_id" {
  description = "ID of the existing Route 53 hosted zone that holds domain (the zone of domain or of a parent)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone ID such as Z0123456789ABCDEFGHIJ."
  }
}

variable "connect_name" {
  description = "DNS name agents of this region dial (--server NAME:tunnel_port). Null: connect.<region_label>.<domain>."
  type        = string
  default     = null
}

variable "latency_routing" {
  description = "Publish *.domain with latency-based routing (one record per region, set identifier = region), so one wildcard name serves every region. False: a plain alias (single-region deployments)."
  type        = bool
  default     = true
}

# --- network ---------------------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "An existing VPC to use. Null: the module creates a VPC with one public subnet per availability zone."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "With vpc_id: the existing subnets (one per availability zone) for the nodes and the load balancer. Instances need a route to the internet for package installs."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.subnet_ids) == 0 || length(var.subnet_ids) >= 2
    error_message = "subnet_ids: give at least two subnets in different availability zones, or none to create them."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC the module creates (ignored with vpc_id)."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR of size /20 or larger, such as 10.42.0.0/16."
  }
}

variable "az_count" {
  description = "How many availability zones the created VPC spans (one public subnet each)."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6."
  }
}

variable "ssh_cidrs" {
  description = "CIDRs allowed to reach the nodes' ssh port (where Ansible runs from). Empty: no ssh rule (use SSM or a bastion)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_cidrs : can(cidrhost(c, 0))])
    error_message = "ssh_cidrs must be CIDRs such as 203.0.113.0/24."
  }
}

# --- instances -------------------------------------------------------------------------------------------------

variable "instance_type" {
  description = "EC2 instance type of the edge nodes (x86_64: the edge ships native epoll and BoringSSL for linux-x86_64)."
  type        = string
  default     = "c6i.large"
}

variable "ami_id" {
  description = "AMI of the edge nodes. Null: the latest official Debian 12 amd64 image (what the Ansible roles are tested on)."
  type        = string
  default     = null
}

variable "key_name" {
  description = "EC2 key pair for ssh (Ansible). Null: none."
  type        = string
  default     = null
}

variable "node_count" {
  description = "Edge nodes in this region (the auto-scaling group's min, max and desired size: cluster members are listed in each node's config, so a change of size is followed by an Ansible run)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_count >= 1 && var.node_count <= 50
    error_message = "node_count must be between 1 and 50 (3 or more for redundancy and a split-brain majority)."
  }
}

variable "root_volume_gb" {
  description = "Size of each node's root volume in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_gb >= 8
    error_message = "root_volume_gb must be at least 8."
  }
}

# --- ports (must match the Ansible variables of the same names) ------------------------------------------------

variable "ports" {
  description = "The edge node's ports: http (public HTTP), tunnel (agent links), ops (/readyz, /metrics), cluster (Hazelcast), relay (node to node)."
  type = object({
    http    = optional(number, 80)
    tunnel  = optional(number, 4443)
    ops     = optional(number, 9090)
    cluster = optional(number, 5701)
    relay   = optional(number, 7443)
  })
  default = {}

  validation {
    condition     = alltrue([for p in values(var.ports) : p >= 1 && p <= 65535]) && length(distinct(values(var.ports))) == 5
    error_message = "ports must be five different port numbers between 1 and 65535."
  }
}

variable "tcp_port_range" {
  description = "The edge's --tcp-ports range, opened to the public on the nodes' security group."
  type = object({
    from = number
    to   = number
  })
  default = { from = 20000, to = 20999 }

  validation {
    condition     = var.tcp_port_range.from >= 1024 && var.tcp_port_range.from <= var.tcp_port_range.to && var.tcp_port_range.to <= 65535
    error_message = "tcp_port_range must satisfy 1024 <= from <= to <= 65535."
  }
}

variable "nlb_tcp_ports" {
  description = "TCP endpoint ports (inside tcp_port_range) that also get a listener on the load balancer. An NLB has no port-range listener and at most 50 listeners, so list the ports you hand out (or keep TCP endpoints on the nodes' own addresses)."
  type        = list(number)
  default     = []

  validation {
    condition     = length(var.nlb_tcp_ports) <= 40 && length(distinct(var.nlb_tcp_ports)) == length(var.nlb_tcp_ports)
    error_message = "nlb_tcp_ports: at most 40 distinct ports (the NLB allows 50 listeners in all)."
  }
}

variable "acm_certificate_arn" {
  description = "ACM certificate for *.domain. Set: a TLS listener on 443 terminates HTTPS at the load balancer and forwards to the HTTP port. Null: no 443 listener."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN."
  }
}

variable "proxy_protocol_v2" {
  description = "Send PROXY protocol v2 from the load balancer to the nodes (the edge must be configured to accept it from the VPC CIDR). False: the NLB preserves the client IP itself (instance targets)."
  type        = bool
  default     = false
}

variable "deregistration_delay_seconds" {
  description = "How long the load balancer lets connections to a draining node finish (at least the edge's --drain-timeout)."
  type        = number
  default     = 35

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
