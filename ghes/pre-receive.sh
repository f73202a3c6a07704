#!/bin/sh
# The pre-receive hook script for GitHub Enterprise Server: commit it to
# your hook repository and choose the environment built by
# 'make ghes-env' (README, GitHub Enterprise Server). The policy is the
# admin's, inside the environment; a pusher cannot set this variable.
STAGEGATE_POLICY=/etc/stagegate/policy.yaml
export STAGEGATE_POLICY
exec /usr/local/bin/stagegate-pre-receive
