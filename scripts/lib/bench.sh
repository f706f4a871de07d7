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
# (with the system's PATH: root's own tool folders are closed to the owner)
as_owner() {
	if [ "$(id -un)" = "$owner" ]; then
		bash -c "$1"
	else
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin su "$owner" -s /bin/bash -c "$1"
	fi
}

bench() { (cd "$bench_dir" && as_owner "$(printf '%q ' bench "$@")"); }

# the bench's database port (3306 unless the bench has a MariaDB of its own, see setup-bench --db-port)
db_port() {
	grep -Eo '"db_port": *[0-9]+' "$bench_dir/sites/common_site_config.json" 2>/dev/null | grep -Eo '[0-9]+$' || echo 3306
}

# buffer_pool_mb: InnoDB's cache of tables and indexes, a quarter of the machine's memory (128 MB to
# 8 GB, in steps of 128 MB): MariaDB's default of 128 MB reads a store of a million customers from disk
buffer_pool_mb() {
	awk '/^MemTotal:/ { mb = int($2 / 1024 / 4 / 128) * 128; if (mb < 128) mb = 128; if (mb > 8192) mb = 8192; print mb }' /proc/meminfo
}

# mariadb_up PORT / start_mariadb PORT: the machine's MariaDB on 3306; on another port, a MariaDB of
# the bench's own whose data lives beside the bench (made by setup-bench)
mariadb_data() { echo "$(dirname "$bench_dir")/mariadb-$1"; }
mariadb_up() {
	if [ "$1" = 3306 ]; then mysqladmin ping >/dev/null 2>&1; else mysqladmin --socket="$(mariadb_data "$1")/mysqld.sock" ping >/dev/null 2>&1; fi
}
start_mariadb() {
	local port=$1 data
	mariadb_up "$port" && return 0
	echo "starting MariaDB on port $port"
	if [ "$port" = 3306 ]; then
		${SUDO:-} service mariadb start >/dev/null 2>&1 || (${SUDO:-} mysqld_safe >/dev/null 2>&1 &)
	else
		data=$(mariadb_data "$port")
		(${SUDO:-} mysqld_safe --no-defaults --datadir="$data" --port="$port" --socket="$data/mysqld.sock" \
			--pid-file="$data/mysqld.pid" --user=mysql --character-set-server=utf8mb4 \
			--collation-server=utf8mb4_unicode_ci --character-set-client-handshake=FALSE \
			--innodb-buffer-pool-size="$(buffer_pool_mb)M" --skip-log-error >/dev/null 2>&1 &)
	fi
	for _ in $(seq 1 60); do mariadb_up "$port" && return 0; sleep 1; done
	return 1
}

# start_services: MariaDB and the bench's Redis, when they are not running; returns 1 without MariaDB
start_services() {
	local kind port
	start_mariadb "$(db_port)" || return 1
	for kind in cache queue; do
		port=$(grep -Eo "redis_$kind\": \"redis://[^\"]+" "$bench_dir/sites/common_site_config.json" | grep -Eo '[0-9]+$')
		if [ -n "$port" ] && ! redis-cli -p "$port" ping >/dev/null 2>&1; then
			echo "starting redis $kind on port $port"
			as_owner "cd '$bench_dir' && redis-server config/redis_$kind.conf --daemonize yes" >/dev/null
		fi
	done
}

# install_checkout REPO: this checkout into the bench's apps/ (a copy, so the bench never runs a work
# tree being edited), listed in apps.txt and installed into the bench's Python
install_checkout() {
	local repo=$1 app=jewel_clienteling target="$bench_dir/apps/jewel_clienteling"
	# emptied first: a file renamed or removed in the checkout must not live on in the bench's copy
	as_owner "mkdir -p '$target' && find '$target' -mindepth 1 -maxdepth 1 -exec rm -rf {} +" || return 1
	tar -C "$repo" --exclude=./.venv --exclude='*/__pycache__' --exclude=./.pytest_cache --exclude=./.git -cf - . |
		as_owner "tar -C '$target' -xf -" || return 1
	grep -qx "$app" "$bench_dir/sites/apps.txt" ||
		as_owner "printf '\n$app\n' >> '$bench_dir/sites/apps.txt' && sed -i '/^\$/d' '$bench_dir/sites/apps.txt'"
	if ! as_owner "cd '$bench_dir/sites' && ../env/bin/python -c 'import $app, sys; sys.exit(0 if \"$target\" in $app.__file__ else 1)'" 2>/dev/null; then
		as_owner "cd '$bench_dir' && (uv pip install -q -e apps/$app --python env/bin/python 2>/dev/null || ./env/bin/pip install -q -e apps/$app)" || return 1
	fi
}

# install_app_on SITE: install-app that cannot half-happen. Frappe keeps the map of each app's modules
# in Redis, per site; a site used before the app was added to apps.txt holds a map without it, and
# install-app's process reads that map at start-up, so it synced none of the app's doctypes and
# failed in after_install (the app's before_install rebuilds the map too). The cache is cleared in a
# process of its own first, and the install is then checked: every doctype, field and record present.
install_app_on() {
	local site=$1 log
	log=$(mktemp)
	chmod 644 "$log"
	bench --site "$site" clear-cache >/dev/null 2>&1
	if ! bench --site "$site" install-app jewel_clienteling >"$log" 2>&1; then
		grep -v "Updating DocTypes" "$log" | tail -40
		return 1
	fi
	bench --site "$site" execute jewel_clienteling.setup.verify.missing_after_install >"$log" 2>&1
	if [ "$(tail -1 "$log")" != "[]" ]; then
		echo "install-app left these missing: $(tail -1 "$log")"
		return 1
	fi
}

# get_whatsapp_app [VENDOR]: frappe_whatsapp (the WhatsApp app many stores already run) into the
# bench, for the tests that prove this app lives beside it. From VENDOR's frappe_whatsapp-*.tar.gz
# (made a git repository beside the bench, as bench get-app wants one), else from GitHub.
WHATSAPP_REPO=${JC_WHATSAPP_REPO:-https://github.com/shridarpatil/frappe_whatsapp}
get_whatsapp_app() {
	local vendor=${1:-} src=$WHATSAPP_REPO tarball sources
	[ -d "$bench_dir/apps/frappe_whatsapp" ] && return 0
	tarball=$( [ -n "$vendor" ] && ls "$vendor"/frappe_whatsapp-[0-9]*.tar.gz 2>/dev/null | tail -1)
	if [ -n "$tarball" ]; then
		sources="$(dirname "$bench_dir")/.jc-sources"
		src="$sources/frappe_whatsapp"
		if [ ! -d "$src/.git" ]; then
			as_owner "mkdir -p '$sources' && cd '$sources' && tar xzf '$tarball' && cd frappe_whatsapp &&
				git init -q -b main && git add -A &&
				git -c user.name=vendor -c user.email=vendor@localhost commit -q -m '$(basename "$tarball")'" || return 1
		fi
	fi
	as_owner "cd '$bench_dir' && bench get-app '$src'"
}
