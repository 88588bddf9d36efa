#!/usr/bin/env bash
# Copy the front-end files ASTN serves out of node_modules into var/vendor
# (git-ignored), where STATICFILES_DIRS picks them up as static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${ASTN_VAR_DIR:-var}/vendor"
rm -rf "$dest"
mkdir -p "$dest/bootstrap/css" "$dest/bootstrap/js" "$dest/bootstrap-icons/font/fonts" "$dest/chart.js"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/css/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/js/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/font/"
cp node_modules/bootstrap-icons/font/fonts/* "$dest/bootstrap-icons/font/fonts/"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/chart.js/"
[ -f node_modules/chart.js/dist/chart.umd.min.js.map ] && cp node_modules/chart.js/dist/chart.umd.min.js.map "$dest/chart.js/" || true
echo "front-end assets copied to $dest"
