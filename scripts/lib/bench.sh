# Shared by the scripts in scripts/: find the Frappe bench, run bench as its owner, start its services.
# Source it; it defines functions only.

# find_bench: sets bench_dir to $FRAPPE_BENCH, else the usual places; returns 1 when none has ERPNext
find_bench() {
	bench_dir=""
	local candidate
	for candidate in "${FRAPPE_BENCH:-}" /home/frappe/frappe-bench "${HOME:-/root}/frappe-bench" /home/*/frappe-bench; do
		if [ -n "$candidate" ] && [ -d "$candidate/apps/frappe" ] && [ -d "$candidate/apps/erpnext" ]; then
			bench_dir=$candidate
			owner=$(stat -c %U "$bench_dir")
			return 0
		fi
	done
	return 1
}

# as_owner CMD: bench refuses to run as root, so root runs it as the bench's owner
as_owner() { if [ "$(id -un)" = "$owner" ]; then bash -c "$1"; else su "$owner" -s /bin/bash -c "$1"; fi; }

bench() { (cd "$bench_dir" && as_owner "$(printf '%q ' bench "$@")"); }

# start_services: MariaDB and the bench's Redis, when they are not running; returns 1 without MariaDB
start_services() {
	if ! mysqladmin ping >/dev/null 2>&1; then
		echo "starting MariaDB"
		service mariadb start >/dev/null 2>&1 || (mysqld_safe >/dev/null 2>&1 &)
		for _ in $(seq 1 30); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
	fi
	local kind port
	for kind in cache queue; do
		port=$(grep -Eo "redis_$kind\": \"redis://[^\"]+" "$bench_dir/sites/common_site_config.json" | grep -Eo '[0-9]+$')
		if [ -n "$port" ] && ! redis-cli -p "$port" ping >/dev/null 2>&1; then
			echo "starting redis $kind on port $port"
			as_owner "cd '$bench_dir' && redis-server config/redis_$kind.conf --daemonize yes" >/dev/null
		fi
	done
	mysqladmin ping >/dev/null 2>&1
}
