/*
 * The small map on an example place's page: one marker at the place, over the state
 * outlines (or tiles when MAP_TILE_URL is set). Plain ES2017, loaded after Leaflet 1.9.4;
 * no inline handlers, no HTML built from data (strict CSP with nonces).
 *
 * Reads its configuration from data attributes on #place-map:
 *   data-lat, data-lon    the place's position
 *   data-name             the place's name (marker title)
 *   data-outline-url      GeoJSON of the German states, shown when there are no tiles
 *   data-tile-url         tile URL template; empty = no tiles, outline only
 *   data-attribution      attribution for the tiles
 * The coordinates are also printed next to the map, so nothing is lost without it.
 */
(function () {
  'use strict';

  const script = document.currentScript;
  const mapEl = document.getElementById('place-map');
  if (!mapEl || typeof L === 'undefined') {
    return;
  }
  const data = mapEl.dataset;
  const lat = parseFloat(data.lat);
  const lon = parseFloat(data.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
    return;
  }
  if (script && script.src) {
    L.Icon.Default.imagePath = new URL('../vendor/leaflet/images/', script.src).href;
  }
  // The shared stylesheet sizes the big maps; this one is a small overview.
  mapEl.style.height = '320px';
  mapEl.style.minHeight = '0';

  const map = L.map(mapEl, { center: [lat, lon], zoom: data.tileUrl ? 13 : 8, minZoom: 4, maxZoom: 18 });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.attribution || '', maxZoom: 18 }).addTo(map);
  } else if (data.outlineUrl) {
    fetch(data.outlineUrl, { credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) {
          throw new Error('HTTP ' + res.status);
        }
        return res.json();
      })
      .then(function (outline) {
        L.geoJSON(outline, {
          interactive: false,
          attribution: '© GeoBasis-DE / BKG (2017)',
          style: { color: '#767676', weight: 1, opacity: 1, fillColor: '#fdfdfb', fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(function () {
        /* The marker is still shown without the outline. */
      });
  }
  const name = String(data.name || '');
  const marker = L.marker([lat, lon], { title: name, alt: name, keyboard: false, interactive: false });
  marker.on('add', function () {
    const el = marker.getElement();
    if (el) {
      el.setAttribute('data-testid', 'place-marker');
    }
  });
  marker.addTo(map);
})();
