data "aws_ami" "debian" {
  count       = var.ami_id == null ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian's official AWS account

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_launch_template" "edge" {
  name_prefix            = "${local.prefix}-edge-"
  image_id               = coalesce(var.ami_id, try(data.aws_ami.debian[0].id, null))
  instance_type          = var.instance_type
  key_name               = var.key_name
  vpc_security_group_ids = [aws_security_group.edge.id]
  update_default_version = true

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${local.prefix}-edge", "burrow-role" = "edge" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${local.prefix}-edge" })
  }

  tags = local.tags
}

# The nodes are configured by Ansible (deploy/ansible), not by user data: the group keeps their number and
# replaces a failed instance; run site.yml after a replacement so the new node gets its config and the others
# list it as a member.
resource "aws_autoscaling_group" "edge" {
  name_prefix               = "${local.prefix}-edge-"
  min_size                  = var.node_count
  max_size                  = var.node_count
  desired_capacity          = var.node_count
  vpc_zone_identifier       = local.subnet_ids
  health_check_type         = "EC2"
  health_check_grace_period = 300
  target_group_arns = concat(
    [aws_lb_target_group.http.arn, aws_lb_target_group.tunnel.arn],
    [for tg in aws_lb_target_group.tcp : tg.arn],
  )

  launch_template {
    id      = aws_launch_template.edge.id
    version = aws_launch_template.edge.latest_version
  }

  dynamic "tag" {
    for_each = merge(local.tags, { Name = "${local.prefix}-edge" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # A new launch template version must not replace running nodes behind Ansible's back.
    ignore_changes = [launch_template[0].version]
  }
}
