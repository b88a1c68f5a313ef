#!/usr/bin/env bash
# Vendor Leaflet and Leaflet.markercluster into src/allmende/static/vendor/.
#
# Fetches the pinned releases from the npm registry with `npm pack` into a temporary directory
# and copies only the distributable files (plus licences) into the static tree, so the app
# serves them itself (no CDN). Re-run after changing the versions below; the target folders
# are replaced as a whole.
#
#   leaflet                 BSD-2-Clause  (c) Volodymyr Agafonkin, CloudMade
#   leaflet.markercluster   MIT           (c) David Leaver
#
# The .js.map files are copied too: the minified bundles end in `//# sourceMappingURL=...`,
# and Django's ManifestStaticFilesStorage (collectstatic) fails on a missing map file.
set -euo pipefail

LEAFLET_VERSION="1.9.4"
MARKERCLUSTER_VERSION="1.5.3"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="${repo_root}/src/allmende/static/vendor"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

# Download and unpack one npm package into ${tmp}/<name>; prints the unpacked folder.
fetch() {
    local spec="$1" name="$2"
    local tarball
    tarball="$(cd "${tmp}" && npm pack "${spec}" --pack-destination "${tmp}" --silent | tail -n 1)"
    mkdir -p "${tmp}/${name}"
    tar -xzf "${tmp}/${tarball}" -C "${tmp}/${name}" --strip-components=1
    echo "${tmp}/${name}"
}

leaflet="$(fetch "leaflet@${LEAFLET_VERSION}" leaflet)"
markercluster="$(fetch "leaflet.markercluster@${MARKERCLUSTER_VERSION}" markercluster)"

# Check that npm gave us what we pinned.
for pair in "${leaflet}:${LEAFLET_VERSION}" "${markercluster}:${MARKERCLUSTER_VERSION}"; do
    dir="${pair%%:*}" want="${pair##*:}"
    got="$(node -p "require('${dir}/package.json').version")"
    [[ "${got}" == "${want}" ]] || { echo "version mismatch in ${dir}: ${got} != ${want}" >&2; exit 1; }
done

rm -rf "${vendor_dir}/leaflet" "${vendor_dir}/leaflet.markercluster"
mkdir -p "${vendor_dir}/leaflet/images" "${vendor_dir}/leaflet.markercluster"

install -m 0644 \
    "${leaflet}/dist/leaflet.js" \
    "${leaflet}/dist/leaflet.js.map" \
    "${leaflet}/dist/leaflet.css" \
    "${leaflet}/LICENSE" \
    "${vendor_dir}/leaflet/"
install -m 0644 "${leaflet}"/dist/images/* "${vendor_dir}/leaflet/images/"

install -m 0644 \
    "${markercluster}/dist/leaflet.markercluster.js" \
    "${markercluster}/dist/leaflet.markercluster.js.map" \
    "${markercluster}/dist/MarkerCluster.css" \
    "${markercluster}/dist/MarkerCluster.Default.css" \
    "${markercluster}/MIT-LICENCE.txt" \
    "${vendor_dir}/leaflet.markercluster/"

cat >"${vendor_dir}/VERSIONS" <<EOF
# Vendored by scripts/vendor_static.sh from the npm registry (npm pack). Do not edit by hand.
leaflet ${LEAFLET_VERSION} BSD-2-Clause
leaflet.markercluster ${MARKERCLUSTER_VERSION} MIT
EOF

echo "Vendored into ${vendor_dir}:"
(cd "${vendor_dir}" && find . -type f | sort | xargs ls -l | awk '{printf "  %8d  %s\n", $5, $NF}')
