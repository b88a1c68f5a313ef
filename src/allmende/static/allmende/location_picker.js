/*
 * A map pin for a location form: clicking the map or dragging the pin writes its position
 * into the latitude and longitude fields, and typing into the fields moves the pin. The
 * number fields stay the way to enter a position without JavaScript or without a pointer.
 * Plain ES2017, loaded after Leaflet 1.9.4; no inline handlers, no HTML built from data
 * (strict CSP with nonces).
 *
 * Reads its configuration from data attributes on [data-location-picker]:
 *   data-lat-input, data-lon-input   ids of the latitude and longitude inputs
 *   data-outline-url      GeoJSON of the German states, shown when there are no tiles
 *   data-tile-url         tile URL template; empty = no tiles, outline only
 *   data-attribution      attribution for the tiles
 *   data-label-marker     accessible name of the pin
 *   data-label-set        status text after setting the pin; {lat} and {lon} are replaced
 * The element (and its help text, [data-location-picker-help]) are hidden until this runs.
 */
(function () {
  'use strict';

  const script = document.currentScript;
  const mapEl = document.querySelector('[data-location-picker]');
  if (!mapEl || typeof L === 'undefined') {
    return;
  }
  const data = mapEl.dataset;
  const latInput = document.getElementById(data.latInput);
  const lonInput = document.getElementById(data.lonInput);
  if (!latInput || !lonInput) {
    return;
  }
  if (script && script.src) {
    L.Icon.Default.imagePath = new URL('../vendor/leaflet/images/', script.src).href;
  }

  const DECIMALS = 5; // about one metre
  const GERMANY = [51.2, 10.4];
  const statusEl = document.getElementById(mapEl.id + '-status');
  const help = document.querySelector('[data-location-picker-help]');
  // The shared stylesheet sizes the big maps; this one sits inside a form.
  mapEl.style.height = '360px';
  mapEl.style.minHeight = '0';
  mapEl.hidden = false;
  if (help) {
    help.hidden = false;
  }

  function fieldPosition() {
    const lat = parseFloat(latInput.value);
    const lon = parseFloat(lonInput.value);
    if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      return [lat, lon];
    }
    return null;
  }

  const start = fieldPosition();
  const closeZoom = data.tileUrl ? 15 : 10;
  const map = L.map(mapEl, {
    center: start || GERMANY,
    zoom: start ? closeZoom : 6,
    minZoom: 4,
    maxZoom: 18,
  });

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
        /* Clicking still works without the outline. */
      });
  }

  const label = String(data.labelMarker || 'Position');
  let marker = null;

  function announce(lat, lon) {
    if (statusEl && data.labelSet) {
      statusEl.textContent = data.labelSet.replace('{lat}', lat).replace('{lon}', lon);
    }
  }

  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, { draggable: true, autoPan: true, title: label, alt: label });
    marker.on('add', function () {
      const el = marker.getElement();
      if (el) {
        el.setAttribute('data-testid', 'location-marker');
      }
    });
    marker.on('dragend', function () {
      write(marker.getLatLng());
    });
    marker.addTo(map);
  }

  let writing = false;

  function write(latlng) {
    const wrapped = latlng.wrap();
    const lat = wrapped.lat.toFixed(DECIMALS);
    const lon = wrapped.lng.toFixed(DECIMALS);
    latInput.value = lat;
    lonInput.value = lon;
    // Other scripts (and htmx) may listen to the fields; our own listener ignores these.
    writing = true;
    [latInput, lonInput].forEach(function (input) {
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    writing = false;
    announce(lat, lon);
  }

  if (start) {
    place(start);
  }

  map.on('click', function (event) {
    place(event.latlng);
    write(event.latlng);
  });

  function fromFields() {
    if (writing) {
      return;
    }
    const position = fieldPosition();
    if (position) {
      place(position);
      map.panTo(position);
    } else if (marker && !latInput.value && !lonInput.value) {
      map.removeLayer(marker);
      marker = null;
    }
  }
  latInput.addEventListener('change', fromFields);
  lonInput.addEventListener('change', fromFields);
})();
