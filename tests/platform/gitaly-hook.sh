#!/usr/bin/env bash
# gitaly-hook.sh -- runs a repository's GitLab server hooks the way Gitaly
# does (git's core.hooksPath points at a directory of links to this).
#
# From Gitaly's source (gitlab-org/gitaly):
#   internal/gitaly/hook/custom.go newCustomHooksExecutor: hooks are
#     <repo>/custom_hooks/<hook>, then <repo>/custom_hooks/<hook>.d/* in
#     name order (executable, not a directory, not ending in '~'), each
#     run with cmd.Dir = the repository, the same stdin, and the first
#     one that fails stops the rest and fails the hook.
#   custom.go customHooksEnv: the environment is exactly
#     command.AllowedEnvironment(env)  HOME PATH LD_LIBRARY_PATH TZ
#         GIT_TRACE GIT_TRACE_PACK_ACCESS GIT_TRACE_PACKET
#         GIT_TRACE_PERFORMANCE GIT_TRACE_SETUP GIT_EXEC_PATH, proxies
#         (internal/command/command.go exportedEnvVars)
#     + GIT_PUSH_OPTION_COUNT, GIT_PUSH_OPTION_<n> (pushOptionsEnv)
#     + GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES (the
#       quarantine, as git set them; GIT_QUARANTINE_PATH is NOT passed)
#     + GIT_DIR GL_REPOSITORY GL_PROJECT_PATH GL_ID GL_USERNAME GL_PROTOCOL
# The user and protocol come from Gitaly's hooks payload; here from
# SIM_GL_ID / SIM_GL_USERNAME in the pusher's environment.
set -u
hook=$(basename "$0")
repo=$(cd "${GIT_DIR:-.}" && pwd)
input=$(mktemp); trap 'rm -f "$input"' EXIT
[ "$hook" = update ] || cat >"$input"
envs=()
for v in HOME PATH LD_LIBRARY_PATH TZ GIT_TRACE GIT_TRACE_PACK_ACCESS \
	 GIT_TRACE_PACKET GIT_TRACE_PERFORMANCE GIT_TRACE_SETUP GIT_EXEC_PATH \
	 all_proxy http_proxy HTTP_PROXY https_proxy HTTPS_PROXY no_proxy NO_PROXY; do
	[ -n "${!v+x}" ] && envs+=("$v=${!v}")
done
if [ "${GIT_PUSH_OPTION_COUNT:-0}" -gt 0 ]; then
	envs+=("GIT_PUSH_OPTION_COUNT=$GIT_PUSH_OPTION_COUNT")
	for ((i = 0; i < GIT_PUSH_OPTION_COUNT; i++)); do
		o="GIT_PUSH_OPTION_$i"; envs+=("$o=${!o}")
	done
fi
[ -n "${GIT_OBJECT_DIRECTORY+x}" ] && envs+=("GIT_OBJECT_DIRECTORY=$GIT_OBJECT_DIRECTORY")
[ -n "${GIT_ALTERNATE_OBJECT_DIRECTORIES+x}" ] &&
	envs+=("GIT_ALTERNATE_OBJECT_DIRECTORIES=$GIT_ALTERNATE_OBJECT_DIRECTORIES")
envs+=("GIT_DIR=$repo" "GL_REPOSITORY=project-1" "GL_PROJECT_PATH=group/app"
       "GL_ID=${SIM_GL_ID:-}" "GL_USERNAME=${SIM_GL_USERNAME:-}" "GL_PROTOCOL=ssh")
[ -n "${SIM_ENV_DUMP:-}" ] && printf '%s\n' "${envs[@]}" >"$SIM_ENV_DUMP.$hook"
files=()
[ -f "$repo/custom_hooks/$hook" ] && [ -x "$repo/custom_hooks/$hook" ] && files+=("$repo/custom_hooks/$hook")
for f in "$repo/custom_hooks/$hook.d"/*; do
	case "$f" in *~) continue ;; esac
	[ -f "$f" ] && [ -x "$f" ] && files+=("$f")
done
for f in "${files[@]}"; do
	(cd "$repo" && env -i "${envs[@]}" "$f" "$@" <"$input") || exit 1
done
exit 0
