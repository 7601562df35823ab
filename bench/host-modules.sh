# Sourced by the linter benchmarks: `modargs`, the --module-path arguments for
# this host's PAM module directories, so that copied or generated trees
# resolve their modules as the host's own /etc/pam.d does.
modargs=()
for d in /lib/*-linux-*/security /usr/lib/*-linux-*/security /lib64/security /usr/lib64/security; do
  if [ -d "$d" ]; then modargs+=(--module-path "$d"); fi
done
