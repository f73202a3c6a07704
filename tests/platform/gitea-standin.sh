#!/usr/bin/env bash
# gitea-standin.sh -- "gitea hook --config=... HOOK": records what Gitea's
# own hook sees and refuses refs/heads/feature/locked in pre-receive, as
# Gitea's branch protection does.
hook=$3
env | grep -E '^(GITEA_|GIT_)' | sort >"${GITEA_ENV_DUMP:-/dev/null}.$hook"
if [ "$hook" = pre-receive ] && grep -q ' refs/heads/feature/locked$'; then
	echo "Gitea: branch feature/locked is protected from changes" >&2
	exit 1
fi
exit 0
