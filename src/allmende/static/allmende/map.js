/*
 * Organisation and property maps. Plain ES2017, no build step; loaded after Leaflet 1.9.4 and
 * Leaflet.markercluster 1.5.3. No inline handlers, no eval, no HTML built from data
 * (strict CSP with nonces).
 *
 * Reads its configuration from data attributes on #map:
 *   data-geojson-url      API endpoint (GeoJSON FeatureCollection with a boolean `clustered`)
 *   data-outline-url      GeoJSON of the German states, shown when there are no tiles
 *   data-tile-url         tile URL template; empty = no tiles, outline only
 *   data-attribution      attribution for the tiles
 *   data-label-cluster    text after the count of a cluster ("organisations – zoom in")
 *   data-label-count      text after the number in #map-status ("organisations in view")
 *   data-label-error      optional: status text when loading fails
 *
 * The filter form #map-filters (optional) adds its values to the query; links marked with
 * data-filter-link (e.g. the same data as a list) keep the form's current filters.
 */
(function () {
  'use strict';

  // Must be read while the script runs for the first time (null in callbacks).
  const script = document.currentScript;
  const mapEl = document.getElementById('map');
  if (!mapEl || typeof L === 'undefined') {
    return;
  }

  const DEFAULT_CENTER = [51.2, 10.4];
  const DEFAULT_ZOOM = 6;
  const MIN_ZOOM = 4;
  const MAX_ZOOM = 18;
  const OUTLINE_ATTRIBUTION = '© GeoBasis-DE / BKG (2017)';

  const data = mapEl.dataset;
  const labelCluster = data.labelCluster || 'organisations – zoom in';
  const labelCount = data.labelCount || 'organisations in view';
  const labelError = data.labelError || 'The map data could not be loaded.';
  const statusEl = document.getElementById('map-status');
  const form = document.getElementById('map-filters');

  // Default marker images live in the vendored Leaflet folder: <static>/vendor/leaflet/images/
  // (this script is <static>/allmende/map.js, possibly with a hashed file name).
  if (script && script.src) {
    L.Icon.Default.imagePath = new URL('../vendor/leaflet/images/', script.src).href;
  }

  function initialView() {
    const params = new URLSearchParams(window.location.search);
    const lat = parseFloat(params.get('lat'));
    const lon = parseFloat(params.get('lon'));
    const zoom = parseInt(params.get('zoom'), 10);
    if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      const z = Number.isFinite(zoom) ? Math.min(Math.max(zoom, MIN_ZOOM), MAX_ZOOM) : 12;
      return { center: [lat, lon], zoom: z };
    }
    return { center: DEFAULT_CENTER, zoom: DEFAULT_ZOOM };
  }

  const view = initialView();
  const map = L.map(mapEl, {
    center: view.center,
    zoom: view.zoom,
    minZoom: MIN_ZOOM,
    maxZoom: MAX_ZOOM, // markercluster needs a finite maxZoom, also without tiles
  });

  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.attribution || '', maxZoom: MAX_ZOOM }).addTo(map);
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
          attribution: OUTLINE_ATTRIBUTION,
          style: { color: '#767676', weight: 1, opacity: 1, fillColor: '#fdfdfb', fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(function () {
        /* The map still works without the background outline. */
      });
  }

  // Marks a marker's icon element for browser tests and gives it an accessible name.
  function tagOnAdd(marker, testid, label) {
    marker.on('add', function () {
      const el = marker.getElement();
      if (!el) {
        return;
      }
      el.setAttribute('data-testid', testid);
      if (label) {
        el.setAttribute('aria-label', label);
      }
    });
  }

  function formatCount(n) {
    return Number(n).toLocaleString(document.documentElement.lang || undefined);
  }

  const clusterGroup = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      const count = cluster.getChildCount();
      const size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
      return L.divIcon({
        // count is a number: safe to put into the HTML string.
        html: '<div data-testid="map-cluster"><span>' + Number(count) + '</span></div>',
        className: 'marker-cluster marker-cluster-' + size,
        iconSize: L.point(40, 40),
      });
    },
  });
  // Client-side clusters: accessible name, and Enter/Space zooms in like a click.
  map.on('layeradd', function (e) {
    if (L.MarkerCluster && e.layer instanceof L.MarkerCluster) {
      const el = e.layer.getElement();
      if (el) {
        const text = formatCount(e.layer.getChildCount()) + ' ' + labelCluster;
        el.setAttribute('aria-label', text);
        el.setAttribute('title', text);
      }
    }
  });
  clusterGroup.on('clusterkeypress', function (e) {
    if (isActivationKey(e.originalEvent)) {
      e.originalEvent.preventDefault();
      e.layer.zoomToBounds();
    }
  });
  clusterGroup.addTo(map);

  // Server-side clusters are plain markers in their own layer group.
  const serverClusters = L.layerGroup().addTo(map);

  function isActivationKey(ev) {
    return !!ev && (ev.key === 'Enter' || ev.key === ' ' || ev.keyCode === 13 || ev.keyCode === 32);
  }

  function safeHref(url) {
    if (typeof url !== 'string' || url === '') {
      return null;
    }
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
    } catch (err) {
      return null;
    }
  }

  function popupContent(props) {
    const box = document.createElement('div');
    box.className = 'map-popup';
    const title = document.createElement('p');
    title.className = 'map-popup-title';
    const href = safeHref(props.url);
    if (href) {
      const link = document.createElement('a');
      link.href = href;
      link.textContent = props.name || '';
      title.appendChild(link);
    } else {
      title.textContent = props.name || '';
    }
    box.appendChild(title);
    const details = [props.kind_label, props.city].filter(function (v) {
      return typeof v === 'string' && v !== '';
    });
    if (details.length) {
      const meta = document.createElement('p');
      meta.className = 'map-popup-meta';
      meta.textContent = details.join(' · ');
      box.appendChild(meta);
    }
    return box;
  }

  function latLngOf(feature) {
    const g = feature && feature.geometry;
    if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) {
      return null;
    }
    const lon = Number(g.coordinates[0]);
    const lat = Number(g.coordinates[1]);
    return Number.isFinite(lat) && Number.isFinite(lon) ? L.latLng(lat, lon) : null;
  }

  function showPoints(features) {
    const markers = [];
    features.forEach(function (feature) {
      const latlng = latLngOf(feature);
      if (!latlng) {
        return;
      }
      const props = feature.properties || {};
      const name = String(props.name || '');
      const marker = L.marker(latlng, { title: name, alt: name, keyboard: true });
      marker.bindPopup(popupContent(props));
      tagOnAdd(marker, 'map-marker', null);
      markers.push(marker);
    });
    clusterGroup.addLayers(markers);
    return markers.length;
  }

  function showServerClusters(features) {
    let total = 0;
    features.forEach(function (feature) {
      const latlng = latLngOf(feature);
      if (!latlng) {
        return;
      }
      const props = feature.properties || {};
      const count = Math.max(1, Math.round(Number(props.count) || 1));
      total += count;
      const px = Math.round(Math.min(80, Math.max(32, 32 + 8 * Math.log(count))));
      const text = formatCount(count);
      const label = text + ' ' + labelCluster;
      const span = document.createElement('span');
      span.textContent = text;
      const marker = L.marker(latlng, {
        icon: L.divIcon({ className: 'server-cluster', html: span, iconSize: L.point(px, px) }),
        title: label,
        alt: label,
        keyboard: true,
      });
      const zoomIn = function () {
        map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
      };
      marker.on('click', zoomIn);
      marker.on('keypress', function (e) {
        if (isActivationKey(e.originalEvent)) {
          e.originalEvent.preventDefault();
          zoomIn();
        }
      });
      tagOnAdd(marker, 'map-marker', label);
      serverClusters.addLayer(marker);
    });
    return total;
  }

  function setStatus(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }

  // Filter query from the form: empty values and the honeypot field are left out.
  function filterQuery() {
    const out = new URLSearchParams();
    if (!form) {
      return out;
    }
    new URLSearchParams(new FormData(form)).forEach(function (value, key) {
      if (key !== 'website_url' && value !== '') {
        out.append(key, value);
      }
    });
    return out;
  }

  let controller = null;
  let requestSeq = 0;

  async function load() {
    if (!data.geojsonUrl) {
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const seq = ++requestSeq;
    const query = filterQuery().toString();
    const url =
      data.geojsonUrl +
      (data.geojsonUrl.indexOf('?') === -1 ? '?' : '&') +
      'bbox=' + map.getBounds().toBBoxString() +
      '&zoom=' + map.getZoom() +
      (query ? '&' + query : '');
    mapEl.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(url, {
        signal: controller.signal,
        credentials: 'same-origin',
        headers: { Accept: 'application/geo+json, application/json' },
      });
      if (!res.ok) {
        throw new Error('HTTP ' + res.status);
      }
      const body = await res.json();
      if (seq !== requestSeq) {
        return;
      }
      const features = Array.isArray(body.features) ? body.features : [];
      clusterGroup.clearLayers();
      serverClusters.clearLayers();
      const n = body.clustered === true ? showServerClusters(features) : showPoints(features);
      setStatus(formatCount(n) + ' ' + labelCount);
    } catch (err) {
      if (err && err.name === 'AbortError') {
        return;
      }
      if (seq === requestSeq) {
        setStatus(labelError);
      }
    } finally {
      if (seq === requestSeq) {
        mapEl.removeAttribute('aria-busy');
      }
    }
  }

  map.on('moveend', load);

  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      const query = filterQuery().toString();
      window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : ''));
      document.querySelectorAll('a[data-filter-link]').forEach(function (link) {
        const target = new URL(link.href, window.location.href);
        target.search = query;
        link.href = target.pathname + target.search;
      });
      load();
    });
  }

  map.whenReady(load);
})();
