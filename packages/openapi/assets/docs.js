// The /docs console: Swagger UI (swagger-ui-dist, served by this server) with Waymark's settings.
// No inline script (the page's CSP is script-src 'self'): the settings come from a data attribute.
//
// Tokens and parameters live in sessionStorage only, never localStorage: they survive a reload
// of this tab and are gone with it (and in any other tab or browser context). Swagger UI's own
// `persistAuthorization` would use localStorage, so it stays off and its persist hook is
// replaced below.
(function () {
  'use strict';
  var root = document.getElementById('swagger-ui');
  var settings = JSON.parse(root.getAttribute('data-settings'));
  var AUTH_KEY = 'waymark.docs.authorized';
  var PARAMS_KEY = 'waymark.docs.parameters';
  var store = window.sessionStorage;

  function read(key) {
    try {
      return JSON.parse(store.getItem(key) || 'null');
    } catch {
      return null;
    }
  }

  function saveAuthorization(system) {
    var authorized = system.authSelectors.authorized();
    store.setItem(AUTH_KEY, JSON.stringify(authorized && authorized.toJS ? authorized.toJS() : {}));
  }

  // Parameter values by location and name ("header:If-Match", "path:id"), shared by every operation.
  var applying = false;
  function applyParameters(system, only) {
    var saved = read(PARAMS_KEY) || {};
    var paths = system.specSelectors.specJson().get('paths');
    if (!paths) return;
    applying = true;
    try {
      paths.forEach(function (item, path) {
        item.forEach(function (op, method) {
          if (!op || !op.get || !op.get('parameters')) return;
          op.get('parameters').forEach(function (param) {
            var key = param.get('in') + ':' + param.get('name');
            if (only !== undefined && key !== only) return;
            if (saved[key] === undefined) return;
            system.specActions.changeParamByIdentity([path, method], param, saved[key]);
          });
        });
      });
    } finally {
      applying = false;
    }
  }

  // The operation's examples in curl, JavaScript and Python (the document's x-codeSamples), under its parameters.
  function samplesOf(system, pathMethod) {
    var React = system.React;
    var samples = pathMethod ? system.specSelectors.specJson().getIn(['paths', pathMethod[0], pathMethod[1], 'x-codeSamples']) : null;
    if (!samples || !samples.size) return null;
    return React.createElement(
      'div',
      { className: 'waymark-samples' },
      React.createElement('h4', null, 'Examples'),
      samples
        .map(function (sample) {
          return React.createElement(
            'details',
            { key: sample.get('label') },
            React.createElement('summary', null, sample.get('label')),
            React.createElement('pre', null, sample.get('source')),
          );
        })
        .toArray(),
    );
  }

  function WaymarkSessionPlugin() {
    return {
      wrapComponents: {
        parameters: function (Original, system) {
          return function (props) {
            return system.React.createElement(
              'div',
              null,
              system.React.createElement(Original, props),
              samplesOf(system, props.pathMethod),
            );
          };
        },
      },
      statePlugins: {
        auth: {
          wrapActions: {
            // Swagger UI calls this after every authorize and logout: keep the result in this tab only.
            persistAuthorizationIfNeeded: function (_original, system) {
              return function () {
                saveAuthorization(system);
              };
            },
            authorize: function (original, system) {
              return function (payload) {
                var result = original(payload);
                saveAuthorization(system);
                return result;
              };
            },
            logout: function (original, system) {
              return function (payload) {
                var result = original(payload);
                saveAuthorization(system);
                return result;
              };
            },
          },
        },
        spec: {
          wrapActions: {
            changeParamByIdentity: function (original, system) {
              return function (pathMethod, param, value, isXml, noWrap) {
                var result = original(pathMethod, param, value, isXml, noWrap);
                if (!applying && param && param.get) {
                  var key = param.get('in') + ':' + param.get('name');
                  var saved = read(PARAMS_KEY) || {};
                  saved[key] = value;
                  store.setItem(PARAMS_KEY, JSON.stringify(saved));
                  applyParameters(system, key);
                }
                return result;
              };
            },
          },
        },
      },
    };
  }

  var base = window.location.href.split(/[?#]/)[0].replace(/\/docs\/?$/, '');
  var ui = window.SwaggerUIBundle({
    url: base + '/' + settings.url,
    dom_id: '#swagger-ui',
    deepLinking: false,
    persistAuthorization: false,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    oauth2RedirectUrl: base + '/docs/oauth2-redirect.html',
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [WaymarkSessionPlugin],
    layout: 'BaseLayout',
    onComplete: function () {
      var authorized = read(AUTH_KEY);
      if (authorized && Object.keys(authorized).length > 0) ui.authActions.restoreAuthorization({ authorized: authorized });
      applyParameters(ui);
    },
  });
  var query = {};
  if (settings.resource) query.resource = settings.resource;
  ui.initOAuth({
    clientId: settings.clientId,
    scopes: settings.scopes,
    usePkceWithAuthorizationCodeGrant: true,
    additionalQueryStringParams: query,
  });
  window.waymarkDocs = ui;
})();
