/*
 * The offline GraphQL explorer: GraphiQL 3 (React 18 UMD) from /vendor, queries POSTed as JSON to /graphql.
 * Tabs: a Kaiyang coverage query (the default), two planner queries, then every operation of
 * schema/examples.graphql, which the server embeds in #sc-examples when it serves this page.
 */
(function () {
  'use strict';

  var DEFAULT_TABS = [
    {
      query: [
        '# Service Circle: the 15-minute medical-insurance',
        '# service circle. Run with the play button (Ctrl-Enter).',
        '#',
        '# Map dashboard: how many villages and residents of',
        '# Kaiyang county (520121) reach a point certifying',
        '# outpatient chronic diseases within 15 minutes by',
        '# e-bike, in all and by township. More tabs: planners',
        '# and integration partners.',
        'query KaiyangCoverage {',
        '  coverage(',
        '    areaCode: "520121"',
        '    itemCode: "CHRONIC_DISEASE_CERT"',
        '    mode: EBIKE',
        '    minutes: 15',
        '  ) {',
        '    villageCount',
        '    coveredVillageCount',
        '    population',
        '    coveredPopulation',
        '    coveredPopulationRatio',
        '    polygonAreaKm2',
        '    byTownship {',
        '      township { code name }',
        '      villageCount',
        '      coveredVillageCount',
        '    }',
        '    provenance { model radiusMeters description }',
        '  }',
        '}',
        '',
      ].join('\n'),
    },
    {
      query: [
        '# Planner: the villages of Kaiyang that do not reach',
        '# chronic-disease certification within 15 minutes by',
        '# e-bike, most people first, with the nearest point.',
        'query KaiyangCoverageGaps {',
        '  coverageGaps(',
        '    areaCode: "520121"',
        '    itemCode: "CHRONIC_DISEASE_CERT"',
        '    mode: EBIKE',
        '    minutes: 15',
        '    first: 10',
        '  ) {',
        '    uncoveredVillageCount',
        '    uncoveredPopulation',
        '    villages {',
        '      village { code name population }',
        '      nearestServicePoint { id name kind }',
        '      distanceMeters',
        '      travelMinutes',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    },
    {
      query: [
        '# Planner: where can residents of 双永社区',
        '# (520121101002) certify a chronic disease, and does',
        '# "major matters within the town" hold for them?',
        'query WhereToHandleChronicDisease {',
        '  whereToHandle(',
        '    villageCode: "520121101002"',
        '    itemCode: "CHRONIC_DISEASE_CERT"',
        '    mode: EBIKE',
        '    minutes: 15',
        '    first: 3',
        '  ) {',
        '    withinRule',
        '    ruleExplanation',
        '    options {',
        '      servicePoint { id name kind }',
        '      distanceMeters',
        '      travelMinutes',
        '      withinBudget',
        '      withinRuleScope',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    },
  ];

  function readExamples() {
    try {
      var node = document.getElementById('sc-examples');
      var list = JSON.parse(node ? node.textContent : '[]');
      return Array.isArray(list) ? list : [];
    } catch (err) {
      console.warn('examples unreadable', err);
      return [];
    }
  }

  /** Whether the operation to run is a subscription (those go over WebSocket, graphql-ws). */
  function isSubscription(params) {
    var source = String(params.query || '');
    var name = params.operationName;
    var re = /(^|\})\s*(query|mutation|subscription)\b\s*([A-Za-z_][A-Za-z0-9_]*)?/g;
    var ops = [];
    var m;
    while ((m = re.exec(source))) ops.push({ kind: m[2], name: m[3] });
    var named = ops.filter(function (op) { return name && op.name === name; })[0];
    var op = named || (ops.length === 1 ? ops[0] : null);
    return !!op && op.kind === 'subscription';
  }

  var wsClients = {};
  /** Subscriptions: a graphql-ws client per set of headers (the key goes in connectionParams). */
  function subscribe(params, headers) {
    var key = JSON.stringify(headers || {});
    if (!wsClients[key]) {
      wsClients[key] = window.graphqlWs.createClient({
        url: (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + '/graphql',
        connectionParams: headers || {},
        lazy: true,
      });
    }
    return wsClients[key].iterate({ query: params.query, variables: params.variables, operationName: params.operationName });
  }

  /** Plain JSON over POST: Apollo's CSRF prevention accepts it, nothing else is needed; subscriptions over WebSocket. */
  function fetcher(params, options) {
    if (window.graphqlWs && isSubscription(params)) return subscribe(params, options && options.headers);
    var headers = Object.assign(
      { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      (options && options.headers) || {},
    );
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(params), credentials: 'same-origin' })
      .then(function (res) {
        return res.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (err) {
            return { errors: [{ message: 'HTTP ' + res.status + ': ' + text.slice(0, 200) }] };
          }
        });
      });
  }

  var tabs = DEFAULT_TABS.concat(readExamples().map(function (op) { return { query: op.query }; }));
  var e = React.createElement;
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    e(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultTabs: tabs,
        defaultEditorToolsVisibility: false,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      },
      e(GraphiQL.Logo, null, 'Service Circle'),
    ),
  );
})();
